package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/stack"
	"kafkastack/internal/topics"
)

// Produce sends each line of stdin (when stdin is not a terminal), or
// KAFKA_VALUE, or "Hello World!", to topic, and waits for every
// acknowledgement. It fails on the first record not acknowledged.
func Produce(ctx context.Context, topic string) error {
	if err := topics.ValidateName(topic); err != nil {
		return err
	}
	s, err := stack.Open(ctx, os.Stderr)
	if err != nil {
		return err
	}
	var values []string
	if v, ok := os.LookupEnv("KAFKA_VALUE"); ok {
		values = []string{v}
	} else if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice == 0 {
		sc := bufio.NewScanner(os.Stdin)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			values = append(values, sc.Text())
		}
	} else {
		values = []string{"Hello World!"}
	}
	if err := s.Reachable(ctx); err != nil {
		return err
	}
	cl, err := s.Client(kgo.DefaultProduceTopic(topic))
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, s.Env.Config.ReadyTimeout)
	defer cancel()
	for _, v := range values {
		r, err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte(v)}).First()
		if err != nil {
			return fmt.Errorf("producing to %s: %w", topic, err)
		}
		fmt.Printf("sent to %s partition %d offset %d: %q\n", topic, r.Partition, r.Offset, v)
	}
	return nil
}

// Consume prints records of topic from the beginning, as the tutorial's
// consumer does, until KAFKA_MAX_RECORDS records (default 100) or no
// record for KAFKA_CONSUME_TIMEOUT (default 5s).
func Consume(ctx context.Context, topic string) error {
	if err := topics.ValidateName(topic); err != nil {
		return err
	}
	s, err := stack.Open(ctx, os.Stderr)
	if err != nil {
		return err
	}
	max, err := envInt("KAFKA_MAX_RECORDS", 100)
	if err != nil {
		return err
	}
	idle := 5 * time.Second
	if v := os.Getenv("KAFKA_CONSUME_TIMEOUT"); v != "" {
		if idle, err = time.ParseDuration(v); err != nil || idle <= 0 {
			return fmt.Errorf("KAFKA_CONSUME_TIMEOUT=%q is not a positive duration", v)
		}
	}
	if err := s.Reachable(ctx); err != nil {
		return err
	}
	cl, err := s.Client(kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		return err
	}
	defer cl.Close()
	mctx, cancel := context.WithTimeout(ctx, s.Env.Config.ReadyTimeout)
	defer cancel()
	if err := topics.Require(mctx, kadm.NewClient(cl), topic); err != nil {
		if errors.Is(err, topics.ErrNoTopic) {
			return fmt.Errorf("%w (create it with: go run magefile.go topics:create %s)", err, topic)
		}
		return err
	}
	n, err := ConsumeTo(ctx, cl, os.Stdout, max, idle)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%d records\n", n)
	return nil
}

// ConsumeTo polls cl and prints each record as a ConsumerRecord line, until
// max records or idle time without a record. It fails on a fetch error.
func ConsumeTo(ctx context.Context, cl *kgo.Client, w io.Writer, max int, idle time.Duration) (int, error) {
	n := 0
	for n < max {
		pctx, cancel := context.WithTimeout(ctx, idle)
		fs := cl.PollRecords(pctx, max-n)
		cancel()
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		var ferr error
		fs.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) && ferr == nil {
				ferr = fmt.Errorf("consuming %s partition %d: %w", t, p, err)
			}
		})
		if ferr != nil {
			return n, ferr
		}
		recs := fs.Records()
		if len(recs) == 0 {
			return n, nil // idle
		}
		for _, r := range recs {
			fmt.Fprintln(w, FormatRecord(r))
			n++
		}
	}
	return n, nil
}

// FormatRecord renders a record like kafka-python's ConsumerRecord repr.
func FormatRecord(r *kgo.Record) string {
	key := "None"
	if r.Key != nil {
		key = pyBytes(r.Key)
	}
	return fmt.Sprintf("ConsumerRecord(topic='%s', partition=%d, offset=%d, timestamp=%d, key=%s, value=%s, headers=%d)",
		r.Topic, r.Partition, r.Offset, r.Timestamp.UnixMilli(), key, pyBytes(r.Value), len(r.Headers))
}

// pyBytes renders b like a Python bytes literal: b'Hello World!'.
func pyBytes(b []byte) string {
	out := []byte("b'")
	for _, c := range b {
		switch {
		case c == '\'' || c == '\\':
			out = append(out, '\\', c)
		case c >= 0x20 && c < 0x7f:
			out = append(out, c)
		case c == '\n':
			out = append(out, '\\', 'n')
		default:
			out = append(out, []byte(fmt.Sprintf("\\x%02x", c))...)
		}
	}
	return string(append(out, '\''))
}

func envInt(name string, def int) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q must be a whole number of at least 1", name, v)
	}
	return n, nil
}
