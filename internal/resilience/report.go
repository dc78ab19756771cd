package resilience

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/verify"
)

// PartitionResult is the check of one partition: the acknowledgements the
// broker gave for it against what was read back from it.
type PartitionResult struct {
	Partition  int32
	Acked      int
	Read       int
	Lost       int
	Duplicated int
	OutOfOrder int
}

// Account checks what was read back (recs, in offset order per partition)
// against the acknowledgements of run, where sent records 0..sent-1 were
// handed to the producer. The overall result is verify.Check's; the
// per-partition rows run the same check on each partition's share, with
// each acknowledgement expected on the partition the broker named.
func Account(run string, sent int64, acks []Ack, recs []verify.Record) (verify.Result, []PartitionResult) {
	acked := make([]int64, 0, len(acks))
	byPart := map[int32][]int64{}
	for _, a := range acks {
		acked = append(acked, a.Seq)
		byPart[a.Partition] = append(byPart[a.Partition], a.Seq)
	}
	res := verify.Check(verify.Expectation{Run: run, Acked: acked, Sent: sent}, recs)
	readByPart := map[int32][]verify.Record{}
	for _, r := range recs {
		if r.Run == run {
			readByPart[r.Partition] = append(readByPart[r.Partition], r)
		}
	}
	parts := map[int32]bool{}
	for p := range byPart {
		parts[p] = true
	}
	for p := range readByPart {
		parts[p] = true
	}
	var rows []PartitionResult
	for p := range parts {
		r := verify.Check(verify.Expectation{Run: run, Acked: byPart[p], Sent: sent}, readByPart[p])
		rows = append(rows, PartitionResult{
			Partition: p, Acked: r.Acked, Read: r.Read,
			Lost: r.Lost, Duplicated: r.Duplicated, OutOfOrder: r.OutOfOrder,
		})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Partition < rows[j].Partition })
	return res, rows
}

// Refusal reasons of the two-down probe.
const (
	ReasonNotEnoughReplicas            = "NOT_ENOUGH_REPLICAS"
	ReasonNotEnoughReplicasAfterAppend = "NOT_ENOUGH_REPLICAS_AFTER_APPEND"
	ReasonTimedOut                     = "timed out"
)

// Reason names why a produce failed: one of the Reason constants, or
// "other: <error>".
func Reason(err error) string {
	switch {
	case errors.Is(err, kerr.NotEnoughReplicasAfterAppend):
		return ReasonNotEnoughReplicasAfterAppend
	case errors.Is(err, kerr.NotEnoughReplicas):
		return ReasonNotEnoughReplicas
	case errors.Is(err, kgo.ErrRecordTimeout), errors.Is(err, kerr.RequestTimedOut),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, kgo.ErrRecordRetries):
		return ReasonTimedOut
	default:
		return "other: " + err.Error()
	}
}

// TwoDown is what the probe with two brokers down saw.
type TwoDown struct {
	Brokers []int32
	// Sent and Acked count the probe records; Refused counts the failed
	// ones by Reason.
	Sent    int
	Acked   int
	Refused map[string]int
	// Answers counts the error codes the brokers answered to the probe's
	// produce requests (a record that runs out of time only says "timed
	// out"), e.g. NOT_ENOUGH_REPLICAS.
	Answers map[string]int
	// Visible counts probe records read back later. Beyond the acknowledged
	// ones these were written by the leader but never acknowledged, which
	// Kafka allows: it only promises that acknowledged records are kept.
	Visible int
	// Enforced is false on the embedded runtime, whose replication is
	// simulated and does not refuse writes for min.insync.replicas.
	Enforced bool
	// Noticed is how long the cluster took to mark the brokers dead, or
	// -1 when it had not within the bound or could not (QuorumLost).
	Noticed time.Duration
	// QuorumLost says how many KRaft controller quorum voters were left
	// when the brokers down were a majority of them; empty otherwise.
	QuorumLost string
	// ISRFull is how long after the restart call every partition had its
	// full ISR again.
	ISRFull time.Duration
}

// FailoverReport is what e2e:failover did and found.
type FailoverReport struct {
	Run       string
	Topic     string
	Runtime   string
	Simulated bool
	Summary   Summary
	// Killed is the broker of the one-down phase (-1 before it is
	// chosen) and Led the partitions it led then; Noticed how long the
	// cluster took to take it out; ISRFull how long after its restart
	// call every partition's ISR was full again.
	Killed  int32
	Led     []int32
	Noticed time.Duration
	ISRFull time.Duration
	TwoDown TwoDown
	// Completed is false when the run stopped before the read-back; the
	// check below is then empty.
	Completed  bool
	Result     verify.Result
	Partitions []PartitionResult
}

// Err returns nil when the run proves the cluster, or an error naming
// every assertion that failed.
func (r *FailoverReport) Err() error {
	if !r.Completed {
		return errors.New("failover run did not complete")
	}
	fails := streamFails(r.Summary, r.Result)
	if r.TwoDown.Enforced && r.TwoDown.Acked > 0 {
		fails = append(fails, fmt.Sprintf("with brokers %s down, %d of %d records were acknowledged; min.insync.replicas=2 must refuse them",
			idList(r.TwoDown.Brokers), r.TwoDown.Acked, r.TwoDown.Sent))
	}
	if len(fails) == 0 {
		return nil
	}
	return fmt.Errorf("failover run %s: %s", r.Run, strings.Join(fails, "; "))
}

// streamFails names what a stream's accounting shows wrong: records lost,
// duplicated, reordered or damaged, and records never acknowledged.
func streamFails(s Summary, res verify.Result) []string {
	var fails []string
	if err := res.Err(); err != nil {
		fails = append(fails, err.Error())
	}
	if s.Failed > 0 || s.InFlight > 0 {
		var first error
		for _, p := range s.Phases {
			if p.FirstErr != nil {
				first = p.FirstErr
				break
			}
		}
		msg := fmt.Sprintf("%d of %d records of the stream were not acknowledged", s.Sent-s.Acked, s.Sent)
		if first != nil {
			msg += fmt.Sprintf(" (first error: %v)", first)
		}
		fails = append(fails, msg)
	}
	return fails
}

func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

// Write prints the phase table, the per-partition table and the totals.
func (r *FailoverReport) Write(out io.Writer) {
	tw := writeStream(out, r.Summary, r.Completed, r.Result, r.Partitions)
	if r.Killed >= 0 {
		fmt.Fprintf(tw, "broker %d (leader of partitions %s) down: cluster noticed after\t%s\n", r.Killed, partList(r.Led), ms(r.Noticed))
		fmt.Fprintf(tw, "broker %d restarted: ISR full again after\t%s\n", r.Killed, ms(r.ISRFull))
	}
	td := r.TwoDown
	if len(td.Brokers) > 0 {
		noticed := ms(td.Noticed)
		switch {
		case td.QuorumLost != "":
			noticed = "cannot: the controller quorum is lost (" + td.QuorumLost + ")"
		case td.Noticed < 0:
			noticed = "not within the bound"
		}
		fmt.Fprintf(tw, "brokers %s down: cluster noticed after\t%s\n", idList(td.Brokers), noticed)
		fmt.Fprintf(tw, "brokers %s down: probe records acknowledged\t%d of %d%s\n", idList(td.Brokers), td.Acked, td.Sent, refusedText(td.Refused))
		if len(td.Answers) > 0 {
			fmt.Fprintf(tw, "brokers %s down: broker answers to the probe\t%s\n", idList(td.Brokers), countsText(td.Answers))
		}
		if r.Completed {
			note := ""
			if td.Visible > td.Acked {
				note = fmt.Sprintf(" (%d written but never acknowledged, which Kafka allows)", td.Visible-td.Acked)
			}
			fmt.Fprintf(tw, "brokers %s down: probe records read back later\t%d%s\n", idList(td.Brokers), td.Visible, note)
		}
		fmt.Fprintf(tw, "brokers %s restarted: ISR full again after\t%s\n", idList(td.Brokers), ms(td.ISRFull))
		if !td.Enforced {
			fmt.Fprintf(tw, "two-down refusal\tnot enforced by the embedded runtime (simulated replication)\n")
		}
	}
	tw.Flush()
}

// writeStream prints a stream's phase table, its per-partition table (once
// read back) and the start of the totals table, which it returns for the
// caller's own rows; the caller flushes it.
func writeStream(out io.Writer, s Summary, completed bool, res verify.Result, parts []PartitionResult) *tabwriter.Writer {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PHASE\tSENT\tACKED\tFAILED\tLONGEST ACK GAP")
	for _, p := range s.Phases {
		if p.Sent == 0 && p.LongestGap == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\n", p.Name, p.Sent, p.Acked, p.Failed, ms(p.LongestGap))
	}
	tw.Flush()
	if completed {
		fmt.Fprintln(out)
		tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "PARTITION\tACKED\tREAD BACK\tLOST\tDUPLICATED\tOUT OF ORDER")
		for _, p := range parts {
			fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%d\t%d\n", p.Partition, p.Acked, p.Read, p.Lost, p.Duplicated, p.OutOfOrder)
		}
		fmt.Fprintf(tw, "all\t%d\t%d\t%d\t%d\t%d\n", res.Acked, res.Read, res.Lost, res.Duplicated, res.OutOfOrder)
		tw.Flush()
	}
	fmt.Fprintln(out)
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "sent\t%d\n", s.Sent)
	fmt.Fprintf(tw, "acknowledged\t%d\n", s.Acked)
	if completed {
		fmt.Fprintf(tw, "read back\t%d\n", res.Read)
		fmt.Fprintf(tw, "lost (acknowledged, not read)\t%d\n", res.Lost)
		fmt.Fprintf(tw, "duplicated\t%d\n", res.Duplicated)
		fmt.Fprintf(tw, "out of order\t%d\n", res.OutOfOrder)
		fmt.Fprintf(tw, "bad checksums\t%d\n", res.BadChecksums)
	}
	gapIn := ""
	if s.LongestGapPhase != "" {
		gapIn = " (ended in phase: " + s.LongestGapPhase + ")"
	}
	fmt.Fprintf(tw, "longest stretch without an acknowledgement\t%s%s\n", ms(s.LongestGap), gapIn)
	return tw
}

func refusedText(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	return "; refused: " + countsText(m)
}

func answersText(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	return "; brokers answered " + countsText(m)
}

// countsText prints counts as "A 3, B 1", sorted by name.
func countsText(m map[string]int) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
