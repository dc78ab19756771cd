// Package kio is kafkastack's Kafka I/O that needs nothing but franz-go
// (and verify's record format), one file per concern: producing a run's
// records (produce.go), consuming a range of offsets (consume.go), end
// offsets (offsets.go), polling until a bound (poll.go), and printing
// records as the tutorial's Python consumer does (print.go). Every
// scenario and the clients under clients/ use it; it depends on no
// runtime.
package kio

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// PrintRecords polls cl and prints each record as a ConsumerRecord line,
// until max records or idle time without a record. It fails on a fetch
// error.
func PrintRecords(ctx context.Context, cl *kgo.Client, w io.Writer, max int, idle time.Duration) (int, error) {
	return Poll(ctx, cl, max, idle, func(r *kgo.Record) bool {
		fmt.Fprintln(w, FormatRecord(r))
		return true
	})
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
