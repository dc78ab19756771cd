package resilience

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/kio"
	"kafkastack/internal/stack"
	"kafkastack/internal/topics"
	"kafkastack/internal/verify"
)

// Every fault run's topic: three replicas, two of which must have a write
// before it is acknowledged.
const (
	FaultReplicationFactor = 3
	FaultMinInsyncReplicas = 2
)

// streamRun is one fault run's scaffold: a run-unique topic (RF 3,
// min.insync.replicas 2), a paced idempotent acks=all stream into it with
// its ledger, and the read-back and accounting at the end.
type streamRun struct {
	s      *stack.Stack
	run    string
	topic  string
	group  string
	adm    *kadm.Client
	acl    *kgo.Client
	start  kio.Offsets
	st     *stream
	ledger *Ledger

	pcl     *kgo.Client
	scancel context.CancelFunc
	stopped bool
}

// openStreamRun creates the run's topic named prefix-run and starts the
// stream (paused at budget 0). The caller closes it.
func openStreamRun(ctx context.Context, s *stack.Stack, prefix string, interval time.Duration) (*streamRun, error) {
	cfg := s.Env.Config
	run := verify.NewRunID()
	r := &streamRun{s: s, run: run, topic: prefix + "-" + run, group: "kafkastack-" + prefix + "-" + run}
	adm, acl, err := s.Admin()
	if err != nil {
		return nil, err
	}
	r.adm, r.acl = adm, acl
	spec := topics.Spec{
		Name: r.topic, Partitions: cfg.Partitions, ReplicationFactor: FaultReplicationFactor,
		Configs: map[string]string{"min.insync.replicas": strconv.Itoa(FaultMinInsyncReplicas)},
	}
	tctx, tcancel := context.WithTimeout(ctx, cfg.ReadyTimeout)
	defer tcancel()
	if _, err := topics.Create(tctx, acl, spec); err != nil {
		acl.Close()
		return nil, fmt.Errorf("creating the %s topic: %w", prefix, err)
	}
	if r.start, err = kio.EndOffsets(tctx, adm, r.topic); err != nil {
		r.close(io.Discard)
		return nil, err
	}
	// The stack's defaults make the producer idempotent with acks=all; a
	// short metadata age lets it find new leaders quickly.
	if r.pcl, err = s.Client(kgo.MetadataMinAge(250 * time.Millisecond)); err != nil {
		r.close(io.Discard)
		return nil, err
	}
	r.ledger = NewLedger(nil)
	sctx, scancel := context.WithCancel(ctx)
	r.scancel = scancel
	r.st = newStream(r.pcl, r.topic, run, kio.DefaultRecordSize, interval, r.ledger)
	r.st.start(sctx)
	return r, nil
}

// produceTo lets the stream go on up to record n and waits, bounded by
// KAFKA_READY_TIMEOUT, until every record so far is answered. what names
// the phase in the error.
func (r *streamRun) produceTo(ctx context.Context, n int64, what string) error {
	r.st.allow(n)
	c, cancel := context.WithTimeout(ctx, r.s.Env.Config.ReadyTimeout)
	defer cancel()
	if err := r.st.waitResolved(c); err != nil {
		return fmt.Errorf("producing %s: %w", what, err)
	}
	return nil
}

// stopStream stops the stream and waits for every callback.
func (r *streamRun) stopStream() {
	if r.stopped || r.st == nil {
		return
	}
	r.stopped = true
	r.scancel()
	r.pcl.Close()
	r.st.wait()
}

// readBack reads every record written to the topic since it was created,
// bounded by KAFKA_READY_TIMEOUT, retrying what a recovering cluster
// answers for a while.
func (r *streamRun) readBack(ctx context.Context) ([]verify.Record, error) {
	ctx, cancel := context.WithTimeout(ctx, r.s.Env.Config.ReadyTimeout)
	defer cancel()
	end, err := kio.EndOffsets(ctx, r.adm, r.topic)
	if err != nil {
		return nil, err
	}
	opts, err := r.s.ClientOpts()
	if err != nil {
		return nil, err
	}
	var recs []verify.Record
	err = kio.RetryTransient(ctx, func(c context.Context) error {
		recs, err = kio.Consume(c, opts, r.adm, r.group, r.topic, r.start, end, kio.DefaultRecordSize)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading back: %w", err)
	}
	return recs, nil
}

// state reads the topic's metadata, retrying within KAFKA_READY_TIMEOUT.
func (r *streamRun) state(ctx context.Context) (clusterState, error) {
	return currentState(ctx, r.adm, r.topic, r.s.Env.Config.ReadyTimeout)
}

// waitState waits, bounded by timeout, until cond holds for the topic.
func (r *streamRun) waitState(ctx context.Context, timeout time.Duration, cond func(clusterState) (bool, string)) (time.Duration, error) {
	return waitState(ctx, r.adm, r.topic, timeout, cond)
}

// awaitFullISR waits, bounded by KAFKA_READY_TIMEOUT, until every broker
// answers requests of its own and every partition has all its replicas in
// sync; what names the moment in the error.
func (r *streamRun) awaitFullISR(ctx context.Context, what string) error {
	ids := r.s.Env.Topology.IDs()
	fetch := func(ctx context.Context) (clusterState, error) { return fetchServingState(ctx, r.adm, r.topic) }
	if _, err := waitFetched(ctx, fetch, r.s.Env.Config.ReadyTimeout, func(cs clusterState) (bool, string) {
		return cs.serving(ids, FaultReplicationFactor)
	}); err != nil {
		return fmt.Errorf("%s: waiting for a full ISR: %w", what, err)
	}
	return nil
}

// close stops the stream, deletes the topic and the group (warning on out
// when that fails) and closes the admin client.
func (r *streamRun) close(out io.Writer) {
	r.stopStream()
	cleanupTopic(r.adm, r.topic, r.group, out)
	r.acl.Close()
}
