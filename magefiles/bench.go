//go:build mage

package main

import (
	"context"
	"encoding/json"
	"io"
	"os"

	"kafkastack/internal/bench"
)

// Bench measures our producer and consumer side by side with Kafka's perf tools and kcat.
//
// It brings the cluster up, then runs the same workload for each
// participant on a fresh topic of the same shape (our franz-go client,
// Apache Kafka's ProducerPerformance/ConsumerPerformance when the Kafka
// jars are there, once with stock batching and once with batching like
// ours, kcat when it is installed; an absent peer is reported with the
// reason), in rounds that each start with another participant. Every
// producer runs with the same acks (all), idempotence and requests in
// flight per broker, and the report prints each one's settings. It prints
// records/s, MB/s and produce latencies of each side's median round, the
// ratios ours ÷ peer (the median of the rounds' ratios, with the lowest
// and highest), the machine, and the readiness overhead: how long after
// the cluster is truly ready the wait returns (this stops and starts the
// cluster; not on the external runtime).
//
// Env: KAFKA_BENCH_RECORDS (default 1000000), KAFKA_BENCH_RECORD_SIZE
// (bytes, default 100), KAFKA_BENCH_ROUNDS (default 3), KAFKA_BENCH_WARMUP
// (records our client produces and reads untimed first; default the record
// count, at most 1000000), KAFKA_PARTITIONS (default 3; replication factor
// is min(KAFKA_REPLICATION_FACTOR, brokers)), KAFKA_BENCH_PEERS (all,
// none, or kafka-perf,kcat), KAFKA_BENCH_READINESS (on|off, default on),
// KAFKA_BENCH_TIMEOUT (per produce or consume, default 5m), KAFKA_HOME (a
// Kafka distribution whose libs/ to use instead of .cache), every
// producer's KAFKA_BENCH_IDEMPOTENT (on|off, default on) and
// KAFKA_BENCH_MAX_IN_FLIGHT (per broker, only with idempotence off;
// default 5), our producer's KAFKA_BENCH_LINGER (default 10ms),
// KAFKA_BENCH_BATCH_MAX_BYTES (default 1000000),
// KAFKA_BENCH_MAX_BUFFERED_RECORDS (default 200000) and
// KAFKA_BENCH_PARTITIONER (uniform-bytes, round-robin, sticky or
// least-backup; default uniform-bytes), and KAFKA_OUTPUT=json for the
// report as JSON.
func Bench(ctx context.Context) error {
	s, err := open(ctx)
	if err != nil {
		return err
	}
	o := bench.OptionsFrom(s.Env.Config)
	out := io.Writer(os.Stdout)
	asJSON := s.Env.Config.Output == "json"
	if asJSON {
		// Progress goes to stderr so that stdout is the JSON alone.
		out = os.Stderr
		s.Env.Out = os.Stderr
	}
	rep, err := bench.Run(ctx, s, o, out)
	if asJSON && rep != nil {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if jerr := enc.Encode(rep); jerr != nil && err == nil {
			err = jerr
		}
	}
	return err
}
