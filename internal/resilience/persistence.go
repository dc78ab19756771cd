package resilience

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/kio"
	"kafkastack/internal/stack"
	"kafkastack/internal/topics"
	"kafkastack/internal/verify"
)

// PersistenceOptions shape a persistence run.
type PersistenceOptions struct {
	// Records is how many records are produced (0: KAFKA_RECORDS).
	Records int64
	// Confirm asks the user a yes/no question; nil means nobody can be
	// asked. It is asked before clean would delete topics the run did not
	// create, unless KAFKA_YES=1.
	Confirm func(question string) (bool, error)
}

// ErrNotConfirmed is returned when the run would delete topics it did not
// create and nobody said yes.
var ErrNotConfirmed = errors.New("not confirmed")

// guardOthers lists the topics other than the run's own (internal topics
// aside) and, when there are any, asks o.Confirm whether clean may delete
// them; without KAFKA_YES=1 or a yes it fails with ErrNotConfirmed,
// naming them.
func guardOthers(ctx context.Context, s *stack.Stack, o PersistenceOptions, own string) error {
	if s.Env.Config.Yes {
		return nil
	}
	var others []string
	err := withAdminErr(s, func(adm *kadm.Client) error {
		ds, err := topics.List(ctx, adm)
		for _, d := range ds {
			if d.Name != own {
				others = append(others, d.Name)
			}
		}
		return err
	})
	if err != nil || len(others) == 0 {
		return err
	}
	q := fmt.Sprintf("the persistence proof ends with clean, which deletes every topic of this cluster, also %s", strings.Join(others, ", "))
	if o.Confirm != nil {
		ok, err := o.Confirm(q + ". Go on?")
		if err != nil || ok {
			return err
		}
	}
	return fmt.Errorf("%s: %w (set KAFKA_YES=1 to allow it, as CI does)", q, ErrNotConfirmed)
}

// PersistenceStep is one row of the persistence table.
type PersistenceStep struct {
	Name     string
	Duration time.Duration
	Detail   string
}

// PersistenceReport is what e2e:persistence did.
type PersistenceReport struct {
	Run     string
	Topic   string
	Group   string
	Runtime string
	Steps   []PersistenceStep
	// Committed is what the group committed before down, per partition.
	Committed kio.Offsets
	// Result is the check of the read-back after down and up.
	Result verify.Result
}

// Persistence proves on s that a stopped cluster keeps its data and that
// clean removes it: it produces a run's records to a run-unique topic,
// commits a consumer group's offsets halfway, runs down and up, reads every
// record back and compares the group's committed offsets, then runs clean
// and up and checks that the topic and the group are gone. It leaves the
// cluster up and empty, as after clean and up. It fails on runtimes that
// cannot be stopped (external), and otherwise names the step and the
// assertion that failed.
func Persistence(ctx context.Context, s *stack.Stack, o PersistenceOptions, out io.Writer) (*PersistenceReport, error) {
	if !cluster.Managed(s.Runtime) {
		return nil, fmt.Errorf("the persistence proof stops and cleans the cluster, which the %s runtime does not allow: %w", s.Runtime.Name(), cluster.ErrNotSupported)
	}
	cfg := s.Env.Config
	n := o.Records
	if n <= 0 {
		n = int64(cfg.Records)
	}
	if n < 2 {
		return nil, fmt.Errorf("e2e:persistence needs at least 2 records, got %d", n)
	}
	run := verify.NewRunID()
	rep := &PersistenceReport{Run: run, Topic: "persistence-" + run, Group: "kafkastack-persistence-" + run, Runtime: s.Runtime.Name()}
	fmt.Fprintf(out, "persistence run %s: %d records to %s on the %s runtime; this run ends with clean: the cluster's data is deleted\n",
		run, n, rep.Topic, rep.Runtime)
	err := persist(ctx, s, o, rep, n)
	rep.write(out)
	if err != nil {
		fmt.Fprintf(out, "FAIL: %v\n", err)
		return rep, err
	}
	fmt.Fprintf(out, "PASS: %d records and group %s's offsets survived down and up; clean removed them\n", n, rep.Group)
	return rep, nil
}

// persistence is one run's state between its steps.
type persistence struct {
	s                *stack.Stack
	o                PersistenceOptions
	rep              *PersistenceReport
	n                int64
	start, end, half kio.Offsets
	prod             kio.Produced
}

// persist runs the steps of Persistence, recording each in rep, and stops
// at the first that fails. Before anything is written it asks whether
// clean may delete the cluster's other topics.
func persist(ctx context.Context, s *stack.Stack, o PersistenceOptions, rep *PersistenceReport, n int64) error {
	p := &persistence{s: s, o: o, rep: rep, n: n}
	guard := func(c context.Context) (string, error) {
		return "no other topics, or deleting them is allowed", guardOthers(c, s, o, rep.Topic)
	}
	for _, st := range []struct {
		name string
		fn   func(context.Context) (string, error)
	}{
		{"up", p.up}, {"others", guard}, {"topic", p.topic}, {"produce", p.produce}, {"commit half", p.commitHalf},
		{"down", p.down}, {"up", p.up}, {"offsets kept", p.offsetsKept}, {"read back", p.readBack},
		{"group resumes", p.groupResumes}, {"clean", p.clean}, {"up", p.up}, {"data gone", p.dataGone},
	} {
		if err := p.step(ctx, st.name, st.fn); err != nil {
			return err
		}
	}
	return nil
}

// step runs fn bounded by KAFKA_READY_TIMEOUT and records its row.
func (p *persistence) step(ctx context.Context, name string, fn func(context.Context) (string, error)) error {
	c, cancel := context.WithTimeout(ctx, p.s.Env.Config.ReadyTimeout)
	defer cancel()
	start := time.Now()
	detail, err := fn(c)
	if err != nil {
		detail = "FAILED"
	}
	p.rep.Steps = append(p.rep.Steps, PersistenceStep{Name: name, Duration: time.Since(start), Detail: detail})
	if err != nil {
		return fmt.Errorf("persistence step %s: %w", name, err)
	}
	return nil
}

func (p *persistence) up(c context.Context) (string, error) {
	return fmt.Sprintf("%d brokers ready", len(p.s.ExpectedBrokers())), p.s.Up(c)
}

func (p *persistence) down(c context.Context) (string, error) {
	return "cluster stopped, data kept", p.s.Down(c)
}

func (p *persistence) clean(c context.Context) (string, error) {
	return "cluster stopped, data deleted", p.s.Clean(c)
}

func (p *persistence) topic(c context.Context) (string, error) {
	cfg := p.s.Env.Config
	spec := topics.Spec{
		Name: p.rep.Topic, Partitions: cfg.Partitions, ReplicationFactor: cfg.ReplicationFactor,
		Configs: map[string]string{"min.insync.replicas": strconv.Itoa(cfg.MinInsyncReplicas)},
	}
	return fmt.Sprintf("%s created (%d partitions, replication factor %d)", p.rep.Topic, spec.Partitions, spec.ReplicationFactor),
		withClients(p.s, func(adm *kadm.Client, cl *kgo.Client) error {
			if _, err := topics.Create(c, cl, spec); err != nil {
				return err
			}
			var err error
			p.start, err = kio.EndOffsets(c, adm, p.rep.Topic)
			return err
		})
}

func (p *persistence) produce(c context.Context) (string, error) {
	cl, err := p.s.Client()
	if err != nil {
		return "", err
	}
	defer cl.Close()
	if p.prod, err = kio.Produce(c, cl, p.rep.Topic, p.rep.Run, p.n, kio.DefaultRecordSize); err != nil {
		return "", err
	}
	if p.prod.Failed > 0 {
		return "", fmt.Errorf("%d of %d records were not acknowledged: %w", p.prod.Failed, p.n, p.prod.FirstErr)
	}
	return fmt.Sprintf("%d records acknowledged", len(p.prod.Acked)), withAdminErr(p.s, func(adm *kadm.Client) error {
		p.end, err = kio.EndOffsets(c, adm, p.rep.Topic)
		p.half = Halfway(p.start, p.end)
		return err
	})
}

func (p *persistence) commitHalf(c context.Context) (string, error) {
	rep := p.rep
	opts, err := p.s.ClientOpts()
	if err != nil {
		return "", err
	}
	var read int
	if err := kio.RetryTransient(c, func(c context.Context) error {
		read, err = CommitUpTo(c, opts, rep.Group, rep.Topic, p.half)
		return err
	}); err != nil {
		return "", err
	}
	if rep.Committed, err = committedOffsets(c, p.s, rep.Group, rep.Topic); err != nil {
		return "", err
	}
	if err := rep.Committed.Diff(nonZero(p.half, p.start)); err != nil {
		return "", fmt.Errorf("group %s after its commit: %w", rep.Group, err)
	}
	return fmt.Sprintf("group %s read %d records and committed %s", rep.Group, read, rep.Committed), nil
}

func (p *persistence) offsetsKept(c context.Context) (string, error) {
	got, err := committedOffsets(c, p.s, p.rep.Group, p.rep.Topic)
	if err != nil {
		return "", err
	}
	if err := got.Diff(p.rep.Committed); err != nil {
		return "", fmt.Errorf("group %s's committed offsets did not survive down and up: %w", p.rep.Group, err)
	}
	return fmt.Sprintf("group %s still at %s", p.rep.Group, got), nil
}

// consume reads the topic from from to the end offsets with group, after
// checking that the end offsets survived, retrying what a restarted
// cluster answers for a while.
func (p *persistence) consume(c context.Context, group string, from kio.Offsets) ([]verify.Record, error) {
	opts, err := p.s.ClientOpts()
	if err != nil {
		return nil, err
	}
	return withAdminRecs(p.s, func(adm *kadm.Client) ([]verify.Record, error) {
		after, err := kio.EndOffsets(c, adm, p.rep.Topic)
		if err != nil {
			return nil, err
		}
		if err := after.Diff(p.end); err != nil {
			return nil, fmt.Errorf("the topic's end offsets changed across down and up: %w", err)
		}
		var recs []verify.Record
		err = kio.RetryTransient(c, func(c context.Context) error {
			recs, err = kio.Consume(c, opts, adm, group, p.rep.Topic, from, p.end, kio.DefaultRecordSize)
			return err
		})
		return recs, err
	})
}

func (p *persistence) readBack(c context.Context) (string, error) {
	run := p.rep.Run
	recs, err := p.consume(c, "kafkastack-persistence-read-"+run, p.start)
	if err != nil {
		return "", err
	}
	p.rep.Result = verify.Check(verify.Expectation{Run: run, Acked: p.prod.Acked, Sent: p.n}, recs)
	if err := p.rep.Result.Err(); err != nil {
		return "", err
	}
	if p.rep.Result.Read != int(p.n) {
		return "", fmt.Errorf("read %d records of run %s, want %d", p.rep.Result.Read, run, p.n)
	}
	return fmt.Sprintf("all %d records, none lost, duplicated or out of order", p.rep.Result.Read), nil
}

func (p *persistence) groupResumes(c context.Context) (string, error) {
	group := p.rep.Group
	from := kio.Offsets{}
	for part, o := range p.start {
		from[part] = o
	}
	for part, o := range p.rep.Committed {
		from[part] = o
	}
	recs, err := p.consume(c, group, from)
	if err != nil {
		return "", err
	}
	want := int(sumRange(from, p.end))
	if len(recs) != want {
		return "", fmt.Errorf("group %s read %d records from its committed offsets, want the %d after them", group, len(recs), want)
	}
	for _, r := range recs {
		if r.Offset < from[r.Partition] {
			return "", fmt.Errorf("group %s read offset %d of partition %d, before its committed offset %d", group, r.Offset, r.Partition, from[r.Partition])
		}
	}
	return fmt.Sprintf("group %s read the other %d records from its committed offsets", group, want), nil
}

func (p *persistence) dataGone(c context.Context) (string, error) {
	rep := p.rep
	detail := fmt.Sprintf("topic %s and group %s gone", rep.Topic, rep.Group)
	return detail, withAdminErr(p.s, func(adm *kadm.Client) error {
		td, err := adm.ListTopics(kadm.WithAuthorizedOps(c))
		if err != nil {
			return fmt.Errorf("listing topics: %w", err)
		}
		if td.Has(rep.Topic) {
			return fmt.Errorf("topic %s still exists after clean", rep.Topic)
		}
		var got kio.Offsets
		if err := kio.RetryTransient(c, func(c context.Context) error {
			got, err = kio.CommittedOffsets(c, adm, rep.Group, rep.Topic)
			return err
		}); err != nil {
			return err
		}
		if len(got) > 0 {
			return fmt.Errorf("group %s still has committed offsets %s after clean", rep.Group, got)
		}
		return nil
	})
}

// write prints the step table.
func (r *PersistenceReport) write(out io.Writer) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tDURATION\tRESULT")
	for _, s := range r.Steps {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, s.Duration.Round(time.Millisecond), s.Detail)
	}
	tw.Flush()
}

// Halfway returns, per partition, the offset halfway from start to end.
func Halfway(start, end kio.Offsets) kio.Offsets {
	out := kio.Offsets{}
	for p, e := range end {
		out[p] = start[p] + (e-start[p])/2
	}
	return out
}

// nonZero keeps the partitions of o that are past start (those a group
// commits for).
func nonZero(o, start kio.Offsets) kio.Offsets {
	out := kio.Offsets{}
	for p, v := range o {
		if v > start[p] {
			out[p] = v
		}
	}
	return out
}

func sumRange(from, until kio.Offsets) int64 {
	var n int64
	for p, u := range until {
		if u > from[p] {
			n += u - from[p]
		}
	}
	return n
}

// CommitUpTo joins group on topic, reads every partition from the start up
// to the offset in upTo (partitions absent or at 0 are not read), commits
// exactly those offsets, and leaves the group. It returns how many records
// it read, and fails when ctx ends first.
func CommitUpTo(ctx context.Context, opts []kgo.Opt, group, topic string, upTo kio.Offsets) (int, error) {
	ends := kio.Offsets{}
	for p, o := range upTo {
		if o > 0 {
			ends[p] = o
		}
	}
	if len(ends) == 0 {
		return 0, nil
	}
	cl, err := kgo.NewClient(append(append([]kgo.Opt{}, opts...),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.DisableAutoCommit(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
	)...)
	if err != nil {
		return 0, fmt.Errorf("creating consumer: %w", err)
	}
	defer cl.Close()
	last := map[int32]*kgo.Record{}
	read := 0
	err = kio.ReadTo(ctx, cl, ends, func(r *kgo.Record) {
		if r.Offset >= upTo[r.Partition] {
			return
		}
		read++
		last[r.Partition] = r
	})
	var short *kio.ShortError
	if errors.As(err, &short) {
		return read, fmt.Errorf("consuming %s with group %s: timed out with partitions %v short of their halfway offsets", topic, group, short.Partitions)
	}
	if err != nil {
		return read, fmt.Errorf("consuming %s with group %s: %w", topic, group, err)
	}
	var recs []*kgo.Record
	for _, r := range last {
		recs = append(recs, r)
	}
	if err := cl.CommitRecords(ctx, recs...); err != nil {
		return read, fmt.Errorf("committing offsets of group %s: %w", group, err)
	}
	return read, nil
}

// committedOffsets fetches group's committed offsets on topic with a fresh
// admin client.
func committedOffsets(ctx context.Context, s *stack.Stack, group, topic string) (kio.Offsets, error) {
	adm, cl, err := s.Admin()
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	var out kio.Offsets
	err = kio.RetryTransient(ctx, func(ctx context.Context) error {
		out, err = kio.CommittedOffsets(ctx, adm, group, topic)
		return err
	})
	return out, err
}

func withAdminErr(s *stack.Stack, fn func(adm *kadm.Client) error) error {
	return withClients(s, func(adm *kadm.Client, _ *kgo.Client) error { return fn(adm) })
}

// withClients runs fn with an admin client and the client under it.
func withClients(s *stack.Stack, fn func(*kadm.Client, *kgo.Client) error) error {
	adm, cl, err := s.Admin()
	if err != nil {
		return err
	}
	defer cl.Close()
	return fn(adm, cl)
}

func withAdminRecs(s *stack.Stack, fn func(adm *kadm.Client) ([]verify.Record, error)) ([]verify.Record, error) {
	adm, cl, err := s.Admin()
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	return fn(adm)
}
