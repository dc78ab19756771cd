package resilience

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/verify"
)

// stream produces records 0, 1, 2, ... of one run in the background, one
// every interval, up to a budget the caller raises phase by phase, and
// accounts for every record in a Ledger.
type stream struct {
	cl       *kgo.Client
	topic    string
	run      string
	size     int
	interval time.Duration
	ledger   *Ledger

	mu      sync.Mutex
	allowed int64
	wake    chan struct{}
	stopped chan struct{}
	wg      sync.WaitGroup
}

func newStream(cl *kgo.Client, topic, run string, size int, interval time.Duration, l *Ledger) *stream {
	return &stream{cl: cl, topic: topic, run: run, size: size, interval: interval, ledger: l,
		wake: make(chan struct{}, 1), stopped: make(chan struct{})}
}

// start runs the producing loop until ctx ends.
func (s *stream) start(ctx context.Context) {
	go func() {
		defer close(s.stopped)
		var tick <-chan time.Time
		if s.interval > 0 {
			t := time.NewTicker(s.interval)
			defer t.Stop()
			tick = t.C
		}
		for seq := int64(0); ; {
			s.mu.Lock()
			allowed := s.allowed
			s.mu.Unlock()
			if seq >= allowed {
				select {
				case <-s.wake:
					continue
				case <-ctx.Done():
					return
				}
			}
			s.send(ctx, seq)
			seq++
			if tick != nil {
				select {
				case <-tick:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
}

func (s *stream) send(ctx context.Context, seq int64) {
	s.wg.Add(1)
	s.ledger.Sent(seq)
	s.cl.Produce(ctx, verify.NewRecord(s.topic, s.run, seq, s.size), func(r *kgo.Record, err error) {
		defer s.wg.Done()
		if err != nil {
			s.ledger.Failed(seq, err)
			return
		}
		s.ledger.Acked(seq, r.Partition, r.Offset)
	})
}

// allow raises the budget: records below n may be sent.
func (s *stream) allow(n int64) {
	s.mu.Lock()
	if n > s.allowed {
		s.allowed = n
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// waitResolved returns once every record of the budget so far has been
// sent and acknowledged or failed, or fails when ctx ends first.
func (s *stream) waitResolved(ctx context.Context) error {
	s.mu.Lock()
	want := s.allowed
	s.mu.Unlock()
	return poll(ctx, func() (bool, string) {
		res, sent := s.ledger.Resolved()
		return sent >= want && res == sent, fmt.Sprintf("%d of %d records sent, %d of them answered", sent, want, res)
	})
}

// wait blocks until every callback has run; after ctx has ended and the
// client is closed this returns promptly.
func (s *stream) wait() {
	<-s.stopped
	s.wg.Wait()
}

// poll checks cond every 10ms until it holds or ctx ends; on timeout the
// error carries the last state cond described.
func poll(ctx context.Context, cond func() (bool, string)) error {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		ok, state := cond()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("timed out with %s", state)
		case <-t.C:
		}
	}
}
