// Command consumer is the tutorial's consumer.py in Go: it reads
// my-topic-three from the beginning and prints each record as
// ConsumerRecord(topic=..., partition=..., offset=..., value=...).
//
// It stops after KAFKA_MAX_RECORDS records (default 100) or when no
// record came for KAFKA_CONSUME_TIMEOUT (default 5s), like the consume
// target. KAFKA_BROKERS and KAFKA_TOPIC override the defaults.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/config"
	"kafkastack/internal/kio"
)

func main() {
	cc, err := config.ClientsFromEnv(os.Getenv)
	if err != nil {
		fail("%v", err)
	}
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(cc.Brokers...),
		kgo.ConsumeTopics(cc.Topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)
	if err != nil {
		fail("creating client: %v", err)
	}
	defer cl.Close()
	if _, err := kio.PrintRecords(context.Background(), cl, os.Stdout, cc.MaxRecords, cc.ConsumeTimeout); err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "consumer: "+format+"\n", args...)
	os.Exit(1)
}
