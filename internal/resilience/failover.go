package resilience

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/config"
	"kafkastack/internal/e2e"
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

// Failover phases' replication settings: three replicas, two of which must
// have a write before it is acknowledged.
const (
	FailoverReplicationFactor = 3
	FailoverMinInsyncReplicas = 2
	// DefaultFailoverRecords is the stream's length when KAFKA_RECORDS is
	// not set.
	DefaultFailoverRecords = 3000
)

// Failover runs the broker-failure proof on s and prints its tables to out:
// a run-unique topic (RF 3, min.insync.replicas 2) takes a paced stream
// from an idempotent acks=all producer while one broker is killed and
// restarted, then two brokers are killed and a probe checks that writes
// are refused; everything is read back and checked. Brokers it stopped are
// started again and the topic is deleted even when the run fails. It
// fails when the runtime cannot stop a broker, and otherwise names the
// step or every assertion that failed.
func Failover(ctx context.Context, s *stack.Stack, o FailoverOptions, out io.Writer) (*FailoverReport, error) {
	bc, ok := s.Runtime.(cluster.BrokerControl)
	if !ok {
		return nil, fmt.Errorf("e2e:failover needs a runtime that can stop one broker, and the %s runtime cannot: %w", s.Runtime.Name(), cluster.ErrNotSupported)
	}
	cfg := s.Env.Config
	ids := s.Env.Topology.IDs()
	if len(ids) < FailoverReplicationFactor {
		return nil, fmt.Errorf("e2e:failover needs at least %d brokers, the topology has %d", FailoverReplicationFactor, len(ids))
	}
	n := o.Records
	if n <= 0 {
		n = int64(cfg.Records)
	}
	if n < 10 {
		return nil, fmt.Errorf("e2e:failover needs at least 10 records, got %d", n)
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
		o.NoticeTimeout = min(cfg.ReadyTimeout, 60*time.Second)
	}
	run := verify.NewRunID()
	rep := &FailoverReport{
		Run: run, Topic: "failover-" + run, Runtime: s.Runtime.Name(), Killed: -1,
		Simulated: s.Runtime.Name() == string(config.RuntimeEmbedded),
	}
	rep.TwoDown.Enforced = !rep.Simulated
	fmt.Fprintf(out, "failover run %s: %d records to %s on the %s runtime (replication factor %d, min.insync.replicas %d)\n",
		run, n, rep.Topic, rep.Runtime, FailoverReplicationFactor, FailoverMinInsyncReplicas)
	if rep.Simulated {
		fmt.Fprintln(out, "note: the embedded runtime is a simulation (kfake): replication is not real, a stopped broker's partitions move at once, and min.insync.replicas is not enforced; the two-down refusal is reported, not asserted")
	}

	if !o.SkipUp {
		if err := s.Up(ctx); err != nil {
			return rep, err
		}
	}
	adm, acl, err := s.Admin()
	if err != nil {
		return rep, err
	}
	defer acl.Close()
	spec := topics.Spec{
		Name: rep.Topic, Partitions: cfg.Partitions, ReplicationFactor: FailoverReplicationFactor,
		Configs: map[string]string{"min.insync.replicas": strconv.Itoa(FailoverMinInsyncReplicas)},
	}
	tctx, tcancel := context.WithTimeout(ctx, cfg.ReadyTimeout)
	defer tcancel()
	if _, err := topics.Create(tctx, acl, spec); err != nil {
		return rep, fmt.Errorf("creating the failover topic: %w", err)
	}
	group := "kafkastack-failover-" + run
	defer cleanupTopic(adm, rep.Topic, group, out)
	start, err := e2e.EndOffsets(tctx, adm, rep.Topic)
	if err != nil {
		return rep, err
	}

	// The stream: an idempotent acks=all producer (the stack's defaults)
	// that refreshes metadata quickly once a leader is gone.
	pcl, err := s.Client(kgo.MetadataMinAge(250 * time.Millisecond))
	if err != nil {
		return rep, err
	}
	ledger := NewLedger(nil)
	sctx, scancel := context.WithCancel(ctx)
	st := newStream(pcl, rep.Topic, run, e2e.DefaultRecordSize, o.Interval, ledger)
	st.start(sctx)
	stopped := false
	stopStream := func() {
		if !stopped {
			stopped = true
			scancel()
			pcl.Close()
			st.wait()
		}
	}
	defer stopStream()

	// Brokers this run stopped are started again, whatever happens.
	down := map[int32]bool{}
	defer func() {
		for id := range down {
			rctx, rcancel := context.WithTimeout(context.Background(), cfg.ReadyTimeout)
			if err := bc.StartBroker(rctx, id); err != nil {
				fmt.Fprintf(out, "warning: restarting broker %d: %v\n", id, err)
			} else {
				fmt.Fprintf(out, "broker %d restarted\n", id)
			}
			rcancel()
		}
	}()
	defer func() {
		if !rep.Completed {
			rep.Summary = ledger.Summary()
			rep.Write(out)
		}
	}()
	bounded := func(fn func(context.Context) error) error {
		c, cancel := context.WithTimeout(ctx, cfg.ReadyTimeout)
		defer cancel()
		return fn(c)
	}

	// Phase 1: all brokers up, the stream starts.
	b1, b2, b3 := n/5, 2*n/5, 3*n/5
	ledger.Phase("all up")
	st.allow(b1)
	if err := bounded(st.waitResolved); err != nil {
		return rep, fmt.Errorf("producing with every broker up: %w", err)
	}

	// Phase 2: one broker killed just as the stream goes on, so that
	// records are in flight while the cluster notices and moves leaders.
	state, err := currentState(ctx, adm, rep.Topic, cfg.ReadyTimeout)
	if err != nil {
		return rep, err
	}
	st.allow(b2)
	killed, err := killOne(ctx, bc, pickOne(state), ledger, out)
	if err != nil {
		return rep, err
	}
	down[killed] = true
	rep.Killed = killed
	rep.Noticed, err = waitState(ctx, adm, rep.Topic, cfg.ReadyTimeout, func(cs clusterState) (bool, string) {
		return cs.noticed([]int32{killed}, false)
	})
	if err != nil {
		return rep, fmt.Errorf("broker %d down: waiting for the cluster to move its partitions: %w", killed, err)
	}
	fmt.Fprintf(out, "broker %d down: partitions moved and ISR shrunk after %s\n", killed, ms(rep.Noticed))
	if err := bounded(st.waitResolved); err != nil {
		return rep, fmt.Errorf("producing with broker %d down: %w", killed, err)
	}

	// Phase 3: the broker comes back; the stream goes on while it catches up.
	ledger.Phase(fmt.Sprintf("broker %d restarting", killed))
	st.allow(b3)
	restartAt := time.Now()
	if err := bc.StartBroker(ctx, killed); err != nil {
		return rep, fmt.Errorf("restarting broker %d: %w", killed, err)
	}
	delete(down, killed)
	if _, err := waitState(ctx, adm, rep.Topic, cfg.ReadyTimeout, func(cs clusterState) (bool, string) {
		return cs.fullISR(ids, FailoverReplicationFactor)
	}); err != nil {
		return rep, fmt.Errorf("broker %d restarted: waiting for a full ISR: %w", killed, err)
	}
	rep.ISRFull = time.Since(restartAt)
	fmt.Fprintf(out, "broker %d restarted: every partition has %d in-sync replicas after %s\n", killed, FailoverReplicationFactor, ms(rep.ISRFull))
	if err := bounded(st.waitResolved); err != nil {
		return rep, fmt.Errorf("producing after broker %d restarted: %w", killed, err)
	}

	// Phase 4: two brokers down; the stream pauses and a probe must be
	// refused.
	if state, err = currentState(ctx, adm, rep.Topic, cfg.ReadyTimeout); err != nil {
		return rep, err
	}
	victims, err := killTwo(ctx, bc, state, down, out)
	if err != nil {
		return rep, err
	}
	td := &rep.TwoDown
	td.Brokers = victims
	ledger.Phase(fmt.Sprintf("brokers %s down (stream paused)", idList(victims)))
	td.Noticed, err = waitState(ctx, adm, rep.Topic, o.NoticeTimeout, func(cs clusterState) (bool, string) {
		return cs.noticed(victims, true)
	})
	if err != nil {
		td.Noticed = -1
		fmt.Fprintf(out, "brokers %s down: the cluster had not taken them out after %s (%v); probing anyway\n", idList(victims), o.NoticeTimeout, err)
	} else {
		fmt.Fprintf(out, "brokers %s down: taken out of the ISR after %s\n", idList(victims), ms(td.Noticed))
	}
	probeRun := run + "-probe"
	if err := probe(ctx, s, rep.Topic, probeRun, o, td); err != nil {
		return rep, err
	}
	fmt.Fprintf(out, "brokers %s down: %d of %d probe records acknowledged%s%s\n", idList(victims), td.Acked, td.Sent, refusedText(td.Refused), answersText(td.Answers))
	restoreAt := time.Now()
	for _, id := range victims {
		if err := bc.StartBroker(ctx, id); err != nil {
			return rep, fmt.Errorf("restarting broker %d: %w", id, err)
		}
		delete(down, id)
	}
	if _, err := waitState(ctx, adm, rep.Topic, cfg.ReadyTimeout, func(cs clusterState) (bool, string) {
		return cs.fullISR(ids, FailoverReplicationFactor)
	}); err != nil {
		return rep, fmt.Errorf("brokers %s restarted: waiting for a full ISR: %w", idList(victims), err)
	}
	td.ISRFull = time.Since(restoreAt)
	fmt.Fprintf(out, "brokers %s restarted: every partition has %d in-sync replicas after %s\n", idList(victims), FailoverReplicationFactor, ms(td.ISRFull))

	// Phase 5: all up again; the stream finishes.
	ledger.Phase("all up again")
	st.allow(n)
	if err := bounded(st.waitResolved); err != nil {
		return rep, fmt.Errorf("producing after every broker is back: %w", err)
	}
	stopStream()
	rep.Summary = ledger.Summary()

	// Read back everything written since the topic was created.
	var end e2e.Offsets
	if err := bounded(func(c context.Context) error {
		end, err = e2e.EndOffsets(c, adm, rep.Topic)
		return err
	}); err != nil {
		return rep, err
	}
	opts, err := s.ClientOpts()
	if err != nil {
		return rep, err
	}
	var recs []verify.Record
	if err := bounded(func(c context.Context) error {
		return retryTransient(c, func(c context.Context) error {
			recs, err = e2e.Consume(c, opts, adm, group, rep.Topic, start, end, e2e.DefaultRecordSize)
			return err
		})
	}); err != nil {
		return rep, fmt.Errorf("reading back: %w", err)
	}
	for _, r := range recs {
		if r.Run == probeRun {
			td.Visible++
		}
	}
	rep.Result, rep.Partitions = Account(run, rep.Summary.Sent, rep.Summary.Acks, recs)
	rep.Completed = true
	fmt.Fprintln(out)
	rep.Write(out)
	if err := rep.Err(); err != nil {
		fmt.Fprintf(out, "FAIL: %v\n", err)
		return rep, err
	}
	refusal := "refused with two brokers down"
	if !td.Enforced {
		refusal = "two-down refusal not enforced (simulated replication)"
	}
	fmt.Fprintf(out, "PASS: %d sent, %d acknowledged, %d read back; 0 lost, 0 duplicated, 0 out of order; %s\n",
		rep.Summary.Sent, rep.Summary.Acked, rep.Result.Read, refusal)
	return rep, nil
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

// killOne stops the first candidate the runtime agrees to stop and starts
// the ledger's phase for it.
func killOne(ctx context.Context, bc cluster.BrokerControl, candidates []int32, l *Ledger, out io.Writer) (int32, error) {
	var errs []error
	for _, id := range candidates {
		err := bc.KillBroker(ctx, id)
		if err == nil {
			l.Phase(fmt.Sprintf("broker %d down", id))
			fmt.Fprintf(out, "broker %d killed while producing\n", id)
			return id, nil
		}
		fmt.Fprintf(out, "broker %d cannot be stopped: %v\n", id, err)
		errs = append(errs, err)
	}
	return -1, fmt.Errorf("killing one broker: no broker could be stopped: %w", errors.Join(errs...))
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
		cl.Produce(pctx, verify.NewRecord(topic, run, int64(i), e2e.DefaultRecordSize), func(_ *kgo.Record, err error) {
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
	return nil
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
