package kio

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/verify"
)

// ShortError is ReadTo's error when ctx ends before every partition
// reached its end offset.
type ShortError struct {
	// Partitions are the partitions still short of their end, in order.
	Partitions []int32
	// Err is ctx's error.
	Err error
}

func (e *ShortError) Error() string {
	return fmt.Sprintf("partitions %v short of their end offsets: %v", e.Partitions, e.Err)
}

func (e *ShortError) Unwrap() error { return e.Err }

// ReadTo polls cl, handing every fetched record to each, until every
// partition in ends has handed over the record before its end offset. It
// fails on a fetch error, or with a *ShortError when ctx ends first.
func ReadTo(ctx context.Context, cl *kgo.Client, ends Offsets, each func(*kgo.Record)) error {
	pending := Offsets{}
	for p, end := range ends {
		pending[p] = end
	}
	for len(pending) > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return &ShortError{Partitions: pending.Partitions(), Err: ctx.Err()}
		}
		var ferr error
		fs.EachError(func(_ string, _ int32, err error) {
			if !errors.Is(err, context.Canceled) && ferr == nil {
				ferr = err
			}
		})
		if ferr != nil {
			return ferr
		}
		fs.EachRecord(func(r *kgo.Record) {
			each(r)
			if end, ok := pending[r.Partition]; ok && r.Offset+1 >= end {
				delete(pending, r.Partition)
			}
		})
	}
	return nil
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
	ends := Offsets{}
	for p, end := range until {
		if end > from[p] {
			ends[p] = end
		}
	}
	if len(ends) == 0 {
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
	err = ReadTo(ctx, cl, ends, func(r *kgo.Record) {
		if rec, ok := verify.Decode(r, size); ok {
			out = append(out, rec)
		}
	})
	var short *ShortError
	if errors.As(err, &short) {
		return out, fmt.Errorf("consuming %s: timed out with partitions %v still short of their end offsets", topic, short.Partitions)
	}
	if err != nil {
		return out, fmt.Errorf("consuming %s: %w", topic, err)
	}
	if err := cl.CommitUncommittedOffsets(ctx); err != nil {
		return out, fmt.Errorf("committing offsets of group %s: %w", group, err)
	}
	return out, nil
}
