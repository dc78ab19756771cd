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
	cc, err := config.ClientsFromEnv(os.Getenv)
	if err != nil {
		fail("%v", err)
	}
	brokers, topic, value := cc.Brokers, cc.Topic, "Hello World!"
	if cc.ValueSet {
		value = cc.Value
	}
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

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "producer: "+format+"\n", args...)
	os.Exit(1)
}
