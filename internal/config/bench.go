package config

import (
	"fmt"
	"strings"
	"time"
)

// Bench is the bench's settings (KAFKA_BENCH_*), read by BenchFromEnv with
// the defaults below.
type Bench struct {
	// Records and RecordSize are the workload: Records records of
	// RecordSize bytes each, for every participant (KAFKA_BENCH_RECORDS,
	// KAFKA_BENCH_RECORD_SIZE).
	Records    int64
	RecordSize int
	// Warmup is KAFKA_BENCH_WARMUP: records our client produces and reads
	// back untimed first. Unset, the record count, at most
	// DefaultBenchMaxWarmup.
	Warmup int64
	// Rounds is KAFKA_BENCH_ROUNDS: how many times every participant runs.
	Rounds int
	// Peers is KAFKA_BENCH_PEERS: the peers to run, from BenchPeers.
	Peers []string
	// Readiness is KAFKA_BENCH_READINESS: whether the readiness overhead
	// is measured (it stops and starts the cluster).
	Readiness bool
	// Timeout is KAFKA_BENCH_TIMEOUT: the bound of each participant's
	// produce and of its consume.
	Timeout time.Duration
	// Linger is KAFKA_BENCH_LINGER; negative means no linger at all (the
	// variable set to 0).
	Linger time.Duration
	// BatchMaxBytes is KAFKA_BENCH_BATCH_MAX_BYTES, MaxBufferedRecords
	// KAFKA_BENCH_MAX_BUFFERED_RECORDS and Partitioner (one of
	// Partitioners) KAFKA_BENCH_PARTITIONER: our producer's batching.
	BatchMaxBytes      int32
	MaxBufferedRecords int
	Partitioner        string
	// Idempotent is KAFKA_BENCH_IDEMPOTENT, for every producer.
	Idempotent bool
	// MaxInFlight is KAFKA_BENCH_MAX_IN_FLIGHT: produce requests in flight
	// per broker, for every producer; other than MaxIdempotentInFlight
	// only with Idempotent off.
	MaxInFlight int
}

// The peers the bench measures our client against, by the names
// KAFKA_BENCH_PEERS takes.
const (
	// BenchPeerKafkaPerf is Apache Kafka's ProducerPerformance and
	// ConsumerPerformance.
	BenchPeerKafkaPerf = "kafka-perf"
	// BenchPeerKcat is kcat (librdkafka).
	BenchPeerKcat = "kcat"
)

// BenchPeers lists every peer the bench knows.
var BenchPeers = []string{BenchPeerKafkaPerf, BenchPeerKcat}

// The partitioners of our bench producer, by the names
// KAFKA_BENCH_PARTITIONER takes.
const (
	// PartitionerUniformBytes is franz-go's default: stay on a partition
	// for 64 KiB, adaptively preferring the less loaded brokers.
	PartitionerUniformBytes = "uniform-bytes"
	// PartitionerRoundRobin gives each record the next partition.
	PartitionerRoundRobin = "round-robin"
	// PartitionerSticky stays on a partition for a whole batch.
	PartitionerSticky = "sticky"
	// PartitionerLeastBackup picks the partition with the fewest records
	// buffered.
	PartitionerLeastBackup = "least-backup"
)

// Partitioners lists the partitioner names.
var Partitioners = []string{PartitionerUniformBytes, PartitionerRoundRobin, PartitionerSticky, PartitionerLeastBackup}

// MaxIdempotentInFlight is Kafka's limit of produce requests in flight per
// broker for an idempotent producer; a franz-go idempotent producer always
// keeps that many.
const MaxIdempotentInFlight = 5

// Defaults of the bench's settings. The producer's are the winner of the
// sweep on native zk described in the README.
const (
	DefaultBenchRecords            = 1_000_000
	DefaultBenchRecordSize         = 100
	DefaultBenchMaxWarmup          = 1_000_000
	DefaultBenchRounds             = 3
	DefaultBenchTimeout            = 5 * time.Minute
	DefaultBenchLinger             = 10 * time.Millisecond
	DefaultBenchBatchMaxBytes      = 1_000_000
	DefaultBenchMaxBufferedRecords = 200_000
)

// BenchDefaults is the bench's settings when no KAFKA_BENCH_* is set.
func BenchDefaults() Bench {
	return Bench{
		Records:            DefaultBenchRecords,
		RecordSize:         DefaultBenchRecordSize,
		Warmup:             min(DefaultBenchRecords, DefaultBenchMaxWarmup),
		Rounds:             DefaultBenchRounds,
		Peers:              append([]string{}, BenchPeers...),
		Readiness:          true,
		Timeout:            DefaultBenchTimeout,
		Linger:             DefaultBenchLinger,
		BatchMaxBytes:      DefaultBenchBatchMaxBytes,
		MaxBufferedRecords: DefaultBenchMaxBufferedRecords,
		Partitioner:        PartitionerUniformBytes,
		Idempotent:         true,
		MaxInFlight:        MaxIdempotentInFlight,
	}
}

// BenchFromEnv reads the bench's settings through getenv. It fails with one
// line naming the variable when a value is not valid.
func BenchFromEnv(getenv func(string) string) (Bench, error) {
	b := BenchDefaults()
	r := &reader{getenv: getenv}
	b.readWorkload(r)
	b.readProducer(r)
	if !r.ok() {
		return Bench{}, r.err
	}
	return b, nil
}

// readWorkload reads what the bench runs: KAFKA_BENCH_RECORDS,
// KAFKA_BENCH_RECORD_SIZE, KAFKA_BENCH_ROUNDS, KAFKA_BENCH_PEERS,
// KAFKA_BENCH_READINESS, KAFKA_BENCH_TIMEOUT and KAFKA_BENCH_WARMUP.
func (b *Bench) readWorkload(r *reader) {
	if n, ok := r.within("KAFKA_BENCH_RECORDS", 1, 1_000_000_000); ok {
		b.Records = n
	}
	b.Warmup = min(b.Records, DefaultBenchMaxWarmup)
	if n, ok := r.within("KAFKA_BENCH_RECORD_SIZE", 1, 1_000_000); ok {
		b.RecordSize = int(n)
	}
	if n, ok := r.within("KAFKA_BENCH_ROUNDS", 1, 100); ok {
		b.Rounds = int(n)
	}
	if v := r.lower("KAFKA_BENCH_PEERS"); v != "" {
		peers, err := parsePeers(v)
		if err != nil {
			r.fail("%w", err)
		}
		b.Peers = peers
	}
	if on, ok := r.onOff("KAFKA_BENCH_READINESS"); ok {
		b.Readiness = on
	}
	if d, ok := r.duration("KAFKA_BENCH_TIMEOUT", false, "5ms, 2m"); ok {
		b.Timeout = d
	}
	if n, ok := r.within("KAFKA_BENCH_WARMUP", 0, 1_000_000_000); ok {
		b.Warmup = n
	}
}

// readProducer reads the producers' settings: KAFKA_BENCH_LINGER,
// KAFKA_BENCH_BATCH_MAX_BYTES, KAFKA_BENCH_MAX_BUFFERED_RECORDS,
// KAFKA_BENCH_PARTITIONER, KAFKA_BENCH_IDEMPOTENT and
// KAFKA_BENCH_MAX_IN_FLIGHT (which needs idempotence off).
func (b *Bench) readProducer(r *reader) {
	if d, ok := r.duration("KAFKA_BENCH_LINGER", true, "5ms, 2m"); ok {
		b.Linger = d
		if d == 0 {
			b.Linger = -1 // no linger at all, not the client's default
		}
	}
	if n, ok := r.within("KAFKA_BENCH_BATCH_MAX_BYTES", 1024, 64<<20); ok {
		b.BatchMaxBytes = int32(n)
	}
	if n, ok := r.within("KAFKA_BENCH_MAX_BUFFERED_RECORDS", 1, 100_000_000); ok {
		b.MaxBufferedRecords = int(n)
	}
	if v, ok := r.oneOf("KAFKA_BENCH_PARTITIONER", Partitioners, "one of "+strings.Join(Partitioners, ", ")); ok {
		b.Partitioner = v
	}
	if on, ok := r.onOff("KAFKA_BENCH_IDEMPOTENT"); ok {
		b.Idempotent = on
	}
	if n, ok := r.within("KAFKA_BENCH_MAX_IN_FLIGHT", 1, 100); ok {
		if b.Idempotent && n != MaxIdempotentInFlight {
			r.fail("KAFKA_BENCH_MAX_IN_FLIGHT=%d needs KAFKA_BENCH_IDEMPOTENT=off: an idempotent franz-go producer always keeps %d requests in flight per broker", n, MaxIdempotentInFlight)
		}
		b.MaxInFlight = int(n)
	}
}

// parsePeers reads "all", "none" or a comma-separated list of BenchPeers.
func parsePeers(v string) ([]string, error) {
	switch v {
	case "all":
		return append([]string{}, BenchPeers...), nil
	case "none":
		return nil, nil
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		known := false
		for _, a := range BenchPeers {
			known = known || a == p
		}
		if !known {
			return nil, fmt.Errorf("KAFKA_BENCH_PEERS: %q is not a peer; use all, none, or a list of %s", p, strings.Join(BenchPeers, ", "))
		}
		out = append(out, p)
	}
	return out, nil
}
