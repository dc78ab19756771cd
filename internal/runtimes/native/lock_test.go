package native

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOneJarFetchAtATime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kafka", "3.9.2.lock")
	unlock, err := lockCache(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A second taker waits, says so once, and gives up when its time ends.
	var said []string
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if _, err := lockCache(ctx, path, func(f string, a ...any) { said = append(said, f) }); err == nil || !strings.Contains(err.Error(), "waiting for another fetch of the jars") {
		t.Fatalf("second lock while held: %v", err)
	}
	if len(said) != 1 {
		t.Fatalf("said %q, want one line", said)
	}
	// Once the first lets go, the next one gets it.
	got := make(chan error, 1)
	go func() {
		u, err := lockCache(context.Background(), path, nil)
		if err == nil {
			u()
		}
		got <- err
	}()
	unlock()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the lock was not taken within 10s of its release")
	}
}
