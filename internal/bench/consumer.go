package bench

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
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
	pending := map[int32]int64{}
	for p, end := range until {
		if end > 0 {
			pending[p] = end
		}
	}
	if len(pending) == 0 {
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
	for len(pending) > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return NewThroughput(records, bytes, time.Since(start)),
				fmt.Errorf("consuming %s: %w with partitions %v short of their end: %w", topic, errShort, sortedKeys(pending), ctx.Err())
		}
		var ferr error
		fs.EachError(func(_ string, _ int32, err error) {
			if ferr == nil && !errors.Is(err, context.Canceled) {
				ferr = err
			}
		})
		if ferr != nil {
			return NewThroughput(records, bytes, time.Since(start)), fmt.Errorf("consuming %s: %w", topic, ferr)
		}
		fs.EachPartition(func(p kgo.FetchTopicPartition) {
			end, ok := pending[p.Partition]
			for _, r := range p.Records {
				records++
				bytes += int64(len(r.Key) + len(r.Value))
				if ok && r.Offset+1 >= end {
					delete(pending, p.Partition)
				}
			}
		})
	}
	return NewThroughput(records, bytes, time.Since(start)), nil
}

func sortedKeys(m map[int32]int64) []int32 {
	out := make([]int32, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
