package stack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"kafkastack/internal/proc"
	"kafkastack/internal/testkit"
)

func TestReachableSaysNotRunningWithinItsBound(t *testing.T) {
	ports, err := proc.FreePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := testkit.ComposeCopy(t, "docker-compose.yml")
	cfg := testkit.Config(t, dir, map[string]string{"KAFKA_RUNTIME": "embedded", "KAFKA_BROKERS": fmt.Sprintf("127.0.0.1:%d", ports[0])})
	s, err := OpenConfig(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = s.Reachable(context.Background())
	if !errors.Is(err, ErrNotRunning) || !strings.Contains(err.Error(), "go run magefile.go up") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d < ReachTimeout || d > ReachTimeout+3*time.Second {
		t.Fatalf("took %s, want about %s", d, ReachTimeout)
	}
	// Once something listens there, it is reachable at once.
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", ports[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := s.Reachable(context.Background()); err != nil {
		t.Fatalf("with a listener: %v", err)
	}
}
