package e2e

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sethvargo/go-retry"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/kio"
	"kafkastack/internal/verify"
)

// Offsets maps partition to offset for one topic.
type Offsets map[int32]int64

// EndOffsets returns the end offset (high watermark) of every partition of
// topic. Right after a restart or a leader election, leaders answer with
// retriable errors (OFFSET_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER) until
// they have caught up, and a restarted broker may drop connections; those
// (kio.Transient) are retried until ctx ends.
func EndOffsets(ctx context.Context, adm *kadm.Client, topic string) (Offsets, error) {
	var out Offsets
	b := retry.WithCappedDuration(500*time.Millisecond, retry.NewExponential(25*time.Millisecond))
	err := retry.Do(ctx, b, func(ctx context.Context) error {
		lo, err := adm.ListEndOffsets(ctx, topic)
		if err != nil {
			if kio.Transient(err) {
				return retry.RetryableError(err)
			}
			return err
		}
		out = Offsets{}
		var ferr error
		lo.Each(func(o kadm.ListedOffset) {
			if o.Err != nil && ferr == nil {
				ferr = o.Err
			}
			out[o.Partition] = o.Offset
		})
		if kio.Transient(ferr) {
			return retry.RetryableError(ferr)
		}
		return ferr
	})
	if err != nil {
		return nil, fmt.Errorf("listing end offsets of %s: %w", topic, err)
	}
	return out, nil
}

// Consume reads topic with consumer group group, from the offsets in from
// (committed to the fresh group first) until every partition reaches its
// offset in until. It returns every record read, in partition order, and
// commits the group's offsets. It fails when ctx ends before the end.
func Consume(ctx context.Context, opts []kgo.Opt, adm *kadm.Client, group, topic string, from, until Offsets, size int) ([]verify.Record, error) {
	commit := kadm.Offsets{}
	for p, o := range from {
		commit.AddOffset(topic, p, o, -1)
	}
	if err := adm.CommitAllOffsets(ctx, group, commit); err != nil {
		return nil, fmt.Errorf("setting the start offsets of group %s: %w", group, err)
	}
	pending := map[int32]bool{}
	for p, end := range until {
		if end > from[p] {
			pending[p] = true
		}
	}
	if len(pending) == 0 {
		return nil, nil
	}
	cl, err := kgo.NewClient(append(append([]kgo.Opt{}, opts...),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.DisableAutoCommit(),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
	)...)
	if err != nil {
		return nil, fmt.Errorf("creating consumer: %w", err)
	}
	defer cl.Close()
	var out []verify.Record
	for len(pending) > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return out, fmt.Errorf("consuming %s: timed out with partitions %v still short of their end offsets", topic, keys(pending))
		}
		var ferr error
		fs.EachError(func(_ string, _ int32, err error) {
			if !errors.Is(err, context.Canceled) && ferr == nil {
				ferr = err
			}
		})
		if ferr != nil {
			return out, fmt.Errorf("consuming %s: %w", topic, ferr)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if rec, ok := verify.Decode(r, size); ok {
				out = append(out, rec)
			}
			if r.Offset+1 >= until[r.Partition] {
				delete(pending, r.Partition)
			}
		})
	}
	if err := cl.CommitUncommittedOffsets(ctx); err != nil {
		return out, fmt.Errorf("committing offsets of group %s: %w", group, err)
	}
	return out, nil
}

func keys(m map[int32]bool) []int32 {
	var out []int32
	for k := range m {
		out = append(out, k)
	}
	return out
}
