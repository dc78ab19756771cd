package kio

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/verify"
)

// fakeCluster starts a three-broker kfake cluster on ports the system
// picks, and returns the client options to reach it and an admin client.
func fakeCluster(t *testing.T) ([]kgo.Opt, *kadm.Client) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(3))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	opts := []kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...), kgo.RequiredAcks(kgo.AllISRAcks())}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return opts, kadm.NewClient(cl)
}

func TestProduceEndOffsetsAndConsumeARange(t *testing.T) {
	opts, adm := fakeCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const topic = "kio-range"
	if _, err := adm.CreateTopic(ctx, 3, 3, nil, topic); err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	// An earlier run's records must not be read back.
	if p, err := Produce(ctx, cl, topic, "old", 30, DefaultRecordSize); err != nil || p.Failed > 0 {
		t.Fatalf("old run: %+v %v", p, err)
	}
	start, err := EndOffsets(ctx, adm, topic)
	if err != nil {
		t.Fatal(err)
	}
	if len(start) != 3 || sum(start) != 30 {
		t.Fatalf("start offsets %v, want 30 records over 3 partitions", start)
	}
	prod, err := Produce(ctx, cl, topic, "new", 200, DefaultRecordSize)
	if err != nil || prod.Failed > 0 || prod.Sent != 200 || len(prod.Acked) != 200 || prod.Acked[199] != 199 {
		t.Fatalf("produced %d acked, %d failed, err %v", len(prod.Acked), prod.Failed, err)
	}
	end, err := EndOffsets(ctx, adm, topic)
	if err != nil {
		t.Fatal(err)
	}
	if sum(end) != 230 {
		t.Fatalf("end offsets %v, want 230 records", end)
	}
	recs, err := Consume(ctx, opts, adm, "kio-group", topic, start, end, DefaultRecordSize)
	if err != nil {
		t.Fatal(err)
	}
	res := verify.Check(verify.Expectation{Run: "new", Acked: prod.Acked, Sent: prod.Sent}, recs)
	if err := res.Err(); err != nil || res.Read != 200 {
		t.Fatalf("read %d: %v", res.Read, err)
	}
	committed, err := CommittedOffsets(ctx, adm, "kio-group", topic)
	if err != nil {
		t.Fatal(err)
	}
	if len(committed) != len(end) {
		t.Errorf("committed %v, want %v", committed, end)
	}
	for p, o := range end {
		if committed[p] != o {
			t.Errorf("partition %d committed at %d, want %d", p, committed[p], o)
		}
	}
	if none, err := CommittedOffsets(ctx, adm, "no-such-group", topic); err != nil || len(none) != 0 {
		t.Errorf("a missing group has offsets %v, err %v", none, err)
	}
	// Nothing new: nothing read, no consumer needed.
	if recs, err := Consume(ctx, opts, adm, "kio-group-2", topic, end, end, DefaultRecordSize); err != nil || len(recs) != 0 {
		t.Fatalf("empty range read %d records: %v", len(recs), err)
	}
}

func TestReadToNamesThePartitionsStillShort(t *testing.T) {
	opts, adm := fakeCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const topic = "kio-short"
	if _, err := adm.CreateTopic(ctx, 2, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(append(opts, kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Partition: 0, Value: []byte("a")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	rctx, rcancel := context.WithTimeout(ctx, time.Second)
	defer rcancel()
	n := 0
	err = ReadTo(rctx, cl, Offsets{0: 1, 1: 5}, func(*kgo.Record) { n++ })
	var short *ShortError
	if !errors.As(err, &short) || len(short.Partitions) != 1 || short.Partitions[0] != 1 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want partition 1 short after the deadline", err)
	}
	if n != 1 {
		t.Fatalf("handed over %d records, want 1", n)
	}
}

func TestRetryTransientRetriesOnlyNotYet(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	calls := 0
	err := RetryTransient(ctx, func(context.Context) error {
		calls++
		if calls < 3 {
			return kerr.NotLeaderForPartition
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("err %v after %d calls, want success after 3", err, calls)
	}
	calls = 0
	if err := RetryTransient(ctx, func(context.Context) error { calls++; return kerr.TopicAuthorizationFailed }); !errors.Is(err, kerr.TopicAuthorizationFailed) || calls != 1 {
		t.Fatalf("err %v after %d calls, want the error at once", err, calls)
	}
	tctx, tcancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer tcancel()
	err = RetryTransient(tctx, func(context.Context) error { return kerr.OffsetNotAvailable })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	// As the fault proofs use it: a wrapped "not yet" is retried, and a
	// timeout names the last error.
	calls = 0
	err = RetryTransient(ctx, func(context.Context) error {
		calls++
		if calls < 3 {
			return fmt.Errorf("committing: %w", kerr.CoordinatorLoadInProgress)
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("err %v after %d calls, want success on the third", err, calls)
	}
	rctx, rcancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer rcancel()
	err = RetryTransient(rctx, func(context.Context) error { return kerr.NotEnoughReplicas })
	if err == nil || !strings.Contains(err.Error(), "timed out; last error: NOT_ENOUGH_REPLICAS") || !errors.Is(err, kerr.NotEnoughReplicas) {
		t.Fatalf("err = %v", err)
	}
}

func sum(o Offsets) int64 {
	var n int64
	for _, v := range o {
		n += v
	}
	return n
}
