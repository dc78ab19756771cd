package proc

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// AwaitPortsReleased is AwaitPortsFree for ports whose listeners are on
// their way out: a port held by a listener whose owner stopping reports as
// stopping (such as Docker's proxy after its container was removed, or a
// listener this user cannot name, as a root proxy is to others) is polled
// like closing connections are, for up to bound, and said once through
// logf (nil is quiet). Any other listener fails at once with a *PortError
// naming its owner; after bound it fails naming the port still held.
func AwaitPortsReleased(ctx context.Context, host string, ports []int, bound time.Duration, stopping func(owner string) bool, logf func(string, ...any)) error {
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
		closing := pe.Owner == "" && !Listening(pe.Port)
		if !closing && (stopping == nil || !stopping(pe.Owner)) {
			return err
		}
		if since.IsZero() {
			since = time.Now()
			what := "closing connections of a stopped process"
			if !closing {
				what = "a listener that is stopping"
				if pe.Owner != "" {
					what = pe.Owner + ", which is stopping"
				}
			}
			if logf != nil {
				logf("port %d is still held by %s; waiting until it is free (at most %s)", pe.Port, what, bound)
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (%v)", err, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
