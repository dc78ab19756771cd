// Package e2e proves a cluster end to end: up, wait, topic, produce and
// consume with franz-go, and a check that exactly this run's records came
// back: none lost, none duplicated, order kept per partition, payloads
// intact. It prints a step table.
package e2e

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"kafkastack/internal/kio"
	"kafkastack/internal/stack"
	"kafkastack/internal/topics"
	"kafkastack/internal/verify"
)

// Options shape a run.
type Options struct {
	Topic      string
	Records    int64
	RecordSize int
	Spec       topics.Spec
	// SkipUp leaves the lifecycle alone (the external runtime, or a
	// cluster the caller started).
	SkipUp bool
	// DeleteTopic deletes the topic after the run (the external
	// runtime's run-unique topic).
	DeleteTopic bool
}

// Step is one row of the step table. Records is how many records the
// step moved (produce, consume) or checked (check); only moving steps
// have a rate.
type Step struct {
	Name     string
	Duration time.Duration
	Records  int64
}

// moves reports whether the step's records went over the network, so that
// a rate means something.
func (s Step) moves() bool { return s.Name == "produce" || s.Name == "consume" }

// Report is what a run did.
type Report struct {
	Run    string
	Steps  []Step
	Result verify.Result
}

// Run runs the chain on s and prints the step table to out. It fails,
// naming the step or the assertion, at the first thing that goes wrong.
func Run(ctx context.Context, s *stack.Stack, o Options, out io.Writer) (*Report, error) {
	cfg := s.Env.Config
	rep := &Report{Run: verify.NewRunID()}
	if s.IsExternal() {
		// Never touch a user's topics on a cluster we do not manage: use a
		// run-unique topic and delete it, unless KAFKA_TOPIC names one.
		o.SkipUp = true
		if o.Topic == "" && !cfg.TopicSet {
			o.Topic, o.DeleteTopic = "kafkastack-e2e-"+rep.Run, true
		}
	}
	if o.Topic == "" {
		o.Topic = cfg.Topic
	}
	if o.Records <= 0 {
		o.Records = int64(cfg.Records)
	}
	if o.RecordSize <= 0 {
		o.RecordSize = kio.DefaultRecordSize
	}
	if o.Spec.Name == "" {
		o.Spec = topics.Spec{
			Name:              o.Topic,
			Partitions:        cfg.Partitions,
			ReplicationFactor: cfg.ReplicationFactor,
			Configs:           map[string]string{"min.insync.replicas": strconv.Itoa(cfg.MinInsyncReplicas)},
		}
	}
	if err := o.Spec.Validate(); err != nil {
		return nil, err
	}
	step := func(name string, n int64, fn func() error) error {
		start := time.Now()
		err := fn()
		rep.Steps = append(rep.Steps, Step{Name: name, Duration: time.Since(start), Records: n})
		if err != nil {
			return fmt.Errorf("e2e step %s: %w", name, err)
		}
		return nil
	}
	fmt.Fprintf(out, "e2e run %s: %d records of %d bytes to %s on the %s runtime\n", rep.Run, o.Records, o.RecordSize, o.Topic, s.Runtime.Name())
	defer func() { writeSteps(out, rep) }()

	if !o.SkipUp {
		if err := step("up", 0, func() error { return s.Start(ctx) }); err != nil {
			return rep, err
		}
	}
	if err := step("wait", 0, func() error { return s.Wait(ctx) }); err != nil {
		return rep, err
	}
	if !o.SkipUp {
		if err := s.StartConsole(ctx); err != nil {
			return rep, err
		}
	}
	adm, cl, err := s.Admin()
	if err != nil {
		return rep, err
	}
	defer cl.Close()
	tctx, cancel := context.WithTimeout(ctx, cfg.ReadyTimeout)
	defer cancel()
	if err := step("topic", 0, func() error {
		outcome, err := topics.Create(tctx, cl, o.Spec)
		if err == nil {
			fmt.Fprintf(out, "topic %s %s (%d partitions, replication factor %d)\n", o.Spec.Name, outcome, o.Spec.Partitions, o.Spec.ReplicationFactor)
		}
		return err
	}); err != nil {
		return rep, err
	}
	if o.DeleteTopic {
		defer func() {
			dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer dcancel()
			if err := topics.Delete(dctx, adm, o.Spec.Name); err != nil {
				fmt.Fprintf(out, "warning: %v\n", err)
			}
		}()
	}
	start, err := kio.EndOffsets(tctx, adm, o.Topic)
	if err != nil {
		return rep, err
	}
	var prod kio.Produced
	if err := step("produce", o.Records, func() error {
		pcl, err := s.Client()
		if err != nil {
			return err
		}
		defer pcl.Close()
		pctx, pcancel := context.WithTimeout(ctx, cfg.ReadyTimeout)
		defer pcancel()
		prod, err = kio.Produce(pctx, pcl, o.Topic, rep.Run, o.Records, o.RecordSize)
		if err != nil {
			return err
		}
		if prod.Failed > 0 {
			return fmt.Errorf("%d of %d records were not acknowledged: %w", prod.Failed, o.Records, prod.FirstErr)
		}
		return nil
	}); err != nil {
		return rep, err
	}
	end, err := kio.EndOffsets(tctx, adm, o.Topic)
	if err != nil {
		return rep, err
	}
	var recs []verify.Record
	if err := step("consume", o.Records, func() error {
		opts, err := s.ClientOpts()
		if err != nil {
			return err
		}
		cctx, ccancel := context.WithTimeout(ctx, cfg.ReadyTimeout)
		defer ccancel()
		group := "kafkastack-e2e-" + rep.Run
		recs, err = kio.Consume(cctx, opts, adm, group, o.Topic, start, end, o.RecordSize)
		// The group served this run only; do not leave it behind.
		_, _ = adm.DeleteGroup(cctx, group)
		return err
	}); err != nil {
		return rep, err
	}
	err = step("check", 0, func() error {
		rep.Result = verify.Check(verify.Expectation{Run: rep.Run, Acked: prod.Acked, Sent: prod.Sent}, recs)
		if rep.Result.Read != int(o.Records) && rep.Result.Err() == nil {
			return fmt.Errorf("read %d records of run %s, want %d", rep.Result.Read, rep.Run, o.Records)
		}
		return rep.Result.Err()
	})
	if err != nil {
		return rep, err
	}
	rep.Steps[len(rep.Steps)-1].Records = int64(rep.Result.Read)
	r := rep.Result
	fmt.Fprintf(out, "PASS: %d sent, %d acknowledged, %d read back; 0 lost, 0 duplicated, 0 out of order, 0 bad checksums\n", r.Sent, r.Acked, r.Read)
	return rep, nil
}

// writeSteps prints the step table.
func writeSteps(out io.Writer, rep *Report) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tDURATION\tRECORDS\tRECORDS/S")
	for _, s := range rep.Steps {
		rate, n := "-", "-"
		if s.Records > 0 {
			n = strconv.FormatInt(s.Records, 10)
			if s.Duration > 0 && s.moves() {
				rate = strconv.FormatFloat(float64(s.Records)/s.Duration.Seconds(), 'f', 0, 64)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, s.Duration.Round(time.Millisecond), n, rate)
	}
	tw.Flush()
}
