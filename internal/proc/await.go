package proc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// AwaitPortsFree waits until every one of ports can be listened on at host,
// for at most bound. Two kinds of holders are waited for, polling every
// 200 ms and saying so once through logf: the closing connections of a
// process that just died (the kernel closes them in the background, e.g. in
// FIN-WAIT-1, and nothing can listen on the port meanwhile), and a listener
// whose owner transient reports as on its way out (such as Docker's proxy
// after its container stopped; transient may be nil). It fails at once,
// naming the port and its owner, when any other program listens on one of
// them, and after bound naming the port still held.
func AwaitPortsFree(ctx context.Context, host string, ports []int, bound time.Duration, transient func(owner string) bool, logf func(string, ...any)) error {
	deadline := time.Now().Add(bound)
	var since time.Time
	for {
		err := CheckPortsFree(host, ports)
		var pe *PortError
		if err == nil {
			if !since.IsZero() && logf != nil {
				logf("the ports are free again after %s", time.Since(since).Round(100*time.Millisecond))
			}
			return nil
		}
		if !errors.As(err, &pe) || time.Now().After(deadline) {
			return err
		}
		waitable := pe.Owner == "" && !Listening(pe.Port) || transient != nil && transient(pe.Owner)
		if !waitable {
			return err
		}
		if since.IsZero() {
			since = time.Now()
			if logf != nil {
				logf("port %d is still held by %s; waiting until it is free (at most %s)", pe.Port, holder(pe), bound)
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (%v)", err, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// holder says what holds a port for AwaitPortsFree's progress line.
func holder(pe *PortError) string {
	if pe.Owner != "" {
		return pe.Owner + ", which is stopping"
	}
	return "closing connections of a stopped process"
}

// Listening reports whether any socket listens on TCP port, from
// /proc/net/tcp and tcp6 (which show every user's sockets, even when
// their process cannot be named).
func Listening(port int) bool {
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 4 || fields[3] != "0A" { // 0A = LISTEN
				continue
			}
			if _, hex, ok := strings.Cut(fields[1], ":"); ok {
				if p, err := strconv.ParseInt(hex, 16, 32); err == nil && int(p) == port {
					fh.Close()
					return true
				}
			}
		}
		fh.Close()
	}
	return false
}
