package native_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"kafkastack/internal/cluster"
	"kafkastack/internal/e2e"
	"kafkastack/internal/stack"
	"kafkastack/internal/testkit"
	"kafkastack/internal/topics"
)

// TestRealKafka runs real Apache Kafka (3.9 with ZooKeeper, 4.x with
// KRaft) on free ports: e2e, down/up keeps the records, one broker killed
// and restarted, clean removes the data. It needs Java 17+ and Maven, and
// runs when KAFKASTACK_NATIVE_TESTS=1 (as .ci/run sets it).
func TestRealKafka(t *testing.T) {
	if os.Getenv("KAFKASTACK_NATIVE_TESTS") != "1" {
		t.Skip("real Kafka: set KAFKASTACK_NATIVE_TESTS=1 (needs Java 17+ and Maven)")
	}
	for _, mode := range []string{"zk", "kraft"} {
		t.Run(mode, func(t *testing.T) { runReal(t, mode) })
	}
}

func runReal(t *testing.T, mode string) {
	file := "docker-compose.yml"
	if mode == "kraft" {
		file = "docker-compose.kraft.yml"
	}
	dir, _ := testkit.ComposeCopy(t, file)
	cfg := testkit.Config(t, dir, map[string]string{
		"KAFKA_RUNTIME": "native", "KAFKA_MODE": mode, "KAFKA_RECORDS": "300", "KAFKA_READY_TIMEOUT": "120s",
	})
	var log bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := stack.OpenConfig(ctx, cfg, &log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Clean(context.Background()); err != nil {
			t.Errorf("clean: %v", err)
		}
		if t.Failed() {
			t.Logf("runtime output:\n%s", log.String())
		}
	})
	start := time.Now()
	var out bytes.Buffer
	rep, err := e2e.Run(ctx, s, e2e.Options{}, &out)
	if err != nil {
		t.Fatalf("e2e: %v\n%s", err, out.String())
	}
	t.Logf("%s: e2e passed in %s (%d records)", mode, time.Since(start).Round(time.Millisecond), rep.Result.Read)

	// down/up keeps the records.
	if err := s.Down(ctx); err != nil {
		t.Fatal(err)
	}
	if running, _ := s.Runtime.Running(ctx); running {
		t.Fatal("running after down")
	}
	if err := s.Up(ctx); err != nil {
		t.Fatal(err)
	}
	adm, cl, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends, err := e2e.EndOffsets(ctx, adm, cfg.Topic)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, o := range ends {
		n += o
	}
	if n != 300 {
		t.Fatalf("after down/up %s holds %d records, want 300", cfg.Topic, n)
	}

	// One broker killed and restarted; the topic heals.
	bc := s.Runtime.(cluster.BrokerControl)
	if err := bc.KillBroker(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := bc.StartBroker(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if err := topics.WaitHealthy(ctx, adm, cfg.Topic); err != nil {
		t.Fatal(err)
	}

	// clean removes the data.
	if err := s.Clean(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cfg.RuntimeDataDir("native")); !os.IsNotExist(err) {
		t.Fatalf("native data still there after clean: %v", err)
	}
}
