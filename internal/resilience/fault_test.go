package resilience

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"kafkastack/internal/cluster"
	"kafkastack/internal/stack"
)

// freezer stands for a runtime that can pause a broker: on the embedded
// cluster a "paused" broker is taken out as a stopped one is, which is
// what the cluster sees of a frozen broker once its session expires.
type freezer struct {
	cluster.Runtime
	bc         cluster.BrokerControl
	mu         sync.Mutex
	paused     []int32
	resumed    []int32
	failResume bool
}

func (f *freezer) PauseBroker(ctx context.Context, id int32) error {
	if err := f.bc.KillBroker(ctx, id); err != nil {
		return err
	}
	f.mu.Lock()
	f.paused = append(f.paused, id)
	f.mu.Unlock()
	return nil
}

func (f *freezer) ResumeBroker(ctx context.Context, id int32) error {
	f.mu.Lock()
	f.resumed = append(f.resumed, id)
	f.mu.Unlock()
	return f.bc.StartBroker(ctx, id)
}

// pausable is an embedded stack whose runtime pauses brokers through a
// freezer, and the pause fault on it.
func pausable(t *testing.T) (*stack.Stack, *freezer, Fault) {
	t.Helper()
	s := embeddedStack(t, nil)
	fz := &freezer{Runtime: s.Runtime, bc: s.Runtime.(cluster.BrokerControl)}
	s.Runtime = fz
	fault, err := PauseFault(fz)
	if err != nil {
		t.Fatal(err)
	}
	return s, fz, fault
}

func TestPauseFaultLosesNothingAndReportsItsTimings(t *testing.T) {
	s, fz, fault := pausable(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var out bytes.Buffer
	rep, err := RunFault(ctx, s, fault, FaultOptions{Records: 600, Interval: 200 * time.Microsecond, Hold: 300 * time.Millisecond}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if rep.Summary.Sent != 600 || rep.Summary.Acked != 600 || rep.Result.Read != 600 || rep.Result.Lost != 0 || rep.Result.Duplicated != 0 {
		t.Fatalf("sent %d, acked %d, read %d, lost %d, duplicated %d", rep.Summary.Sent, rep.Summary.Acked, rep.Result.Read, rep.Result.Lost, rep.Result.Duplicated)
	}
	if len(fz.paused) != 1 || len(fz.resumed) != 1 || fz.paused[0] != rep.Broker || len(rep.Led) == 0 {
		t.Fatalf("paused %v, resumed %v, report broker %d leading %v", fz.paused, fz.resumed, rep.Broker, rep.Led)
	}
	if rep.Held < 300*time.Millisecond || rep.FlowedAgain <= 0 || rep.FlowedAgain > rep.Held {
		t.Fatalf("held %s, flowed again after %s", rep.Held, rep.FlowedAgain)
	}
	for _, want := range []string{"pause run", "paused while producing", "resumed after", "writes to its partitions flowed again after", "PASS"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestFaultsRefuseRuntimesThatCannot(t *testing.T) {
	s := embeddedStack(t, nil)
	if _, err := PauseFault(s.Runtime); !errors.Is(err, cluster.ErrNotSupported) || !strings.Contains(err.Error(), "the embedded runtime cannot") {
		t.Fatalf("pause on embedded: %v", err)
	}
	if _, err := PartitionFault(s.Runtime); !errors.Is(err, cluster.ErrNotSupported) || !strings.Contains(err.Error(), "the embedded runtime has none") {
		t.Fatalf("partition on embedded: %v", err)
	}
}

func TestFaultReportCountsWhatWasNotAcknowledged(t *testing.T) {
	rep := &FaultReport{Fault: "pause", Run: "r1", Completed: true,
		Summary: Summary{Sent: 10, Acked: 9, InFlight: 1, Phases: []PhaseStats{{Name: "all up"}}}}
	if err := rep.Err(); err == nil || !strings.Contains(err.Error(), "1 of 10 records of the stream were not acknowledged") {
		t.Fatalf("err = %v", err)
	}
	rep.Completed = false
	if err := rep.Err(); err == nil || !strings.Contains(err.Error(), "did not complete") {
		t.Fatalf("err = %v", err)
	}
}
