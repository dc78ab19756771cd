package resilience

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"

	"kafkastack/internal/verify"
)

func TestLedgerSumsUpAcksInSequenceOrder(t *testing.T) {
	l, _ := newTestLedger()
	for s := int64(0); s < 3; s++ {
		l.Sent(s)
	}
	l.Acked(2, 1, 0)
	l.Acked(0, 0, 0)
	l.Acked(1, 2, 0)
	acks := l.Summary().Acks
	if len(acks) != 3 || acks[0].Seq != 0 || acks[1].Seq != 1 || acks[2].Seq != 2 || acks[2].Partition != 1 {
		t.Fatalf("acks %+v, want seq 0, 1, 2 with the partition each was acknowledged on", acks)
	}
}

func TestLedgerIgnoresFailuresOfRecordsNeverSentOrAlreadyResolved(t *testing.T) {
	l, _ := newTestLedger()
	l.Sent(0)
	l.Sent(1)
	l.Acked(0, 0, 0)
	l.Failed(0, errors.New("late"))  // already acknowledged
	l.Failed(7, errors.New("stray")) // never sent
	l.Failed(1, errors.New("first"))
	l.Failed(1, errors.New("again"))
	s := l.Summary()
	if s.Acked != 1 || s.Failed != 1 || s.InFlight != 0 {
		t.Fatalf("acked %d, failed %d, in flight %d; want 1, 1, 0", s.Acked, s.Failed, s.InFlight)
	}
	if err := s.Phases[0].FirstErr; err == nil || err.Error() != "first" {
		t.Fatalf("first error %v, want first", err)
	}
}

func TestLedgerTimeAfterTheLastAckIsNoGap(t *testing.T) {
	l, c := newTestLedger()
	l.Sent(0)
	l.Acked(0, 0, 0)
	l.Sent(1)
	c.advance(time.Second)
	l.Acked(1, 0, 1)
	c.advance(time.Minute) // nothing in flight any more
	if s := l.Summary(); s.LongestGap != time.Second || s.Phases[0].LongestGap != time.Second {
		t.Fatalf("longest gap %s (phase %s), want 1s", s.LongestGap, s.Phases[0].LongestGap)
	}
}

// TestLedgerKeepsTheFirstOfEqualGaps: the phase named for the longest gap
// is the one where it first happened, whether a later equal stretch is
// closed or still open.
func TestLedgerKeepsTheFirstOfEqualGaps(t *testing.T) {
	l, c := newTestLedger()
	l.Phase("a")
	l.Sent(0)
	l.Acked(0, 0, 0)
	l.Sent(1)
	c.advance(2 * time.Second)
	l.Acked(1, 0, 1)
	l.Phase("b")
	l.Sent(2)
	c.advance(2 * time.Second)
	l.Acked(2, 0, 2)
	l.Phase("c")
	l.Sent(3)
	c.advance(2 * time.Second) // open, as long as the others
	s := l.Summary()
	if s.LongestGap != 2*time.Second || s.LongestGapPhase != "a" {
		t.Fatalf("longest gap %s in %q, want 2s in a", s.LongestGap, s.LongestGapPhase)
	}
	if s.Phases[3].Name != "c" || s.Phases[3].LongestGap != 2*time.Second {
		t.Fatalf("phase %+v: the open stretch counts for the current phase", s.Phases[3])
	}
}

func TestLedgerFlowedAgain(t *testing.T) {
	l, c := newTestLedger()
	l.Sent(0)
	c.advance(time.Second)
	fault := c.now()
	l.Sent(1) // sent at the fault, acknowledged on partition 2
	c.advance(time.Second)
	l.Sent(2) // acknowledged on partition 1
	c.advance(time.Second)
	l.Acked(0, 1, 0) // sent before the fault: does not count
	c.advance(time.Second)
	l.Acked(2, 1, 1)
	c.advance(time.Second)
	l.Acked(1, 2, 0)
	if d, ok := l.FlowedAgain(fault); !ok || d != 3*time.Second {
		t.Fatalf("any partition: %s %v, want 3s", d, ok)
	}
	if d, ok := l.FlowedAgain(fault, 2); !ok || d != 4*time.Second {
		t.Fatalf("partition 2: %s %v, want 4s", d, ok)
	}
	if _, ok := l.FlowedAgain(fault, 0); ok {
		t.Fatal("partition 0 never flowed, yet FlowedAgain says it did")
	}
	if _, ok := l.FlowedAgain(c.now().Add(time.Second)); ok {
		t.Fatal("nothing was sent after that time, yet FlowedAgain says it flowed")
	}
}

func TestAccountRowsAreThisRunsAndSortedByPartition(t *testing.T) {
	acks, recs := crafted("r1", 12)
	_, other := crafted("old", 6)
	res, rows := Account("r1", 12, acks, append(other, recs...))
	if res.Read != 12 || len(rows) != 3 {
		t.Fatalf("read %d, rows %+v", res.Read, rows)
	}
	for i, r := range rows {
		if r.Partition != int32(i) || r.Read != 4 || r.Acked != 4 || r.Lost+r.Duplicated+r.OutOfOrder != 0 {
			t.Fatalf("row %d: %+v, want partition %d with 4 acknowledged and 4 read", i, r, i)
		}
	}
}

func TestStreamFailsNamesRecordsStillInFlightAndTheFirstError(t *testing.T) {
	s := Summary{Sent: 10, Acked: 9, InFlight: 1, Phases: []PhaseStats{{Name: "all up"}, {Name: "down", FirstErr: kerr.NotEnoughReplicas}, {Name: "up", FirstErr: errors.New("later")}}}
	fails := streamFails(s, verify.Result{})
	if len(fails) != 1 || !strings.Contains(fails[0], "1 of 10 records of the stream were not acknowledged (first error: "+kerr.NotEnoughReplicas.Error()+")") {
		t.Fatalf("fails %q", fails)
	}
	s.Phases[1].FirstErr = nil
	s.Phases[2].FirstErr = nil
	if fails := streamFails(s, verify.Result{}); len(fails) != 1 || strings.Contains(fails[0], "first error") {
		t.Fatalf("fails %q: no error was recorded", fails)
	}
}

func TestFailoverReportWriteShowsEachTiming(t *testing.T) {
	acks, recs := crafted("r1", 30)
	r := report("r1", 30, acks, recs)
	r.Killed, r.Led, r.Noticed, r.ISRFull = 0, []int32{0, 2}, 1500*time.Millisecond, 2500*time.Millisecond
	r.TwoDown.Noticed, r.TwoDown.Visible, r.TwoDown.Acked = 0, 2, 2
	r.TwoDown.Answers = map[string]int{"NOT_ENOUGH_REPLICAS": 5}
	r.Summary.LongestGap, r.Summary.LongestGapPhase = 40*time.Millisecond, "broker 0 down"
	r.Summary.Phases = append(r.Summary.Phases, PhaseStats{Name: "idle"}, PhaseStats{Name: "stalled", LongestGap: time.Second})
	r.TwoDown.Enforced = false
	var out bytes.Buffer
	r.Write(&out)
	text := squeeze(out.String())
	for _, want := range []string{
		"broker 0 (leader of partitions 0, 2) down: cluster noticed after 1500 ms",
		"broker 0 restarted: ISR full again after 2500 ms",
		"brokers 1 and 3 down: cluster noticed after 0 ms",
		"broker answers to the probe NOT_ENOUGH_REPLICAS 5",
		"probe records read back later 2\n",
		"(ended in phase: broker 0 down)",
		"\nstalled ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "idle") {
		t.Errorf("a phase with nothing sent and no gap is shown:\n%s", text)
	}

	r.Killed = -1
	r.TwoDown.Noticed, r.TwoDown.Visible, r.TwoDown.Answers, r.TwoDown.Enforced = -1, 5, nil, true
	r.Summary.LongestGapPhase = ""
	out.Reset()
	r.Write(&out)
	text = squeeze(out.String())
	for _, want := range []string{"cluster noticed after not within the bound", "read back later 5 (3 written but never acknowledged, which Kafka allows)"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	for _, not := range []string{"broker -1", "broker answers", "ended in phase", "not enforced"} {
		if strings.Contains(text, not) {
			t.Errorf("output has %q:\n%s", not, text)
		}
	}

	r.TwoDown.QuorumLost = "1 of 3 voters"
	r.Completed = false
	out.Reset()
	r.Write(&out)
	text = squeeze(out.String())
	if !strings.Contains(text, "cannot: the controller quorum is lost (1 of 3 voters)") {
		t.Errorf("output does not say the quorum was lost:\n%s", text)
	}
	for _, not := range []string{"read back later", "PARTITION"} {
		if strings.Contains(text, not) {
			t.Errorf("an incomplete run's output has %q:\n%s", not, text)
		}
	}
}

func TestFaultReportWriteShowsTheBrokerFromZero(t *testing.T) {
	acks, recs := crafted("r1", 9)
	res, parts := Account("r1", 9, acks, recs)
	rep := &FaultReport{Fault: "pause", Run: "r1", Completed: true, Broker: 0, Led: []int32{0, 2},
		Noticed: time.Second, FlowedAgain: 2 * time.Second, Held: 3 * time.Second, ISRFull: 4 * time.Second,
		Summary: Summary{Sent: 9, Acked: 9, Acks: acks, Phases: []PhaseStats{{Name: "all up", Sent: 9, Acked: 9}}},
		Result:  res, Partitions: parts}
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Write(&out)
	text := squeeze(out.String())
	for _, want := range []string{
		"broker 0 (leader of partitions 0, 2): cluster noticed after 1000 ms",
		"flowed again after 2000 ms",
		"fault held for 3000 ms",
		"ISR full again after the broker came back 4000 ms",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	rep.Broker = -1
	out.Reset()
	rep.Write(&out)
	if strings.Contains(out.String(), "broker -1") || strings.Contains(out.String(), "fault held") {
		t.Errorf("timings shown before a broker was hit:\n%s", out.String())
	}
}

// squeeze collapses the tables' alignment to single spaces.
func squeeze(s string) string { return regexp.MustCompile(` +`).ReplaceAllString(s, " ") }

func TestFullISRWithBrokerZeroLeading(t *testing.T) {
	st := clusterState{Brokers: []int32{0, 1, 2}, Controller: 1, Partitions: []partitionState{
		{Partition: 0, Leader: 0, Replicas: []int32{0, 1, 2}, ISR: []int32{0, 1, 2}},
	}}
	if ok, why := st.fullISR([]int32{0, 1, 2}, 3); !ok {
		t.Fatalf("broker 0 leading with a full ISR: %s", why)
	}
	st.Partitions[0].ISR = []int32{0, 1}
	if ok, why := st.fullISR([]int32{0, 1, 2}, 3); ok || !strings.Contains(why, "want 3 replicas in sync") {
		t.Fatalf("an ISR one replica short is full: %v %q", ok, why)
	}
}

func TestNoticedWithBrokerZeroLeading(t *testing.T) {
	st := clusterState{Brokers: []int32{0, 1}, Partitions: []partitionState{
		{Partition: 0, Leader: 0, Replicas: []int32{0, 1, 2}, ISR: []int32{0, 1}},
	}}
	if ok, why := st.noticed([]int32{2}, false); !ok {
		t.Fatalf("broker 2 is out of the metadata and every ISR: %s", why)
	}
}

// TestServingNeedsEveryBrokerToAnswer: with the KRaft quorum lost, the
// metadata still names dead brokers in every ISR; the cluster serves again
// only once each of them answers a request of its own.
func TestServingNeedsEveryBrokerToAnswer(t *testing.T) {
	st := clusterState{Brokers: []int32{0, 1, 2}, Answering: []int32{0}, Partitions: []partitionState{
		{Partition: 0, Leader: 1, Replicas: []int32{0, 1, 2}, ISR: []int32{0, 1, 2}},
	}}
	if ok, why := st.serving([]int32{0, 1, 2}, 3); ok || why != "broker 1 does not answer yet" {
		t.Fatalf("two brokers silent: serving %v %q", ok, why)
	}
	st.Answering = []int32{0, 1, 2}
	if ok, why := st.serving([]int32{0, 1, 2}, 3); !ok {
		t.Fatalf("every broker answers with a full ISR: %s", why)
	}
	st.Partitions[0].ISR = []int32{1, 2}
	if ok, why := st.serving([]int32{0, 1, 2}, 3); ok || !strings.Contains(why, "want 3 replicas in sync") {
		t.Fatalf("answering with an ISR one short: serving %v %q", ok, why)
	}
}
