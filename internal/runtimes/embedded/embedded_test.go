package embedded

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/proc"
	"kafkastack/internal/testkit"
)

func newRuntime(t *testing.T) (*Runtime, *bytes.Buffer) {
	t.Helper()
	env, out, _ := testkit.Env(t, "docker-compose.yml", map[string]string{"KAFKA_RUNTIME": "embedded"})
	r, err := New(env)
	if err != nil {
		t.Fatal(err)
	}
	// Stop what the test started, even when it fails.
	t.Cleanup(func() { _ = r.Clean(context.Background()) })
	return r, out
}

func topicRecords(t *testing.T, r *Runtime, topic string) int64 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(r.Bootstrap()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err == nil {
			n += o.Offset
		}
	})
	return n
}

func TestLifecycle(t *testing.T) {
	r, out := newRuntime(t)
	ctx := context.Background()
	if err := r.Up(ctx); err != nil {
		t.Fatal(err)
	}
	pid, alive := proc.Alive(r.pidFile())
	if !alive {
		t.Fatal("no live process after up")
	}
	if err := r.Up(ctx); !errors.Is(err, cluster.ErrAlreadyRunning) {
		t.Fatalf("second up: %v, want already running", err)
	}
	if !strings.Contains(out.String(), "already running") {
		t.Fatalf("second up said %q", out.String())
	}

	// Write records, then down/up keeps them.
	cl, err := kgo.NewClient(kgo.SeedBrokers(r.Bootstrap()...), kgo.DefaultProduceTopic("kept"))
	if err != nil {
		t.Fatal(err)
	}
	pctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := kadm.NewClient(cl).CreateTopic(pctx, 3, 3, nil, "kept"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 25; i++ {
		if err := cl.ProduceSync(pctx, &kgo.Record{Value: []byte("v")}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	cl.Close()
	if err := r.Down(ctx); err != nil {
		t.Fatal(err)
	}
	if proc.PIDAlive(pid) {
		t.Fatal("process alive after down")
	}
	if running, _ := r.Running(ctx); running {
		t.Fatal("running after down")
	}
	if err := r.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if n := topicRecords(t, r, "kept"); n != 25 {
		t.Fatalf("after down/up the topic holds %d records, want 25", n)
	}

	// Clean removes the data, and says so without claiming it was kept;
	// twice is fine.
	out.Reset()
	if err := r.Clean(ctx); err != nil {
		t.Fatal(err)
	}
	if said := out.String(); strings.Contains(said, "data kept") || !strings.Contains(said, "data removed") {
		t.Fatalf("clean said %q", said)
	}
	if _, err := os.Stat(r.dir); !os.IsNotExist(err) {
		t.Fatalf("data folder still there after clean: %v", err)
	}
	if err := r.Clean(ctx); err != nil {
		t.Fatalf("second clean: %v", err)
	}
}

func TestUpReportsATakenPort(t *testing.T) {
	r, _ := newRuntime(t)
	ln, err := net.Listen("tcp", r.Bootstrap()[1])
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = r.Up(context.Background())
	if err == nil {
		t.Fatal("up succeeded on a taken port")
	}
	want := "port " + strings.Split(r.Bootstrap()[1], ":")[1] + " is already in use"
	if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %q, want one line with %q", err, want)
	}
	if !strings.Contains(err.Error(), "PID") {
		t.Fatalf("err = %q does not name the owner", err)
	}
}

func TestUpReplacesAStalePIDFile(t *testing.T) {
	r, out := newRuntime(t)
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A PID that no process has: start and reap a short-lived one.
	p, err := os.StartProcess("/bin/true", []string{"true"}, &os.ProcAttr{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(r.pidFile(), []byte(strconv.Itoa(p.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "stale PID file") {
		t.Fatalf("output %q does not mention the stale PID file", out.String())
	}
}

func TestKillAndStartBrokerThroughTheControlEndpoint(t *testing.T) {
	r, _ := newRuntime(t)
	ctx := context.Background()
	if err := r.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.KillBroker(ctx, 1); err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(r.Bootstrap()[1:]...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	bs, err := adm.ListBrokers(kadm.WithAuthorizedOps(ctx))
	if err != nil || len(bs) != 2 {
		t.Fatalf("after kill: %d brokers, %v", len(bs), err)
	}
	if err := r.StartBroker(ctx, 1); err != nil {
		t.Fatal(err)
	}
	bs, err = adm.ListBrokers(kadm.WithAuthorizedOps(ctx))
	if err != nil || len(bs) != 3 {
		t.Fatalf("after start: %d brokers, %v", len(bs), err)
	}
}
