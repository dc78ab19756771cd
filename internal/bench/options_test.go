package bench

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestOptionsDefaults(t *testing.T) {
	o, err := OptionsFromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if o.Records != 1_000_000 || o.RecordSize != 100 || o.Rounds != 3 || !o.Readiness || len(o.Peers) != 2 || o.Warmup != 1_000_000 || o.Producer != DefaultProducerTuning {
		t.Fatalf("got %+v", o)
	}
}

func TestOptionsFromEnv(t *testing.T) {
	o, err := OptionsFromEnv(env(map[string]string{
		"KAFKA_BENCH_RECORDS":              "200_000",
		"KAFKA_BENCH_RECORD_SIZE":          "512",
		"KAFKA_BENCH_ROUNDS":               "3",
		"KAFKA_BENCH_PEERS":                "kcat",
		"KAFKA_BENCH_READINESS":            "off",
		"KAFKA_BENCH_TIMEOUT":              "90s",
		"KAFKA_BENCH_LINGER":               "0",
		"KAFKA_BENCH_BATCH_MAX_BYTES":      "16384",
		"KAFKA_BENCH_MAX_BUFFERED_RECORDS": "10000",
		"KAFKA_BENCH_PARTITIONER":          "round-robin",
		"KAFKA_BENCH_IDEMPOTENT":           "off",
		"KAFKA_BENCH_MAX_IN_FLIGHT":        "1",
		"KAFKA_HOME":                       "/opt/kafka",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if o.Records != 200000 || o.RecordSize != 512 || o.Rounds != 3 || o.Readiness || o.Timeout != 90*time.Second || o.KafkaHome != "/opt/kafka" {
		t.Fatalf("got %+v", o)
	}
	if !o.wants(PeerKcat) || o.wants(PeerKafkaPerf) {
		t.Fatalf("peers %v", o.Peers)
	}
	if o.Producer.Linger >= 0 || o.Producer.BatchMaxBytes != 16384 || o.Producer.MaxBufferedRecords != 10000 {
		t.Fatalf("tuning %+v", o.Producer)
	}
	if o.Producer.Partitioner != PartitionerRoundRobin || o.Producer.Idempotent || o.Producer.InFlight() != 1 {
		t.Fatalf("tuning %+v", o.Producer)
	}
	// linger, batch, buffered, partitioner, no idempotence, in flight:
	// linger 0 must still set an option.
	if len(o.Producer.Opts()) != 6 {
		t.Fatalf("%d opts", len(o.Producer.Opts()))
	}
	if _, err := OptionsFromEnv(env(map[string]string{"KAFKA_BENCH_MAX_IN_FLIGHT": "2"})); err == nil || !strings.Contains(err.Error(), "KAFKA_BENCH_IDEMPOTENT=off") {
		t.Fatalf("in flight 2 with idempotence: %v", err)
	}
	o, _ = OptionsFromEnv(env(map[string]string{"KAFKA_BENCH_PEERS": "none", "KAFKA_BENCH_RECORDS": "10"}))
	if len(o.Peers) != 0 || o.Warmup != 10 {
		t.Fatalf("got %+v", o)
	}
	o, _ = OptionsFromEnv(env(map[string]string{"KAFKA_BENCH_WARMUP": "0"}))
	if o.Warmup != 0 {
		t.Fatalf("warm-up %d", o.Warmup)
	}
}

func TestOptionsRejectBadValuesNamingTheVariable(t *testing.T) {
	for k, v := range map[string]string{
		"KAFKA_BENCH_RECORDS":              "lots",
		"KAFKA_BENCH_RECORD_SIZE":          "0",
		"KAFKA_BENCH_WARMUP":               "-1",
		"KAFKA_BENCH_ROUNDS":               "0",
		"KAFKA_BENCH_PEERS":                "kcat,jmeter",
		"KAFKA_BENCH_READINESS":            "maybe",
		"KAFKA_BENCH_TIMEOUT":              "0s",
		"KAFKA_BENCH_LINGER":               "-5ms",
		"KAFKA_BENCH_BATCH_MAX_BYTES":      "10",
		"KAFKA_BENCH_MAX_BUFFERED_RECORDS": "-1",
		"KAFKA_BENCH_PARTITIONER":          "random",
		"KAFKA_BENCH_IDEMPOTENT":           "sometimes",
		"KAFKA_BENCH_MAX_IN_FLIGHT":        "0",
	} {
		_, err := OptionsFromEnv(env(map[string]string{k: v}))
		if err == nil || !strings.Contains(err.Error(), k) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s=%s: err = %v", k, v, err)
		}
	}
}
