package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/kio"
)

// ConsumerTuning are the fetch options the bench sets on top of the
// stack's client options.
type ConsumerTuning struct {
	// FetchMaxBytes caps one fetch response.
	FetchMaxBytes int32
	// FetchMaxPartitionBytes caps one partition's share of a fetch.
	FetchMaxPartitionBytes int32
}

// DefaultConsumerTuning is the tuning `mage bench` uses.
var DefaultConsumerTuning = ConsumerTuning{
	FetchMaxBytes:          50 << 20,
	FetchMaxPartitionBytes: 10 << 20,
}

// Opts returns the kgo options of the tuning; zero fields keep kgo's
// defaults.
func (t ConsumerTuning) Opts() []kgo.Opt {
	var opts []kgo.Opt
	if t.FetchMaxBytes > 0 {
		opts = append(opts, kgo.FetchMaxBytes(t.FetchMaxBytes))
	}
	if t.FetchMaxPartitionBytes > 0 {
		opts = append(opts, kgo.FetchMaxPartitionBytes(t.FetchMaxPartitionBytes))
	}
	return opts
}

// Consume reads topic from the start of every partition, without a
// consumer group (like kcat -C), until each partition in until reaches its
// end offset. The time runs from creating the client to the last record.
// It fails on a fetch error, or when ctx ends first, naming the partitions
// still short of their end.
func Consume(ctx context.Context, opts []kgo.Opt, topic string, until map[int32]int64) (Throughput, error) {
	ends := kio.Offsets{}
	for p, end := range until {
		if end > 0 {
			ends[p] = end
		}
	}
	if len(ends) == 0 {
		return Throughput{}, fmt.Errorf("consuming %s: the topic is empty", topic)
	}
	start := time.Now()
	cl, err := kgo.NewClient(append(append([]kgo.Opt{}, opts...),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)...)
	if err != nil {
		return Throughput{}, fmt.Errorf("creating the bench consumer: %w", err)
	}
	defer cl.Close()
	var records, bytes int64
	err = kio.ReadTo(ctx, cl, ends, func(r *kgo.Record) {
		records++
		bytes += int64(len(r.Key) + len(r.Value))
	})
	tp := NewThroughput(records, bytes, time.Since(start))
	var short *kio.ShortError
	if errors.As(err, &short) {
		return tp, fmt.Errorf("consuming %s: %w with partitions %v short of their end: %w", topic, errShort, short.Partitions, short.Err)
	}
	if err != nil {
		return tp, fmt.Errorf("consuming %s: %w", topic, err)
	}
	return tp, nil
}
