package proc

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// PortError says which port is taken and, where it can be found, by which
// process.
type PortError struct {
	Port  int
	Owner string // e.g. "PID 1234 (java)"; empty when unknown
}

func (e *PortError) Error() string {
	if e.Owner != "" {
		return fmt.Sprintf("port %d is already in use by %s", e.Port, e.Owner)
	}
	return fmt.Sprintf("port %d is already in use", e.Port)
}

// CheckPortsFree fails with a *PortError naming the first of ports that
// cannot be listened on at host (e.g. 127.0.0.1).
func CheckPortsFree(host string, ports []int) error {
	for _, p := range ports {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err != nil {
			return &PortError{Port: p, Owner: PortOwner(p)}
		}
		ln.Close()
	}
	return nil
}

// FreePorts returns n distinct ports, free on 127.0.0.1 now and kept
// from every other caller of FreePorts until this process exits, for tests
// that must not use the user's 9091-9093. They come from below the
// kernel's ephemeral range (ip_local_port_range), which it never hands to
// an outgoing connection or a listener on port 0: a port from that range
// could be taken by any connection's local end between the pick and the
// test's listen ("address already in use"). Each port is reserved by
// listening on an abstract Unix socket named for it, which the kernel
// releases when the process ends and which leaves no file. It fails when
// n free ports cannot be found.
func FreePorts(n int) ([]int, error) {
	reserved.Lock()
	defer reserved.Unlock()
	lo, hi := testPortRange()
	var out []int
	for tries := 0; len(out) < n && tries < 20*(hi-lo); tries++ {
		p := lo + rand.IntN(hi-lo)
		if reserved.ports[p] {
			continue
		}
		hold, err := net.Listen("unix", fmt.Sprintf("@kafkastack-test-port-%d", p))
		if err != nil {
			continue // another process holds it
		}
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			hold.Close()
			continue
		}
		ln.Close()
		reserved.ports[p] = true
		reserved.holds = append(reserved.holds, hold)
		out = append(out, p)
	}
	if len(out) < n {
		return nil, fmt.Errorf("finding a free port: %d of %d found in %d-%d", len(out), n, lo, hi-1)
	}
	return out, nil
}

// reserved are the ports FreePorts has handed out in this process, and the
// sockets that keep other processes from them.
var reserved = struct {
	sync.Mutex
	ports map[int]bool
	holds []net.Listener
}{ports: map[int]bool{}}

// testPortRange is [lo, hi): from 20000 up to the start of the kernel's
// ephemeral range, or 20000-32767 when that cannot be read.
func testPortRange() (lo, hi int) {
	lo, hi = 20000, 32768
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return lo, hi
	}
	f := strings.Fields(string(b))
	if len(f) == 2 {
		if start, err := strconv.Atoi(f[0]); err == nil && start > lo+1000 {
			hi = start
		}
	}
	return lo, hi
}

// PortOwner names the process listening on TCP port, as "PID N (comm)",
// by reading /proc. It returns "" when it cannot tell.
func PortOwner(port int) string {
	inodes := listenInodes(port)
	if len(inodes) == 0 {
		return ""
	}
	fds, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range fds {
		target, err := os.Readlink(fd)
		if err != nil || !strings.HasPrefix(target, "socket:[") {
			continue
		}
		if inodes[strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]")] {
			pidDir := filepath.Dir(filepath.Dir(fd))
			comm, _ := os.ReadFile(filepath.Join(pidDir, "comm"))
			return fmt.Sprintf("PID %s (%s)", filepath.Base(pidDir), strings.TrimSpace(string(comm)))
		}
	}
	return ""
}

// AwaitPortsFree returns once a listen succeeds on every one of ports at
// host: a stopped process's ports count as free only then. A port that a
// program listens on fails at once with a *PortError naming its owner. A
// port held only by the closing connections of a process that just died
// (the kernel closes them in the background) is polled for up to bound,
// said once through logf (nil is quiet); after that it fails naming the
// port.
func AwaitPortsFree(ctx context.Context, host string, ports []int, bound time.Duration, logf func(string, ...any)) error {
	return AwaitPortsReleased(ctx, host, ports, bound, nil, logf)
}

// Listening reports whether any socket listens on TCP port, from
// /proc/net/tcp and tcp6 (which show every user's sockets, even when
// their process cannot be named).
func Listening(port int) bool {
	return len(listenInodes(port)) > 0
}

// listenInodes are the socket inodes listening on TCP port.
func listenInodes(port int) map[string]bool {
	inodes := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 10 || fields[3] != "0A" { // 0A = LISTEN
				continue
			}
			_, hexPort, ok := strings.Cut(fields[1], ":")
			if !ok {
				continue
			}
			if p, err := strconv.ParseInt(hexPort, 16, 32); err == nil && int(p) == port {
				inodes[fields[9]] = true
			}
		}
		fh.Close()
	}
	return inodes
}
