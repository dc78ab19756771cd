package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Kcat runs kcat (librdkafka's command line client).
type Kcat struct {
	Path string
}

// kcatVersionRe matches kcat -V's "Version 1.7.1 (JSON, ..., librdkafka
// 2.0.2 builtin.features=...)".
var kcatVersionRe = regexp.MustCompile(`Version (\S+) \(.*?librdkafka (\S+)`)

// ParseKcatVersion turns `kcat -V` output into e.g. "kcat 1.7.1
// (librdkafka 2.0.2)". It fails when there is no version line.
func ParseKcatVersion(out string) (string, error) {
	m := kcatVersionRe.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("no version in kcat -V output: %s", lastLine(out))
	}
	return fmt.Sprintf("kcat %s (librdkafka %s)", m[1], m[2]), nil
}

// Version returns kcat's and librdkafka's versions. It fails when kcat
// does not run.
func (k Kcat) Version(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, k.Path, "-V").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("running kcat -V: %w", err)
	}
	return ParseKcatVersion(string(out))
}

// KcatProduceArgs are kcat's producer arguments for the workload: one
// record per input line, acks from all in-sync replicas, uncompressed,
// with idempotence and produce requests in flight per broker as t says
// (librdkafka's own defaults are no idempotence and up to 1,000,000 in
// flight), and librdkafka's defaults for batching written out, so that
// the report shows what ran.
func KcatProduceArgs(bootstrap, topic string, t ProducerTuning) []string {
	args := []string{"-P", "-b", bootstrap, "-t", topic}
	for _, kv := range KcatProduceSettings(t) {
		args = append(args, "-X", kv)
	}
	return args
}

// KcatProduceSettings are the librdkafka settings kcat -P runs with.
func KcatProduceSettings(t ProducerTuning) []string {
	return []string{
		"acks=all", "compression.codec=none",
		"enable.idempotence=" + strconv.FormatBool(t.Idempotent),
		"max.in.flight.requests.per.connection=" + strconv.Itoa(t.InFlight()),
		// librdkafka 2.x defaults, for the record.
		"linger.ms=5", "batch.size=1000000", "batch.num.messages=10000",
	}
}

// KcatConsumeArgs are kcat's consumer arguments: from the beginning, exit
// at the end (-e) or after n records (-c, which spares the final empty
// fetch -e alone waits for), quiet, and printing each record's value size
// (-f '%S\n') rather than the value, so that the figure is kcat's
// consuming and not its printing of 100 MB to a pipe.
func KcatConsumeArgs(bootstrap, topic string, n int64) []string {
	return []string{"-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-c", strconv.FormatInt(n, 10), "-q", "-f", "%S\n"}
}

// KcatErrors is what kcat said went wrong on stderr.
type KcatErrors struct {
	// DeliveryFailed counts "% Delivery failed for message: ..." lines.
	DeliveryFailed int
	// First is the first failure or "% ERROR: ..." line.
	First string
}

// ParseKcatErrors reads kcat's stderr for failures.
func ParseKcatErrors(stderr string) KcatErrors {
	var ke KcatErrors
	sc := bufio.NewScanner(strings.NewReader(stderr))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(l, "% Delivery failed"):
			ke.DeliveryFailed++
		case strings.HasPrefix(l, "% ERROR:"):
		default:
			continue
		}
		if ke.First == "" {
			ke.First = strings.TrimPrefix(l, "% ")
		}
	}
	return ke
}

// Err is nil when kcat reported no failure.
func (ke KcatErrors) Err() error {
	switch {
	case ke.DeliveryFailed > 0:
		return fmt.Errorf("kcat: %d records failed: %s", ke.DeliveryFailed, ke.First)
	case ke.First != "":
		return errors.New("kcat: " + ke.First)
	}
	return nil
}

// lineSource writes n lines of size bytes (plus the newline) to w, in
// large writes.
func lineSource(w io.Writer, n int64, size int) error {
	line := append(Value(size), '\n')
	per := max(1, (1<<20)/len(line))
	chunk := bytes.Repeat(line, per)
	for n > 0 {
		k := min(n, int64(per))
		if _, err := w.Write(chunk[:k*int64(len(line))]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// Produce pipes n records of size bytes into kcat -P and times the process
// from start to exit (kcat flushes and waits for every acknowledgement
// before it exits). It fails when kcat exits non-zero or reports a failed
// delivery.
func (k Kcat) Produce(ctx context.Context, bootstrap, topic string, n int64, size int, t ProducerTuning) (Throughput, error) {
	cmd := exec.CommandContext(ctx, k.Path, KcatProduceArgs(bootstrap, topic, t)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return Throughput{}, fmt.Errorf("starting kcat -P: %w", err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Throughput{}, fmt.Errorf("starting kcat -P: %w", err)
	}
	werr := lineSource(stdin, n, size)
	stdin.Close()
	err = cmd.Wait()
	elapsed := time.Since(start)
	if kerr := ParseKcatErrors(stderr.String()).Err(); kerr != nil {
		return Throughput{}, kerr
	}
	if err != nil {
		if ctx.Err() != nil {
			return Throughput{}, fmt.Errorf("running kcat -P: %w", ctx.Err())
		}
		return Throughput{}, fmt.Errorf("running kcat -P: %v: %s", err, lastLine(stderr.String()))
	}
	if werr != nil {
		return Throughput{}, fmt.Errorf("feeding kcat -P: %w", werr)
	}
	return NewThroughput(n, n*int64(size), elapsed), nil
}

// CountSizes reads kcat -C -f '%S\n' output, one value size per line
// (-1 for a null value), and returns the number of records and the sum of
// their sizes. It fails on a line that is not a size.
func CountSizes(r io.Reader) (records, bytes int64, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		n, perr := strconv.ParseInt(string(line), 10, 64)
		if perr != nil {
			return records, bytes, fmt.Errorf("kcat printed %q where a value size was expected", truncate(string(line), 60))
		}
		records++
		if n > 0 {
			bytes += n
		}
	}
	return records, bytes, sc.Err()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// Consume runs kcat -C from the beginning until it has read n records or
// reached the end, counting what it prints, and times the process. It
// fails when kcat exits non-zero or reads fewer than n records.
func (k Kcat) Consume(ctx context.Context, bootstrap, topic string, n int64) (Throughput, error) {
	cmd := exec.CommandContext(ctx, k.Path, KcatConsumeArgs(bootstrap, topic, n)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return Throughput{}, fmt.Errorf("starting kcat -C: %w", err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Throughput{}, fmt.Errorf("starting kcat -C: %w", err)
	}
	recs, b, cerr := CountSizes(stdout)
	if cerr != nil {
		// Drain so kcat is not blocked on a full pipe while it is waited for.
		_, _ = io.Copy(io.Discard, stdout)
	}
	err = cmd.Wait()
	elapsed := time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			return Throughput{}, fmt.Errorf("running kcat -C: %w", ctx.Err())
		}
		return Throughput{}, fmt.Errorf("running kcat -C: %v: %s", err, lastLine(stderr.String()))
	}
	if cerr != nil {
		return Throughput{}, fmt.Errorf("reading kcat -C output: %w", cerr)
	}
	if kerr := ParseKcatErrors(stderr.String()).Err(); kerr != nil {
		return Throughput{}, kerr
	}
	if recs < n {
		return Throughput{}, fmt.Errorf("kcat -C read %d of %d records", recs, n)
	}
	return NewThroughput(recs, b, elapsed), nil
}
