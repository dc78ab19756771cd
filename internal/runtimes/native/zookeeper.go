package native

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// zkDumpCommand is ZooKeeper's four-letter command that lists every
// session's ephemeral nodes; ZooKeeperProperties allows it.
const zkDumpCommand = "dump"

// zkEphemerals asks the ZooKeeper at addr (host:port) for its ephemeral
// nodes with the "dump" command. known is false when ZooKeeper refuses the
// command (it is not in its whitelist), so the caller cannot tell.
func zkEphemerals(ctx context.Context, addr string) (nodes map[string]bool, known bool, err error) {
	d := net.Dialer{Timeout: 2 * time.Second}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, false, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, zkDumpCommand); err != nil {
		return nil, false, err
	}
	nodes = map[string]bool{}
	sc := bufio.NewScanner(c)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "not in the whitelist") || strings.Contains(line, "not executed") {
			return nil, false, nil
		}
		if t := strings.TrimSpace(line); strings.HasPrefix(line, "\t") && strings.HasPrefix(t, "/") {
			nodes[t] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, false, err
	}
	return nodes, true, nil
}

// zkTarget splits a zookeeper.connect value ("host:port,host:port/chroot")
// into its first server and its chroot ("" for none).
func zkTarget(connect string) (addr, chroot string) {
	servers, chroot, _ := strings.Cut(connect, "/")
	if chroot != "" {
		chroot = "/" + strings.TrimSuffix(chroot, "/")
	}
	addr, _, _ = strings.Cut(servers, ",")
	return strings.TrimSpace(addr), chroot
}

// awaitRegistrationsGone waits, polling ZooKeeper, until none of brokers
// is still registered there. A broker that was killed keeps its
// /brokers/ids/<id> node until its ZooKeeper session expires (18s by
// default), and a broker started before then exits with NodeExists. It
// fails at deadline, naming the brokers still registered. When ZooKeeper
// refuses the dump command it does not wait.
func (r *Runtime) awaitRegistrationsGone(ctx context.Context, brokers []process, deadline time.Time) error {
	announced := false
	for {
		var held []string
		for _, p := range brokers {
			addr, chroot := zkTarget(p.props["zookeeper.connect"])
			if addr == "" {
				continue
			}
			nodes, known, err := zkEphemerals(ctx, addr)
			if err != nil {
				return fmt.Errorf("starting %s: asking ZooKeeper at %s for its registrations: %w", p.service, addr, err)
			}
			if !known {
				return nil
			}
			if nodes[fmt.Sprintf("%s/brokers/ids/%d", chroot, p.id)] {
				held = append(held, fmt.Sprintf("%s (id %d)", p.service, p.id))
			}
		}
		if len(held) == 0 {
			return nil
		}
		if !announced {
			r.env.Logf("ZooKeeper still holds the registration of %s from a stopped run; waiting until its session expires", strings.Join(held, ", "))
			announced = true
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("starting %s: ZooKeeper still holds its registration from a stopped run after %s", strings.Join(held, ", "), r.env.Config.ReadyTimeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
