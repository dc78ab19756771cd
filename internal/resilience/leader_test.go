package resilience

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"kafkastack/internal/stack"
)

// controllerLeadsAll opens a stream run on s and makes the controller the
// leader of every partition of its topic, as kfake's random placement
// sometimes does on its own: kfake's preferred-replica election moves a
// partition to the next broker, so at most one round per broker gets each
// there. It returns the run (closed when the test ends) and the
// controller.
func controllerLeadsAll(ctx context.Context, t *testing.T, s *stack.Stack, prefix string) (*streamRun, int32) {
	t.Helper()
	if err := s.Up(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := openStreamRun(ctx, s, prefix, 200*time.Microsecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.close(io.Discard) })
	for round := 0; ; round++ {
		st, err := r.state(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var others []int32
		for _, p := range st.Partitions {
			if p.Leader != st.Controller {
				others = append(others, p.Partition)
			}
		}
		if len(others) == 0 {
			if got := pickOne(st); fmt.Sprint(got) != fmt.Sprint([]int32{st.Controller}) {
				t.Fatalf("pickOne = %v with the controller %d leading every partition", got, st.Controller)
			}
			return r, st.Controller
		}
		if round > 2*len(st.Brokers) {
			t.Fatalf("partitions %v still not led by the controller %d", others, st.Controller)
		}
		set := kadm.TopicsSet{}
		set.Add(r.topic, others...)
		if _, err := r.adm.ElectLeaders(ctx, kadm.ElectPreferredReplica, set); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPauseHitsALeaderWhenTheControllerLeadsEveryPartition(t *testing.T) {
	s, fz, fault := pausable(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	r, controller := controllerLeadsAll(ctx, t, s, "pause")
	rep := &FaultReport{Runtime: s.Runtime.Name(), Fault: fault.Name, Broker: -1}
	var out bytes.Buffer
	if err := runFault(ctx, r, fault, 600, 300*time.Millisecond, rep, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if rep.Broker == controller || len(rep.Led) == 0 || len(fz.paused) != 1 || fz.paused[0] != rep.Broker {
		t.Fatalf("paused %v, report broker %d leading %v; want one broker other than the controller %d, leading a partition\n%s", fz.paused, rep.Broker, rep.Led, controller, out.String())
	}
	if rep.Summary.Sent != 600 || rep.Summary.Acked != 600 || rep.Result.Read != 600 || rep.Result.Lost != 0 {
		t.Fatalf("sent %d, acked %d, read %d, lost %d", rep.Summary.Sent, rep.Summary.Acked, rep.Result.Read, rep.Result.Lost)
	}
	if rep.Held < 300*time.Millisecond || rep.FlowedAgain <= 0 || rep.FlowedAgain > rep.Held {
		t.Fatalf("held %s, flowed again after %s", rep.Held, rep.FlowedAgain)
	}
	if strings.Contains(out.String(), "\n\n"+"only broker") {
		t.Fatalf("the refusal does not read as one line:\n%s", out.String())
	}
	for _, want := range []string{
		fmt.Sprintf("broker %d (leader of partitions 0, 1, 2) cannot be paused", controller),
		fmt.Sprintf("only broker %d leads partitions of %s and cannot be paused here: asking the cluster to elect other leaders for partitions 0, 1, 2", controller, r.topic),
		fmt.Sprintf("broker %d (leader of partitions %s) paused while producing", rep.Broker, partList(rep.Led)),
		"PASS",
	} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestFailoverKillsALeaderWhenTheControllerLeadsEveryPartition(t *testing.T) {
	s := embeddedStack(t, nil)
	var out bytes.Buffer
	f, err := newFailover(s, FailoverOptions{Records: 600, Interval: 200 * time.Microsecond, ProbeTimeout: 2 * time.Second}, &out)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var controller int32
	f.r, controller = controllerLeadsAll(ctx, t, s, "failover")
	if err := f.run(ctx); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if f.rep.Killed == controller || f.rep.Killed < 0 || len(f.rep.Led) == 0 {
		t.Fatalf("killed broker %d leading %v; want a broker other than the controller %d, leading a partition\n%s", f.rep.Killed, f.rep.Led, controller, out.String())
	}
	for _, want := range []string{
		fmt.Sprintf("only broker %d leads partitions of %s and cannot be stopped here", controller, f.r.topic),
		fmt.Sprintf("broker %d (leader of partitions %s) killed while producing", f.rep.Killed, partList(f.rep.Led)),
		"PASS",
	} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestNoLeaderThatCanBeHitFailsInOneLineAndNeverHitsAFollower(t *testing.T) {
	s := embeddedStack(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r, controller := controllerLeadsAll(ctx, t, s, "pause")
	var tried []string
	refuse := func(ctx context.Context, id int32) error {
		st, err := r.state(ctx)
		if err != nil {
			return err
		}
		tried = append(tried, fmt.Sprint(id))
		if len(st.ledBy(id)) == 0 {
			t.Errorf("broker %d, which leads nothing, was tried", id)
		}
		return errors.New("refused")
	}
	var out bytes.Buffer
	id, _, err := r.hitLeader(ctx, "paused", refuse, &out)
	if err == nil || id != -1 {
		t.Fatalf("hit broker %d, err %v, though every broker refuses", id, err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "no leader of "+r.topic+" could be paused") {
		t.Fatalf("err = %q, want one line saying no leader could be paused", msg)
	}
	if len(tried) != 3 || tried[0] != fmt.Sprint(controller) {
		t.Fatalf("tried brokers %v, want the controller %d first, then each new leader once\n%s", tried, controller, out.String())
	}
}
