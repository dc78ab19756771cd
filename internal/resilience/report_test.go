package resilience

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/verify"
)

// crafted returns the acknowledgements and the read-back of a clean run of
// n records over three partitions: seq s on partition s%3, offsets in
// order, every record acknowledged where it was read.
func crafted(run string, n int64) ([]Ack, []verify.Record) {
	var acks []Ack
	var recs []verify.Record
	off := map[int32]int64{}
	for s := int64(0); s < n; s++ {
		p := int32(s % 3)
		r := verify.NewRecord("t", run, s, 64)
		r.Partition, r.Offset = p, off[p]
		rec, ok := verify.Decode(r, 64)
		if !ok {
			panic("decode")
		}
		acks = append(acks, Ack{Seq: s, Partition: p, Offset: off[p]})
		recs = append(recs, rec)
		off[p]++
	}
	return acks, recs
}

func report(run string, sent int64, acks []Ack, recs []verify.Record) *FailoverReport {
	res, parts := Account(run, sent, acks, recs)
	return &FailoverReport{
		Run: run, Killed: 1, Completed: true, Result: res, Partitions: parts,
		Summary: Summary{Sent: sent, Acked: int64(len(acks)), Acks: acks, Phases: []PhaseStats{{Name: "all up", Sent: sent, Acked: int64(len(acks))}}},
		TwoDown: TwoDown{Brokers: []int32{1, 3}, Sent: 20, Refused: map[string]int{ReasonNotEnoughReplicas: 20}, Enforced: true},
	}
}

func row(t *testing.T, r *FailoverReport, p int32) PartitionResult {
	t.Helper()
	for _, x := range r.Partitions {
		if x.Partition == p {
			return x
		}
	}
	t.Fatalf("no row for partition %d in %+v", p, r.Partitions)
	return PartitionResult{}
}

func TestFailoverReportPassesACleanRun(t *testing.T) {
	acks, recs := crafted("r1", 30)
	r := report("r1", 30, acks, recs)
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r.Write(&out)
	for _, want := range []string{"PARTITION", "all  ", "longest stretch without an acknowledgement", "refused: NOT_ENOUGH_REPLICAS 20"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestFailoverReportCatchesALostAcknowledgedRecord(t *testing.T) {
	acks, recs := crafted("r1", 30)
	recs = append(recs[:4], recs[5:]...) // seq 4 (partition 1) acknowledged, never read
	r := report("r1", 30, acks, recs)
	if r.Result.Lost != 1 || row(t, r, 1).Lost != 1 || row(t, r, 0).Lost != 0 {
		t.Fatalf("lost %d, partition rows %+v", r.Result.Lost, r.Partitions)
	}
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "1 acknowledged records lost (e.g. seq [4])") {
		t.Fatalf("err = %v", err)
	}
}

func TestFailoverReportCatchesADuplicate(t *testing.T) {
	acks, recs := crafted("r1", 30)
	dup := recs[5] // seq 5 on partition 2, written again later in the partition
	dup.Offset = 100
	recs = append(recs, dup)
	r := report("r1", 30, acks, recs)
	if r.Result.Duplicated != 1 || row(t, r, 2).Duplicated != 1 {
		t.Fatalf("duplicated %d, rows %+v", r.Result.Duplicated, r.Partitions)
	}
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "duplicated") {
		t.Fatalf("err = %v", err)
	}
}

func TestFailoverReportCatchesReorderingWithinAPartition(t *testing.T) {
	acks, recs := crafted("r1", 30)
	// seq 0 and 3 both sit on partition 0: the partition now holds 3 first.
	recs[0].Seq, recs[3].Seq = recs[3].Seq, recs[0].Seq
	r := report("r1", 30, acks, recs)
	if r.Result.OutOfOrder == 0 || row(t, r, 0).OutOfOrder == 0 || row(t, r, 1).OutOfOrder != 0 {
		t.Fatalf("out of order %d, rows %+v", r.Result.OutOfOrder, r.Partitions)
	}
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "out of order") {
		t.Fatalf("err = %v", err)
	}
}

func TestFailoverReportAllowsUnacknowledgedRecordsButNotUnackedStream(t *testing.T) {
	acks, recs := crafted("r1", 30)
	// The last record was written but its ack never came: reading it back
	// is allowed by the check, but the stream must be fully acknowledged.
	r := report("r1", 30, acks[:29], recs)
	if err := r.Result.Err(); err != nil {
		t.Fatalf("check: %v", err)
	}
	r.Summary.Failed = 1
	r.Summary.Phases[0].FirstErr = kerr.NotEnoughReplicas
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "1 of 30 records of the stream were not acknowledged") {
		t.Fatalf("err = %v", err)
	}
}

func TestFailoverReportTwoDownAckIsAFailureOnlyWhenEnforced(t *testing.T) {
	acks, recs := crafted("r1", 30)
	r := report("r1", 30, acks, recs)
	r.TwoDown.Acked, r.TwoDown.Refused = 3, map[string]int{ReasonTimedOut: 17}
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "with brokers 1 and 3 down, 3 of 20 records were acknowledged") {
		t.Fatalf("err = %v", err)
	}
	r.TwoDown.Enforced = false
	if err := r.Err(); err != nil {
		t.Fatalf("simulated runtime: %v", err)
	}
	var out bytes.Buffer
	r.Write(&out)
	if !strings.Contains(out.String(), "not enforced by the embedded runtime (simulated replication)") {
		t.Fatalf("output does not say the refusal was not enforced:\n%s", out.String())
	}
}

func TestFailoverReportIncompleteRunFails(t *testing.T) {
	if err := (&FailoverReport{Run: "r1"}).Err(); err == nil {
		t.Fatal("an incomplete run passed")
	}
}

func TestReasonNamesTheRefusal(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{kerr.NotEnoughReplicas, ReasonNotEnoughReplicas},
		{kerr.NotEnoughReplicasAfterAppend, ReasonNotEnoughReplicasAfterAppend},
		{fmt.Errorf("%w, last err: %w", kgo.ErrRecordTimeout, kerr.NotEnoughReplicas), ReasonNotEnoughReplicas},
		{kgo.ErrRecordTimeout, ReasonTimedOut},
		{kerr.RequestTimedOut, ReasonTimedOut},
		{kerr.TopicAuthorizationFailed, "other: " + kerr.TopicAuthorizationFailed.Error()},
	} {
		if got := Reason(tc.err); got != tc.want {
			t.Errorf("Reason(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestBrokerChoice(t *testing.T) {
	st := clusterState{Brokers: []int32{1, 2, 3}, Controller: 2, Partitions: []partitionState{
		{Partition: 0, Leader: 2}, {Partition: 1, Leader: 3}, {Partition: 2, Leader: 3},
	}}
	if got := fmt.Sprint(pickOne(st)); got != "[3 2]" {
		t.Fatalf("pickOne = %s, want the non-controller leader 3 first, the controller 2 last and broker 1, which leads nothing, never", got)
	}
	// kfake gives each partition a random leader: sometimes the
	// controller leads them all, and then it is the only candidate.
	all := clusterState{Brokers: []int32{1, 2, 3}, Controller: 2, Partitions: []partitionState{
		{Partition: 0, Leader: 2}, {Partition: 1, Leader: 2}, {Partition: 2, Leader: 2},
	}}
	if got := fmt.Sprint(pickOne(all)); got != "[2]" {
		t.Fatalf("pickOne = %s with the controller leading every partition, want [2]", got)
	}
	if got := fmt.Sprint(all.ledBy(2), all.ledBy(1)); got != "[0 1 2] []" {
		t.Fatalf("ledBy = %s", got)
	}
	none := clusterState{Brokers: []int32{1, 2, 3}, Controller: 2, Partitions: []partitionState{{Partition: 0, Leader: -1}}}
	if got := pickOne(none); len(got) != 0 {
		t.Fatalf("pickOne = %v with no leader, want none", got)
	}
	if got := pickSurvivor(st); got[0] != 2 {
		t.Fatalf("pickSurvivor = %v, want the controller 2 kept", got)
	}
}

func TestClusterStateConditions(t *testing.T) {
	st := clusterState{Brokers: []int32{1, 2, 3}, Partitions: []partitionState{
		{Partition: 0, Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}},
		{Partition: 1, Leader: 2, Replicas: []int32{1, 2, 3}, ISR: []int32{2, 3}},
	}}
	if ok, why := st.fullISR([]int32{1, 2, 3}, 3); ok || !strings.Contains(why, "partition 1") {
		t.Fatalf("fullISR = %v %q", ok, why)
	}
	st.Partitions[1].ISR = []int32{1, 2, 3}
	if ok, why := st.fullISR([]int32{1, 2, 3}, 3); !ok {
		t.Fatalf("fullISR: %s", why)
	}
	// Broker 1 died but the metadata still lists it in an ISR.
	st.Brokers = []int32{2, 3}
	if ok, _ := st.noticed([]int32{1}, false); ok {
		t.Fatal("noticed while broker 1 still leads and is in the ISR")
	}
	if ok, _ := st.fullISR([]int32{1, 2, 3}, 3); ok {
		t.Fatal("full ISR with broker 1 gone")
	}
	st.Partitions[0] = partitionState{Partition: 0, Leader: 2, Replicas: []int32{1, 2, 3}, ISR: []int32{2, 3}}
	st.Partitions[1].ISR = []int32{2, 3}
	if ok, why := st.noticed([]int32{1}, false); !ok {
		t.Fatalf("noticed: %s", why)
	}
	// Offline partitions are allowed only when two brokers are down.
	st.Partitions[1].Leader = -1
	if ok, _ := st.noticed([]int32{1}, false); ok {
		t.Fatal("noticed with an offline partition")
	}
	if ok, why := st.noticed([]int32{1}, true); !ok {
		t.Fatalf("noticed (offline allowed): %s", why)
	}
}

func TestAnswersCountsTheBrokersErrorCodes(t *testing.T) {
	a := newAnswers()
	// The shape of kgo's debug line for one produce response.
	a.Log(kgo.LogLevelDebug, "produced", "broker", "2", "to",
		"failover-x[0{retrying@0,5(NOT_ENOUGH_REPLICAS: Messages are rejected since there are fewer in-sync replicas than required.)}, "+
			"1{retrying@0,5(NOT_ENOUGH_REPLICAS_AFTER_APPEND: Messages are written to the log, but to fewer in-sync replicas than required.)}, 2{0=>5}]")
	a.Log(kgo.LogLevelDebug, "produced", "broker", "2", "to", "failover-x[0{retrying@0,5(NOT_ENOUGH_REPLICAS: ...)}]")
	a.Log(kgo.LogLevelInfo, "metadata update triggered", "why", "(NOT_LEADER_FOR_PARTITION: x)")
	got := a.snapshot()
	if got[ReasonNotEnoughReplicas] != 2 || got[ReasonNotEnoughReplicasAfterAppend] != 1 || len(got) != 2 {
		t.Fatalf("answers = %v", got)
	}
	if s := countsText(got); s != "NOT_ENOUGH_REPLICAS 2, NOT_ENOUGH_REPLICAS_AFTER_APPEND 1" {
		t.Fatalf("countsText = %q", s)
	}
}

func TestProbeTimeoutsAreAttributedToTheBrokersAnswer(t *testing.T) {
	td := &TwoDown{Refused: map[string]int{ReasonTimedOut: 20}, Answers: map[string]int{"NOT_ENOUGH_REPLICAS": 93, "NOT_LEADER_OR_FOLLOWER": 2}}
	attributeTimeouts(td)
	if len(td.Refused) != 1 || td.Refused["NOT_ENOUGH_REPLICAS (retried until timed out)"] != 20 {
		t.Fatalf("refused %v", td.Refused)
	}
	// With no answer heard, a timeout stays a timeout.
	td = &TwoDown{Refused: map[string]int{ReasonTimedOut: 3}}
	attributeTimeouts(td)
	if td.Refused[ReasonTimedOut] != 3 {
		t.Fatalf("refused %v", td.Refused)
	}
}
