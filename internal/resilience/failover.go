package resilience

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/kio"
	"kafkastack/internal/stack"
	"kafkastack/internal/topics"
	"kafkastack/internal/verify"
)

// FailoverOptions shape a failover run.
type FailoverOptions struct {
	// Records is how many records the stream produces (0: KAFKA_RECORDS).
	Records int64
	// Interval is the pause between two records of the stream (default
	// 1ms), so that the stream is still producing when brokers die.
	Interval time.Duration
	// ProbeRecords is how many records are tried with two brokers down
	// (default 20), each with ProbeTimeout (default 8s) to be delivered.
	ProbeRecords int
	ProbeTimeout time.Duration
	// NoticeTimeout bounds the wait for the cluster to take two dead
	// brokers out (default the lesser of KAFKA_READY_TIMEOUT and 60s); a
	// cluster that lost its controller quorum never does, and the run
	// goes on without it.
	NoticeTimeout time.Duration
	// SkipUp leaves the lifecycle alone (the cluster is already up).
	SkipUp bool
}

// DefaultFailoverRecords is the failover stream's length when
// KAFKA_RECORDS is not set.
const DefaultFailoverRecords = 3000

// Failover runs the broker-failure proof on s and prints its tables to out:
// a run-unique topic (RF 3, min.insync.replicas 2) takes a paced stream
// from an idempotent acks=all producer while one broker is killed and
// restarted, then two brokers are killed and a probe checks that writes
// are refused; everything is read back and checked. Brokers it stopped are
// started again and the topic is deleted even when the run fails. It
// fails when the runtime cannot stop a broker, and otherwise names the
// step or every assertion that failed.
func Failover(ctx context.Context, s *stack.Stack, o FailoverOptions, out io.Writer) (*FailoverReport, error) {
	f, err := newFailover(s, o, out)
	if err != nil {
		return nil, err
	}
	if !o.SkipUp {
		if err := s.Up(ctx); err != nil {
			return f.rep, err
		}
	}
	if f.r, err = openStreamRun(ctx, s, "failover", f.o.Interval); err != nil {
		return f.rep, err
	}
	defer f.r.close(out)
	return f.rep, f.run(ctx)
}

// newFailover checks that s's runtime can stop one broker and the options
// against its topology.
func newFailover(s *stack.Stack, o FailoverOptions, out io.Writer) (*failover, error) {
	bc, ok := s.Runtime.(cluster.BrokerControl)
	if !ok {
		return nil, fmt.Errorf("failover needs a runtime that can stop one broker, and the %s runtime cannot: %w", s.Runtime.Name(), cluster.ErrNotSupported)
	}
	n, err := o.validate(s)
	if err != nil {
		return nil, err
	}
	f := &failover{s: s, o: o, bc: bc, out: out, n: n, down: map[int32]bool{}}
	f.rep = &FailoverReport{Runtime: s.Runtime.Name(), Killed: -1, Simulated: cluster.Simulated(s.Runtime)}
	f.rep.TwoDown.Enforced = !f.rep.Simulated
	return f, nil
}

// run is the failover's steps on its open stream f.r; every broker it
// stopped is started again whatever happens.
func (f *failover) run(ctx context.Context) error {
	out := f.out
	f.rep.Run, f.rep.Topic = f.r.run, f.r.topic
	defer f.restartDown()
	defer func() {
		if !f.rep.Completed {
			f.rep.Summary = f.r.ledger.Summary()
			f.rep.Write(out)
		}
	}()
	fmt.Fprintf(out, "failover run %s: %d records to %s on the %s runtime (replication factor %d, min.insync.replicas %d)\n",
		f.r.run, f.n, f.r.topic, f.rep.Runtime, FaultReplicationFactor, FaultMinInsyncReplicas)
	if f.rep.Simulated {
		fmt.Fprintln(out, "note: the embedded runtime is a simulation (kfake): replication is not real, a stopped broker's partitions move at once, and min.insync.replicas is not enforced; the two-down refusal is reported, not asserted")
	}
	for _, step := range []func(context.Context) error{f.allUp, f.oneDown, f.oneBack, f.twoDown, f.finish} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return f.verdict(ctx)
}

// validate checks the options against the topology and fills defaults; it
// returns the stream's length.
func (o *FailoverOptions) validate(s *stack.Stack) (int64, error) {
	if ids := s.Env.Topology.IDs(); len(ids) < FaultReplicationFactor {
		return 0, fmt.Errorf("failover needs at least %d brokers, the topology has %d", FaultReplicationFactor, len(ids))
	}
	n := o.Records
	if n <= 0 {
		n = int64(s.Env.Config.Records)
	}
	if n < 10 {
		return 0, fmt.Errorf("failover needs at least 10 records, got %d", n)
	}
	if o.Interval <= 0 {
		o.Interval = time.Millisecond
	}
	if o.ProbeRecords <= 0 {
		o.ProbeRecords = 20
	}
	if o.ProbeTimeout <= 0 {
		o.ProbeTimeout = 8 * time.Second
	}
	if o.NoticeTimeout <= 0 {
		o.NoticeTimeout = min(s.Env.Config.ReadyTimeout, 60*time.Second)
	}
	return n, nil
}

// failover is one run's state between its steps.
type failover struct {
	s    *stack.Stack
	o    FailoverOptions
	bc   cluster.BrokerControl
	out  io.Writer
	n    int64
	r    *streamRun
	rep  *FailoverReport
	down map[int32]bool // brokers this run stopped and has not restarted
}

// restartDown starts again every broker the run stopped, whatever happened.
func (f *failover) restartDown() {
	for id := range f.down {
		rctx, rcancel := context.WithTimeout(context.Background(), f.s.Env.Config.ReadyTimeout)
		if err := f.bc.StartBroker(rctx, id); err != nil {
			fmt.Fprintf(f.out, "warning: restarting broker %d: %v\n", id, err)
		} else {
			fmt.Fprintf(f.out, "broker %d restarted\n", id)
		}
		rcancel()
	}
}

// allUp: every broker up, the stream starts.
func (f *failover) allUp(ctx context.Context) error {
	f.r.ledger.Phase("all up")
	return f.r.produceTo(ctx, f.n/5, "with every broker up")
}

// oneDown: one partition leader killed just as the stream goes on, so
// that records are in flight while the cluster notices and moves leaders.
func (f *failover) oneDown(ctx context.Context) error {
	killed, led, err := f.r.hitLeader(ctx, "stopped", func(ctx context.Context, id int32) error {
		f.r.st.allow(2 * f.n / 5)
		return f.bc.KillBroker(ctx, id)
	}, f.out)
	if err != nil {
		return fmt.Errorf("killing one broker: %w", err)
	}
	f.r.ledger.Phase(fmt.Sprintf("broker %d down", killed))
	fmt.Fprintf(f.out, "broker %d (leader of partitions %s) killed while producing\n", killed, partList(led))
	f.down[killed] = true
	f.rep.Killed, f.rep.Led = killed, led
	f.rep.Noticed, err = f.r.waitState(ctx, f.s.Env.Config.ReadyTimeout, func(cs clusterState) (bool, string) {
		return cs.noticed([]int32{killed}, false)
	})
	if err != nil {
		return fmt.Errorf("broker %d down: waiting for the cluster to move its partitions: %w", killed, err)
	}
	fmt.Fprintf(f.out, "broker %d down: partitions moved and ISR shrunk after %s\n", killed, ms(f.rep.Noticed))
	return f.r.produceTo(ctx, 2*f.n/5, fmt.Sprintf("with broker %d down", killed))
}

// oneBack: the broker comes back; the stream goes on while it catches up.
func (f *failover) oneBack(ctx context.Context) error {
	killed := f.rep.Killed
	f.r.ledger.Phase(fmt.Sprintf("broker %d restarting", killed))
	f.r.st.allow(3 * f.n / 5)
	restartAt := time.Now()
	if err := f.bc.StartBroker(ctx, killed); err != nil {
		return fmt.Errorf("restarting broker %d: %w", killed, err)
	}
	delete(f.down, killed)
	if err := f.r.awaitFullISR(ctx, fmt.Sprintf("broker %d restarted", killed)); err != nil {
		return err
	}
	f.rep.ISRFull = time.Since(restartAt)
	fmt.Fprintf(f.out, "broker %d restarted: every partition has %d in-sync replicas after %s\n", killed, FaultReplicationFactor, ms(f.rep.ISRFull))
	return f.r.produceTo(ctx, 3*f.n/5, fmt.Sprintf("after broker %d restarted", killed))
}

// twoDown: every broker but one down; the stream pauses and a probe must
// be refused. Where the brokers were a majority of the KRaft controller
// quorum, the cluster cannot change its metadata any more, so the wait
// for it to notice is skipped and the lost quorum named.
func (f *failover) twoDown(ctx context.Context) error {
	state, err := f.r.state(ctx)
	if err != nil {
		return err
	}
	victims, err := killTwo(ctx, f.bc, state, f.down, f.out)
	if err != nil {
		return err
	}
	td := &f.rep.TwoDown
	td.Brokers = victims
	f.r.ledger.Phase(fmt.Sprintf("brokers %s down (stream paused)", idList(victims)))
	voters := f.s.Env.Topology.QuorumVoters()
	if up := votersLeft(voters, victims); len(voters) > 0 && 2*up <= len(voters) {
		td.Noticed, td.QuorumLost = -1, fmt.Sprintf("%d of %d controller quorum voters up", up, len(voters))
		fmt.Fprintf(f.out, "brokers %s down: the KRaft controller quorum is lost (%s), so the cluster cannot take them out of the ISR; probing at once\n", idList(victims), td.QuorumLost)
	} else if td.Noticed, err = f.r.waitState(ctx, f.o.NoticeTimeout, func(cs clusterState) (bool, string) {
		return cs.noticed(victims, true)
	}); err != nil {
		td.Noticed = -1
		fmt.Fprintf(f.out, "brokers %s down: the cluster had not taken them out after %s (%v); probing anyway\n", idList(victims), f.o.NoticeTimeout, err)
	} else {
		fmt.Fprintf(f.out, "brokers %s down: taken out of the ISR after %s\n", idList(victims), ms(td.Noticed))
	}
	if err := probe(ctx, f.s, f.r.topic, f.r.run+"-probe", f.o, td); err != nil {
		return err
	}
	fmt.Fprintf(f.out, "brokers %s down: %d of %d probe records acknowledged%s%s\n", idList(victims), td.Acked, td.Sent, refusedText(td.Refused), answersText(td.Answers))
	restoreAt := time.Now()
	for _, id := range victims {
		if err := f.bc.StartBroker(ctx, id); err != nil {
			return fmt.Errorf("restarting broker %d: %w", id, err)
		}
		delete(f.down, id)
	}
	if err := f.r.awaitFullISR(ctx, fmt.Sprintf("brokers %s restarted", idList(victims))); err != nil {
		return err
	}
	td.ISRFull = time.Since(restoreAt)
	fmt.Fprintf(f.out, "brokers %s restarted: every partition has %d in-sync replicas after %s\n", idList(victims), FaultReplicationFactor, ms(td.ISRFull))
	return nil
}

// votersLeft counts the voters not among down.
func votersLeft(voters, down []int32) int {
	n := 0
	for _, v := range voters {
		if !has(down, v) {
			n++
		}
	}
	return n
}

// finish: all up again; the stream finishes and everything is read back.
func (f *failover) finish(ctx context.Context) error {
	f.r.ledger.Phase("all up again")
	if err := f.r.produceTo(ctx, f.n, "after every broker is back"); err != nil {
		return err
	}
	f.r.stopStream()
	f.rep.Summary = f.r.ledger.Summary()
	recs, err := f.r.readBack(ctx)
	if err != nil {
		return err
	}
	probeRun := f.r.run + "-probe"
	for _, r := range recs {
		if r.Run == probeRun {
			f.rep.TwoDown.Visible++
		}
	}
	f.rep.Result, f.rep.Partitions = Account(f.r.run, f.rep.Summary.Sent, f.rep.Summary.Acks, recs)
	f.rep.Completed = true
	return nil
}

// verdict prints the report and PASS or FAIL.
func (f *failover) verdict(context.Context) error {
	rep, out := f.rep, f.out
	fmt.Fprintln(out)
	rep.Write(out)
	if err := rep.Err(); err != nil {
		fmt.Fprintf(out, "FAIL: %v\n", err)
		return err
	}
	refusal := "refused with two brokers down"
	if !rep.TwoDown.Enforced {
		refusal = "two-down refusal not enforced (simulated replication)"
	}
	fmt.Fprintf(out, "PASS: %d sent, %d acknowledged, %d read back; 0 lost, 0 duplicated, 0 out of order; %s\n",
		rep.Summary.Sent, rep.Summary.Acked, rep.Result.Read, refusal)
	return nil
}

// currentState reads the topic's metadata, retrying within the bound.
func currentState(ctx context.Context, adm *kadm.Client, topic string, timeout time.Duration) (clusterState, error) {
	var st clusterState
	_, err := waitState(ctx, adm, topic, timeout, func(cs clusterState) (bool, string) {
		st = cs
		return true, ""
	})
	if err != nil {
		return st, fmt.Errorf("reading the metadata of %s: %w", topic, err)
	}
	return st, nil
}

// killTwo stops every broker but one, preferring to keep the controller
// up. Brokers it stopped are added to down.
func killTwo(ctx context.Context, bc cluster.BrokerControl, st clusterState, down map[int32]bool, out io.Writer) ([]int32, error) {
	var errs []error
	for _, survivor := range pickSurvivor(st) {
		var victims []int32
		for _, id := range st.Brokers {
			if id != survivor {
				victims = append(victims, id)
			}
		}
		var failed error
		for _, id := range victims {
			if err := bc.KillBroker(ctx, id); err != nil {
				failed = fmt.Errorf("broker %d: %w", id, err)
				break
			}
			down[id] = true
		}
		if failed == nil {
			fmt.Fprintf(out, "brokers %s killed; broker %d is the only one left\n", idList(victims), survivor)
			return victims, nil
		}
		fmt.Fprintf(out, "keeping broker %d up is not possible here: %v\n", survivor, failed)
		errs = append(errs, failed)
		for id := range down {
			if err := bc.StartBroker(ctx, id); err != nil {
				return nil, fmt.Errorf("restarting broker %d: %w", id, err)
			}
			delete(down, id)
		}
	}
	return nil, fmt.Errorf("killing two brokers: %w", errors.Join(errs...))
}

// probe tries td's records with two brokers down through a separate,
// non-idempotent acks=all producer whose records time out (so a refusal
// cannot hang the run), and counts what was acknowledged and why the rest
// failed.
func probe(ctx context.Context, s *stack.Stack, topic, run string, o FailoverOptions, td *TwoDown) error {
	heard := newAnswers()
	cl, err := s.Client(
		kgo.WithLogger(heard),
		kgo.DisableIdempotentWrite(),
		kgo.RecordDeliveryTimeout(o.ProbeTimeout),
		kgo.ProduceRequestTimeout(o.ProbeTimeout/2),
		kgo.MetadataMinAge(250*time.Millisecond),
	)
	if err != nil {
		return err
	}
	defer cl.Close()
	pctx, cancel := context.WithTimeout(ctx, 2*o.ProbeTimeout)
	defer cancel()
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	td.Refused = map[string]int{}
	for i := 0; i < o.ProbeRecords; i++ {
		wg.Add(1)
		td.Sent++
		cl.Produce(pctx, verify.NewRecord(topic, run, int64(i), kio.DefaultRecordSize), func(_ *kgo.Record, err error) {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				td.Refused[Reason(err)]++
				return
			}
			td.Acked++
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-pctx.Done():
		cl.Close() // fails whatever is still buffered
		<-done
	}
	td.Answers = heard.snapshot()
	attributeTimeouts(td)
	return nil
}

// attributeTimeouts names the brokers' answer as the reason for probe
// records that kept being refused until they timed out: a record that
// runs out of time only says "timed out", while the brokers said why.
func attributeTimeouts(td *TwoDown) {
	n := td.Refused[ReasonTimedOut]
	top, most := "", 0
	for code, c := range td.Answers {
		if c > most || (c == most && code < top) {
			top, most = code, c
		}
	}
	if n == 0 || top == "" {
		return
	}
	delete(td.Refused, ReasonTimedOut)
	td.Refused[top+" (retried until timed out)"] += n
}

// cleanupTopic deletes the run's topic and group, warning on failure.
func cleanupTopic(adm *kadm.Client, topic, group string, out io.Writer) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := topics.Delete(ctx, adm, topic); err != nil {
		fmt.Fprintf(out, "warning: %v\n", err)
	}
	if _, err := adm.DeleteGroup(ctx, group); err != nil && !isNoGroup(err) {
		fmt.Fprintf(out, "warning: deleting group %s: %v\n", group, err)
	}
}

func isNoGroup(err error) bool {
	return errors.Is(err, kerr.GroupIDNotFound)
}
