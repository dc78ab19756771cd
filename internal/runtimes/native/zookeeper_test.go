package native

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kafkastack/internal/cluster"
	"kafkastack/internal/config"
)

// fakeZooKeeper answers the "dump" command with dumps()'s text, one
// connection at a time, as ZooKeeper does: read the command, answer, close.
func fakeZooKeeper(t *testing.T, dump func() string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4)
			if _, err := io.ReadFull(c, buf); err == nil && string(buf) == "dump" {
				_, _ = io.WriteString(c, dump())
			}
			c.Close()
		}
	}()
	return ln.Addr().String()
}

const dumpWithBroker1 = `SessionTracker dump:
Session Sets (2)/(2):
0 expire at Thu Jan 01 00:00:00 UTC 1970:
18000 expire at Tue Nov 24 07:30:00 UTC 2026:
	0x100003c0a1b0000
ephemeral nodes dump:
Sessions with Ephemerals (1):
0x100003c0a1b0000:
	/controller
	/brokers/ids/1
Connections dump:
Connections Sets (1)/(1):
`

func TestZKEphemerals(t *testing.T) {
	addr := fakeZooKeeper(t, func() string { return dumpWithBroker1 })
	nodes, known, err := zkEphemerals(context.Background(), addr)
	if err != nil || !known || !nodes["/brokers/ids/1"] || !nodes["/controller"] || len(nodes) != 2 {
		t.Fatalf("nodes %v known %v err %v", nodes, known, err)
	}
	refused := fakeZooKeeper(t, func() string { return "dump is not executed because it is not in the whitelist.\n" })
	if _, known, err := zkEphemerals(context.Background(), refused); err != nil || known {
		t.Fatalf("a refused dump: known %v err %v", known, err)
	}
}

func TestZKTarget(t *testing.T) {
	for in, want := range map[string][2]string{
		"127.0.0.1:2181":                      {"127.0.0.1:2181", ""},
		"127.0.0.1:2181,127.0.0.1:2182/kafka": {"127.0.0.1:2181", "/kafka"},
		"127.0.0.1:2181/a/b/":                 {"127.0.0.1:2181", "/a/b"},
	} {
		addr, chroot := zkTarget(in)
		if addr != want[0] || chroot != want[1] {
			t.Errorf("%s -> %s %s, want %v", in, addr, chroot, want)
		}
	}
}

func TestStartWaitsUntilZooKeeperDropsAKilledBroker(t *testing.T) {
	var asked atomic.Int32
	addr := fakeZooKeeper(t, func() string {
		if asked.Add(1) <= 3 {
			return dumpWithBroker1
		}
		return strings.Replace(dumpWithBroker1, "\t/brokers/ids/1\n", "", 1)
	})
	var out bytes.Buffer
	cfg := &config.Config{ReadyTimeout: 10 * time.Second}
	r := &Runtime{env: &cluster.Env{Config: cfg, Out: &out}, mode: config.ModeZK}
	kafka1 := process{service: "kafka1", id: 1, props: map[string]string{"zookeeper.connect": addr}}
	if err := r.awaitRegistrationsGone(context.Background(), []process{kafka1}, time.Now().Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if asked.Load() < 4 || !strings.Contains(out.String(), "still holds the registration of kafka1 (id 1)") {
		t.Fatalf("asked %d times; output %q", asked.Load(), out.String())
	}

	// A registration that never goes fails at the deadline, naming it.
	stuck := fakeZooKeeper(t, func() string { return dumpWithBroker1 })
	kafka1.props["zookeeper.connect"] = stuck
	cfg.ReadyTimeout = 700 * time.Millisecond
	err := r.awaitRegistrationsGone(context.Background(), []process{kafka1}, time.Now().Add(700*time.Millisecond))
	if err == nil || !strings.Contains(err.Error(), "kafka1 (id 1): ZooKeeper still holds its registration") {
		t.Fatalf("err = %v", err)
	}
	// Another broker's registration does not hold this one back.
	kafka2 := process{service: "kafka2", id: 2, props: map[string]string{"zookeeper.connect": stuck}}
	if err := r.awaitRegistrationsGone(context.Background(), []process{kafka2}, time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
}
