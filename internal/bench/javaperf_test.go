package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseProducerPerformanceTakesTheSummaryNotTheProgressLine(t *testing.T) {
	got, err := ParseProducerPerformance(sample(t, "producer-performance-3.9.1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := PerfProducer{Records: 600000, RecsPerS: 99091.659785, MBPerS: 9.45, AvgMs: 5.56, MaxMs: 343, P50Ms: 1, P95Ms: 45, P99Ms: 60, P999Ms: 72}
	if got != want {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestParseProducerPerformanceWithLogNoise(t *testing.T) {
	out := "log4j:WARN No appenders could be found for logger (org.apache.kafka.clients.producer.ProducerConfig).\n" +
		"200000 records sent, 180180.180180 records/sec (17.18 MB/sec), 46.61 ms avg latency, 297.00 ms max latency, 35 ms 50th, 110 ms 95th, 118 ms 99th, 121 ms 99.9th.\n"
	got, err := ParseProducerPerformance(out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Records != 200000 || got.RecsPerS != 180180.180180 || got.MBPerS != 17.18 || got.P99Ms != 118 || got.MaxMs != 297 {
		t.Fatalf("got %+v", got)
	}
}

func TestParseProducerPerformanceWithoutSummaryNamesTheLastLine(t *testing.T) {
	out := "org.apache.kafka.common.errors.TimeoutException: Topic pp1 not present in metadata after 60000 ms.\n"
	_, err := ParseProducerPerformance(out)
	if err == nil || !strings.Contains(err.Error(), "not present in metadata") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseConsumerPerformance(t *testing.T) {
	got, err := ParseConsumerPerformance(sample(t, "consumer-performance-3.9.1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := PerfConsumer{Records: 200393, MB: 19.1110, RecsPerS: 255929.7573, MBPerS: 24.4074, RebalanceMs: 379, FetchMs: 404, FetchRecsPerS: 496022.2772, FetchMBPerS: 47.3044}
	if got != want {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestParseConsumerPerformanceSkipsTheTimeoutWarning(t *testing.T) {
	got, err := ParseConsumerPerformance(sample(t, "consumer-performance-timeout-3.9.1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Records != 200000 || got.FetchMs != 7556 {
		t.Fatalf("got %+v", got)
	}
}

func TestParseConsumerPerformanceFailures(t *testing.T) {
	for name, out := range map[string]string{
		"no header":     "Exception in thread \"main\" joptsimple.MissingRequiredOptionsException: Missing required option(s) [topic]\n",
		"header only":   "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n",
		"bad number":    "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\na, b, 1, 1, x, 1, 1, 1, 1, 1\n",
		"missing field": "start.time, end.time, data.consumed.in.MB\n1, 2, 3\n",
	} {
		if _, err := ParseConsumerPerformance(out); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

func TestProducerAndConsumerArgs(t *testing.T) {
	got := strings.Join(ProducerArgs("h:1,h:2", "t", 1000, 100, DefaultProducerTuning, false), " ")
	want := "--topic t --num-records 1000 --record-size 100 --throughput -1 --producer-props bootstrap.servers=h:1,h:2 acks=all compression.type=none enable.idempotence=true max.in.flight.requests.per.connection=5"
	if got != want {
		t.Fatalf("producer args\n got %s\nwant %s", got, want)
	}
	got = strings.Join(ProducerArgs("h:1", "t", 1000, 100, DefaultProducerTuning, true), " ")
	if !strings.HasSuffix(got, " linger.ms=10 batch.size=1000000") {
		t.Fatalf("tuned producer args %s", got)
	}
	got = strings.Join(ConsumerArgs("h:1", "t", "--messages", 1000, time.Minute), " ")
	want = "--bootstrap-server h:1 --topic t --messages 1000 --timeout 60000"
	if got != want {
		t.Fatalf("consumer args\n got %s\nwant %s", got, want)
	}
}

func TestParseJavaVersion(t *testing.T) {
	out := "openjdk version \"17.0.15\" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)\n"
	if got := ParseJavaVersion(out); got != "OpenJDK 17.0.15" {
		t.Fatalf("got %q", got)
	}
	if got := ParseJavaVersion("something else\n"); got != "something else" {
		t.Fatalf("got %q", got)
	}
}
