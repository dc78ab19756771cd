// Command producer is the tutorial's producer.py in Go: it sends
// "Hello World!" to my-topic-three through the three bootstrap servers.
//
// KAFKA_BROKERS, KAFKA_TOPIC and KAFKA_VALUE override the defaults. The
// batches are uncompressed, so kcat and kafka-python read them without
// codec libraries.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/config"
)

func main() {
	brokers := []string{"127.0.0.1:9091", "127.0.0.1:9092", "127.0.0.1:9093"}
	if v := os.Getenv("KAFKA_BROKERS"); v != "" {
		var err error
		if brokers, err = config.ParseBrokers(v); err != nil {
			fail("KAFKA_BROKERS: %v", err)
		}
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
	if err != nil {
		fail("producing to %s via %v: %v", topic, brokers, err)
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
