// Package ready waits until a cluster can really serve: every expected
// broker is in the metadata, a controller is elected and a group
// coordinator answers (which, on real Kafka, means the internal offsets
// topic exists with its replicas). An open port is not enough.
package ready

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/sethvargo/go-retry"
	"github.com/twmb/franz-go/pkg/kadm"
)

// ProbeGroup is the consumer group whose coordinator the wait looks up.
const ProbeGroup = "kafkastack-ready-probe"

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

// State is what the last probe saw.
type State struct {
	Brokers     []int32
	Controller  int32
	Coordinator int32
	ClusterID   string
	// LastErr is the last error a probe returned.
	LastErr error
}

// Missing describes what the state lacks, e.g. "brokers 2/3 (missing 3)".
func (s State) Missing(expected []int32) string {
	var parts []string
	have := map[int32]bool{}
	for _, b := range s.Brokers {
		have[b] = true
	}
	var missing []string
	for _, id := range expected {
		if !have[id] {
			missing = append(missing, fmt.Sprint(id))
		}
	}
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("brokers %d/%d in metadata (missing %s)", len(expected)-len(missing), len(expected), strings.Join(missing, ", ")))
	}
	if s.Controller < 0 {
		parts = append(parts, "no controller elected")
	}
	if s.Coordinator < 0 {
		parts = append(parts, "no group coordinator")
	}
	return strings.Join(parts, "; ")
}

func (s State) line(expected []int32) string {
	ctrl, coord := "-", "-"
	if s.Controller >= 0 {
		ctrl = fmt.Sprint(s.Controller)
	}
	if s.Coordinator >= 0 {
		coord = fmt.Sprint(s.Coordinator)
	}
	have := 0
	set := map[int32]bool{}
	for _, b := range s.Brokers {
		set[b] = true
	}
	for _, id := range expected {
		if set[id] {
			have++
		}
	}
	return fmt.Sprintf("  brokers %d/%d, controller %s, group coordinator %s", have, len(expected), ctrl, coord)
}

// Wait probes until the cluster is ready or the timeout runs out. On
// timeout the error names what was missing and the last error seen.
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
		st = probe(actx, adm, st)
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
		msg := fmt.Sprintf("cluster not ready after %s: %s", o.Timeout, why)
		if st.LastErr != nil {
			msg += fmt.Sprintf("; last error: %v", st.LastErr)
		}
		return st, errors.New(msg)
	}
	return st, nil
}

// probe runs one round: metadata, then the group coordinator.
func probe(ctx context.Context, adm *kadm.Client, prev State) State {
	st := State{Controller: -1, Coordinator: -1, LastErr: prev.LastErr}
	// kadm caches metadata for seconds; asking for authorized operations
	// bypasses that cache, so every probe sees the cluster as it is now.
	m, err := adm.BrokerMetadata(kadm.WithAuthorizedOps(ctx))
	if err != nil {
		st.LastErr = err
		return st
	}
	st.ClusterID = m.Cluster
	st.Controller = m.Controller
	for _, b := range m.Brokers {
		st.Brokers = append(st.Brokers, b.NodeID)
	}
	sort.Slice(st.Brokers, func(i, j int) bool { return st.Brokers[i] < st.Brokers[j] })
	resp := adm.FindGroupCoordinators(ctx, ProbeGroup)
	if r, ok := resp[ProbeGroup]; ok {
		if r.Err != nil {
			st.LastErr = fmt.Errorf("finding the group coordinator: %w", r.Err)
		} else {
			st.Coordinator = r.NodeID
		}
	}
	return st
}
