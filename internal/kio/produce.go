package kio

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/verify"
)

// DefaultRecordSize is the payload size, in bytes, of the records the
// scenarios (e2e and the fault proofs) write.
const DefaultRecordSize = 100

// Produced is what a producer run sent and what the brokers acknowledged.
type Produced struct {
	Sent  int64
	Acked []int64
	// FirstErr is the first produce error, if any record failed.
	FirstErr error
	Failed   int
}

// Produce sends records 0..n-1 of run to topic through cl (an idempotent
// producer with acks=all) and waits until every one is acknowledged or
// failed. It returns an error only when ctx ends first.
func Produce(ctx context.Context, cl *kgo.Client, topic, run string, n int64, size int) (Produced, error) {
	var (
		mu  sync.Mutex
		res = Produced{Sent: n}
		wg  sync.WaitGroup
	)
	for seq := int64(0); seq < n; seq++ {
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		cl.Produce(ctx, verify.NewRecord(topic, run, seq, size), func(r *kgo.Record, err error) {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				res.Failed++
				if res.FirstErr == nil {
					res.FirstErr = err
				}
				return
			}
			s, _ := verify.Decode(r, size)
			res.Acked = append(res.Acked, s.Seq)
		})
	}
	wg.Wait()
	sort.Slice(res.Acked, func(i, j int) bool { return res.Acked[i] < res.Acked[j] })
	if ctx.Err() != nil {
		return res, fmt.Errorf("producing: %w", ctx.Err())
	}
	return res, nil
}
