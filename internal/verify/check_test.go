package verify

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// stream builds the records of run as a 3-partition topic would hold them:
// seq s on partition s%3, offsets in order.
func stream(run string, n int64) []Record {
	var out []Record
	off := map[int32]int64{}
	for s := int64(0); s < n; s++ {
		p := int32(s % 3)
		rec, ok := Decode(withOffset(NewRecord("t", run, s, 64), p, off[p]), 64)
		if !ok {
			panic("decode")
		}
		off[p]++
		out = append(out, rec)
	}
	return out
}

func withOffset(r *kgo.Record, p int32, o int64) *kgo.Record {
	r.Partition, r.Offset = p, o
	return r
}

func TestCheckPassesACompleteRun(t *testing.T) {
	res := Check(Expectation{Run: "r1", Acked: Seqs(100)}, stream("r1", 100))
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if res.Read != 100 {
		t.Fatalf("read %d, want 100", res.Read)
	}
}

func TestCheckIgnoresOtherRuns(t *testing.T) {
	recs := append(stream("old", 50), stream("r1", 20)...)
	res := Check(Expectation{Run: "r1", Acked: Seqs(20)}, recs)
	if err := res.Err(); err != nil || res.Read != 20 {
		t.Fatalf("read %d, err %v", res.Read, err)
	}
}

func TestCheckCatchesLoss(t *testing.T) {
	recs := stream("r1", 30)
	recs = append(recs[:7], recs[8:]...) // drop seq 7
	res := Check(Expectation{Run: "r1", Acked: Seqs(30)}, recs)
	if res.Lost != 1 || res.LostSample[0] != 7 {
		t.Fatalf("lost = %d %v, want 1 [7]", res.Lost, res.LostSample)
	}
	if err := res.Err(); err == nil || !strings.Contains(err.Error(), "lost") {
		t.Fatalf("err = %v, want a loss", err)
	}
}

func TestCheckCatchesDuplicates(t *testing.T) {
	recs := stream("r1", 30)
	dup := recs[4]
	dup.Offset = 1000 // the same record written again, later in its partition
	recs = append(recs, dup)
	res := Check(Expectation{Run: "r1", Acked: Seqs(30)}, recs)
	if res.Duplicated != 1 {
		t.Fatalf("duplicated = %d, want 1", res.Duplicated)
	}
	if err := res.Err(); err == nil || !strings.Contains(err.Error(), "duplicated") {
		t.Fatalf("err = %v", err)
	}
}

func TestCheckCatchesReorderWithinAPartition(t *testing.T) {
	recs := stream("r1", 30)
	// seq 3 and 6 are both on partition 0; swap their sequence numbers so
	// that the partition holds 6 before 3.
	recs[3].Seq, recs[6].Seq = recs[6].Seq, recs[3].Seq
	res := Check(Expectation{Run: "r1", Acked: Seqs(30)}, recs)
	if res.OutOfOrder == 0 {
		t.Fatal("reordering was not caught")
	}
	if err := res.Err(); err == nil || !strings.Contains(err.Error(), "out of order") {
		t.Fatalf("err = %v", err)
	}
}

func TestCheckAllowsOrderAcrossPartitions(t *testing.T) {
	recs := stream("r1", 30)
	// Reading partition 2 entirely before partition 0 is fine.
	var reordered []Record
	for _, p := range []int32{2, 1, 0} {
		for _, r := range recs {
			if r.Partition == p {
				reordered = append(reordered, r)
			}
		}
	}
	if err := Check(Expectation{Run: "r1", Acked: Seqs(30)}, reordered).Err(); err != nil {
		t.Fatal(err)
	}
}

func TestCheckCatchesACorruptPayload(t *testing.T) {
	r := NewRecord("t", "r1", 5, 64)
	r.Value[len(r.Value)-1] ^= 0xff
	rec, _ := Decode(r, 64)
	res := Check(Expectation{Run: "r1", Acked: []int64{5}, Sent: 6}, []Record{rec})
	if res.BadChecksums != 1 || res.Err() == nil {
		t.Fatalf("bad checksums = %d", res.BadChecksums)
	}
}

func TestCheckCatchesAPayloadFromAnotherSeq(t *testing.T) {
	// A record whose CRC header matches its value, but whose value is the
	// payload of another sequence number, is caught too.
	r := NewRecord("t", "r1", 5, 64)
	other := NewRecord("t", "r1", 6, 64)
	r.Value = other.Value
	r.Headers[2] = other.Headers[2]
	rec, _ := Decode(r, 64)
	if rec.CRCOK {
		t.Fatal("a swapped payload passed")
	}
}

func TestCheckUnackedMayBeMissingButNotUnexpected(t *testing.T) {
	recs := stream("r1", 10) // 0..9 read; only 0..7 acknowledged, 12 sent
	if err := Check(Expectation{Run: "r1", Acked: Seqs(8), Sent: 12}, recs).Err(); err != nil {
		t.Fatalf("unacknowledged records that arrived are fine: %v", err)
	}
	res := Check(Expectation{Run: "r1", Acked: Seqs(8), Sent: 8}, recs)
	if res.Unexpected != 2 || res.Err() == nil {
		t.Fatalf("unexpected = %d, want 2", res.Unexpected)
	}
}

func TestDecodeSkipsForeignRecords(t *testing.T) {
	if _, ok := Decode(&kgo.Record{Value: []byte("Hello World!")}, 64); ok {
		t.Fatal("a record without a run decoded")
	}
}

func TestCheckCountsARecordReadTwiceAtTheSameOffset(t *testing.T) {
	recs := stream("r1", 9)
	// Partition 0 hands seq 3 out again at the same offset: offsets must
	// strictly grow within a partition.
	recs = append(recs[:4], append([]Record{recs[3]}, recs[4:]...)...)
	res := Check(Expectation{Run: "r1", Acked: Seqs(9)}, recs)
	if res.OutOfOrder != 1 || res.Duplicated != 1 {
		t.Fatalf("out of order %d, duplicated %d; want 1 and 1", res.OutOfOrder, res.Duplicated)
	}
}

func TestCheckADuplicateRightAfterItselfIsNotAReordering(t *testing.T) {
	recs := stream("r1", 9)
	// seq 3 written twice in a row on partition 0 (a retried batch): a
	// duplicate, but nothing went backwards.
	dup := recs[3]
	dup.Offset = 100
	res := Check(Expectation{Run: "r1", Acked: Seqs(9)}, []Record{recs[0], recs[3], dup})
	if res.Duplicated != 1 || res.OutOfOrder != 0 {
		t.Fatalf("duplicated %d, out of order %d; want 1 and 0", res.Duplicated, res.OutOfOrder)
	}
}

func TestCheckSamplesTheTenLowestLostRecords(t *testing.T) {
	acked := Seqs(30)
	// The order acknowledgements arrived in does not matter.
	acked[0], acked[29] = acked[29], acked[0]
	res := Check(Expectation{Run: "r1", Acked: acked}, nil)
	if res.Lost != 30 {
		t.Fatalf("lost %d, want 30", res.Lost)
	}
	want := []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	if len(res.LostSample) != len(want) {
		t.Fatalf("lost sample %v, want %v", res.LostSample, want)
	}
	for i := range want {
		if res.LostSample[i] != want[i] {
			t.Fatalf("lost sample %v, want %v", res.LostSample, want)
		}
	}
}

func TestPayloadIsPaddedToItsSize(t *testing.T) {
	for _, size := range []int{64, 1000, 10, 0} {
		p := Payload("r1", 7, size)
		if len(p) < 10 || (size > 10 && len(p) != size) {
			t.Fatalf("payload of size %d is %d bytes: %q", size, len(p), p)
		}
	}
}

func TestDecodeWithoutASeqIsNeverIntact(t *testing.T) {
	for _, seq := range []int64{0, 1} {
		r := NewRecord("t", "r1", seq, 64)
		r.Headers = []kgo.RecordHeader{r.Headers[0], r.Headers[2]} // run and CRC, no seq
		rec, ok := Decode(r, 64)
		if !ok || rec.Seq >= 0 || rec.CRCOK {
			t.Fatalf("seq %d without its header: ok %v, seq %d, intact %v", seq, ok, rec.Seq, rec.CRCOK)
		}
	}
}
