package bench

import (
	"time"

	"kafkastack/internal/config"
)

// Options shape a bench run.
type Options struct {
	// Records and RecordSize are the workload: Records records of
	// RecordSize bytes each, for every participant.
	Records    int64
	RecordSize int
	// Partitions of every bench topic; 0 takes KAFKA_PARTITIONS.
	Partitions int32
	// Warmup records are produced and read back by our client on a
	// throwaway topic before anything is timed, so that no participant
	// meets a cold broker (a JVM broker that just started is several times
	// slower until its code is compiled).
	Warmup int64
	// Peers are the peers to run: PeerKafkaPerf (Kafka's
	// ProducerPerformance and ConsumerPerformance) and PeerKcat.
	Peers []string
	// Rounds repeats every participant's produce and consume, round by
	// round, each round in another order of participants; the report
	// takes each side's median and each ratio's median and spread.
	Rounds int
	// Readiness measures the readiness overhead (it stops and starts the
	// cluster).
	Readiness bool
	// Timeout bounds each participant's produce and its consume.
	Timeout time.Duration
	// KafkaHome is where a Kafka distribution is, for its libs/ jars.
	KafkaHome string
	// Producer and Consumer tune our client.
	Producer ProducerTuning
	Consumer ConsumerTuning
}

// The peers, by the names KAFKA_BENCH_PEERS takes.
const (
	PeerKafkaPerf = config.BenchPeerKafkaPerf
	PeerKcat      = config.BenchPeerKcat
)

// DefaultTimeout bounds each participant's produce and consume when
// Options.Timeout is not set.
const DefaultTimeout = config.DefaultBenchTimeout

// DefaultProducerTuning is the tuning `mage bench` uses when no
// KAFKA_BENCH_* says otherwise: the winner of the sweep on native zk
// described in the README.
var DefaultProducerTuning = producerTuning(config.BenchDefaults())

// OptionsFrom is the bench's options from the configuration: the
// KAFKA_BENCH_* settings config read and checked, and KAFKA_HOME.
func OptionsFrom(cfg *config.Config) Options {
	b := cfg.Bench
	return Options{
		Records:    b.Records,
		RecordSize: b.RecordSize,
		Warmup:     b.Warmup,
		Peers:      append([]string{}, b.Peers...),
		Rounds:     b.Rounds,
		Readiness:  b.Readiness,
		Timeout:    b.Timeout,
		KafkaHome:  cfg.KafkaHome,
		Producer:   producerTuning(b),
		Consumer:   DefaultConsumerTuning,
	}
}

// producerTuning is the producer part of the bench's settings.
func producerTuning(b config.Bench) ProducerTuning {
	return ProducerTuning{
		Linger:             b.Linger,
		BatchMaxBytes:      b.BatchMaxBytes,
		MaxBufferedRecords: b.MaxBufferedRecords,
		Partitioner:        b.Partitioner,
		Idempotent:         b.Idempotent,
		MaxInFlight:        b.MaxInFlight,
	}
}

func (o Options) wants(peer string) bool {
	for _, p := range o.Peers {
		if p == peer {
			return true
		}
	}
	return false
}
