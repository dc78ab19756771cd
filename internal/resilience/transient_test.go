package resilience

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
)

func TestRetryTransient(t *testing.T) {
	ctx := context.Background()
	calls := 0
	err := retryTransient(ctx, func(context.Context) error {
		calls++
		if calls < 3 {
			return fmt.Errorf("committing: %w", kerr.CoordinatorLoadInProgress)
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("err %v after %d calls, want success on the third", err, calls)
	}

	calls = 0
	final := errors.New("topic does not exist")
	if err := retryTransient(ctx, func(context.Context) error { calls++; return final }); !errors.Is(err, final) || calls != 1 {
		t.Fatalf("err %v after %d calls, want the error at once", err, calls)
	}

	tctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	err = retryTransient(tctx, func(context.Context) error { return kerr.NotEnoughReplicas })
	if err == nil || !strings.Contains(err.Error(), "timed out; last error: NOT_ENOUGH_REPLICAS") {
		t.Fatalf("err = %v", err)
	}
}
