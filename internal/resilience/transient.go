package resilience

import (
	"context"
	"fmt"
	"time"

	"github.com/sethvargo/go-retry"

	"kafkastack/internal/kio"
)

// retryTransient runs fn until it succeeds, fails with an error that is
// not kio.Transient, or ctx ends. Right after brokers come back, group
// coordinators may still be loading, the offsets topic short of its
// in-sync replicas and connections refused; those only mean "not yet".
func retryTransient(ctx context.Context, fn func(context.Context) error) error {
	var last error
	b := retry.WithCappedDuration(time.Second, retry.NewExponential(100*time.Millisecond))
	err := retry.Do(ctx, b, func(ctx context.Context) error {
		err := fn(ctx)
		if kio.Transient(err) {
			last = err
			return retry.RetryableError(err)
		}
		return err
	})
	if err != nil && last != nil && ctx.Err() != nil {
		return fmt.Errorf("timed out; last error: %w", last)
	}
	return err
}
