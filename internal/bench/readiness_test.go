package bench

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestTightProbeSeesAReadyClusterAndStopsAtItsBoundOtherwise(t *testing.T) {
	cl, err := kgo.NewClient(fakeCluster(t)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	md, err := adm.BrokerMetadata(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := startProbe(ctx, adm, md.Brokers.NodeIDs())
	p.waitAtMost(20 * time.Second)
	if p.readyAt.IsZero() || p.probes < 1 || p.readyAt.Before(p.start) {
		t.Fatalf("probe on a ready cluster: ready at %v (start %v) after %d probes", p.readyAt, p.start, p.probes)
	}

	// Brokers that never come: the probe ends at the bound, not ready.
	none, err := kgo.NewClient(kgo.SeedBrokers("127.0.0.1:1"), kgo.DialTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer none.Close()
	start := time.Now()
	p = startProbe(ctx, kadm.NewClient(none), []int32{1, 2, 3})
	p.waitAtMost(300 * time.Millisecond)
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the probe outlived its 300ms bound by far: %s", took)
	}
	if !p.readyAt.IsZero() || p.probes < 1 {
		t.Fatalf("probe on no cluster: ready at %v after %d probes", p.readyAt, p.probes)
	}
}
