package config

import (
	"strings"
	"testing"
	"time"
)

func vars(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestBenchDefaults(t *testing.T) {
	b, err := BenchFromEnv(vars(nil))
	if err != nil {
		t.Fatal(err)
	}
	if b.Records != 1_000_000 || b.RecordSize != 100 || b.Rounds != 3 || !b.Readiness || len(b.Peers) != 2 || b.Warmup != 1_000_000 || b.Timeout != 5*time.Minute {
		t.Fatalf("got %+v", b)
	}
	if b.Linger != 10*time.Millisecond || b.BatchMaxBytes != 1_000_000 || b.MaxBufferedRecords != 200_000 || b.Partitioner != PartitionerUniformBytes || !b.Idempotent || b.MaxInFlight != 5 {
		t.Fatalf("producer %+v", b)
	}
	// The defaults are what the whole configuration holds when nothing is set.
	c, err := load(t, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Bench.Records != b.Records || c.Bench.Warmup != b.Warmup || !c.Bench.Idempotent {
		t.Fatalf("config's bench %+v", c.Bench)
	}
}

func TestBenchFromEnv(t *testing.T) {
	b, err := BenchFromEnv(vars(map[string]string{
		"KAFKA_BENCH_RECORDS":              "200_000",
		"KAFKA_BENCH_RECORD_SIZE":          "512",
		"KAFKA_BENCH_ROUNDS":               "4",
		"KAFKA_BENCH_PEERS":                "kcat",
		"KAFKA_BENCH_READINESS":            "off",
		"KAFKA_BENCH_TIMEOUT":              "90s",
		"KAFKA_BENCH_LINGER":               "0",
		"KAFKA_BENCH_BATCH_MAX_BYTES":      "16384",
		"KAFKA_BENCH_MAX_BUFFERED_RECORDS": "10000",
		"KAFKA_BENCH_PARTITIONER":          "Round-Robin",
		"KAFKA_BENCH_IDEMPOTENT":           "off",
		"KAFKA_BENCH_MAX_IN_FLIGHT":        "1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if b.Records != 200000 || b.RecordSize != 512 || b.Rounds != 4 || b.Readiness || b.Timeout != 90*time.Second {
		t.Fatalf("got %+v", b)
	}
	if len(b.Peers) != 1 || b.Peers[0] != BenchPeerKcat {
		t.Fatalf("peers %v", b.Peers)
	}
	// Linger 0 is no linger at all, not the client's default.
	if b.Linger >= 0 || b.BatchMaxBytes != 16384 || b.MaxBufferedRecords != 10000 {
		t.Fatalf("producer %+v", b)
	}
	if b.Partitioner != PartitionerRoundRobin || b.Idempotent || b.MaxInFlight != 1 {
		t.Fatalf("producer %+v", b)
	}
	// The warm-up follows the record count, at most a million.
	if b.Warmup != 200000 {
		t.Fatalf("warm-up %d", b.Warmup)
	}
	if _, err := BenchFromEnv(vars(map[string]string{"KAFKA_BENCH_MAX_IN_FLIGHT": "2"})); err == nil || !strings.Contains(err.Error(), "KAFKA_BENCH_IDEMPOTENT=off") {
		t.Fatalf("in flight 2 with idempotence: %v", err)
	}
	// With idempotence, 5 in flight is what it keeps anyway: accepted.
	if b, err := BenchFromEnv(vars(map[string]string{"KAFKA_BENCH_MAX_IN_FLIGHT": "5"})); err != nil || b.MaxInFlight != 5 || !b.Idempotent {
		t.Fatalf("in flight 5 with idempotence: %+v, %v", b, err)
	}
	b, _ = BenchFromEnv(vars(map[string]string{"KAFKA_BENCH_PEERS": "none", "KAFKA_BENCH_RECORDS": "10"}))
	if len(b.Peers) != 0 || b.Warmup != 10 {
		t.Fatalf("got %+v", b)
	}
	b, _ = BenchFromEnv(vars(map[string]string{"KAFKA_BENCH_PEERS": "all", "KAFKA_BENCH_RECORDS": "2_000_000"}))
	if len(b.Peers) != 2 || b.Warmup != 1_000_000 {
		t.Fatalf("got %+v", b)
	}
	b, _ = BenchFromEnv(vars(map[string]string{"KAFKA_BENCH_WARMUP": "0", "KAFKA_BENCH_PEERS": "kcat, kafka-perf,"}))
	if b.Warmup != 0 || strings.Join(b.Peers, " ") != "kcat kafka-perf" {
		t.Fatalf("got %+v", b)
	}
}

func TestBenchRejectsBadValuesNamingTheVariable(t *testing.T) {
	for k, v := range map[string]string{
		"KAFKA_BENCH_RECORDS":              "lots",
		"KAFKA_BENCH_RECORD_SIZE":          "0",
		"KAFKA_BENCH_WARMUP":               "-1",
		"KAFKA_BENCH_ROUNDS":               "101",
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
		_, err := BenchFromEnv(vars(map[string]string{k: v}))
		if err == nil || !strings.Contains(err.Error(), k) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s=%s: err = %v", k, v, err)
		}
		// The whole configuration refuses it too, before any target runs.
		if _, err := load(t, map[string]string{k: v}); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("config with %s=%s: err = %v", k, v, err)
		}
	}
}
