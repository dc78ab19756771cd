package ready

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"kafkastack/internal/testkit"
)

func TestPartitionForIsKafkas(t *testing.T) {
	// Values from Java: Utils.abs(s.hashCode()) % n.
	for _, c := range []struct {
		group string
		n     int
		want  int32
	}{
		{"kafkastack-ready-0", 50, 45},
		{"kafkastack-ready-17", 50, 41},
		{"my-group", 50, 12},
		{"my-group", 3, 0},
		{"grüße-𝄞", 50, 22},
		{"polygenelubricants", 50, 0}, // hashCode is Integer.MIN_VALUE
	} {
		if got := partitionFor(c.group, c.n); got != c.want {
			t.Errorf("partitionFor(%q, %d) = %d, want %d", c.group, c.n, got, c.want)
		}
	}
}

func TestGroupsForReachEveryPartition(t *testing.T) {
	for _, n := range []int{1, 3, 50} {
		gs := groupsFor(n)
		if len(gs) != n {
			t.Fatalf("groupsFor(%d) gave %d groups", n, len(gs))
		}
		for i, g := range gs {
			if p := partitionFor(g, n); p != int32(i) {
				t.Fatalf("groupsFor(%d)[%d] = %s maps to partition %d", n, i, g, p)
			}
		}
	}
}

func TestMissingNamesEveryUnmetCondition(t *testing.T) {
	ready := State{Brokers: []int32{1, 2, 3}, Controller: 1, Groups: 50, Answered: 50,
		Internal: []InternalTopic{{Name: OffsetsTopic, Partitions: 50}}}
	if m := ready.Missing([]int32{1, 2, 3}); m != "" || !ready.Ready([]int32{1, 2, 3}) {
		t.Fatalf("a ready state is missing %q", m)
	}
	for name, c := range map[string]struct {
		mut  func(*State)
		want string
	}{
		"a broker":          {func(s *State) { s.Brokers = []int32{1, 3} }, "brokers 2/3 in metadata (missing 2)"},
		"the controller":    {func(s *State) { s.Controller = -1 }, "no controller elected"},
		"a leader":          {func(s *State) { s.Internal[0].Leaderless = 1 }, "__consumer_offsets: 1 of 50 partitions without a live leader"},
		"one coordinator":   {func(s *State) { s.Answered = 49; s.Unanswered = []string{"g: NOT_COORDINATOR"} }, "group coordinators 49/50 answering (g: NOT_COORDINATOR)"},
		"every coordinator": {func(s *State) { s.Groups, s.Answered = 0, 0 }, "no group coordinator"},
	} {
		s := ready
		s.Internal = append([]InternalTopic(nil), ready.Internal...)
		c.mut(&s)
		if m := s.Missing([]int32{1, 2, 3}); !strings.Contains(m, c.want) || s.Ready([]int32{1, 2, 3}) {
			t.Errorf("without %s: missing %q, want %q", name, m, c.want)
		}
	}
}

func TestWaitAsksEveryOffsetsPartitionsCoordinator(t *testing.T) {
	c := fakeCluster(t)
	// Five groups' coordinators answer NOT_COORDINATOR to OffsetFetch, as
	// brokers still loading their offsets partitions do.
	stale := map[string]bool{}
	for _, g := range groupsFor(DefaultOffsetsPartitions)[7:12] {
		stale[g] = true
	}
	var refusing atomic.Bool
	refusing.Store(true)
	c.ControlKey(kmsg.OffsetFetch.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		r := req.(*kmsg.OffsetFetchRequest)
		if !refusing.Load() {
			return nil, nil, false
		}
		for _, g := range r.Groups {
			if stale[g.Group] {
				resp := r.ResponseKind().(*kmsg.OffsetFetchResponse)
				for _, g := range r.Groups {
					rg := kmsg.NewOffsetFetchResponseGroup()
					rg.Group = g.Group
					if stale[g.Group] {
						rg.ErrorCode = kerr.NotCoordinator.Code
					}
					resp.Groups = append(resp.Groups, rg)
				}
				return resp, nil, true
			}
		}
		return nil, nil, false
	})
	adm := admin(t, c.ListenAddrs()...)
	st, err := Wait(context.Background(), adm, Options{Expected: []int32{0, 1, 2}, Timeout: 3 * time.Second, AttemptTimeout: time.Second})
	// On a busy machine the refused groups' retries can also run other
	// groups of the same request out of time, so at most 45 answer; the
	// reasons name three groups, and NOT_COORDINATOR is among what was said.
	if err == nil || !strings.Contains(err.Error(), "NOT_COORDINATOR") || st.Answered > 45 || st.Groups != 50 {
		t.Fatalf("with five coordinators refusing: %d/%d answered, err = %v", st.Answered, st.Groups, err)
	}
	if len(st.Unanswered) != 3 {
		t.Fatalf("unanswered %q, want three named", st.Unanswered)
	}
	refusing.Store(false)
	var out bytes.Buffer
	st, err = Wait(context.Background(), adm, Options{Expected: []int32{0, 1, 2}, Timeout: 10 * time.Second, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if st.Groups != DefaultOffsetsPartitions || st.Answered != st.Groups {
		t.Fatalf("state %+v", st)
	}
	if !strings.Contains(out.String(), "group coordinators 50/50") {
		t.Fatalf("progress %q", out.String())
	}
}

// TestWaitOnASingleBrokerThatIsItsOwnController: broker 0 is a controller
// like any other, and the coordinator named is that of the first group.
func TestWaitOnASingleBrokerThatIsItsOwnController(t *testing.T) {
	c := testkit.FakeCluster(t, 1)
	st, err := Wait(context.Background(), admin(t, c.ListenAddrs()...), Options{Expected: []int32{0}, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if st.Controller != 0 || st.Coordinator != 0 || st.Answered != st.Groups {
		t.Fatalf("state %+v", st)
	}
}

func TestPartitionForTheFirstSupplementaryCharacter(t *testing.T) {
	// U+10000 is the first rune Java keeps as two UTF-16 units (D800 DC00):
	// 31*0xD800 + 0xDC00 = 1770496, and 1770496 % 50 = 46.
	if got := partitionFor("\U00010000", 50); got != 46 {
		t.Fatalf("partitionFor(U+10000, 50) = %d, want 46", got)
	}
}

func TestProgressLineShowsEachCondition(t *testing.T) {
	st := State{Brokers: []int32{0, 1}, Controller: 0, Groups: 50, Answered: 48,
		Internal: []InternalTopic{{Name: OffsetsTopic, Partitions: 50, Leaderless: 2}}}
	if got, want := st.line([]int32{0, 1, 2}), "  brokers 2/3, controller 0, __consumer_offsets led 48/50, group coordinators 48/50"; got != want {
		t.Fatalf("line = %q, want %q", got, want)
	}
	if got, want := (State{Controller: -1}).line([]int32{0}), "  brokers 0/1, controller -, group coordinators -"; got != want {
		t.Fatalf("line = %q, want %q", got, want)
	}
}

func TestMissingCoordinatorsWithoutNames(t *testing.T) {
	st := State{Brokers: []int32{0}, Controller: 0, Groups: 3, Answered: 2}
	if got, want := st.Missing([]int32{0}), "group coordinators 2/3 answering"; got != want {
		t.Fatalf("missing %q, want %q", got, want)
	}
}

// TestTheCoordinatorNamedIsTheFirstGroups: the state names the coordinator
// of the first probe group (that of offsets partition 0), not whichever
// group answered last.
func TestTheCoordinatorNamedIsTheFirstGroups(t *testing.T) {
	c := fakeCluster(t)
	addrs := c.ListenAddrs()
	gs := groupsFor(DefaultOffsetsPartitions)
	last := gs[len(gs)-1]
	// Every group's coordinator is broker 1 but the last group's, broker 2.
	c.ControlKey(kmsg.FindCoordinator.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		r := req.(*kmsg.FindCoordinatorRequest)
		resp := r.ResponseKind().(*kmsg.FindCoordinatorResponse)
		for _, k := range r.CoordinatorKeys {
			node := int32(1)
			if k == last {
				node = 2
			}
			host, port, _ := net.SplitHostPort(addrs[node])
			p, _ := strconv.Atoi(port)
			rc := kmsg.NewFindCoordinatorResponseCoordinator()
			rc.Key, rc.NodeID, rc.Host, rc.Port = k, node, host, int32(p)
			resp.Coordinators = append(resp.Coordinators, rc)
		}
		return resp, nil, true
	})
	// Groups sent to the wrong broker are refused until the probe's time
	// runs out; what is checked is known from the first answers.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st := Probe(ctx, admin(t, addrs...), []int32{0, 1, 2}, nil)
	if st.Groups != DefaultOffsetsPartitions {
		t.Fatalf("probed %d groups, want %d: %+v", st.Groups, DefaultOffsetsPartitions, st)
	}
	if st.Coordinator != 1 {
		t.Fatalf("coordinator %d, want 1 (the first group's; the last group's is 2)", st.Coordinator)
	}
}
