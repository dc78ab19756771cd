package bench

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/kio"
	"kafkastack/internal/proc"
	"kafkastack/internal/testkit"
)

// fakeCluster starts an in-process three-broker kfake cluster on free
// ports and returns the client options to reach it.
func fakeCluster(t *testing.T) []kgo.Opt {
	t.Helper()
	c := testkit.FakeCluster(t, 3)
	return []kgo.Opt{
		kgo.SeedBrokers(c.ListenAddrs()...),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
	}
}

func TestProduceAndConsumeOnKfake(t *testing.T) {
	base := fakeCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(append(base, DefaultProducerTuning.Opts()...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	if _, err := adm.CreateTopic(ctx, 3, 3, nil, "bench-kfake"); err != nil {
		t.Fatal(err)
	}
	const n, size = 5000, 100
	res, err := Produce(ctx, cl, "bench-kfake", n, size)
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != n || res.Bytes != n*size || res.RecsPerS <= 0 || res.MBPerS <= 0 {
		t.Fatalf("throughput %+v", res.Throughput)
	}
	l := res.Latency
	if l.Count != n || l.P50 <= 0 || l.P50 > l.P99 || l.P99 > l.Max || l.Avg > l.Max {
		t.Fatalf("latency %+v", l)
	}
	ends, err := kio.EndOffsets(ctx, adm, "bench-kfake")
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, e := range ends {
		sum += e
	}
	if sum != n {
		t.Fatalf("topic holds %d records, want %d (ends %v)", sum, n, ends)
	}
	if len(ends) != 3 {
		t.Fatalf("ends %v", ends)
	}
	th, err := Consume(ctx, append(base, DefaultConsumerTuning.Opts()...), "bench-kfake", ends)
	if err != nil {
		t.Fatal(err)
	}
	if th.Records != n || th.Bytes != n*size || th.RecsPerS <= 0 {
		t.Fatalf("consumed %+v", th)
	}
}

func TestConsumeStopsAtTheContextNamingShortPartitions(t *testing.T) {
	base := fakeCluster(t)
	cl, err := kgo.NewClient(base...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := context.Background()
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 1, 1, nil, "short"); err != nil {
		t.Fatal(err)
	}
	if _, err := Produce(ctx, cl, "short", 10, 10); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	// Partition 0 claims 20 records where 10 exist.
	th, err := Consume(cctx, base, "short", map[int32]int64{0: 20})
	if err == nil || !strings.Contains(err.Error(), "[0]") {
		t.Fatalf("err = %v", err)
	}
	if th.Records != 10 {
		t.Fatalf("read %d records before stopping", th.Records)
	}
	if _, err := Consume(ctx, base, "short", map[int32]int64{0: 0}); err == nil {
		t.Fatal("consumed an empty topic")
	}
}

func TestProduceToNowhereEndsWithTheContext(t *testing.T) {
	ports, err := proc.FreePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers("127.0.0.1:" + strconv.Itoa(ports[0])))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = Produce(ctx, cl, "t", 100, 10)
	if err == nil {
		t.Fatal("produced to a closed port")
	}
	if _, err := Produce(context.Background(), cl, "t", 0, 10); err == nil {
		t.Fatal("produced zero records")
	}
}
