package native

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"kafkastack/internal/proc"
)

// portsFreeWait bounds how long Up waits for ports still held by the
// closing connections of a stopped or killed process.
const portsFreeWait = 60 * time.Second

// awaitPortsFree fails at once, naming the port and its owner, when a
// program listens on one of ports. A port held only by connections of a
// process that just died (the kernel closes them in the background, e.g.
// in FIN-WAIT-1) cannot be listened on for a moment either: for those it
// polls for up to portsFreeWait, saying so once through logf, and then
// fails naming the port.
func awaitPortsFree(ctx context.Context, ports []int, logf func(string, ...any)) error {
	deadline := time.Now().Add(portsFreeWait)
	var since time.Time
	for {
		err := proc.CheckPortsFree("127.0.0.1", ports)
		var pe *proc.PortError
		if err == nil {
			if !since.IsZero() {
				logf("the ports are free again after %s", time.Since(since).Round(100*time.Millisecond))
			}
			return nil
		}
		if !errors.As(err, &pe) || pe.Owner != "" || listening(pe.Port) || time.Now().After(deadline) {
			return err
		}
		if since.IsZero() {
			since = time.Now()
			logf("port %d is still held by closing connections of a stopped process; waiting until it is free (at most %s)", pe.Port, portsFreeWait)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (%v)", err, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// listening reports whether any socket listens on TCP port, from
// /proc/net/tcp and tcp6 (which show every user's sockets, even when
// their process cannot be named).
func listening(port int) bool {
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
