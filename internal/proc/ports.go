package proc

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// FreePorts returns n distinct ports that were free on 127.0.0.1 a moment
// ago, for tests that must not use the user's 9091-9093.
func FreePorts(n int) ([]int, error) {
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	var out []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free port: %w", err)
		}
		lns = append(lns, l)
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	return out, nil
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
