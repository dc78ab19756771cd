package kio

import (
	"errors"
	"io"
	"net"

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
