package groups_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	. "kafkastack/internal/groups"
	"kafkastack/internal/stack"
	"kafkastack/internal/testkit"
	"kafkastack/internal/topics"
)

// TestOnRealKafka runs the group operations on real Apache Kafka (the
// native runtime, zk mode, from a copy of the compose file on free ports),
// started with the stack's up, so the console runs too: a group that read
// part of a topic is listed and described, reset to a timestamp and to
// earliest, refused while it has a member, shown by the console with its
// lag, and deleted. It runs when KAFKASTACK_NATIVE_TESTS=1 (as .ci/run
// sets it) and needs Java 17+ and Maven.
func TestOnRealKafka(t *testing.T) {
	if os.Getenv("KAFKASTACK_NATIVE_TESTS") != "1" {
		t.Skip("real Kafka: set KAFKASTACK_NATIVE_TESTS=1 (needs Java 17+ and Maven)")
	}
	dir, ports := testkit.ComposeCopy(t, "docker-compose.yml")
	cfg := testkit.Config(t, dir, map[string]string{
		"KAFKA_RUNTIME": "native", "KAFKA_MODE": "zk", "KAFKA_READY_TIMEOUT": "120s", "KAFKA_HOME": os.Getenv("KAFKA_HOME"),
	})
	var out bytes.Buffer
	s, err := stack.OpenConfig(context.Background(), cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Clean(context.Background()); err != nil {
			t.Errorf("clean: %v", err)
		}
		if t.Failed() {
			t.Logf("stack output:\n%s", out.String())
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := s.Up(ctx); err != nil {
		t.Fatal(err)
	}
	adm, cl, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := topics.Create(ctx, cl, topics.Spec{Name: "events", Partitions: 2, ReplicationFactor: 3, Configs: map[string]string{"min.insync.replicas": "2"}}); err != nil {
		t.Fatal(err)
	}
	prod, err := s.Client(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	for p := int32(0); p < 2; p++ {
		for i := 0; i < 10; i++ {
			r := &kgo.Record{Topic: "events", Partition: p, Timestamp: EventsStarted.Add(time.Duration(i) * time.Minute), Value: []byte(fmt.Sprint(i))}
			if err := prod.ProduceSync(ctx, r).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
	}
	CommitEvents(t, adm, "app", 4)

	gs, err := List(ctx, adm)
	if err != nil || len(gs) != 1 || gs[0].Name != "app" || gs[0].TotalLag != 12 {
		t.Fatalf("list: %+v, %v", gs, err)
	}
	for to, want := range map[string]int64{"2026-11-29T10:03:00Z": 3, "earliest": 0, "latest": 10} {
		rs, err := ResetOffsets(ctx, adm, "app", "events", to)
		if err != nil || len(rs) != 2 || rs[0].To != want || rs[1].To != want {
			t.Fatalf("reset to %s: %+v, %v", to, rs, err)
		}
	}
	if _, err := ResetOffsets(ctx, adm, "app", "events", "earliest"); err != nil {
		t.Fatal(err)
	}
	d, err := Describe(ctx, adm, "app")
	if err != nil || d.TotalLag != 20 || len(d.Partitions) != 2 || d.Partitions[0].End != 10 {
		t.Fatalf("describe: %+v, %v", d, err)
	}

	// The console shows the group and its lag.
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/groups/app", ports[9000]))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `id="total-lag">20<`) {
		t.Fatalf("console /groups/app: %d\n%s", resp.StatusCode, body)
	}

	opts, err := s.ClientOpts()
	if err != nil {
		t.Fatal(err)
	}
	m := JoinMember(t, opts, "app")
	if _, err := ResetOffsets(ctx, adm, "app", "events", "latest"); err == nil || !strings.Contains(err.Error(), "active member") {
		t.Errorf("reset with a member: %v", err)
	}
	if err := Delete(ctx, adm, "app"); err == nil || !strings.Contains(err.Error(), "has active members") {
		t.Errorf("delete with a member: %v", err)
	}
	m.Close()
	if err := Delete(ctx, adm, "app"); err != nil {
		t.Fatal(err)
	}
	if _, err := Describe(ctx, adm, "app"); err == nil || err.Error() != "group app does not exist" {
		t.Errorf("after delete: %v", err)
	}
}
