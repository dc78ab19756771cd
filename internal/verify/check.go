package verify

import (
	"fmt"
	"sort"
	"strings"
)

// Expectation is what a run must read back.
type Expectation struct {
	// Run is the run id; records of other runs are ignored.
	Run string
	// Acked holds every sequence number the broker acknowledged. Each must
	// be read back exactly once.
	Acked []int64
	// Sent is how many records were sent (0..Sent-1). Records that were
	// sent but not acknowledged may or may not be read back; any other
	// sequence number read is an error. Zero means len(Acked).
	Sent int64
}

// Result counts what a check found.
type Result struct {
	Run          string
	Sent         int64
	Acked        int
	Read         int // records of this run read back
	Lost         int // acknowledged but not read
	Duplicated   int // read more than once
	OutOfOrder   int // a lower seq after a higher one in the same partition
	BadChecksums int
	Unexpected   int // a seq never sent
	// LostSample lists up to ten lost sequence numbers.
	LostSample []int64
}

// Check compares what was read with what was expected. Records must be in
// the order they were read within each partition (offset order).
func Check(exp Expectation, recs []Record) Result {
	sent := exp.Sent
	if sent == 0 {
		sent = int64(len(exp.Acked))
	}
	res := Result{Run: exp.Run, Sent: sent, Acked: len(exp.Acked)}
	seen := make(map[int64]int, len(recs))
	lastSeq := map[int32]int64{}
	lastOff := map[int32]int64{}
	for _, r := range recs {
		if r.Run != exp.Run {
			continue
		}
		res.Read++
		if !r.CRCOK {
			res.BadChecksums++
		}
		if r.Seq < 0 || r.Seq >= sent {
			res.Unexpected++
			continue
		}
		seen[r.Seq]++
		if seen[r.Seq] > 1 {
			res.Duplicated++
		}
		if prev, ok := lastOff[r.Partition]; ok && r.Offset <= prev {
			res.OutOfOrder++ // offsets themselves went backwards
		} else if prevSeq, ok := lastSeq[r.Partition]; ok && r.Seq < prevSeq {
			res.OutOfOrder++
		}
		lastOff[r.Partition] = r.Offset
		if r.Seq > lastSeq[r.Partition] || !hasKey(lastSeq, r.Partition) {
			lastSeq[r.Partition] = r.Seq
		}
	}
	acked := append([]int64(nil), exp.Acked...)
	sort.Slice(acked, func(i, j int) bool { return acked[i] < acked[j] })
	for _, s := range acked {
		if seen[s] == 0 {
			res.Lost++
			if len(res.LostSample) < 10 {
				res.LostSample = append(res.LostSample, s)
			}
		}
	}
	return res
}

func hasKey(m map[int32]int64, k int32) bool { _, ok := m[k]; return ok }

// Err returns nil when the result proves the run, or an error naming every
// assertion that failed.
func (r Result) Err() error {
	var fails []string
	if r.Lost > 0 {
		fails = append(fails, fmt.Sprintf("%d acknowledged records lost (e.g. seq %v)", r.Lost, r.LostSample))
	}
	if r.Duplicated > 0 {
		fails = append(fails, fmt.Sprintf("%d records duplicated", r.Duplicated))
	}
	if r.OutOfOrder > 0 {
		fails = append(fails, fmt.Sprintf("%d records out of order within a partition", r.OutOfOrder))
	}
	if r.BadChecksums > 0 {
		fails = append(fails, fmt.Sprintf("%d records with a bad checksum or payload", r.BadChecksums))
	}
	if r.Unexpected > 0 {
		fails = append(fails, fmt.Sprintf("%d records with a sequence number never sent", r.Unexpected))
	}
	if len(fails) == 0 {
		return nil
	}
	return fmt.Errorf("verifying run %s: %s", r.Run, strings.Join(fails, "; "))
}

// Seqs returns 0..n-1, the acknowledged set of a run where every record
// was acknowledged.
func Seqs(n int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i)
	}
	return out
}
