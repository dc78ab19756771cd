// Package kio is kafkastack's Kafka I/O that needs nothing but franz-go:
// printing records as the tutorial's Python consumer does. The clients
// under clients/ depend on it alone, not on the runtimes.
package kio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// PrintRecords polls cl and prints each record as a ConsumerRecord line, until
// max records or idle time without a record. It fails on a fetch error.
func PrintRecords(ctx context.Context, cl *kgo.Client, w io.Writer, max int, idle time.Duration) (int, error) {
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
