package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// PerfProducer is the summary line of Kafka's ProducerPerformance.
type PerfProducer struct {
	Records  int64   `json:"records"`
	RecsPerS float64 `json:"records_per_s"`
	MBPerS   float64 `json:"mb_per_s"`
	AvgMs    float64 `json:"avg_ms"`
	MaxMs    float64 `json:"max_ms"`
	P50Ms    float64 `json:"p50_ms"`
	P95Ms    float64 `json:"p95_ms"`
	P99Ms    float64 `json:"p99_ms"`
	P999Ms   float64 `json:"p999_ms"`
}

// perfSummaryRe matches ProducerPerformance's final line, e.g.
// "200000 records sent, 180180.180180 records/sec (17.18 MB/sec), 46.61 ms
// avg latency, 297.00 ms max latency, 35 ms 50th, 110 ms 95th, 118 ms 99th,
// 121 ms 99.9th."
var perfSummaryRe = regexp.MustCompile(`^(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.?$`)

// ParseProducerPerformance reads ProducerPerformance's output and returns
// its final summary (the progress lines before it carry no percentiles).
// It fails when there is no summary line, e.g. when the tool died first.
func ParseProducerPerformance(out string) (PerfProducer, error) {
	var last []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if m := perfSummaryRe.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			last = m
		}
	}
	if last == nil {
		return PerfProducer{}, fmt.Errorf("no ProducerPerformance summary line in its output: %s", lastLine(out))
	}
	f := func(i int) float64 { v, _ := strconv.ParseFloat(last[i], 64); return v }
	n, _ := strconv.ParseInt(last[1], 10, 64)
	return PerfProducer{
		Records: n, RecsPerS: f(2), MBPerS: f(3), AvgMs: f(4), MaxMs: f(5),
		P50Ms: f(6), P95Ms: f(7), P99Ms: f(8), P999Ms: f(9),
	}, nil
}

// PerfConsumer is the result line of Kafka's ConsumerPerformance.
type PerfConsumer struct {
	Records int64   `json:"records"`
	MB      float64 `json:"mb"`
	// RecsPerS and MBPerS run over the whole run, including the consumer
	// group's first rebalance.
	RecsPerS float64 `json:"records_per_s"`
	MBPerS   float64 `json:"mb_per_s"`
	// RebalanceMs is the time the group took to join.
	RebalanceMs float64 `json:"rebalance_ms"`
	// FetchMs, FetchRecsPerS and FetchMBPerS leave the rebalance out.
	FetchMs       float64 `json:"fetch_ms"`
	FetchRecsPerS float64 `json:"fetch_records_per_s"`
	FetchMBPerS   float64 `json:"fetch_mb_per_s"`
}

// ParseConsumerPerformance reads ConsumerPerformance's output: a header
// line "start.time, end.time, data.consumed.in.MB, MB.sec, ..." and the
// values line under it. It fails when either is missing or a column the
// bench needs is not there.
func ParseConsumerPerformance(out string) (PerfConsumer, error) {
	lines := strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), "start.time, end.time") {
			continue
		}
		cols := splitCSV(l)
		for _, v := range lines[i+1:] {
			vals := splitCSV(v)
			if len(vals) != len(cols) {
				continue
			}
			row := map[string]string{}
			for k, c := range cols {
				row[c] = vals[k]
			}
			var pc PerfConsumer
			var err error
			get := func(name string) float64 {
				if err != nil {
					return 0
				}
				s, ok := row[name]
				if !ok {
					err = fmt.Errorf("ConsumerPerformance output has no column %s", name)
					return 0
				}
				f, perr := strconv.ParseFloat(s, 64)
				if perr != nil {
					err = fmt.Errorf("ConsumerPerformance column %s is %q, not a number", name, s)
				}
				return f
			}
			pc.Records = int64(get("data.consumed.in.nMsg"))
			pc.MB = get("data.consumed.in.MB")
			pc.RecsPerS = get("nMsg.sec")
			pc.MBPerS = get("MB.sec")
			pc.RebalanceMs = get("rebalance.time.ms")
			pc.FetchMs = get("fetch.time.ms")
			pc.FetchRecsPerS = get("fetch.nMsg.sec")
			pc.FetchMBPerS = get("fetch.MB.sec")
			return pc, err
		}
		return PerfConsumer{}, fmt.Errorf("ConsumerPerformance printed its header but no values: %s", lastLine(out))
	}
	return PerfConsumer{}, fmt.Errorf("no ConsumerPerformance result in its output: %s", lastLine(out))
}

func splitCSV(l string) []string {
	parts := strings.Split(strings.TrimSpace(l), ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// lastLine is the last non-empty line of out, for error messages.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && !strings.HasPrefix(l, "log4j:") && !strings.HasPrefix(l, "SLF4J") {
			return l
		}
	}
	return "(no output)"
}

// jvmOpts are the options kafka-run-class.sh gives the perf tools
// (KAFKA_HEAP_OPTS of kafka-producer-perf-test.sh and
// KAFKA_JVM_PERFORMANCE_OPTS), plus a fixed locale so numbers print with
// a decimal point.
var jvmOpts = []string{
	"-Xmx512M", "-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
	"-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
	"-XX:MaxInlineLevel=15", "-Djava.awt.headless=true",
	"-Duser.language=en", "-Duser.country=US",
}

// JavaPerf runs Kafka's own perf tools from a folder of jars.
type JavaPerf struct {
	Java string
	Jars KafkaJars
}

// javaCmd runs class with args and returns stdout and stderr. It fails
// with the tool's last output line when it exits non-zero.
func (j JavaPerf) javaCmd(ctx context.Context, class string, args ...string) (string, string, error) {
	full := append(append(append([]string{}, jvmOpts...), "-cp", j.Jars.Classpath(), class), args...)
	cmd := exec.CommandContext(ctx, j.Java, full...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if err != nil {
		if ctx.Err() != nil {
			return stdout.String(), stderr.String(), fmt.Errorf("running %s: %w", shortClass(class), ctx.Err())
		}
		return stdout.String(), stderr.String(), fmt.Errorf("running %s: %v: %s", shortClass(class), err, lastLine(stdout.String()+"\n"+stderr.String()))
	}
	return stdout.String(), stderr.String(), nil
}

func shortClass(c string) string { return c[strings.LastIndex(c, ".")+1:] }

// ProducerArgs are ProducerPerformance's arguments for the workload, with
// the producer settings of PerfProducerSettings.
func ProducerArgs(bootstrap, topic string, n int64, size int, t ProducerTuning, tuned bool) []string {
	return append([]string{
		"--topic", topic,
		"--num-records", strconv.FormatInt(n, 10),
		"--record-size", strconv.Itoa(size),
		"--throughput", "-1",
		"--producer-props", "bootstrap.servers=" + bootstrap,
	}, PerfProducerSettings(t, tuned)...)
}

// PerfProducerSettings are the Java producer settings ProducerPerformance
// runs with: acks, idempotence and requests in flight as t says; stock
// batching (the client's defaults) or, tuned, batching like ours (t's
// linger, batches of up to t's batch size).
func PerfProducerSettings(t ProducerTuning, tuned bool) []string {
	out := []string{
		"acks=all", "compression.type=none",
		"enable.idempotence=" + strconv.FormatBool(t.Idempotent),
		"max.in.flight.requests.per.connection=" + strconv.Itoa(t.InFlight()),
	}
	if tuned {
		out = append(out, "linger.ms="+strconv.FormatInt(max(t.Linger, 0).Milliseconds(), 10), "batch.size="+strconv.Itoa(int(t.BatchMaxBytes)))
	}
	return out
}

// Produce runs ProducerPerformance, stock or tuned as for ProducerArgs. It
// fails when the tool fails or prints no summary.
func (j JavaPerf) Produce(ctx context.Context, bootstrap, topic string, n int64, size int, t ProducerTuning, tuned bool) (PerfProducer, error) {
	class, err := j.Jars.FindClass(producerPerfClasses...)
	if err != nil {
		return PerfProducer{}, err
	}
	out, _, err := j.javaCmd(ctx, class, ProducerArgs(bootstrap, topic, n, size, t, tuned)...)
	if err != nil {
		return PerfProducer{}, err
	}
	return ParseProducerPerformance(out)
}

// ConsumerArgs are ConsumerPerformance's arguments for the workload.
// countFlag is --messages, or --num-records on releases that renamed it.
func ConsumerArgs(bootstrap, topic, countFlag string, n int64, timeout time.Duration) []string {
	return []string{
		"--bootstrap-server", bootstrap,
		"--topic", topic,
		countFlag, strconv.FormatInt(n, 10),
		"--timeout", strconv.FormatInt(timeout.Milliseconds(), 10),
	}
}

// Consume runs ConsumerPerformance. It fails when the tool fails or reads
// fewer than n records.
func (j JavaPerf) Consume(ctx context.Context, bootstrap, topic string, n int64, timeout time.Duration) (PerfConsumer, error) {
	class, err := j.Jars.FindClass(consumerPerfClasses...)
	if err != nil {
		return PerfConsumer{}, err
	}
	// Newer releases name the record count --num-records and warn about
	// --messages; ask the tool which it takes.
	countFlag := "--messages"
	if help, helpErr, _ := j.javaCmd(ctx, class, "--help"); strings.Contains(help+helpErr, "--num-records") {
		countFlag = "--num-records"
	}
	out, _, err := j.javaCmd(ctx, class, ConsumerArgs(bootstrap, topic, countFlag, n, timeout)...)
	if err != nil {
		return PerfConsumer{}, err
	}
	pc, err := ParseConsumerPerformance(out)
	if err != nil {
		return pc, err
	}
	if pc.Records < n {
		return pc, fmt.Errorf("ConsumerPerformance read %d of %d records", pc.Records, n)
	}
	return pc, nil
}

// JavaVersion returns the first line of `java -version`, e.g. `openjdk
// version "17.0.15" 2025-04-15`. It fails when java does not run.
func JavaVersion(ctx context.Context, java string) (string, error) {
	out, err := exec.CommandContext(ctx, java, "-version").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("running %s -version: %w", java, err)
	}
	return ParseJavaVersion(string(out)), nil
}

// javaVersionRe matches `openjdk version "17.0.15"` or `java version "21"`.
var javaVersionRe = regexp.MustCompile(`(?m)^(\S+) version "([^"]+)"`)

// ParseJavaVersion turns `java -version` output into e.g. "OpenJDK 17.0.15";
// unknown text gives its first line.
func ParseJavaVersion(out string) string {
	if m := javaVersionRe.FindStringSubmatch(out); m != nil {
		name := m[1]
		if name == "openjdk" {
			name = "OpenJDK"
		} else if name == "java" {
			name = "Java"
		}
		return name + " " + m[2]
	}
	return strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])
}
