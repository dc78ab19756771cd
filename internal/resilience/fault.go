package resilience

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"kafkastack/internal/cluster"
	"kafkastack/internal/stack"
	"kafkastack/internal/verify"
)

// Fault is a reversible fault on one broker: a pause (the process or
// container frozen) or a network partition (the broker cut off from the
// others).
type Fault struct {
	// Name is "pause" or "partition"; Done and Undone say what happened
	// to the broker ("paused", "resumed").
	Name, Done, Undone string
	inject, heal       func(context.Context, int32) error
}

// PauseFault freezes a broker (SIGSTOP on native, docker pause on
// compose) and lets it go again. It fails, wrapping
// cluster.ErrNotSupported, on a runtime that cannot freeze a broker.
func PauseFault(rt cluster.Runtime) (Fault, error) {
	p, ok := rt.(cluster.BrokerPauser)
	if !ok {
		return Fault{}, fmt.Errorf("the pause fault needs a runtime that can freeze one broker (native: SIGSTOP, compose: docker pause), and the %s runtime cannot: %w", rt.Name(), cluster.ErrNotSupported)
	}
	return Fault{Name: "pause", Done: "paused", Undone: "resumed", inject: p.PauseBroker, heal: p.ResumeBroker}, nil
}

// PartitionFault cuts a broker off the network between brokers (docker
// network disconnect on compose) and gives it back. It fails, wrapping
// cluster.ErrNotSupported, on a runtime that cannot.
func PartitionFault(rt cluster.Runtime) (Fault, error) {
	i, ok := rt.(cluster.BrokerIsolator)
	if !ok {
		return Fault{}, fmt.Errorf("the partition fault needs a runtime whose brokers have a network of their own to cut (compose: docker network disconnect), and the %s runtime has none: %w", rt.Name(), cluster.ErrNotSupported)
	}
	return Fault{Name: "partition", Done: "cut off", Undone: "reconnected", inject: i.IsolateBroker, heal: i.ReconnectBroker}, nil
}

// FaultOptions shape a fault run.
type FaultOptions struct {
	// Records is how many records the stream produces (0: KAFKA_RECORDS).
	Records int64
	// Interval is the pause between two records of the stream (default
	// 1ms).
	Interval time.Duration
	// Hold is the least time the fault lasts (default 2s). It always lasts
	// until the cluster has taken the broker out and writes flow again,
	// which takes longer than the ZooKeeper session or KRaft broker
	// session timeout.
	Hold time.Duration
	// SkipUp leaves the lifecycle alone (the cluster is already up).
	SkipUp bool
}

// FaultReport is what a fault run did and found.
type FaultReport struct {
	Run, Topic, Runtime, Fault string
	// Broker is the broker the fault hit (-1 before it is chosen) and
	// Partitions the partitions it led then.
	Broker  int32
	Led     []int32
	Summary Summary
	// Noticed is how long after the fault the cluster had moved the
	// broker's partitions and shrunk their ISR; FlowedAgain how long until
	// a record sent after the fault was acknowledged on a partition the
	// broker led; Held how long the fault lasted; ISRFull how long after
	// it was undone every ISR was full again.
	Noticed, FlowedAgain, Held, ISRFull time.Duration
	Completed                           bool
	Result                              verify.Result
	Partitions                          []PartitionResult
}

// Err returns nil when the run proves the cluster, or an error naming
// every assertion that failed.
func (r *FaultReport) Err() error {
	if !r.Completed {
		return fmt.Errorf("%s run did not complete", r.Fault)
	}
	if fails := streamFails(r.Summary, r.Result); len(fails) > 0 {
		return fmt.Errorf("%s run %s: %s", r.Fault, r.Run, strings.Join(fails, "; "))
	}
	return nil
}

// Write prints the phase, partition and totals tables with the fault's
// timings.
func (r *FaultReport) Write(out io.Writer) {
	tw := writeStream(out, r.Summary, r.Completed, r.Result, r.Partitions)
	if r.Broker >= 0 {
		fmt.Fprintf(tw, "broker %d (leader of partitions %s): cluster noticed after\t%s\n", r.Broker, partList(r.Led), ms(r.Noticed))
		fmt.Fprintf(tw, "writes to its partitions flowed again after\t%s\n", ms(r.FlowedAgain))
		fmt.Fprintf(tw, "fault held for\t%s\n", ms(r.Held))
		fmt.Fprintf(tw, "ISR full again after the broker came back\t%s\n", ms(r.ISRFull))
	}
	tw.Flush()
}

func partList(ps []int32) string {
	var s []string
	for _, p := range ps {
		s = append(s, fmt.Sprint(p))
	}
	return strings.Join(s, ", ")
}

// RunFault proves on s that a broker hit by fault while an idempotent
// acks=all producer runs loses and duplicates nothing acknowledged: the
// leader of a partition is frozen or cut off until the cluster has moved
// its partitions and writes flow again (at least o.Hold), then it comes
// back as a stale leader and must catch up; everything is read back and
// checked. The broker is always brought back and the topic deleted, even
// when the run fails. It names the step or every assertion that failed.
func RunFault(ctx context.Context, s *stack.Stack, fault Fault, o FaultOptions, out io.Writer) (rep *FaultReport, err error) {
	if ids := s.Env.Topology.IDs(); len(ids) < FaultReplicationFactor {
		return nil, fmt.Errorf("the %s fault needs at least %d brokers, the topology has %d", fault.Name, FaultReplicationFactor, len(ids))
	}
	n := o.Records
	if n <= 0 {
		n = int64(s.Env.Config.Records)
	}
	if n < 10 {
		return nil, fmt.Errorf("the %s fault needs at least 10 records, got %d", fault.Name, n)
	}
	if o.Interval <= 0 {
		o.Interval = time.Millisecond
	}
	if o.Hold <= 0 {
		o.Hold = 2 * time.Second
	}
	rep = &FaultReport{Runtime: s.Runtime.Name(), Fault: fault.Name, Broker: -1}
	if !o.SkipUp {
		if err := s.Up(ctx); err != nil {
			return rep, err
		}
	}
	r, err := openStreamRun(ctx, s, fault.Name, o.Interval)
	if err != nil {
		return rep, err
	}
	defer r.close(out)
	return rep, runFault(ctx, r, fault, n, o.Hold, rep, out)
}

// runFault is RunFault's run on its open stream r, filling rep.
func runFault(ctx context.Context, r *streamRun, fault Fault, n int64, hold time.Duration, rep *FaultReport, out io.Writer) error {
	rep.Run, rep.Topic = r.run, r.topic
	defer func() {
		if !rep.Completed {
			rep.Summary = r.ledger.Summary()
			rep.Write(out)
		}
	}()
	fmt.Fprintf(out, "%s run %s: %d records to %s on the %s runtime (replication factor %d, min.insync.replicas %d)\n",
		fault.Name, r.run, n, r.topic, rep.Runtime, FaultReplicationFactor, FaultMinInsyncReplicas)
	r.ledger.Phase("all up")
	if err := r.produceTo(ctx, n/4, "with every broker up"); err != nil {
		return err
	}
	healed, err := hitOne(ctx, r, fault, rep, n, hold, out)
	if healed != nil {
		defer healed()
	}
	if err != nil {
		return err
	}
	r.ledger.Phase("all up again")
	if err := r.produceTo(ctx, n, "after the broker came back"); err != nil {
		return err
	}
	r.stopStream()
	rep.Summary = r.ledger.Summary()
	recs, err := r.readBack(ctx)
	if err != nil {
		return err
	}
	rep.Result, rep.Partitions = Account(r.run, rep.Summary.Sent, rep.Summary.Acks, recs)
	rep.Completed = true
	fmt.Fprintln(out)
	rep.Write(out)
	if err := rep.Err(); err != nil {
		fmt.Fprintf(out, "FAIL: %v\n", err)
		return err
	}
	fmt.Fprintf(out, "PASS: %d sent, %d acknowledged, %d read back; 0 lost, 0 duplicated, 0 out of order; broker %d (leader of partitions %s) %s for %s, writes flowed again after %s\n",
		rep.Summary.Sent, rep.Summary.Acked, rep.Result.Read, rep.Broker, partList(rep.Led), fault.Done, ms(rep.Held), ms(rep.FlowedAgain))
	return nil
}

// hitOne injects the fault on a partition leader (see hitLeader) while
// the stream goes on, holds it until the cluster has moved the broker's
// partitions and writes to them flow again (and at least hold), undoes it
// and waits for a full ISR. When the fault was injected, it returns a func that undoes it if it
// is still in place (for the caller to defer).
func hitOne(ctx context.Context, r *streamRun, fault Fault, rep *FaultReport, n int64, hold time.Duration, out io.Writer) (func(), error) {
	var at time.Time
	id, led, err := r.hitLeader(ctx, fault.Done, func(ctx context.Context, id int32) error {
		r.st.allow(n / 2)
		at = time.Now()
		return fault.inject(ctx, id)
	}, out)
	if err != nil {
		return nil, err
	}
	rep.Broker, rep.Led = id, led
	r.ledger.Phase(fmt.Sprintf("broker %d %s", id, fault.Done))
	fmt.Fprintf(out, "broker %d (leader of partitions %s) %s while producing\n", id, partList(rep.Led), fault.Done)
	undone := false
	undo := func() {
		if undone {
			return
		}
		undone = true
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.s.Env.Config.ReadyTimeout)
		defer cancel()
		if err := fault.heal(uctx, id); err != nil {
			fmt.Fprintf(out, "warning: broker %d could not be %s: %v\n", id, fault.Undone, err)
		}
	}
	timeout := r.s.Env.Config.ReadyTimeout
	if rep.Noticed, err = r.waitState(ctx, timeout, func(cs clusterState) (bool, string) {
		return cs.noticed([]int32{id}, false)
	}); err != nil {
		return undo, fmt.Errorf("broker %d %s: waiting for the cluster to move its partitions: %w", id, fault.Done, err)
	}
	fmt.Fprintf(out, "broker %d %s: partitions moved and ISR shrunk after %s\n", id, fault.Done, ms(rep.Noticed))
	if err := r.produceTo(ctx, n/2, fmt.Sprintf("with broker %d %s", id, fault.Done)); err != nil {
		return undo, err
	}
	if d, ok := r.ledger.FlowedAgain(at, rep.Led...); ok {
		rep.FlowedAgain = d
	}
	if left := hold - time.Since(at); left > 0 {
		select {
		case <-ctx.Done():
			return undo, ctx.Err()
		case <-time.After(left):
		}
	}
	r.ledger.Phase(fmt.Sprintf("broker %d %s", id, fault.Undone))
	r.st.allow(3 * n / 4)
	rep.Held = time.Since(at)
	back := time.Now()
	undone = true
	if err := fault.heal(ctx, id); err != nil {
		return nil, fmt.Errorf("broker %d could not be %s: %w", id, fault.Undone, err)
	}
	fmt.Fprintf(out, "broker %d %s after %s\n", id, fault.Undone, ms(rep.Held))
	if err := r.awaitFullISR(ctx, fmt.Sprintf("broker %d %s", id, fault.Undone)); err != nil {
		return nil, err
	}
	rep.ISRFull = time.Since(back)
	fmt.Fprintf(out, "broker %d %s: every partition has %d in-sync replicas after %s\n", id, fault.Undone, FaultReplicationFactor, ms(rep.ISRFull))
	return nil, r.produceTo(ctx, 3*n/4, fmt.Sprintf("after broker %d was %s", id, fault.Undone))
}
