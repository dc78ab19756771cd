package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
	adm, cl, err := probeClient(s)
	if err != nil {
		return fail("building the probe client", err)
	}
	defer cl.Close()
	p := startProbe(ctx, adm, s.ExpectedBrokers())
	defer p.stop()
	err = upAndWait(ctx, s)
	returned := time.Now()
	if err != nil {
		p.stop()
		return fail("starting the cluster", err)
	}
	// The wait has seen the cluster ready, so the probe will soon too;
	// give it the ready timeout at most.
	p.waitAtMost(s.Env.Config.ReadyTimeout)
	if p.readyAt.IsZero() {
		return fail("probing", fmt.Errorf("the tight probe never saw the cluster ready although the wait returned"))
	}
	r := Readiness{
		TrulyReady:   p.readyAt.Sub(p.start),
		WaitReturned: returned.Sub(p.start),
		Probes:       p.probes,
	}
	r.Overhead = r.WaitReturned - r.TrulyReady
	return r, nil
}

// probeClient builds the tight probe's admin client. It retries fast, so
// that its own backoff does not hide the moment the cluster turns ready.
func probeClient(s *stack.Stack) (*kadm.Client, *kgo.Client, error) {
	opts, err := s.ClientOpts(
		kgo.RetryBackoffFn(func(int) time.Duration { return 5 * time.Millisecond }),
		kgo.DialTimeout(time.Second),
	)
	if err != nil {
		return nil, nil, err
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, nil, err
	}
	return kadm.NewClient(cl), cl, nil
}

// upAndWait starts the stopped cluster the way `mage up` does: the
// runtime's up, then the product's wait.
func upAndWait(ctx context.Context, s *stack.Stack) error {
	err := s.Runtime.Up(ctx)
	if errors.Is(err, cluster.ErrAlreadyRunning) {
		return errors.New("the cluster was already running again right after down: something else started it")
	}
	if err != nil {
		return err
	}
	return s.Wait(ctx)
}

// tightProbe checks readiness every TightProbeInterval, in the background,
// until the cluster is ready or it is stopped. Read readyAt and probes
// only once it has ended (stop or waitAtMost).
type tightProbe struct {
	start   time.Time
	readyAt time.Time
	probes  int
	cancel  context.CancelFunc
	done    chan struct{}
}

// startProbe starts probing the cluster of adm for the expected brokers.
func startProbe(ctx context.Context, adm *kadm.Client, expected []int32) *tightProbe {
	pctx, cancel := context.WithCancel(ctx)
	p := &tightProbe{cancel: cancel, done: make(chan struct{})}
	p.start = time.Now()
	go func() {
		defer close(p.done)
		tick := time.NewTicker(TightProbeInterval)
		defer tick.Stop()
		for {
			p.probes++
			actx, cancel := context.WithTimeout(pctx, 500*time.Millisecond)
			ok := readyNow(actx, adm, expected)
			cancel()
			if ok {
				p.readyAt = time.Now()
				return
			}
			select {
			case <-pctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// stop ends the probe and waits until it has.
func (p *tightProbe) stop() {
	p.cancel()
	<-p.done
}

// waitAtMost waits until the probe has seen the cluster ready, or bound
// has passed; then it stops the probe.
func (p *tightProbe) waitAtMost(bound time.Duration) {
	t := time.NewTimer(bound)
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
	}
	p.stop()
}
