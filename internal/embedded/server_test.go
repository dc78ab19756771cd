package embedded

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/proc"
)

func startTest(t *testing.T, dir string, ports []int) *Server {
	t.Helper()
	s, err := Start(Options{IDs: []int32{1, 2, 3}, Ports: ports, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestServerUsesTopologyIDsAndPersists(t *testing.T) {
	ports, err := proc.FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := startTest(t, dir, ports)
	closed := false
	t.Cleanup(func() {
		if !closed {
			s.Close()
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Addrs()...), kgo.ProducerBatchCompression(kgo.NoCompression()))
	if err != nil {
		t.Fatal(err)
	}
	adm := kadm.NewClient(cl)
	m, err := adm.BrokerMetadata(kadm.WithAuthorizedOps(ctx))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int32
	for _, b := range m.Brokers {
		ids = append(ids, b.NodeID)
	}
	if len(ids) != 3 || ids[0] != 1 || ids[1] != 2 || ids[2] != 3 {
		t.Fatalf("broker ids = %v, want [1 2 3]", ids)
	}
	if _, err := adm.CreateTopic(ctx, 3, 3, nil, "persist-me"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "persist-me", Value: []byte("v")}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	cl.Close()
	s.Close()
	closed = true

	s2 := startTest(t, dir, ports)
	t.Cleanup(s2.Close)
	cl2, err := kgo.NewClient(kgo.SeedBrokers(s2.Addrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl2.Close()
	ends, err := kadm.NewClient(cl2).ListEndOffsets(ctx, "persist-me")
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	ends.Each(func(o kadm.ListedOffset) { total += o.Offset })
	if total != 20 {
		t.Fatalf("after restart the topic holds %d records, want 20", total)
	}
}

func TestServerKillAndStartBroker(t *testing.T) {
	ports, err := proc.FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	s := startTest(t, "", ports)
	t.Cleanup(s.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Addrs()...), kgo.MetadataMinAge(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	if err := s.KillBroker(3); err != nil {
		t.Fatal(err)
	}
	brokers, err := adm.ListBrokers(kadm.WithAuthorizedOps(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if len(brokers) != 2 {
		t.Fatalf("after killing broker 3: %d brokers", len(brokers))
	}
	if err := s.StartBroker(3); err != nil {
		t.Fatal(err)
	}
	brokers, err = adm.ListBrokers(kadm.WithAuthorizedOps(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if len(brokers) != 3 {
		t.Fatalf("after starting broker 3: %d brokers", len(brokers))
	}
	if err := s.KillBroker(9); err == nil {
		t.Fatal("killing an unknown broker succeeded")
	}
}

func TestServerReportsATakenPort(t *testing.T) {
	ports, err := proc.FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	s := startTest(t, "", ports)
	t.Cleanup(s.Close)
	_, err = Start(Options{IDs: []int32{1, 2, 3}, Ports: ports})
	if err == nil {
		t.Fatal("a second cluster on the same ports started")
	}
	if want := "already in use"; !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

func TestServerRefusesToKillItsController(t *testing.T) {
	ports, err := proc.FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	s := startTest(t, "", ports)
	t.Cleanup(s.Close)
	if got := s.Controller(); got != 2 {
		t.Fatalf("controller = %d, want 2", got)
	}
	if err := s.KillBroker(2); err == nil || !strings.Contains(err.Error(), "controller") {
		t.Fatalf("killing the controller: err = %v", err)
	}
}
