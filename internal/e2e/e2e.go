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

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/config"
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
	rep := &Report{Run: verify.NewRunID()}
	o = o.withDefaults(s, rep.Run)
	if err := o.Spec.Validate(); err != nil {
		return nil, err
	}
	r := &run{s: s, cfg: s.Env.Config, o: o, out: out, rep: rep}
	fmt.Fprintf(out, "e2e run %s: %d records of %d bytes to %s on the %s runtime\n", rep.Run, o.Records, o.RecordSize, o.Topic, s.Runtime.Name())
	defer func() { writeSteps(out, rep) }()
	return rep, r.chain(ctx)
}

// withDefaults fills what o leaves open from the stack's configuration.
// On a cluster kafkastack does not manage, it leaves the lifecycle alone
// and, unless KAFKA_TOPIC names a topic, writes to a topic unique to run
// that it deletes afterwards: a user's topics are never touched.
func (o Options) withDefaults(s *stack.Stack, run string) Options {
	cfg := s.Env.Config
	if s.IsExternal() {
		o.SkipUp = true
		if o.Topic == "" && !cfg.TopicSet {
			o.Topic, o.DeleteTopic = "kafkastack-e2e-"+run, true
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
	return o
}

// run is one run of the chain: its settings, and what the steps have
// found so far.
type run struct {
	s   *stack.Stack
	cfg *config.Config
	o   Options
	out io.Writer
	rep *Report

	adm        *kadm.Client
	cl         *kgo.Client // the admin client's
	start, end kio.Offsets
	prod       kio.Produced
	recs       []verify.Record
}

// step runs fn as the step name that moves n records, and adds its row
// to the report.
func (r *run) step(name string, n int64, fn func() error) error {
	start := time.Now()
	err := fn()
	r.rep.Steps = append(r.rep.Steps, Step{Name: name, Duration: time.Since(start), Records: n})
	if err != nil {
		return fmt.Errorf("e2e step %s: %w", name, err)
	}
	return nil
}

// chain runs the steps in order and stops at the first that fails.
func (r *run) chain(ctx context.Context) error {
	if err := r.up(ctx); err != nil {
		return err
	}
	adm, cl, err := r.s.Admin()
	if err != nil {
		return err
	}
	defer cl.Close()
	r.adm, r.cl = adm, cl
	tctx, cancel := context.WithTimeout(ctx, r.cfg.ReadyTimeout)
	defer cancel()
	if err := r.step("topic", 0, func() error { return r.topic(tctx) }); err != nil {
		return err
	}
	if r.o.DeleteTopic {
		defer r.deleteTopic()
	}
	if r.start, err = kio.EndOffsets(tctx, adm, r.o.Topic); err != nil {
		return err
	}
	if err := r.step("produce", r.o.Records, func() error { return r.produce(ctx) }); err != nil {
		return err
	}
	if r.end, err = kio.EndOffsets(tctx, adm, r.o.Topic); err != nil {
		return err
	}
	if err := r.step("consume", r.o.Records, func() error { return r.consume(ctx) }); err != nil {
		return err
	}
	if err := r.step("check", 0, r.check); err != nil {
		return err
	}
	r.rep.Steps[len(r.rep.Steps)-1].Records = int64(r.rep.Result.Read)
	res := r.rep.Result
	fmt.Fprintf(r.out, "PASS: %d sent, %d acknowledged, %d read back; 0 lost, 0 duplicated, 0 out of order, 0 bad checksums\n", res.Sent, res.Acked, res.Read)
	return nil
}

// up starts the cluster and its console unless the lifecycle is left
// alone, and waits until the cluster is ready.
func (r *run) up(ctx context.Context) error {
	if !r.o.SkipUp {
		if err := r.step("up", 0, func() error { return r.s.Start(ctx) }); err != nil {
			return err
		}
	}
	if err := r.step("wait", 0, func() error { return r.s.Wait(ctx) }); err != nil {
		return err
	}
	if r.o.SkipUp {
		return nil
	}
	return r.s.StartConsole(ctx)
}

// topic creates the run's topic, or finds it healthy, and says which.
func (r *run) topic(ctx context.Context) error {
	outcome, err := topics.Create(ctx, r.cl, r.o.Spec)
	if err == nil {
		fmt.Fprintf(r.out, "topic %s %s (%d partitions, replication factor %d)\n", r.o.Spec.Name, outcome, r.o.Spec.Partitions, r.o.Spec.ReplicationFactor)
	}
	return err
}

// deleteTopic deletes the run's topic; a failure is only a warning.
func (r *run) deleteTopic() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := topics.Delete(ctx, r.adm, r.o.Spec.Name); err != nil {
		fmt.Fprintf(r.out, "warning: %v\n", err)
	}
}

// produce sends the run's records with a client of its own and fails
// unless every one is acknowledged.
func (r *run) produce(ctx context.Context) error {
	pcl, err := r.s.Client()
	if err != nil {
		return err
	}
	defer pcl.Close()
	pctx, cancel := context.WithTimeout(ctx, r.cfg.ReadyTimeout)
	defer cancel()
	r.prod, err = kio.Produce(pctx, pcl, r.o.Topic, r.rep.Run, r.o.Records, r.o.RecordSize)
	if err != nil {
		return err
	}
	if r.prod.Failed > 0 {
		return fmt.Errorf("%d of %d records were not acknowledged: %w", r.prod.Failed, r.o.Records, r.prod.FirstErr)
	}
	return nil
}

// consume reads the run's range back with a consumer group of its own,
// which it deletes afterwards.
func (r *run) consume(ctx context.Context) error {
	opts, err := r.s.ClientOpts()
	if err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, r.cfg.ReadyTimeout)
	defer cancel()
	group := "kafkastack-e2e-" + r.rep.Run
	r.recs, err = kio.Consume(cctx, opts, r.adm, group, r.o.Topic, r.start, r.end, r.o.RecordSize)
	// The group served this run only; do not leave it behind.
	_, _ = r.adm.DeleteGroup(cctx, group)
	return err
}

// check verifies that exactly the run's records came back.
func (r *run) check() error {
	r.rep.Result = verify.Check(verify.Expectation{Run: r.rep.Run, Acked: r.prod.Acked, Sent: r.prod.Sent}, r.recs)
	if r.rep.Result.Read != int(r.o.Records) && r.rep.Result.Err() == nil {
		return fmt.Errorf("read %d records of run %s, want %d", r.rep.Result.Read, r.rep.Run, r.o.Records)
	}
	return r.rep.Result.Err()
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
