// Command consumer is the tutorial's consumer.py in Go: it reads
// my-topic-three from the beginning and prints each record as
// ConsumerRecord(topic=..., partition=..., offset=..., value=...).
//
// It stops after KAFKA_MAX_RECORDS records (default: none) or when no
// record came for KAFKA_CONSUME_TIMEOUT (default 5s). KAFKA_BROKERS and
// KAFKA_TOPIC override the defaults.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/config"
	"kafkastack/internal/kio"
)

func main() {
	brokers, err := config.BrokersFromEnv()
	if err != nil {
		fail("%v", err)
	}
	topic := config.DefaultTopic
	if v := os.Getenv("KAFKA_TOPIC"); v != "" {
		topic = v
	}
	max := int(^uint(0) >> 1)
	if v := os.Getenv("KAFKA_MAX_RECORDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fail("KAFKA_MAX_RECORDS=%q must be a whole number of at least 1", v)
		}
		max = n
	}
	idle := 5 * time.Second
	if v := os.Getenv("KAFKA_CONSUME_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			fail("KAFKA_CONSUME_TIMEOUT=%q is not a positive duration", v)
		}
		idle = d
	}
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(brokers...),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)
	if err != nil {
		fail("creating client: %v", err)
	}
	defer cl.Close()
	if _, err := kio.PrintRecords(context.Background(), cl, os.Stdout, max, idle); err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "consumer: "+format+"\n", args...)
	os.Exit(1)
}
