package kio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Transient reports whether err only means "not yet" while brokers start,
// restart or move leaders: an error Kafka calls retriable (a coordinator
// still loading, a leader not caught up), one franz-go would retry, a
// refused or dropped connection, or a broker that closed the connection
// before it answered. Callers retry such errors within their own bound.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	var eof *kgo.ErrFirstReadEOF
	var op *net.OpError
	return kerr.IsRetriable(err) || kgo.IsRetryableBrokerErr(err) ||
		errors.As(err, &eof) || errors.As(err, &op) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// RetryTransient runs fn until it succeeds, fails with an error that is not
// Transient, or ctx ends, waiting 25ms after the first "not yet" and up to
// 500ms between later ones. When ctx ends during the retries it fails with
// "timed out; last error: ...", wrapping both that last error and ctx's.
func RetryTransient(ctx context.Context, fn func(context.Context) error) error {
	wait := 25 * time.Millisecond
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		err := fn(ctx)
		if !Transient(err) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("timed out; last error: %w (%w)", err, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}
