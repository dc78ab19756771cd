package resilience

import (
	"errors"
	"testing"
	"time"
)

// clock is a hand-moved clock for the ledger.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTestLedger() (*Ledger, *clock) {
	c := &clock{t: time.Unix(1000, 0)}
	return NewLedger(c.now), c
}

func TestLedgerIdleTimeIsNoGap(t *testing.T) {
	l, c := newTestLedger()
	l.Sent(0)
	c.advance(5 * time.Millisecond)
	l.Acked(0, 0, 0)
	c.advance(10 * time.Second) // nothing in flight: a pause, not a stall
	l.Sent(1)
	c.advance(3 * time.Millisecond)
	l.Acked(1, 0, 1)
	c.advance(time.Second)
	l.Sent(2)
	c.advance(7 * time.Millisecond)
	l.Acked(2, 0, 2)
	if s := l.Summary(); s.LongestGap != 7*time.Millisecond {
		t.Fatalf("longest gap %s, want 7ms", s.LongestGap)
	}
}

func TestLedgerStallWithRecordsInFlightIsTheGap(t *testing.T) {
	l, c := newTestLedger()
	l.Phase("all up")
	l.Sent(0)
	l.Sent(1)
	c.advance(time.Millisecond)
	l.Acked(0, 0, 0)
	l.Phase("broker 1 down")
	c.advance(2 * time.Second)
	l.Acked(1, 1, 0)
	s := l.Summary()
	if s.LongestGap != 2*time.Second || s.LongestGapPhase != "broker 1 down" {
		t.Fatalf("longest gap %s in %q, want 2s in broker 1 down", s.LongestGap, s.LongestGapPhase)
	}
	if s.Sent != 2 || s.Acked != 2 || s.InFlight != 0 {
		t.Fatalf("summary %+v", s)
	}
	if p := s.Phases[1]; p.Name != "all up" || p.Sent != 2 || p.Acked != 2 {
		t.Fatalf("phase %+v: records count for the phase they were sent in", p)
	}
}

func TestLedgerFirstAckIsStartUpNotAGap(t *testing.T) {
	l, c := newTestLedger()
	l.Sent(0)
	c.advance(2 * time.Second) // metadata and producer id
	l.Acked(0, 0, 0)
	if s := l.Summary(); s.LongestGap != 0 {
		t.Fatalf("longest gap %s, want 0: the first ack ends no gap", s.LongestGap)
	}
}

func TestLedgerFailuresAreNoProgress(t *testing.T) {
	l, c := newTestLedger()
	l.Sent(9)
	l.Acked(9, 0, 0)
	l.Sent(0)
	l.Sent(1)
	c.advance(time.Second)
	l.Failed(0, errors.New("boom"))
	c.advance(2 * time.Second)
	l.Failed(1, errors.New("boom"))
	s := l.Summary()
	if s.LongestGap != 3*time.Second || s.Failed != 2 || s.Acked != 1 {
		t.Fatalf("gap %s, failed %d, acked %d; want 3s, 2, 1", s.LongestGap, s.Failed, s.Acked)
	}
	if s.Phases[0].FirstErr == nil {
		t.Fatal("first error not kept")
	}
}

func TestLedgerCountsAnOpenStallAndIgnoresStrayAcks(t *testing.T) {
	l, c := newTestLedger()
	l.Sent(0)
	l.Acked(7, 0, 0) // never sent
	c.advance(4 * time.Second)
	s := l.Summary()
	if s.LongestGap != 4*time.Second || s.InFlight != 1 || s.Acked != 0 {
		t.Fatalf("gap %s, in flight %d, acked %d", s.LongestGap, s.InFlight, s.Acked)
	}
	l.Acked(0, 0, 0)
	l.Acked(0, 0, 0) // twice: counted once
	if got := l.AckedCount(); got != 1 {
		t.Fatalf("acked %d, want 1", got)
	}
	if res, sent := l.Resolved(); res != 1 || sent != 1 {
		t.Fatalf("resolved %d of %d", res, sent)
	}
}
