//go:build mage

package main

import (
	"context"
	"os"

	"kafkastack/internal/cli"
	"kafkastack/internal/cluster"
	"kafkastack/internal/resilience"
)

// Failover kills brokers under a continuous acks=all producer and proves no acknowledged record is lost.
//
// On a run-unique topic (RF 3, min.insync.replicas 2) an idempotent
// producer streams KAFKA_RECORDS records (default 3000) while one broker
// (a partition leader, not the controller when possible) is killed and
// restarted; then two brokers are killed and writes must be refused. It
// prints sent, acknowledged, read back, lost, duplicated, out of order per
// partition, the longest stretch without an acknowledgement and the time
// until the ISR was full again, and fails naming the assertion. Brokers
// are restarted and the topic deleted even on failure. Needs a runtime
// that can stop one broker (native, compose, embedded); embedded is a
// simulation and only reports the two-down refusal.
func (E2e) Failover(ctx context.Context) error {
	s, err := open(ctx)
	if err != nil {
		return err
	}
	o := resilience.FailoverOptions{}
	if !s.Env.Config.RecordsSet {
		o.Records = resilience.DefaultFailoverRecords
	}
	_, err = resilience.Failover(ctx, s, o, os.Stdout)
	return err
}

// Persistence proves records and committed offsets survive down and up, and that clean removes them.
//
// It produces KAFKA_RECORDS records (default 1000) to a run-unique topic,
// commits a consumer group halfway, runs down and up, reads every record
// back and compares the group's offsets, then runs clean and up and checks
// the topic and group are gone. It deletes the cluster's data: it leaves
// the cluster up and empty, as after `mage clean && mage up`. When the
// cluster holds other topics it asks first (on a terminal), and refuses
// without an answer; KAFKA_YES=1 skips the question (CI).
func (E2e) Persistence(ctx context.Context) error {
	s, err := open(ctx)
	if err != nil {
		return err
	}
	_, err = resilience.Persistence(ctx, s, resilience.PersistenceOptions{Confirm: cli.Confirm}, os.Stdout)
	return err
}

// Pause freezes a partition leader under a continuous acks=all producer and proves no acknowledged record is lost.
//
// On a run-unique topic (RF 3, min.insync.replicas 2) an idempotent
// producer streams KAFKA_RECORDS records (default 3000) while the leader
// of a partition is frozen (native: SIGSTOP, compose: docker pause) until
// the cluster has moved its partitions and writes flow again, then let go
// (SIGCONT, docker unpause): it comes back as a stale leader and must
// catch up. It prints the same tables as e2e:failover, how long until the
// cluster noticed, until writes flowed again and until the ISR was full,
// and fails naming the assertion. The broker is let go and the topic
// deleted even on failure. Refused with one line on runtimes that cannot
// freeze a broker (embedded, external).
func (E2e) Pause(ctx context.Context) error {
	return runFault(ctx, resilience.PauseFault)
}

// Partition cuts a partition leader off the network under a continuous acks=all producer and proves no acknowledged record is lost.
//
// Like e2e:pause, but the broker keeps running while it is disconnected
// from the compose network (docker network disconnect), then reconnected.
// It needs the compose runtime; the others refuse with one line.
func (E2e) Partition(ctx context.Context) error {
	return runFault(ctx, resilience.PartitionFault)
}

func runFault(ctx context.Context, fault func(cluster.Runtime) (resilience.Fault, error)) error {
	s, err := open(ctx)
	if err != nil {
		return err
	}
	f, err := fault(s.Runtime)
	if err != nil {
		return err
	}
	o := resilience.FaultOptions{}
	if !s.Env.Config.RecordsSet {
		o.Records = resilience.DefaultFailoverRecords
	}
	_, err = resilience.RunFault(ctx, s, f, o, os.Stdout)
	return err
}
