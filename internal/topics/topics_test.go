package topics

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"kafkastack/internal/testkit"
)

func cluster(t *testing.T, brokers int) (*kadm.Client, *kgo.Client) {
	t.Helper()
	_, adm, cl := fakeCluster(t, brokers)
	return adm, cl
}

// fakeCluster starts a kfake cluster of n brokers on free ports and a
// client of it, both closed when the test ends.
func fakeCluster(t *testing.T, brokers int) (*kfake.Cluster, *kadm.Client, *kgo.Client) {
	t.Helper()
	c := testkit.FakeCluster(t, brokers)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return c, kadm.NewClient(cl), cl
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestCreateIsIdempotent(t *testing.T) {
	adm, cl := cluster(t, 3)
	spec := Spec{Name: "my-topic-three", Partitions: 3, ReplicationFactor: 3, Configs: map[string]string{"min.insync.replicas": "2"}}
	out, err := Create(ctx(t), cl, spec)
	if err != nil || out != Created {
		t.Fatalf("first create: %s, %v", out, err)
	}
	out, err = Create(ctx(t), cl, spec)
	if err != nil || out != Exists {
		t.Fatalf("second create: %s, %v", out, err)
	}
	d, err := Describe(ctx(t), adm, "my-topic-three")
	if err != nil {
		t.Fatal(err)
	}
	if d.Partitions != 3 || d.ReplicationFactor != 3 || d.UnderReplicated != 0 {
		t.Fatalf("described %+v", d)
	}
	if d.Configs["min.insync.replicas"] != "2" {
		t.Fatalf("min.insync.replicas = %q", d.Configs["min.insync.replicas"])
	}
}

func TestCreateRejectsAnotherShape(t *testing.T) {
	_, cl := cluster(t, 3)
	if _, err := Create(ctx(t), cl, Spec{Name: "t", Partitions: 3, ReplicationFactor: 3}); err != nil {
		t.Fatal(err)
	}
	_, err := Create(ctx(t), cl, Spec{Name: "t", Partitions: 6, ReplicationFactor: 3})
	if !errors.Is(err, ErrShapeMismatch) || !strings.Contains(err.Error(), "3 partitions") {
		t.Fatalf("err = %v, want a shape mismatch naming the partitions", err)
	}
}

func TestCreateRejectsRFAboveBrokerCount(t *testing.T) {
	adm, cl := cluster(t, 3)
	_, err := Create(ctx(t), cl, Spec{Name: "t", Partitions: 1, ReplicationFactor: 4})
	if err == nil || !strings.Contains(err.Error(), "replication factor 4 is above the 3 brokers") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Describe(ctx(t), adm, "t"); err == nil {
		t.Fatal("the topic was created anyway")
	}
}

func TestCreateValidatesBeforeAnyCall(t *testing.T) {
	// A nil admin client would panic on any network call: validation must
	// fail first.
	for _, s := range []Spec{
		{Name: "bad name", Partitions: 1, ReplicationFactor: 1},
		{Name: "t", Partitions: 0, ReplicationFactor: 1},
	} {
		if _, err := Create(context.Background(), nil, s); err == nil {
			t.Fatalf("%+v accepted", s)
		}
	}
}

func TestListAndDelete(t *testing.T) {
	adm, cl := cluster(t, 3)
	for _, n := range []string{"b", "a"} {
		if _, err := Create(ctx(t), cl, Spec{Name: n, Partitions: 2, ReplicationFactor: 2}); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := List(ctx(t), adm)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].Name != "a" || ds[1].Partitions != 2 {
		t.Fatalf("listed %+v", ds)
	}
	if err := Delete(ctx(t), adm, "a"); err != nil {
		t.Fatal(err)
	}
	if err := Delete(ctx(t), adm, "a"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("deleting a deleted topic: %v", err)
	}
}

// TestCreateWaitsUntilEveryBrokerKnowsTheTopic has broker 2 answer
// metadata without the new topic a few times, as a broker does that has
// not yet heard of it from the controller, and broker 1 answer a producer
// id request with "loading", as a KRaft broker does before it has its
// first block of ids: Create returns only once both are over.
func TestCreateWaitsUntilEveryBrokerKnowsTheTopic(t *testing.T) {
	c, _, cl := fakeCluster(t, 3)
	unaware := 3
	c.ControlKey(kmsg.Metadata.Int16(), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		req := kr.(*kmsg.MetadataRequest)
		if c.CurrentNode() != 2 || unaware == 0 || len(req.Topics) != 1 || req.Topics[0].Topic == nil || *req.Topics[0].Topic != "late" {
			return nil, nil, false
		}
		unaware--
		resp := req.ResponseKind().(*kmsg.MetadataResponse)
		rt := kmsg.NewMetadataResponseTopic()
		rt.Topic = kmsg.StringPtr("late")
		rt.ErrorCode = kerr.UnknownTopicOrPartition.Code
		resp.Topics = append(resp.Topics, rt)
		return resp, nil, true
	})
	loading := 2
	c.ControlKey(kmsg.InitProducerID.Int16(), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if c.CurrentNode() != 1 || loading == 0 {
			return nil, nil, false
		}
		loading--
		resp := kr.(*kmsg.InitProducerIDRequest).ResponseKind().(*kmsg.InitProducerIDResponse)
		resp.ErrorCode = kerr.CoordinatorLoadInProgress.Code
		return resp, nil, true
	})
	if _, err := Create(ctx(t), cl, Spec{Name: "late", Partitions: 2, ReplicationFactor: 3}); err != nil {
		t.Fatal(err)
	}
	if unaware != 0 {
		t.Fatalf("Create returned while broker 2 had %d more answers without the topic", unaware)
	}
	if loading != 0 {
		t.Fatalf("Create returned while broker 1 had %d more producer id answers of loading", loading)
	}
}

// TestDetailCountsAPartitionOneReplicaShortAsUnderReplicated: a partition
// is under-replicated as soon as one replica is out of its ISR, and
// offline when it has no leader.
func TestDetailCountsAPartitionOneReplicaShortAsUnderReplicated(t *testing.T) {
	d := detailOf(kadm.TopicDetail{Topic: "t", Partitions: kadm.PartitionDetails{
		0: {Partition: 0, Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}},
		1: {Partition: 1, Leader: 2, Replicas: []int32{1, 2, 3}, ISR: []int32{2, 3}},
		2: {Partition: 2, Leader: 0, Replicas: []int32{0, 1}, ISR: []int32{0, 1}},
		3: {Partition: 3, Leader: -1, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}},
	}})
	if d.Partitions != 4 || d.ReplicationFactor != 3 || d.UnderReplicated != 1 || d.Offline != 1 {
		t.Fatalf("detail %+v: want 4 partitions, RF 3, 1 under-replicated, 1 offline", d)
	}
	if len(d.PartitionDetails) != 4 || d.PartitionDetails[0].Partition != 0 || d.PartitionDetails[3].Partition != 3 {
		t.Fatalf("partition details %+v", d.PartitionDetails)
	}
}

// TestCreateFailsWhenTheTopicNeverGetsHealthy has broker 2 never learn of
// the new topic: Create must not report success.
func TestCreateFailsWhenTheTopicNeverGetsHealthy(t *testing.T) {
	c, _, cl := fakeCluster(t, 3)
	c.ControlKey(kmsg.Metadata.Int16(), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		req := kr.(*kmsg.MetadataRequest)
		if c.CurrentNode() != 2 || len(req.Topics) != 1 || req.Topics[0].Topic == nil || *req.Topics[0].Topic != "never" {
			return nil, nil, false
		}
		resp := req.ResponseKind().(*kmsg.MetadataResponse)
		rt := kmsg.NewMetadataResponseTopic()
		rt.Topic = kmsg.StringPtr("never")
		rt.ErrorCode = kerr.UnknownTopicOrPartition.Code
		resp.Topics = append(resp.Topics, rt)
		return resp, nil, true
	})
	bounded, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	out, err := Create(bounded, cl, Spec{Name: "never", Partitions: 2, ReplicationFactor: 3})
	if err == nil || !strings.Contains(err.Error(), "waiting for topic never to be healthy") {
		t.Fatalf("create of a topic broker 2 never knows: %s, %v", out, err)
	}
}
