package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/config"
)

// ProducerTuning are the producer options the bench sets on top of the
// stack's client options (acks=all, idempotent, uncompressed). They were
// chosen by measuring against the peers; see the README's bench section.
type ProducerTuning struct {
	// Linger is how long a partition waits for more records before its
	// batch is sent; negative means not at all.
	Linger time.Duration `json:"linger_ns"`
	// BatchMaxBytes caps one record batch.
	BatchMaxBytes int32 `json:"batch_max_bytes"`
	// MaxBufferedRecords caps records buffered in the client; Produce
	// blocks above it.
	MaxBufferedRecords int `json:"max_buffered_records"`
	// Partitioner picks the partition of each keyless record: one of
	// config.Partitioners.
	Partitioner string `json:"partitioner"`
	// Idempotent keeps the idempotent producer (the stack's default); off,
	// every participant runs without it.
	Idempotent bool `json:"idempotent"`
	// MaxInFlight is the produce requests in flight per broker, for every
	// participant, when Idempotent is off; an idempotent franz-go producer
	// always keeps 5 (Kafka's limit for idempotence), and so do the peers.
	MaxInFlight int `json:"max_in_flight"`
}

// Opts returns the kgo options of the tuning; zero fields keep kgo's
// defaults.
func (t ProducerTuning) Opts() []kgo.Opt {
	var opts []kgo.Opt
	if t.Linger != 0 {
		opts = append(opts, kgo.ProducerLinger(max(t.Linger, 0)))
	}
	if t.BatchMaxBytes > 0 {
		opts = append(opts, kgo.ProducerBatchMaxBytes(t.BatchMaxBytes))
	}
	if t.MaxBufferedRecords > 0 {
		opts = append(opts, kgo.MaxBufferedRecords(t.MaxBufferedRecords))
	}
	switch t.Partitioner {
	case config.PartitionerRoundRobin:
		opts = append(opts, kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	case config.PartitionerSticky:
		opts = append(opts, kgo.RecordPartitioner(kgo.StickyPartitioner()))
	case config.PartitionerLeastBackup:
		opts = append(opts, kgo.RecordPartitioner(kgo.LeastBackupPartitioner()))
	}
	if !t.Idempotent {
		opts = append(opts, kgo.DisableIdempotentWrite())
		if t.MaxInFlight > 0 {
			opts = append(opts, kgo.MaxProduceRequestsInflightPerBroker(t.MaxInFlight))
		}
	}
	return opts
}

// InFlight is the produce requests in flight per broker every participant
// is held to.
func (t ProducerTuning) InFlight() int {
	if t.Idempotent || t.MaxInFlight <= 0 {
		return config.MaxIdempotentInFlight
	}
	return t.MaxInFlight
}

// Durability are the settings every participant's producer shares: acks,
// idempotence and produce requests in flight per broker.
func (t ProducerTuning) Durability() string {
	idem := "idempotent"
	if !t.Idempotent {
		idem = "not idempotent"
	}
	return fmt.Sprintf("acks=all, %s, %d in flight per broker", idem, t.InFlight())
}

// Settings describes our producer's effective settings.
func (t ProducerTuning) Settings() string {
	p := t.Partitioner
	if p == "" {
		p = config.PartitionerUniformBytes
	}
	return fmt.Sprintf("%s, linger %s, batch max %d B, max buffered %d records, partitioner %s",
		t.Durability(), lingerText(t.Linger), t.BatchMaxBytes, t.MaxBufferedRecords, p)
}

// Throughput is what one side of a run moved and how fast.
type Throughput struct {
	Records  int64         `json:"records"`
	Bytes    int64         `json:"bytes"`
	Elapsed  time.Duration `json:"elapsed_ns"`
	RecsPerS float64       `json:"records_per_s"`
	MBPerS   float64       `json:"mb_per_s"`
}

// mib is the "MB" of Kafka's perf tools.
const mib = 1024 * 1024

// NewThroughput computes the rates of records and bytes moved in elapsed.
func NewThroughput(records, bytes int64, elapsed time.Duration) Throughput {
	t := Throughput{Records: records, Bytes: bytes, Elapsed: elapsed}
	if s := elapsed.Seconds(); s > 0 {
		t.RecsPerS = float64(records) / s
		t.MBPerS = float64(bytes) / mib / s
	}
	return t
}

// ProduceResult is one producer run.
type ProduceResult struct {
	Throughput
	Latency Latency `json:"latency"`
}

// unackedGrace is how long Produce waits, once its context has ended, for
// records already sent to be answered.
const unackedGrace = 10 * time.Second

// Produce sends n records with a value of size bytes and no key to topic
// through cl, timing each from its Produce call to its acknowledgement,
// and returns once every record is acknowledged. It fails with the first
// produce error (and how many records failed), or when ctx ends first
// (after a grace of 10s for records already sent, naming how many were
// left unanswered).
func Produce(ctx context.Context, cl *kgo.Client, topic string, n int64, size int) (ProduceResult, error) {
	if n < 1 || size < 0 {
		return ProduceResult{}, fmt.Errorf("producing: need at least 1 record of at least 0 bytes, got %d of %d", n, size)
	}
	value := Value(size)
	lat := make([]time.Duration, n)
	var (
		wg       sync.WaitGroup
		failed   atomic.Int64
		acked    atomic.Int64
		firstErr error
		errOnce  sync.Once
	)
	// Records go back to the pool once acknowledged: the client owns a
	// record only until its promise runs.
	pool := sync.Pool{New: func() any { return new(kgo.Record) }}
	start := time.Now()
	var sent int64
	for ; sent < n; sent++ {
		if ctx.Err() != nil {
			break
		}
		r := pool.Get().(*kgo.Record)
		seq := sent
		t0 := time.Now()
		// A set timestamp spares the client its own clock read.
		*r = kgo.Record{Topic: topic, Value: value, Timestamp: t0}
		wg.Add(1)
		cl.Produce(ctx, r, func(r *kgo.Record, err error) {
			lat[seq] = time.Since(t0)
			if err != nil {
				failed.Add(1)
				errOnce.Do(func() { firstErr = err })
			}
			pool.Put(r)
			acked.Add(1)
			wg.Done()
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		// Cancelling fails buffered records where that is safe; a batch
		// already sent waits for its answer. Give that a bound too.
		select {
		case <-done:
		case <-time.After(unackedGrace):
			return ProduceResult{}, fmt.Errorf("producing to %s: %w with %d of %d records unacknowledged", topic, ctx.Err(), sent-acked.Load(), sent)
		}
	}
	elapsed := time.Since(start)
	res := ProduceResult{Throughput: NewThroughput(sent, sent*int64(size), elapsed)}
	if f := failed.Load(); f > 0 {
		return res, fmt.Errorf("producing to %s: %d of %d records failed: %w", topic, f, sent, firstErr)
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("producing to %s: stopped after %d of %d records: %w", topic, sent, n, err)
	}
	res.Latency = Summarize(lat)
	return res, nil
}

// Value is the payload of every bench record: size bytes of printable
// text, one value shared by all records like the peers' payloads.
func Value(size int) []byte {
	b := make([]byte, size)
	for i := range b {
		b[i] = "abcdefghijklmnopqrstuvwxyz"[i%26]
	}
	return b
}

// errShort is returned when a consumer stops before reading every record.
var errShort = errors.New("stopped before the end of the topic")
