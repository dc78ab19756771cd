package kio

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Poll polls cl and hands each record to each, until max records, idle
// time without a record, or each returns false. It returns how many
// records each was given, and fails on a fetch error or when ctx ends.
func Poll(ctx context.Context, cl *kgo.Client, max int, idle time.Duration, each func(*kgo.Record) bool) (int, error) {
	n := 0
	for n < max {
		pctx, cancel := context.WithTimeout(ctx, idle)
		fs := cl.PollRecords(pctx, max-n)
		cancel()
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		var ferr error
		fs.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) && ferr == nil {
				ferr = fmt.Errorf("consuming %s partition %d: %w", t, p, err)
			}
		})
		if ferr != nil {
			return n, ferr
		}
		recs := fs.Records()
		if len(recs) == 0 {
			return n, nil // idle
		}
		for _, r := range recs {
			n++
			if !each(r) {
				return n, nil
			}
		}
	}
	return n, nil
}
