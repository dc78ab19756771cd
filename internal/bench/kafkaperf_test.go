package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kafkastack/internal/stack"
	"kafkastack/internal/testkit"
)

// fakeJava writes a java on a fresh PATH that answers -version, and runs
// ProducerPerformance and ConsumerPerformance by printing their recorded
// output in testdata.
func fakeJava(t *testing.T) {
	t.Helper()
	td, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	script := `#!/bin/sh
[ "$1" = -version ] && { echo 'openjdk version "21.0.2" 2024-01-16' >&2; exit 0; }
case "$*" in
*ProducerPerformance*) cat '` + td + `/producer-performance-3.9.1.txt' ;;
*ConsumerPerformance*--help*) echo '--messages <Long: count>' ;;
*ConsumerPerformance*) cat '` + td + `/consumer-performance-3.9.1.txt' ;;
*) echo "fake java: unexpected $*" >&2; exit 1 ;;
esac
`
	if err := os.WriteFile(filepath.Join(bin, "java"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// TestKafkaPerfRunsTheToolsAndReadsTheirFigures runs the Kafka perf tools'
// participant, stock and tuned, on an embedded cluster with a java that
// prints the tools' recorded output, and checks every figure and note
// reaches the report. The workload is empty, so that the tools' count
// check holds without a real ProducerPerformance.
func TestKafkaPerfRunsTheToolsAndReadsTheirFigures(t *testing.T) {
	fakeJava(t)
	home := t.TempDir()
	jar(t, filepath.Join(home, "libs", "kafka-tools-3.9.1.jar"), producerPerfClasses[0], consumerPerfClasses[0])
	jar(t, filepath.Join(home, "libs", "kafka-clients-3.9.1.jar"))

	dir, _ := testkit.ComposeCopy(t, "docker-compose.yml")
	cfg := testkit.Config(t, dir, map[string]string{"KAFKA_RUNTIME": "embedded"})
	var log bytes.Buffer
	s, err := stack.OpenConfig(context.Background(), cfg, &log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Clean(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := s.Up(ctx); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	adm, cl, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	cfg.KafkaHome = home
	cfg.Bench.Peers = []string{"kafka-perf"}
	o := OptionsFrom(cfg)
	o.Records, o.Timeout = 0, time.Minute
	var out bytes.Buffer
	w := Workload{Records: 0, RecordSize: o.RecordSize, Partitions: 3, ReplicationFactor: 3, MinInsyncReplicas: 2}
	b := &runner{s: s, adm: adm, cl: cl, o: o, w: w, out: &out, prefix: "kafkastack-bench-perftest"}

	p := b.kafkaPerf(ctx, false)
	if !p.Present || p.Version != "3.9.1 on OpenJDK 21.0.2" || p.Topic != "kafkastack-bench-perftest-kafka-perf" {
		t.Fatalf("participant %+v", p)
	}
	pr := p.Producer
	if pr == nil || !pr.OK() || pr.Tool != "Kafka ProducerPerformance 3.9.1" || pr.Records != 600000 || pr.RecsPerS != 99091.659785 ||
		pr.Elapsed <= 0 || pr.Latency == nil || pr.Latency.P99 != 60 || !strings.Contains(pr.Settings, "stock batching") || !strings.Contains(pr.Note, "whole milliseconds") {
		t.Fatalf("producer %+v", pr)
	}
	c := p.Consumer
	if c == nil || !c.OK() || c.Tool != "Kafka ConsumerPerformance 3.9.1" || c.Records != 200393 || c.RecsPerS != 496022.2772 || c.Elapsed != 404*time.Millisecond ||
		!strings.Contains(c.Note, "without its 379 ms group join") {
		t.Fatalf("consumer %+v", c)
	}
	for _, want := range []string{
		"kafka-perf: Kafka ProducerPerformance 3.9.1 to kafkastack-bench-perftest-kafka-perf (jars in " + filepath.Join(home, "libs") + ")\n",
		"kafka-perf: ConsumerPerformance on kafkastack-bench-perftest-kafka-perf\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	tuned := b.kafkaPerf(ctx, true)
	if !tuned.Present || tuned.Name != "Apache Kafka ProducerPerformance, tuned" || tuned.Consumer != nil || tuned.Producer == nil || !tuned.Producer.OK() ||
		tuned.Producer.Tool != "Kafka ProducerPerformance 3.9.1, tuned" || !strings.Contains(tuned.Producer.Settings, "linger.ms=") || strings.Contains(tuned.Producer.Settings, "stock") {
		t.Fatalf("tuned %+v %+v", tuned, tuned.Producer)
	}

	// Left out by the peers setting: not present, and says why.
	b.o.Peers = nil
	if p := b.kafkaPerf(ctx, false); p.Present || p.Reason != "left out by KAFKA_BENCH_PEERS" {
		t.Fatalf("left out: %+v", p)
	}
}
