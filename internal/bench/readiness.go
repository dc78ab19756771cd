package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/ready"
	"kafkastack/internal/stack"
)

// ReadinessTarget is the most the product's wait should return after the
// cluster is truly ready.
const ReadinessTarget = 250 * time.Millisecond

// TightProbeInterval is how often the tight probe looks.
const TightProbeInterval = 10 * time.Millisecond

// Readiness is how late the product's wait noticed a ready cluster.
type Readiness struct {
	// Skipped says why it was not measured; empty when it was.
	Skipped string `json:"skipped,omitempty"`
	// TrulyReady is when the tight probe first saw the cluster ready,
	// counted from the start of the runtime's up.
	TrulyReady time.Duration `json:"truly_ready_ns"`
	// WaitReturned is when up and the product's wait returned.
	WaitReturned time.Duration `json:"wait_returned_ns"`
	// Overhead is WaitReturned - TrulyReady.
	Overhead time.Duration `json:"overhead_ns"`
	// Probes is how many probe rounds ran (each retries its requests
	// every 5ms within the round).
	Probes int `json:"probe_rounds"`
}

// readyNow reports whether the cluster is ready by the product's own
// condition, ready.Probe's.
func readyNow(ctx context.Context, adm *kadm.Client, expected []int32) bool {
	return ready.Probe(ctx, adm, expected, nil).Ready(expected)
}

// MeasureReadiness stops the cluster, then starts it the way `mage up`
// does (the runtime's up, then the product's wait) while a tight probe
// checks the same condition every TightProbeInterval, and reports how long
// after the first ready probe the wait returned. The cluster is running
// again when it returns without error. The external runtime is skipped,
// since kafkastack cannot stop it. It fails when down, up or the wait
// fails, with their output.
func MeasureReadiness(ctx context.Context, s *stack.Stack) (Readiness, error) {
	if !cluster.Managed(s.Runtime) {
		return Readiness{Skipped: "the " + s.Runtime.Name() + " runtime's cluster cannot be stopped and started by kafkastack"}, nil
	}
	var log bytes.Buffer
	out := s.Env.Out
	s.Env.Out = &log
	defer func() { s.Env.Out = out }()
	fail := func(step string, err error) (Readiness, error) {
		return Readiness{}, fmt.Errorf("measuring readiness: %s: %w\n%s", step, err, log.String())
	}
	if err := s.Down(ctx); err != nil {
		return fail("stopping the cluster", err)
	}

	// The probe's client retries fast, so that its own backoff does not
	// hide the moment the cluster turns ready.
	opts, err := s.ClientOpts(
		kgo.RetryBackoffFn(func(int) time.Duration { return 5 * time.Millisecond }),
		kgo.DialTimeout(time.Second),
	)
	if err != nil {
		return fail("building the probe client", err)
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return fail("building the probe client", err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	expected := s.ExpectedBrokers()

	pctx, stopProbe := context.WithCancel(ctx)
	defer stopProbe()
	var (
		wg      sync.WaitGroup
		readyAt time.Time
		probes  int
	)
	start := time.Now()
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(TightProbeInterval)
		defer tick.Stop()
		for {
			probes++
			actx, cancel := context.WithTimeout(pctx, 500*time.Millisecond)
			ok := readyNow(actx, adm, expected)
			cancel()
			if ok {
				readyAt = time.Now()
				return
			}
			select {
			case <-pctx.Done():
				return
			case <-tick.C:
			}
		}
	}()

	err = s.Runtime.Up(ctx)
	if errors.Is(err, cluster.ErrAlreadyRunning) {
		err = errors.New("the cluster was already running again right after down: something else started it")
	}
	if err == nil {
		err = s.Wait(ctx)
	}
	returned := time.Now()
	if err != nil {
		stopProbe()
		wg.Wait()
		return fail("starting the cluster", err)
	}
	// The wait has seen the cluster ready, so the probe will soon too;
	// give it the ready timeout at most.
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(s.Env.Config.ReadyTimeout):
		stopProbe()
		<-done
	}
	if readyAt.IsZero() {
		return fail("probing", fmt.Errorf("the tight probe never saw the cluster ready although the wait returned"))
	}
	r := Readiness{
		TrulyReady:   readyAt.Sub(start),
		WaitReturned: returned.Sub(start),
		Probes:       probes,
	}
	r.Overhead = r.WaitReturned - r.TrulyReady
	return r, nil
}
