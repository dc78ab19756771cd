package bench

import (
	"testing"
	"time"

	"kafkastack/internal/config"
)

func TestOptionsDefaults(t *testing.T) {
	o := OptionsFrom(&config.Config{Bench: config.BenchDefaults()})
	if o.Records != 1_000_000 || o.RecordSize != 100 || o.Rounds != 3 || !o.Readiness || len(o.Peers) != 2 || o.Warmup != 1_000_000 || o.Producer != DefaultProducerTuning {
		t.Fatalf("got %+v", o)
	}
	if o.Timeout != DefaultTimeout || o.Consumer != DefaultConsumerTuning {
		t.Fatalf("got %+v", o)
	}
	if DefaultProducerTuning.Linger != 10*time.Millisecond || !DefaultProducerTuning.Idempotent || DefaultProducerTuning.InFlight() != 5 {
		t.Fatalf("default tuning %+v", DefaultProducerTuning)
	}
}

func TestOptionsFromTheConfiguration(t *testing.T) {
	// Every setting off its default (config's tests read them from the
	// environment; here each must reach the options).
	b := config.BenchDefaults()
	b.Records, b.RecordSize, b.Rounds, b.Warmup = 200_000, 512, 4, 7
	b.Peers, b.Readiness, b.Timeout = []string{config.BenchPeerKcat}, false, 90*time.Second
	b.Linger, b.BatchMaxBytes, b.MaxBufferedRecords = -1, 16384, 10000
	b.Partitioner, b.Idempotent, b.MaxInFlight = config.PartitionerRoundRobin, false, 1
	o := OptionsFrom(&config.Config{Bench: b, KafkaHome: "/opt/kafka"})
	if o.Records != 200000 || o.RecordSize != 512 || o.Rounds != 4 || o.Readiness || o.Timeout != 90*time.Second || o.KafkaHome != "/opt/kafka" || o.Warmup != 7 {
		t.Fatalf("got %+v", o)
	}
	if !o.wants(PeerKcat) || o.wants(PeerKafkaPerf) {
		t.Fatalf("peers %v", o.Peers)
	}
	if o.Producer.Linger >= 0 || o.Producer.BatchMaxBytes != 16384 || o.Producer.MaxBufferedRecords != 10000 {
		t.Fatalf("tuning %+v", o.Producer)
	}
	if o.Producer.Partitioner != config.PartitionerRoundRobin || o.Producer.Idempotent || o.Producer.InFlight() != 1 {
		t.Fatalf("tuning %+v", o.Producer)
	}
	// linger, batch, buffered, partitioner, no idempotence, in flight:
	// linger 0 must still set an option.
	if len(o.Producer.Opts()) != 6 {
		t.Fatalf("%d opts", len(o.Producer.Opts()))
	}
	// The options own their peers: changing them leaves the configuration's.
	o.Peers[0] = PeerKafkaPerf
	if b.Peers[0] != PeerKcat {
		t.Fatalf("configuration's peers changed: %v", b.Peers)
	}
}
