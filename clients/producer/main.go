// Command producer is the tutorial's producer.py in Go: it sends
// "Hello World!" to my-topic-three through the three bootstrap servers.
//
// KAFKA_BROKERS, KAFKA_TOPIC and KAFKA_VALUE override the defaults. The
// batches are uncompressed, so kcat and kafka-python read them without
// codec libraries.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/config"
)

func main() {
	brokers, err := config.BrokersFromEnv()
	if err != nil {
		fail("%v", err)
	}
	topic := envOr("KAFKA_TOPIC", config.DefaultTopic)
	value := envOr("KAFKA_VALUE", "Hello World!")
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(brokers...),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.RequiredAcks(kgo.AllISRAcks()),
	)
	if err != nil {
		fail("creating client: %v", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Value: []byte(value)}).First()
	if errors.Is(err, context.DeadlineExceeded) {
		fail("no acknowledgement from %s within 30s for topic %s: is the cluster up (go run magefile.go up) and does the topic exist?", strings.Join(brokers, ","), topic)
	}
	if err != nil {
		fail("producing to %s via %s: %v", topic, strings.Join(brokers, ","), err)
	}
	fmt.Printf("sent %q to %s partition %d offset %d\n", value, r.Topic, r.Partition, r.Offset)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "producer: "+format+"\n", args...)
	os.Exit(1)
}
