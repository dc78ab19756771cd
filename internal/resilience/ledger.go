// Package resilience proves what a three-broker cluster promises when
// brokers die and when the whole cluster restarts: e2e:failover kills
// brokers under a continuous idempotent acks=all producer and checks that
// no acknowledged record is lost, duplicated or reordered, and that with
// two of three brokers gone min.insync.replicas=2 refuses writes;
// e2e:persistence checks that records and committed group offsets survive
// down and up, and that clean removes them.
package resilience

import (
	"sort"
	"sync"
	"time"
)

// Ack is one acknowledged record: where the broker said it wrote it.
type Ack struct {
	Seq       int64
	Partition int32
	Offset    int64
}

// PhaseStats is what happened to the records sent during one phase.
type PhaseStats struct {
	Name  string
	Sent  int64
	Acked int64
	// Failed counts records sent in this phase whose produce failed.
	Failed int64
	// LongestGap is the longest stretch, ended in this phase, during which
	// records were in flight and none was acknowledged.
	LongestGap time.Duration
	// FirstErr is the first produce error of the phase.
	FirstErr error
}

type seqState struct {
	phase int
	sent  time.Time
	done  bool
}

// Ledger is the accounting of one produce stream: every record sent, acked
// or failed by sequence number, per phase, and the longest stretch between
// acknowledgements with records in flight (time with nothing in flight is
// a pause, not a gap). It is safe for concurrent use;
// the zero value is not usable, use NewLedger.
type Ledger struct {
	mu       sync.Mutex
	now      func() time.Time
	seqs     map[int64]*seqState
	acks     []Ack
	phases   []PhaseStats
	inFlight int64
	// stallStart is when the current stretch without an acknowledgement
	// began: the last ack, or the send that made something in flight.
	stallStart time.Time
	longest    time.Duration
	longestIn  string
	// ackTimes are each ack's send and ack times, in ack order.
	ackTimes []ackTime
}

type ackTime struct {
	partition int32
	sent, at  time.Time
}

// NewLedger returns an empty ledger in phase "start". now is the clock;
// nil means time.Now.
func NewLedger(now func() time.Time) *Ledger {
	if now == nil {
		now = time.Now
	}
	return &Ledger{now: now, seqs: map[int64]*seqState{}, phases: []PhaseStats{{Name: "start"}}}
}

// Phase starts a new named phase; records sent from now on count for it.
func (l *Ledger) Phase(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.phases = append(l.phases, PhaseStats{Name: name})
}

// Sent records that seq was handed to the producer.
func (l *Ledger) Sent(seq int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	p := len(l.phases) - 1
	l.seqs[seq] = &seqState{phase: p, sent: t}
	l.phases[p].Sent++
	if l.inFlight == 0 {
		l.stallStart = t
	}
	l.inFlight++
}

// Acked records that the broker acknowledged seq at partition and offset.
// An ack for a seq never sent, or already resolved, is ignored.
func (l *Ledger) Acked(seq int64, partition int32, offset int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st, ok := l.seqs[seq]
	if !ok || st.done {
		return
	}
	t := l.now()
	st.done = true
	l.phases[st.phase].Acked++
	l.closeStall(t)
	l.acks = append(l.acks, Ack{Seq: seq, Partition: partition, Offset: offset})
	l.ackTimes = append(l.ackTimes, ackTime{partition: partition, sent: st.sent, at: t})
	l.inFlight--
	l.stallStart = t
}

// Failed records that producing seq failed with err. A failure is no
// progress: the stretch without an acknowledgement only ends when nothing
// is left in flight.
func (l *Ledger) Failed(seq int64, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st, ok := l.seqs[seq]
	if !ok || st.done {
		return
	}
	st.done = true
	ph := &l.phases[st.phase]
	ph.Failed++
	if ph.FirstErr == nil {
		ph.FirstErr = err
	}
	if l.inFlight == 1 {
		l.closeStall(l.now())
	}
	l.inFlight--
}

// closeStall ends the current stretch at t and keeps it if it is the
// longest so far. The wait for the very first acknowledgement is the
// producer starting up (metadata, producer id), not a gap between
// acknowledgements, and is not kept. Callers hold mu.
func (l *Ledger) closeStall(t time.Time) {
	if l.inFlight <= 0 || l.stallStart.IsZero() || len(l.acks) == 0 {
		return
	}
	gap := t.Sub(l.stallStart)
	ph := &l.phases[len(l.phases)-1]
	if gap > ph.LongestGap {
		ph.LongestGap = gap
	}
	if gap > l.longest {
		l.longest, l.longestIn = gap, ph.Name
	}
}

// Resolved reports how many of the records sent so far are acked or
// failed, and how many were sent.
func (l *Ledger) Resolved() (resolved, sent int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return int64(len(l.seqs)) - l.inFlight, int64(len(l.seqs))
}

// AckedCount is how many records were acknowledged.
func (l *Ledger) AckedCount() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return int64(len(l.acks))
}

// Summary is a ledger's totals.
type Summary struct {
	Sent, Acked, Failed, InFlight int64
	// LongestGap is the longest stretch with records in flight and no
	// acknowledgement, and LongestGapPhase the phase it ended in. A
	// stretch still open is counted up to now, in the current phase.
	LongestGap      time.Duration
	LongestGapPhase string
	Phases          []PhaseStats
	// Acks are sorted by sequence number.
	Acks []Ack
}

// Summary returns the totals so far.
func (l *Ledger) Summary() Summary {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := Summary{
		Sent:            int64(len(l.seqs)),
		Acked:           int64(len(l.acks)),
		InFlight:        l.inFlight,
		LongestGap:      l.longest,
		LongestGapPhase: l.longestIn,
		Phases:          append([]PhaseStats(nil), l.phases...),
		Acks:            append([]Ack(nil), l.acks...),
	}
	for _, p := range l.phases {
		s.Failed += p.Failed
	}
	if l.inFlight > 0 && !l.stallStart.IsZero() {
		open, cur := l.now().Sub(l.stallStart), len(s.Phases)-1
		if open > s.LongestGap {
			s.LongestGap, s.LongestGapPhase = open, s.Phases[cur].Name
		}
		if open > s.Phases[cur].LongestGap {
			s.Phases[cur].LongestGap = open
		}
	}
	sort.Slice(s.Acks, func(i, j int) bool { return s.Acks[i].Seq < s.Acks[j].Seq })
	return s
}

// FlowedAgain is how long after t the first record sent at or after t was
// acknowledged on one of partitions (any partition when none is given),
// and whether one was.
func (l *Ledger) FlowedAgain(t time.Time, partitions ...int32) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range l.ackTimes {
		if a.sent.Before(t) || (len(partitions) > 0 && !has(partitions, a.partition)) {
			continue
		}
		return a.at.Sub(t), true
	}
	return 0, false
}
