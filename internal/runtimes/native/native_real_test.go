package native_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"kafkastack/internal/cluster"
	"kafkastack/internal/config"
	"kafkastack/internal/ready"
	"kafkastack/internal/runtimes/native"
	"kafkastack/internal/testkit"
	"kafkastack/internal/topology"
)

// TestRealKafka runs real Apache Kafka (3.9 with ZooKeeper, 4.x with
// KRaft) from a copy of the compose file on free ports: up until three
// brokers and a controller are in the metadata, records produced with
// acks=all to an RF 3 topic and read back, down/up keeps them, one broker
// killed and started again, clean removes the data. It needs Java 17+ and
// Maven (the jars are fetched once into the repo's .cache), and runs when
// KAFKASTACK_NATIVE_TESTS=1 (as .ci/run sets it).
func TestRealKafka(t *testing.T) {
	if os.Getenv("KAFKASTACK_NATIVE_TESTS") != "1" {
		t.Skip("real Kafka: set KAFKASTACK_NATIVE_TESTS=1 (needs Java 17+ and Maven)")
	}
	for _, mode := range []config.Mode{config.ModeZK, config.ModeKRaft} {
		t.Run(string(mode), func(t *testing.T) { runReal(t, mode) })
	}
}

// syncBuffer is a bytes.Buffer safe for the runtime's concurrent progress
// lines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const (
	realTopic   = "native-real"
	realRecords = 50
)

func runReal(t *testing.T, mode config.Mode) {
	file := "docker-compose.yml"
	if mode == config.ModeKRaft {
		file = "docker-compose.kraft.yml"
	}
	dir, _ := testkit.ComposeCopy(t, file)
	// The data goes to a temporary folder; the jar cache stays the repo's
	// .cache, so the jars are fetched once.
	cfg := testkit.Config(t, dir, map[string]string{
		"KAFKA_RUNTIME": "native", "KAFKA_MODE": string(mode), "KAFKA_READY_TIMEOUT": "120s",
		"KAFKA_HOME": os.Getenv("KAFKA_HOME"),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	topo, err := topology.Load(ctx, cfg.ComposeFile())
	if err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	r, err := native.New(&cluster.Env{Config: cfg, Topology: topo, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Clean(context.Background()); err != nil {
			t.Errorf("clean: %v", err)
		}
		if t.Failed() {
			t.Logf("runtime output:\n%s", out.String())
		}
	})

	cl, err := kgo.NewClient(kgo.SeedBrokers(r.Bootstrap()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)

	start := time.Now()
	if err := r.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	upped := time.Since(start)
	if _, err := ready.Wait(ctx, adm, ready.Options{Expected: topo.IDs(), Timeout: 2 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	readyAt := time.Since(start)
	asked, coords := askRandomGroups(ctx, t, cl, 60)
	logLines(t, mode, out.String(), "fetched the Apache Kafka")
	t.Logf("%s: up returned after %s, ready after %s; right after, %d random groups each got their offsets from their coordinator with no error (coordinators %v)",
		mode, upped.Round(time.Millisecond), readyAt.Round(time.Millisecond), asked, coords)
	if err := r.Up(ctx); !errors.Is(err, cluster.ErrAlreadyRunning) {
		t.Fatalf("up on a running cluster: %v, want ErrAlreadyRunning", err)
	}

	if _, err := adm.CreateTopic(ctx, 3, 3, map[string]*string{"min.insync.replicas": kadm.StringPtr("2")}, realTopic); err != nil {
		t.Fatalf("creating %s: %v", realTopic, err)
	}
	if err := waitISR(ctx, adm, 3); err != nil {
		t.Fatal(err)
	}
	want := produce(ctx, t, r.Bootstrap(), 0, realRecords)
	if got := consume(ctx, t, r.Bootstrap(), len(want)); !equal(got, want) {
		t.Fatalf("read back %d records %v, want %v", len(got), got, want)
	}

	// The logs are the brokers' own, through the log binding.
	var logs bytes.Buffer
	if err := r.Logs(ctx, &logs, "kafka1", false); err != nil || !strings.Contains(logs.String(), "(kafka.server.") {
		t.Fatalf("kafka1 log without Kafka's server lines (err %v):\n%s", err, tail(logs.String()))
	}

	// down/up keeps the records.
	if err := r.Down(ctx); err != nil {
		t.Fatalf("down: %v", err)
	}
	if running, err := r.Running(ctx); running || err != nil {
		t.Fatalf("running after down: %v %v", running, err)
	}
	start = time.Now()
	if err := r.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if err := waitBrokers(ctx, adm, topo.IDs()); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: up on the kept data: 3 brokers in the metadata after %s", mode, time.Since(start).Round(time.Millisecond))
	if got := consume(ctx, t, r.Bootstrap(), len(want)); !equal(got, want) {
		t.Fatalf("after down/up read %d records %v, want %v", len(got), got, want)
	}

	// One broker killed and started again rejoins every ISR; a broker killed
	// and brought back by up does too.
	bc := cluster.BrokerControl(r)
	for _, c := range []struct {
		id    int32
		byUp  bool
		label string
	}{{1, false, "StartBroker"}, {3, true, "up"}} {
		svc := fmt.Sprintf("kafka%d", c.id)
		if err := bc.KillBroker(ctx, c.id); err != nil {
			t.Fatal(err)
		}
		if st := state(ctx, t, r, svc); st.State != "stopped" || st.PID != 0 {
			t.Fatalf("%s after KillBroker: %+v", svc, st)
		}
		start = time.Now()
		if c.byUp {
			err = r.Up(ctx)
		} else {
			err = bc.StartBroker(ctx, c.id)
		}
		if err != nil {
			t.Fatalf("%s of %s: %v", c.label, svc, err)
		}
		if st := state(ctx, t, r, svc); st.State != "running" || st.PID == 0 {
			t.Fatalf("%s after %s: %+v", svc, c.label, st)
		}
		if err := waitISR(ctx, adm, 3); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %s killed, back in every ISR %s after %s", mode, svc, time.Since(start).Round(time.Millisecond), c.label)
	}
	logLines(t, mode, out.String(), "still held", "free again", "ZooKeeper still holds")
	more := produce(ctx, t, r.Bootstrap(), realRecords, 10)
	want = append(want, more...)
	if got := consume(ctx, t, r.Bootstrap(), len(want)); !equal(got, want) {
		t.Fatalf("after the restarts read %d records, want %d", len(got), len(want))
	}

	// clean removes the data and keeps the jars.
	if err := r.Clean(ctx); err != nil {
		t.Fatalf("clean: %v", err)
	}
	if _, err := os.Stat(cfg.RuntimeDataDir(config.RuntimeNative)); !os.IsNotExist(err) {
		t.Fatalf("native data still there after clean: %v", err)
	}
	if cfg.KafkaHome == "" {
		if m, _ := filepath.Glob(filepath.Join(cfg.CacheDir, "kafka", "*", "libs", "kafka_2.13-*.jar")); len(m) == 0 {
			t.Fatal("clean removed the jar cache")
		}
	}
}

// waitBrokers polls the metadata until it shows exactly the ids and a
// controller, for at most 2 minutes.
func waitBrokers(ctx context.Context, adm *kadm.Client, ids []int32) error {
	return poll(ctx, 2*time.Minute, func(ctx context.Context) error {
		m, err := adm.BrokerMetadata(ctx)
		if err != nil {
			return err
		}
		got := m.Brokers.NodeIDs()
		sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
		if fmt.Sprint(got) != fmt.Sprint(ids) || m.Controller < 0 {
			return fmt.Errorf("brokers %v controller %d, want brokers %v and a controller", got, m.Controller, ids)
		}
		return nil
	})
}

// waitISR polls until every partition of the test topic has a leader and
// an ISR of n, for at most 2 minutes.
func waitISR(ctx context.Context, adm *kadm.Client, n int) error {
	return poll(ctx, 2*time.Minute, func(ctx context.Context) error {
		td, err := adm.ListTopics(ctx, realTopic)
		if err != nil {
			return err
		}
		d := td[realTopic]
		if d.Err != nil {
			return d.Err
		}
		if len(d.Partitions) == 0 {
			return errors.New("no partitions yet")
		}
		for _, p := range d.Partitions {
			if p.Err != nil || p.Leader < 0 || len(p.ISR) != n {
				return fmt.Errorf("partition %d: leader %d ISR %v (%v)", p.Partition, p.Leader, p.ISR, p.Err)
			}
		}
		return nil
	})
}

// poll runs check every 250ms until it passes or d runs out; the error
// then says what check saw last.
func poll(ctx context.Context, d time.Duration, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	for {
		actx, acancel := context.WithTimeout(ctx, 5*time.Second)
		err := check(actx)
		acancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("still not there after %s: %w", d, err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// produce writes n records "record-<from+i>" with acks=all and idempotence
// (franz-go's defaults, set here explicitly) and returns their values.
func produce(ctx context.Context, t *testing.T, seeds []string, from, n int) []string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.DefaultProduceTopic(realTopic), kgo.RequiredAcks(kgo.AllISRAcks()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	var vals []string
	for i := from; i < from+n; i++ {
		v := fmt.Sprintf("record-%03d", i)
		vals = append(vals, v)
		recs = append(recs, &kgo.Record{Key: []byte(v), Value: []byte(v)})
	}
	pctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := cl.ProduceSync(pctx, recs...).FirstErr(); err != nil {
		t.Fatalf("producing with acks=all: %v", err)
	}
	return vals
}

// consume reads the test topic from the start until n records came, for
// at most a minute, and returns their values sorted.
func consume(ctx context.Context, t *testing.T, seeds []string, n int) []string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.ConsumeTopics(realTopic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	cctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var got []string
	for len(got) < n {
		fs := cl.PollFetches(cctx)
		if cctx.Err() != nil {
			t.Fatalf("consuming: %d of %d records within a minute", len(got), n)
		}
		fs.EachError(func(topic string, p int32, err error) { t.Logf("fetch %s/%d: %v", topic, p, err) })
		fs.EachRecord(func(r *kgo.Record) { got = append(got, string(r.Value)) })
	}
	sort.Strings(got)
	return got
}

// logLines logs the runtime's progress lines that contain one of subs.
func logLines(t *testing.T, mode config.Mode, out string, subs ...string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		for _, s := range subs {
			if strings.Contains(l, s) {
				t.Logf("%s: %s", mode, l)
				break
			}
		}
	}
}

func equal(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }

// state returns the status of one service.
func state(ctx context.Context, t *testing.T, r *native.Runtime, service string) cluster.ServiceState {
	t.Helper()
	ss, err := r.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if s.Service == service {
			return s
		}
	}
	t.Fatalf("no service %s in %+v", service, ss)
	return cluster.ServiceState{}
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

// askRandomGroups asks n random new group ids for their committed offsets
// as a plain client would right after up: FindCoordinator, then one
// OffsetFetch sent to that coordinator with no retry. Any error (such as
// NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS) fails the test. It
// returns how many were asked and the coordinators that answered.
func askRandomGroups(ctx context.Context, t *testing.T, cl *kgo.Client, n int) (int, []int32) {
	t.Helper()
	seen := map[int32]bool{}
	for i := 0; i < n; i++ {
		group := fmt.Sprintf("any-group-%d-%d", time.Now().UnixNano(), i)
		fc := kmsg.NewPtrFindCoordinatorRequest()
		fc.CoordinatorKey = group
		fc.CoordinatorKeys = []string{group}
		resp, err := fc.RequestWith(ctx, cl)
		if err != nil {
			t.Fatalf("group %s: FindCoordinator: %v", group, err)
		}
		node, code := resp.NodeID, resp.ErrorCode
		if len(resp.Coordinators) > 0 {
			node, code = resp.Coordinators[0].NodeID, resp.Coordinators[0].ErrorCode
		}
		if err := kerr.ErrorForCode(code); err != nil {
			t.Fatalf("group %s right after ready: FindCoordinator: %v", group, err)
		}
		of := kmsg.NewPtrOffsetFetchRequest()
		of.Group = group
		rg := kmsg.NewOffsetFetchRequestGroup()
		rg.Group = group
		of.Groups = []kmsg.OffsetFetchRequestGroup{rg}
		raw, err := cl.Broker(int(node)).Request(ctx, of)
		if err != nil {
			t.Fatalf("group %s: OffsetFetch to coordinator %d: %v", group, node, err)
		}
		ofr := raw.(*kmsg.OffsetFetchResponse)
		code = ofr.ErrorCode
		if len(ofr.Groups) > 0 {
			code = ofr.Groups[0].ErrorCode
		}
		if err := kerr.ErrorForCode(code); err != nil {
			t.Fatalf("group %s right after ready: OffsetFetch from coordinator %d: %v", group, node, err)
		}
		seen[node] = true
	}
	var nodes []int32
	for id := range seen {
		nodes = append(nodes, id)
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i] < nodes[j] })
	return n, nodes
}
