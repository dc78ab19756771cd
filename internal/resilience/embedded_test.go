package resilience

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"kafkastack/internal/cluster"
	"kafkastack/internal/stack"
	"kafkastack/internal/testkit"
)

// embeddedStack opens an embedded cluster on free ports with its data in a
// temporary folder, cleaned when the test ends, even on failure.
func embeddedStack(t *testing.T, vars map[string]string) *stack.Stack {
	t.Helper()
	dir, _ := testkit.ComposeCopy(t, "docker-compose.yml")
	if vars == nil {
		vars = map[string]string{}
	}
	vars["KAFKA_RUNTIME"] = "embedded"
	if vars["KAFKA_READY_TIMEOUT"] == "" {
		vars["KAFKA_READY_TIMEOUT"] = "30s"
	}
	cfg := testkit.Config(t, dir, vars)
	s, err := stack.OpenConfig(context.Background(), cfg, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Clean(context.Background()) })
	return s
}

func brokerCount(t *testing.T, s *stack.Stack) int {
	t.Helper()
	adm, cl, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := adm.BrokerMetadata(kadm.WithAuthorizedOps(ctx))
	if err != nil {
		t.Fatal(err)
	}
	return len(m.Brokers)
}

func TestFailoverPassesOnEmbeddedAndSaysItIsASimulation(t *testing.T) {
	s := embeddedStack(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var out bytes.Buffer
	rep, err := Failover(ctx, s, FailoverOptions{Records: 600, Interval: 200 * time.Microsecond, ProbeTimeout: 2 * time.Second}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Log(out.String())
	if rep.Summary.Sent != 600 || rep.Summary.Acked != 600 || rep.Result.Read != 600 {
		t.Fatalf("sent %d, acked %d, read %d; want 600 each", rep.Summary.Sent, rep.Summary.Acked, rep.Result.Read)
	}
	if rep.Killed == 2 || rep.Killed < 0 {
		t.Fatalf("killed broker %d; the embedded controller 2 cannot be stopped", rep.Killed)
	}
	if len(rep.TwoDown.Brokers) != 2 || rep.TwoDown.Enforced || rep.TwoDown.Sent != 20 {
		t.Fatalf("two-down %+v", rep.TwoDown)
	}
	for _, want := range []string{"simulation", "not enforced by the embedded runtime (simulated replication)", "PASS", "PARTITION", "longest stretch without an acknowledgement", "ISR full again"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
	// Every broker is back and the run's topic is gone.
	if n := brokerCount(t, s); n != 3 {
		t.Fatalf("%d brokers after the run, want 3", n)
	}
	adm, cl, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	td, err := adm.ListTopics(kadm.WithAuthorizedOps(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if td.Has(rep.Topic) {
		t.Fatalf("topic %s left behind", rep.Topic)
	}
}

func TestPersistencePassesOnEmbeddedAndLeavesTheClusterUpAndEmpty(t *testing.T) {
	s := embeddedStack(t, map[string]string{"KAFKA_RECORDS": "300"})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var out bytes.Buffer
	rep, err := Persistence(ctx, s, PersistenceOptions{}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Log(out.String())
	if rep.Result.Read != 300 {
		t.Fatalf("read back %d, want 300", rep.Result.Read)
	}
	var committed int64
	for _, o := range rep.Committed {
		committed += o
	}
	if committed <= 0 || committed >= 300 {
		t.Fatalf("committed %d records' worth (%v), want partway", committed, rep.Committed)
	}
	var names []string
	for _, st := range rep.Steps {
		names = append(names, st.Name)
	}
	if got := strings.Join(names, ","); got != "up,others,topic,produce,commit half,down,up,offsets kept,read back,group resumes,clean,up,data gone" {
		t.Fatalf("steps %s", got)
	}
	for _, want := range []string{"STEP", "DURATION", "PASS"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
	if running, _ := s.Runtime.Running(ctx); !running {
		t.Fatal("the cluster is not left up")
	}
	if n := brokerCount(t, s); n != 3 {
		t.Fatalf("%d brokers after the run, want 3", n)
	}
}

// noControl is a runtime that can neither stop one broker nor be stopped
// itself, like external; its name is its own, so that only capabilities
// can tell.
type noControl struct{ cluster.Runtime }

func (noControl) Name() string { return "someone-else's" }
func (noControl) Unmanaged()   {}

func TestRuntimesThatCannotStopBrokersAreRefusedInOneLine(t *testing.T) {
	dir, _ := testkit.ComposeCopy(t, "docker-compose.yml")
	cfg := testkit.Config(t, dir, map[string]string{"KAFKA_RUNTIME": "embedded"})
	base, err := stack.OpenConfig(context.Background(), cfg, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	s := &stack.Stack{Env: base.Env, Runtime: noControl{}}
	_, err = Failover(context.Background(), s, FailoverOptions{}, &bytes.Buffer{})
	if !errors.Is(err, cluster.ErrNotSupported) || !strings.Contains(err.Error(), "the someone-else's runtime cannot") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("failover: err = %v", err)
	}
	_, err = Persistence(context.Background(), s, PersistenceOptions{}, &bytes.Buffer{})
	if !errors.Is(err, cluster.ErrNotSupported) || !strings.Contains(err.Error(), "the someone-else's runtime does not allow") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("persistence: err = %v", err)
	}
}

// flakyStart is a runtime whose first StartBroker fails, to prove the run
// still restarts every broker it stopped.
type flakyStart struct {
	cluster.Runtime
	bc     cluster.BrokerControl
	failed bool
}

func (f *flakyStart) KillBroker(ctx context.Context, id int32) error { return f.bc.KillBroker(ctx, id) }

func (f *flakyStart) StartBroker(ctx context.Context, id int32) error {
	if !f.failed {
		f.failed = true
		return errors.New("injected start failure")
	}
	return f.bc.StartBroker(ctx, id)
}

func TestFailoverRestoresBrokersAndDeletesItsTopicWhenItFails(t *testing.T) {
	s := embeddedStack(t, nil)
	bc, ok := s.Runtime.(cluster.BrokerControl)
	if !ok {
		t.Fatal("the embedded runtime does not implement BrokerControl")
	}
	s.Runtime = &flakyStart{Runtime: s.Runtime, bc: bc}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out bytes.Buffer
	rep, err := Failover(ctx, s, FailoverOptions{Records: 100, Interval: 200 * time.Microsecond}, &out)
	if err == nil || !strings.Contains(err.Error(), "injected start failure") {
		t.Fatalf("err = %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), fmt.Sprintf("broker %d restarted", rep.Killed)) {
		t.Fatalf("output does not show the restart of broker %d:\n%s", rep.Killed, out.String())
	}
	if n := brokerCount(t, s); n != 3 {
		t.Fatalf("%d brokers after a failed run, want 3", n)
	}
	adm, cl, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	td, err := adm.ListTopics(kadm.WithAuthorizedOps(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if td.Has(rep.Topic) {
		t.Fatalf("topic %s left behind by a failed run", rep.Topic)
	}
}

func TestPersistenceAsksBeforeDeletingOtherTopics(t *testing.T) {
	s := embeddedStack(t, map[string]string{"KAFKA_RECORDS": "50"})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := s.Up(ctx); err != nil {
		t.Fatal(err)
	}
	adm, cl, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := adm.CreateTopic(ctx, 1, 1, nil, "users-own-topic"); err != nil {
		t.Fatal(err)
	}
	var asked []string
	no := func(q string) (bool, error) { asked = append(asked, q); return false, nil }
	var out bytes.Buffer
	_, err = Persistence(ctx, s, PersistenceOptions{Confirm: no}, &out)
	if !errors.Is(err, ErrNotConfirmed) || !strings.Contains(err.Error(), "users-own-topic") || !strings.Contains(err.Error(), "KAFKA_YES=1") {
		t.Fatalf("err = %v", err)
	}
	if len(asked) != 1 || !strings.Contains(asked[0], "users-own-topic") {
		t.Fatalf("asked %q", asked)
	}
	if err := topicsHave(ctx, adm, "users-own-topic"); err != nil {
		t.Fatalf("after a no: %v", err)
	}
	// KAFKA_YES=1 answers for CI.
	s.Env.Config.Yes = true
	out.Reset()
	if _, err := Persistence(ctx, s, PersistenceOptions{}, &out); err != nil {
		t.Fatalf("with KAFKA_YES=1: %v\n%s", err, out.String())
	}
}

func topicsHave(ctx context.Context, adm *kadm.Client, topic string) error {
	tds, err := adm.ListTopics(ctx)
	if err != nil {
		return err
	}
	if !tds.Has(topic) {
		return fmt.Errorf("topic %s is gone", topic)
	}
	return nil
}
