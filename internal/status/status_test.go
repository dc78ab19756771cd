package status

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"kafkastack/internal/cluster"
	"kafkastack/internal/proc"
	"kafkastack/internal/testkit"
)

const secret = "hunter2-Secret"

// fixture is a three-broker kfake cluster with two topics, records in
// them and two groups: "billing" read part of "orders" and left (Empty),
// "audit" read all of "events" and is still a member (Stable).
type fixture struct {
	adm   *kadm.Client
	addrs []string
	// ordersCommit is what billing committed per partition of orders.
	ordersCommit map[int32]int64
}

const (
	ordersPerPartition = 10
	eventsPerPartition = 5
)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	c := testkit.FakeCluster(t, 3, kfake.ClusterID("status-test-cluster"),
		kfake.BrokerConfigs(map[string]string{"min.insync.replicas": "3"}))
	addrs := c.ListenAddrs()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	newClient := func(opts ...kgo.Opt) *kgo.Client {
		cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(addrs...)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(cl.Close)
		return cl
	}
	adm := kadm.NewClient(newClient())
	two := "2"
	if resp, err := adm.CreateTopic(ctx, 3, 3, map[string]*string{"min.insync.replicas": &two}, "orders"); err != nil || resp.Err != nil {
		t.Fatalf("creating orders: %v %v", err, resp.Err)
	}
	if resp, err := adm.CreateTopic(ctx, 2, 3, nil, "events"); err != nil || resp.Err != nil {
		t.Fatalf("creating events: %v %v", err, resp.Err)
	}

	prod := newClient(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	var recs []*kgo.Record
	for p := int32(0); p < 3; p++ {
		for i := 0; i < ordersPerPartition; i++ {
			recs = append(recs, &kgo.Record{Topic: "orders", Partition: p, Value: []byte(fmt.Sprintf("order-%d-%d", p, i))})
		}
	}
	for p := int32(0); p < 2; p++ {
		for i := 0; i < eventsPerPartition; i++ {
			recs = append(recs, &kgo.Record{Topic: "events", Partition: p, Value: []byte(fmt.Sprintf("event-%d-%d", p, i))})
		}
	}
	if err := prod.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("producing: %v", err)
	}

	// billing reads orders, commits part of what it read, and leaves.
	billing, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumerGroup("billing"), kgo.ConsumeTopics("orders"),
		kgo.DisableAutoCommit(), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	consume(t, ctx, billing, 3*ordersPerPartition)
	commit := map[int32]int64{0: ordersPerPartition, 1: 4, 2: 1}
	offsets := map[string]map[int32]kgo.EpochOffset{"orders": {}}
	for p, o := range commit {
		offsets["orders"][p] = kgo.EpochOffset{Epoch: -1, Offset: o}
	}
	var commitErr error
	billing.CommitOffsetsSync(ctx, offsets, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		commitErr = err
		if err == nil {
			for _, rt := range resp.Topics {
				for _, rp := range rt.Partitions {
					if e := kerr.ErrorForCode(rp.ErrorCode); e != nil && commitErr == nil {
						commitErr = e
					}
				}
			}
		}
	})
	if commitErr != nil {
		t.Fatalf("committing billing's offsets: %v", commitErr)
	}
	billing.Close() // leaves the group: Empty

	// audit reads all of events, commits it, and stays.
	audit := newClient(kgo.ConsumerGroup("audit"), kgo.ConsumeTopics("events"),
		kgo.DisableAutoCommit(), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	consume(t, ctx, audit, 2*eventsPerPartition)
	if err := audit.CommitUncommittedOffsets(ctx); err != nil {
		t.Fatalf("committing audit's offsets: %v", err)
	}
	return &fixture{adm: adm, addrs: addrs, ordersCommit: commit}
}

func consume(t *testing.T, ctx context.Context, cl *kgo.Client, n int) {
	t.Helper()
	got := 0
	for got < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consumed %d/%d records before the timeout", got, n)
		}
		fs.EachError(func(topic string, p int32, err error) { t.Fatalf("consuming %s/%d: %v", topic, p, err) })
		got += fs.NumRecords()
	}
}

func TestGatherTableJSON(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	services := []cluster.ServiceState{{Service: "embedded", State: "running", PID: 4242, Detail: "kfake, password " + secret}}
	r, err := Gather(ctx, f.adm, Options{Runtime: "embedded", Bootstrap: f.addrs, Services: services, Secrets: []string{secret}})
	if err != nil {
		t.Fatal(err)
	}

	// Cluster and brokers.
	if r.ClusterID != "status-test-cluster" || r.Runtime != "embedded" || len(r.Bootstrap) != 3 {
		t.Fatalf("cluster %q runtime %q bootstrap %v", r.ClusterID, r.Runtime, r.Bootstrap)
	}
	if len(r.Brokers) != 3 {
		t.Fatalf("brokers %+v", r.Brokers)
	}
	controllers := 0
	addrs := map[string]bool{}
	for i, b := range r.Brokers {
		if i > 0 && r.Brokers[i-1].ID >= b.ID {
			t.Fatalf("brokers not sorted: %+v", r.Brokers)
		}
		if b.Controller {
			controllers++
			if b.ID != r.ControllerID {
				t.Fatalf("broker %d marked controller, controller is %d", b.ID, r.ControllerID)
			}
		}
		addrs[b.Address] = true
	}
	for _, a := range f.addrs {
		if !addrs[a] {
			t.Fatalf("broker address %s missing from %+v", a, r.Brokers)
		}
	}
	if controllers != 1 {
		t.Fatalf("%d brokers marked controller", controllers)
	}

	// Topics: no internal ones, exact counts, min ISR from the topic and
	// from the broker default, sizes from the log dirs.
	if len(r.Topics) != 2 || r.Topics[0].Name != "events" || r.Topics[1].Name != "orders" {
		t.Fatalf("topics %+v", r.Topics)
	}
	ev, or := r.Topics[0], r.Topics[1]
	check := func(tp Topic, parts, rf, minISR int, records int64) {
		t.Helper()
		if tp.Partitions != parts || tp.ReplicationFactor != rf || tp.UnderReplicated != 0 || tp.Offline != 0 || tp.Internal {
			t.Fatalf("topic %+v", tp)
		}
		if tp.MinInsyncReplicas == nil || *tp.MinInsyncReplicas != minISR {
			t.Fatalf("topic %s min ISR %v, want %d", tp.Name, tp.MinInsyncReplicas, minISR)
		}
		if tp.Records == nil || *tp.Records != records {
			t.Fatalf("topic %s records %v, want %d", tp.Name, tp.Records, records)
		}
		if tp.SizeBytes == nil || *tp.SizeBytes < records {
			t.Fatalf("topic %s size %v", tp.Name, tp.SizeBytes)
		}
	}
	check(or, 3, 3, 2, 3*ordersPerPartition)
	check(ev, 2, 3, 3, 2*eventsPerPartition) // 3: kfake's broker default here

	// Groups: billing's lag is exactly what it left unread.
	if len(r.Groups) != 2 || r.Groups[0].Name != "audit" || r.Groups[1].Name != "billing" {
		t.Fatalf("groups %+v", r.Groups)
	}
	audit, billing := r.Groups[0], r.Groups[1]
	var wantLag, wantMax int64
	wantMaxP := int32(-1)
	for p := int32(0); p < 3; p++ {
		l := ordersPerPartition - f.ordersCommit[p]
		wantLag += l
		if l > wantMax {
			wantMax, wantMaxP = l, p
		}
	}
	if billing.State != "Empty" || billing.Members != 0 || billing.TotalLag != wantLag || len(billing.Lag) != 1 || billing.Error != "" {
		t.Fatalf("billing %+v", billing)
	}
	if l := billing.Lag[0]; l.Topic != "orders" || l.Total != wantLag || l.MaxPartition != wantMaxP || l.MaxPartitionLag != wantMax || l.UnknownPartitions != 0 {
		t.Fatalf("billing's lag %+v, want total %d, max %d on partition %d", l, wantLag, wantMax, wantMaxP)
	}
	if audit.State != "Stable" || audit.Members != 1 || audit.TotalLag != 0 || len(audit.Lag) != 1 || audit.Lag[0].Topic != "events" || audit.Lag[0].Total != 0 {
		t.Fatalf("audit %+v", audit)
	}

	// The table.
	var tbl bytes.Buffer
	if err := r.WriteTable(&tbl); err != nil {
		t.Fatal(err)
	}
	table := tbl.String()
	t.Logf("\n%s", table)
	checkTableShape(t, table)
	for _, want := range [][]string{
		{"id", "status-test-cluster"},
		{"runtime", "embedded"},
		{"bootstrap", strings.Join(f.addrs, ",")},
		{"controller", fmt.Sprint(r.ControllerID)},
		{fmt.Sprint(r.ControllerID), r.Brokers[r.ControllerID].Address, "krack", "controller"},
		{"NAME", "PARTITIONS", "RF", "MIN.ISR", "UNDER-REPLICATED", "OFFLINE", "RECORDS", "SIZE"},
		{"orders", "3", "3", "2", "0", "0", "30", fmt.Sprintf("%d", *or.SizeBytes), "B"},
		{"events", "2", "3", "3", "0", "0", "10"},
		{"billing", "Empty", "0", "orders", fmt.Sprint(wantLag), fmt.Sprint(wantMax), "(partition", fmt.Sprintf("%d)", wantMaxP)},
		{"audit", "Stable", "1", "events", "0"},
		{"embedded", "running", "4242", "kfake,", "password", "***"},
	} {
		if !hasRow(table, want) {
			t.Errorf("no table row starting %q", want)
		}
	}
	for _, title := range []string{"CLUSTER", "BROKERS", "TOPICS", "GROUPS", "SERVICES"} {
		if !strings.Contains(table, "\n"+title+"\n") && !strings.HasPrefix(table, title+"\n") {
			t.Errorf("no %s section", title)
		}
	}
	if strings.Contains(table, "WARNINGS") {
		t.Errorf("warnings in a clean report:\n%s", table)
	}

	// The JSON, with its documented field names.
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ClusterID    *string `json:"cluster_id"`
		ControllerID *int32  `json:"controller_id"`
		Brokers      []map[string]any
		Topics       []map[string]any
		Groups       []struct {
			Name     string
			State    string
			TotalLag int64 `json:"total_lag"`
			Lag      []map[string]any
		}
		Services []map[string]any
		Warnings []string
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ClusterID == nil || *doc.ClusterID != "status-test-cluster" || doc.ControllerID == nil || doc.Warnings == nil {
		t.Fatalf("JSON top level: %s", js.String())
	}
	for _, k := range []string{"name", "partitions", "replication_factor", "under_replicated_partitions", "offline_partitions", "min_insync_replicas", "records", "size_bytes", "internal"} {
		if _, ok := doc.Topics[1][k]; !ok {
			t.Fatalf("JSON topic has no %q: %v", k, doc.Topics[1])
		}
	}
	for _, k := range []string{"id", "address", "rack", "controller"} {
		if _, ok := doc.Brokers[0][k]; !ok {
			t.Fatalf("JSON broker has no %q: %v", k, doc.Brokers[0])
		}
	}
	if doc.Groups[1].Name != "billing" || doc.Groups[1].TotalLag != wantLag || doc.Groups[1].Lag[0]["max_partition_lag"] != float64(wantMax) {
		t.Fatalf("JSON groups: %+v", doc.Groups)
	}
	if doc.Services[0]["pid"] != float64(4242) {
		t.Fatalf("JSON services: %v", doc.Services)
	}
	for _, out := range []string{table, js.String()} {
		if strings.Contains(out, secret) {
			t.Fatalf("the report shows the secret:\n%s", out)
		}
	}
}

// hasRow reports whether a line of table starts with the cells, in order,
// as whitespace-separated fields.
func hasRow(table string, cells []string) bool {
	for _, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if len(f) < len(cells) {
			continue
		}
		ok := true
		for i, c := range cells {
			if f[i] != c {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// TestInternalTopicsAndFallbacks checks that internal topics are hidden
// unless asked for, and that min.insync.replicas falls back to the
// broker's default when the topic's configs do not say.
func TestInternalTopicsAndFallbacks(t *testing.T) {
	c := testkit.FakeCluster(t, 1, kfake.BrokerConfigs(map[string]string{"min.insync.replicas": "1"}))
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, name := range []string{"__internal_state", "visible"} {
		if resp, err := adm.CreateTopic(ctx, 1, 1, nil, name); err != nil || resp.Err != nil {
			t.Fatalf("creating %s: %v %v", name, err, resp.Err)
		}
	}
	// Topic configs come back empty, as from a broker that hides them.
	c.ControlKey(int16(kmsg.DescribeConfigs), func(req kmsg.Request) (kmsg.Response, error, bool) {
		r := req.(*kmsg.DescribeConfigsRequest)
		if len(r.Resources) == 0 || r.Resources[0].ResourceType != kmsg.ConfigResourceTypeTopic {
			return nil, nil, false
		}
		c.KeepControl()
		resp := r.ResponseKind().(*kmsg.DescribeConfigsResponse)
		for _, res := range r.Resources {
			rr := kmsg.NewDescribeConfigsResponseResource()
			rr.ResourceType, rr.ResourceName = res.ResourceType, res.ResourceName
			resp.Resources = append(resp.Resources, rr)
		}
		return resp, nil, true
	})
	r, err := Gather(ctx, adm, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Topics) != 1 || r.Topics[0].Name != "visible" {
		t.Fatalf("topics without internal ones: %+v", r.Topics)
	}
	if m := r.Topics[0].MinInsyncReplicas; m == nil || *m != 1 {
		t.Fatalf("min ISR from the broker default: %v", m)
	}
	r, err = Gather(ctx, adm, Options{IncludeInternal: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Topics) != 2 || r.Topics[0].Name != "__internal_state" || !r.Topics[0].Internal {
		t.Fatalf("topics with internal ones: %+v", r.Topics)
	}
	var buf bytes.Buffer
	if err := r.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	if !hasRow(buf.String(), []string{"(none)"}) || !hasRow(buf.String(), []string{"(none", "listed", "by", "this", "runtime)"}) {
		t.Fatalf("empty groups and services are not shown as such:\n%s", buf.String())
	}
}

func TestSummarizePartitions(t *testing.T) {
	ps := kadm.PartitionDetails{
		0: {Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}},
		1: {Leader: 2, Replicas: []int32{1, 2, 3}, ISR: []int32{2}},
		2: {Leader: -1, Replicas: []int32{1, 2, 3}, ISR: []int32{}},
		3: {Leader: 3, Replicas: []int32{3, 1}, ISR: []int32{3, 1}},
	}
	n, rf, under, offline := summarizePartitions(ps)
	if n != 4 || rf != 3 || under != 2 || offline != 1 {
		t.Fatalf("summary %d partitions, rf %d, %d under replicated, %d offline", n, rf, under, offline)
	}
}

// TestTableUnknownsAndWarnings checks how values that could not be read
// and warnings are shown.
func TestTableUnknownsAndWarnings(t *testing.T) {
	r := &Report{
		ClusterID: "c", ControllerID: -1,
		Brokers:  []Broker{{ID: 1, Address: "h:1"}},
		Topics:   []Topic{{Name: "t", Partitions: 1, ReplicationFactor: 1}},
		Groups:   []Group{{Name: "g", State: "Dead", Error: "GROUP_AUTHORIZATION_FAILED", Lag: []TopicLag{}}},
		Warnings: []string{"log dir sizes: CLUSTER_AUTHORIZATION_FAILED"},
	}
	var buf bytes.Buffer
	if err := r.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	checkTableShape(t, out)
	for _, want := range [][]string{
		{"controller", "-"},
		{"1", "h:1", "-"},
		{"t", "1", "1", "-", "0", "0", "-", "-"},
		{"g", "Dead", "(GROUP_AUTHORIZATION_FAILED)", "0", "-", "-", "-"},
		{"WARNINGS"},
		{"-", "log", "dir", "sizes:", "CLUSTER_AUTHORIZATION_FAILED"},
	} {
		if !hasRow(out, want) {
			t.Errorf("no row %q in\n%s", want, out)
		}
	}
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"size_bytes": null`) || !strings.Contains(js.String(), `"min_insync_replicas": null`) {
		t.Fatalf("unknowns are not null in JSON:\n%s", js.String())
	}
	var nilReport *Report
	if err := nilReport.WriteTable(&buf); err == nil {
		t.Fatal("a nil report was written")
	}
	if err := r.WriteTable(failWriter{}); err == nil {
		t.Fatal("a failing writer did not fail WriteTable")
	}
	if err := r.WriteJSON(failWriter{}); err == nil {
		t.Fatal("a failing writer did not fail WriteJSON")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestGatherFailsWhenNothingAnswers bounds Gather on a dead address.
func TestGatherFailsWhenNothingAnswers(t *testing.T) {
	ports, err := proc.FreePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(fmt.Sprintf("127.0.0.1:%d", ports[0])))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err = Gather(ctx, kadm.NewClient(cl), Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "reading the cluster's metadata: ") {
		t.Fatalf("Gather = %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("Gather took %s to fail", took)
	}
}

// TestSummarizePartitionsOneReplicaShort: one replica out of the ISR is
// enough to make a partition under-replicated; broker 0 leading is a
// leader like any other.
func TestSummarizePartitionsOneReplicaShort(t *testing.T) {
	ps := kadm.PartitionDetails{
		0: {Leader: 0, Replicas: []int32{0, 1, 2}, ISR: []int32{0, 1}},
		1: {Leader: 1, Replicas: []int32{0, 1, 2}, ISR: []int32{0, 1, 2}},
	}
	n, rf, under, offline := summarizePartitions(ps)
	if n != 2 || rf != 3 || under != 1 || offline != 0 {
		t.Fatalf("summary %d partitions, rf %d, %d under replicated, %d offline; want 2, 3, 1, 0", n, rf, under, offline)
	}
}

// TestTopicLookupOfANameAfterEveryShownTopic: hidden topics are looked up
// too, and one that sorts after every shown topic ("__consumer_offsets"
// after "Orders") is simply not found.
func TestTopicLookupOfANameAfterEveryShownTopic(t *testing.T) {
	r := &Report{Topics: []Topic{{Name: "Events"}, {Name: "Orders"}}}
	if got := r.topic("__consumer_offsets"); got != nil {
		t.Fatalf("found %+v", got)
	}
	if got := r.topic("Events"); got == nil || got.Name != "Events" {
		t.Fatalf("Events not found: %+v", got)
	}
}

// TestGatherOnAClusterWithoutTopicsAsksNothingOfThem: with no topic to
// show, no topic config, offset or log dir is asked for, so a broker that
// cannot describe its log dirs leaves no warning.
func TestGatherOnAClusterWithoutTopicsAsksNothingOfThem(t *testing.T) {
	c := testkit.FakeCluster(t, 1)
	var asked atomic.Int32
	for _, k := range []kmsg.Key{kmsg.DescribeLogDirs, kmsg.DescribeConfigs, kmsg.ListOffsets} {
		c.ControlKey(int16(k), func(kmsg.Request) (kmsg.Response, error, bool) {
			c.KeepControl()
			asked.Add(1)
			return nil, errors.New("not answering"), true
		})
	}
	r := gatherOnce(t, c)
	if len(r.Topics) != 0 || len(r.Warnings) != 0 || asked.Load() != 0 {
		t.Fatalf("topics %v, warnings %q, %d requests about topics", r.Topics, r.Warnings, asked.Load())
	}
}

// TestRecordsCountFromTheStartOffset: records deleted from the start of a
// partition no longer count.
func TestRecordsCountFromTheStartOffset(t *testing.T) {
	c := testkit.FakeCluster(t, 1)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic("trimmed"), kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if resp, err := adm.CreateTopic(ctx, 1, 1, nil, "trimmed"); err != nil || resp.Err != nil {
		t.Fatalf("creating trimmed: %v %v", err, resp.Err)
	}
	for i := 0; i < 10; i++ {
		if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte("x")}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	var upTo kadm.Offsets
	upTo.Add(kadm.Offset{Topic: "trimmed", Partition: 0, At: 4})
	if _, err := adm.DeleteRecords(ctx, upTo); err != nil {
		t.Fatal(err)
	}
	r, err := Gather(ctx, adm, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Topics) != 1 || r.Topics[0].Records == nil || *r.Topics[0].Records != 6 {
		t.Fatalf("topics %+v, want trimmed with 6 records", r.Topics)
	}
}

// TestSizesThatCannotBeReadAreWarnedOf: when no broker describes its log
// dirs or lists its groups, sizes are null and a warning says why, once each.
func TestSizesThatCannotBeReadAreWarnedOf(t *testing.T) {
	c := testkit.FakeCluster(t, 1, kfake.SeedTopics(1, "sized"))
	for _, k := range []kmsg.Key{kmsg.DescribeLogDirs, kmsg.ListGroups} {
		c.ControlKey(int16(k), func(kmsg.Request) (kmsg.Response, error, bool) {
			c.KeepControl()
			return nil, errors.New("not answering"), true
		})
	}
	r := gatherOnce(t, c)
	if len(r.Topics) != 1 || r.Topics[0].SizeBytes != nil {
		t.Fatalf("topics %+v, want sized without a size", r.Topics)
	}
	if len(r.Warnings) != 2 || !strings.HasPrefix(r.Warnings[0], "log dir sizes: ") || !strings.HasPrefix(r.Warnings[1], "consumer groups: ") {
		t.Fatalf("warnings %q, want one about log dir sizes and one about consumer groups", r.Warnings)
	}
}

// gatherOnce gathers the status of c with a client that does not retry,
// so that a request the cluster refuses shows at once.
func gatherOnce(t *testing.T, c *kfake.Cluster) *Report {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RequestRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := Gather(ctx, kadm.NewClient(cl), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}
