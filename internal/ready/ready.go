// Package ready waits until a cluster can really serve, for any client and
// any consumer group: every expected broker is in the metadata, a
// controller is elected, every partition of the internal topics
// (__consumer_offsets, and __transaction_state where it exists) has a
// live leader, and the coordinator of a group on each offsets partition
// answers FindCoordinator and OffsetFetch. An open port is not enough, and
// neither is one group coordinator.
package ready

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/sethvargo/go-retry"
	"github.com/twmb/franz-go/pkg/kadm"
)

// Options bound and report a wait.
type Options struct {
	// Expected are the broker ids that must all be in the metadata.
	Expected []int32
	// Timeout bounds the whole wait.
	Timeout time.Duration
	// Out receives one progress line per change of state; nil is quiet.
	Out io.Writer
	// Poll is the longest pause between probes (default 200ms).
	Poll time.Duration
	// AttemptTimeout bounds one probe (default 3s).
	AttemptTimeout time.Duration
}

// Wait probes until the cluster is ready or the timeout runs out. On
// timeout the error names what was missing and wraps the last error seen.
func Wait(ctx context.Context, adm *kadm.Client, o Options) (State, error) {
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = 200 * time.Millisecond
	}
	if o.AttemptTimeout <= 0 {
		o.AttemptTimeout = 3 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	st := State{Controller: -1, Coordinator: -1}
	lastLine := ""
	b := retry.WithCappedDuration(o.Poll, retry.NewExponential(25*time.Millisecond))
	err := retry.Do(ctx, b, func(ctx context.Context) error {
		actx, acancel := context.WithTimeout(ctx, o.AttemptTimeout)
		defer acancel()
		st = Probe(actx, adm, o.Expected, st.LastErr)
		if l := st.line(o.Expected); l != lastLine && o.Out != nil {
			fmt.Fprintln(o.Out, l)
			lastLine = l
		}
		if m := st.Missing(o.Expected); m != "" {
			return retry.RetryableError(errors.New(m))
		}
		return nil
	})
	if err != nil {
		why := st.Missing(o.Expected)
		if why == "" {
			why = err.Error()
		}
		if st.LastErr != nil {
			return st, fmt.Errorf("cluster not ready after %s: %s; last error: %w", o.Timeout, why, st.LastErr)
		}
		return st, fmt.Errorf("cluster not ready after %s: %s", o.Timeout, why)
	}
	return st, nil
}
