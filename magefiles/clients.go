//go:build mage

package main

import (
	"context"

	"kafkastack/internal/cli"
)

// Produce sends records to a topic: one per line of stdin, or KAFKA_VALUE.
//
// Example: printf 'a\nb\n' | mage produce my-topic-three
// With a terminal on stdin and no KAFKA_VALUE it sends "Hello World!".
func Produce(ctx context.Context, topic string) error {
	return cli.Produce(ctx, topic)
}

// Consume prints a topic's records from the beginning, like the tutorial's consumer.
//
// It stops after KAFKA_MAX_RECORDS records (default 100) or when no record
// came for KAFKA_CONSUME_TIMEOUT (default 5s). KAFKA_GROUP=my-group reads
// as that consumer group, from its committed offsets, and commits where it
// stopped (see groups:describe).
func Consume(ctx context.Context, topic string) error {
	return cli.Consume(ctx, topic)
}
