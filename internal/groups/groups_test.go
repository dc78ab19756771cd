package groups

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/testkit"
	"kafkastack/internal/topics"
)

// base is the time of the first record; record i of a partition is
// stamped base + i minutes.
var base = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// cluster is a three-broker kfake cluster with "events" (2 partitions, 10
// records each, stamped a minute apart) and group "app" that committed
// offset 4 on both partitions and left.
func cluster(t *testing.T) (*kadm.Client, []kgo.Opt) {
	t.Helper()
	c := testkit.FakeCluster(t, 3)
	opts := []kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...)}
	cl, err := kgo.NewClient(append(opts, kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	adm := kadm.NewClient(cl)
	ctx := ctxT(t)
	if _, err := topics.Create(ctx, cl, topics.Spec{Name: "events", Partitions: 2, ReplicationFactor: 3}); err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for p := int32(0); p < 2; p++ {
		for i := 0; i < 10; i++ {
			recs = append(recs, &kgo.Record{Topic: "events", Partition: p, Timestamp: base.Add(time.Duration(i) * time.Minute), Value: []byte(fmt.Sprint(i))})
		}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	commit(t, adm, "app", 4)
	return adm, opts
}

func commit(t *testing.T, adm *kadm.Client, group string, at int64) {
	t.Helper()
	o := kadm.Offsets{}
	o.AddOffset("events", 0, at, -1)
	o.AddOffset("events", 1, at, -1)
	if err := adm.CommitAllOffsets(ctxT(t), group, o); err != nil {
		t.Fatal(err)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestListAndDescribe(t *testing.T) {
	adm, _ := cluster(t)
	ctx := ctxT(t)
	gs, err := List(ctx, adm)
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 1 || gs[0].Name != "app" || gs[0].State != "Empty" || gs[0].TotalLag != 12 || gs[0].Members != 0 || strings.Join(gs[0].Topics, ",") != "events" {
		t.Fatalf("groups %+v", gs)
	}
	d, err := Describe(ctx, adm, "app")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Partitions) != 2 || len(d.MemberList) != 0 || d.TotalLag != 12 {
		t.Fatalf("detail %+v", d)
	}
	for _, p := range d.Partitions {
		if p.Topic != "events" || p.Committed != 4 || p.End != 10 || p.Lag != 6 {
			t.Errorf("partition %+v, want committed 4, end 10, lag 6", p)
		}
	}
	_, err = Describe(ctx, adm, "ghost")
	if !errors.Is(err, ErrNoGroup) || err.Error() != "group ghost does not exist" {
		t.Errorf("unknown group: %v", err)
	}
}

func TestDescribeShowsMembersAndAssignments(t *testing.T) {
	adm, opts := cluster(t)
	ctx := ctxT(t)
	cl := member(t, opts, "app")
	defer cl.Close()
	d, err := Describe(ctx, adm, "app")
	if err != nil {
		t.Fatal(err)
	}
	if d.State != "Stable" || len(d.MemberList) != 1 || d.MemberList[0].ClientID != "worker" || strings.Join(d.MemberList[0].Assigned, ",") != "events/0,events/1" {
		t.Fatalf("detail %+v", d)
	}
	for _, p := range d.Partitions {
		if !strings.HasPrefix(p.Member, "worker ") {
			t.Errorf("partition %d: member %q", p.Partition, p.Member)
		}
	}
}

// member joins group with a consumer and returns once it is assigned.
func member(t *testing.T, opts []kgo.Opt, group string) *kgo.Client {
	t.Helper()
	assigned := make(chan struct{}, 1)
	cl, err := kgo.NewClient(append(opts, kgo.ConsumerGroup(group), kgo.ConsumeTopics("events"), kgo.ClientID("worker"),
		kgo.DisableAutoCommit(),
		kgo.OnPartitionsAssigned(func(context.Context, *kgo.Client, map[string][]int32) {
			select {
			case assigned <- struct{}{}:
			default:
			}
		}))...)
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	go func() {
		for ctx.Err() == nil && !cl.PollFetches(ctx).IsClientClosed() {
		}
	}()
	select {
	case <-assigned:
	case <-ctx.Done():
		cl.Close()
		t.Fatal("the consumer was never assigned")
	}
	return cl
}

func TestResetOffsets(t *testing.T) {
	adm, _ := cluster(t)
	ctx := ctxT(t)
	for _, tc := range []struct {
		to   string
		want int64
	}{
		{"earliest", 0},
		{"latest", 10},
		{"7", 7},
		{"500", 10}, // kept within the partition
		{"2026-11-29T10:03:00Z", 3},
		{"2026-11-29T10:02:30Z", 3},
		{"2026-11-28", 0},
		{"2026-11-30", 10},
	} {
		rs, err := ResetOffsets(ctx, adm, "app", "events", tc.to)
		if err != nil {
			t.Fatalf("%s: %v", tc.to, err)
		}
		if len(rs) != 2 {
			t.Fatalf("%s: %d partitions reset", tc.to, len(rs))
		}
		for _, r := range rs {
			if r.To != tc.want {
				t.Errorf("%s: partition %d to %d, want %d", tc.to, r.Partition, r.To, tc.want)
			}
		}
		d, err := Describe(ctx, adm, "app")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range d.Partitions {
			if p.Committed != tc.want {
				t.Errorf("%s: committed %d after the reset, want %d", tc.to, p.Committed, tc.want)
			}
		}
	}
}

func TestResetRefuses(t *testing.T) {
	adm, opts := cluster(t)
	ctx := ctxT(t)
	for _, tc := range []struct{ group, topic, to, want string }{
		{"ghost", "events", "earliest", "group ghost does not exist"},
		{"app", "nope", "earliest", "topic nope does not exist"},
		{"app", "events", "yesterday", `reset to "yesterday": use earliest, latest, an offset`},
		{"app", "events", "-1", `reset to "-1"`},
		{"app", "bad/name", "earliest", "Kafka allows only letters"},
		{"", "events", "earliest", "a group name is required"},
	} {
		_, err := ResetOffsets(ctx, adm, tc.group, tc.topic, tc.to)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: error %v, want one line with %q", tc, err, tc.want)
		}
	}
	cl := member(t, opts, "app")
	defer cl.Close()
	_, err := ResetOffsets(ctx, adm, "app", "events", "earliest")
	if err == nil || !strings.Contains(err.Error(), "group app has 1 active member(s)") {
		t.Fatalf("reset with a member: %v", err)
	}
	d, _ := Describe(ctx, adm, "app")
	for _, p := range d.Partitions {
		if p.Committed != 4 {
			t.Errorf("a refused reset moved partition %d to %d", p.Partition, p.Committed)
		}
	}
	if err := Delete(ctx, adm, "app"); err == nil || !strings.Contains(err.Error(), "has active members") {
		t.Errorf("delete with a member: %v", err)
	}
}

func TestDelete(t *testing.T) {
	adm, _ := cluster(t)
	ctx := ctxT(t)
	if err := Delete(ctx, adm, "app"); err != nil {
		t.Fatal(err)
	}
	if _, err := Describe(ctx, adm, "app"); !errors.Is(err, ErrNoGroup) {
		t.Errorf("after delete: %v", err)
	}
	if err := Delete(ctx, adm, "app"); err == nil || err.Error() != "group app does not exist" {
		t.Errorf("second delete: %v", err)
	}
}
