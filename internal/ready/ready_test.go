package ready

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/proc"
	"kafkastack/internal/testkit"
)

func admin(t *testing.T, seeds ...string) *kadm.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return kadm.NewClient(cl)
}

// fakeCluster starts a three-broker kfake cluster on free ports, closed
// when the test ends.
func fakeCluster(t *testing.T) *kfake.Cluster {
	t.Helper()
	c := testkit.FakeCluster(t, 3)
	return c
}

func TestWaitSeesEveryBroker(t *testing.T) {
	c := fakeCluster(t)
	var out bytes.Buffer
	// No timeout given: the default bound applies.
	st, err := Wait(context.Background(), admin(t, c.ListenAddrs()...), Options{Expected: []int32{0, 1, 2}, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Brokers) != 3 || st.Brokers[0] != 0 || st.Brokers[1] != 1 || st.Brokers[2] != 2 || st.Controller < 0 || st.Coordinator < 0 {
		t.Fatalf("state %+v: want brokers 0, 1, 2 in order, a controller and a coordinator", st)
	}
	if !strings.Contains(out.String(), "brokers 3/3") {
		t.Fatalf("progress %q", out.String())
	}
	// The coordinator reported is the first probe group's.
	first := groupsFor(DefaultOffsetsPartitions)[0]
	coords := admin(t, c.ListenAddrs()...).FindGroupCoordinators(context.Background(), first)
	if r, ok := coords[first]; !ok || r.Err != nil || r.NodeID != st.Coordinator {
		t.Fatalf("coordinator %d, want that of %s: %+v", st.Coordinator, first, coords)
	}
}

func TestWaitNamesAMissingBroker(t *testing.T) {
	c := fakeCluster(t)
	// Broker 7 never appears. The bound leaves room for the first probe
	// to answer on a loaded machine.
	_, err := Wait(context.Background(), admin(t, c.ListenAddrs()...), Options{Expected: []int32{0, 1, 2, 7}, Timeout: 3 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "missing 7") || !strings.Contains(err.Error(), "brokers 3/4") {
		t.Fatalf("err = %v", err)
	}
}

func TestWaitOnUnreachableBrokersIsBounded(t *testing.T) {
	ports, err := proc.FreePorts(1) // nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	st, err := Wait(context.Background(), admin(t, fmt.Sprintf("127.0.0.1:%d", ports[0])), Options{Expected: []int32{1}, Timeout: 1500 * time.Millisecond, AttemptTimeout: 500 * time.Millisecond})
	if err == nil {
		t.Fatal("waited successfully on nothing")
	}
	if st.Controller != -1 || st.Coordinator != -1 || len(st.Brokers) != 0 {
		t.Fatalf("state %+v: nothing answered, so no controller, coordinator or broker", st)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("took %s with a 1.5s timeout", time.Since(start))
	}
	for _, want := range []string{"not ready after 1.5s", "missing 1", "no controller elected", "last error"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err %q lacks %q", err, want)
		}
	}
}
