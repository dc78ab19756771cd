package status

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
)

// cellStarts are the offsets where the cells of a table line start: after
// the indent, and after each run of two or more blanks (the padding
// between columns; a cell holds single blanks at most).
func cellStarts(line string) []int {
	var out []int
	for i := 2; i < len(line); i++ {
		if line[i] != ' ' && line[i-1] == ' ' && line[i-2] == ' ' {
			out = append(out, i)
		}
	}
	return out
}

// checkTableShape checks the promises of every status table: no line ends
// with a blank, every row of the Cluster section has a value, and in every
// section with a header each cell of a row starts in its header's column.
func checkTableShape(t *testing.T, table string) {
	t.Helper()
	var section string
	var header []int
	for _, line := range strings.Split(strings.TrimSuffix(table, "\n"), "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("line %q ends with a blank", line)
		}
		switch {
		case line == "":
			header = nil
		case !strings.HasPrefix(line, " "):
			section = line
		case section == "CLUSTER":
			if len(cellStarts(line)) != 2 {
				t.Errorf("cluster row %q has no value, or more than one", line)
			}
		case header == nil && strings.ToUpper(line) == line:
			header = cellStarts(line)
		case header != nil:
			got := cellStarts(line)
			if len(got) > len(header) {
				t.Errorf("%s row %q has more cells than its header", section, line)
				continue
			}
			for i, at := range got {
				if at != header[i] {
					t.Errorf("%s row %q: cell %d starts at %d, its column at %d", section, line, i+1, at, header[i])
				}
			}
		}
	}
}

func richReport() *Report {
	minISR, records, bytes := 2, int64(5), int64(3000)
	return &Report{
		ClusterID: "c", ControllerID: 0, Runtime: "embedded", Bootstrap: []string{"a:1", "b:2"},
		Brokers: []Broker{{ID: 0, Address: "a:1", Controller: true}, {ID: 1, Address: "b:2"}, {ID: 2, Address: "c:3", Rack: "rack-b"}},
		Topics:  []Topic{{Name: "orders", Partitions: 3, ReplicationFactor: 3, MinInsyncReplicas: &minISR, Records: &records, SizeBytes: &bytes}, {Name: "x"}},
		Groups: []Group{
			{Name: "billing", State: "Empty", Lag: []TopicLag{{Topic: "orders", Total: 7, MaxPartition: 0, MaxPartitionLag: 5, UnknownPartitions: 1}, {Topic: "x", MaxPartition: -1}}},
			{Name: "dead", Error: "GROUP_AUTHORIZATION_FAILED"},
		},
		Services: []cluster.ServiceState{{Service: "kafka1", State: "running", PID: 12, Detail: "x"}, {Service: "zookeeper", State: "exited"}},
		Warnings: []string{"log dir sizes:\tnot answered"},
	}
}

// TestTableColumnsLineUp: an empty cell (a broker without a role, a
// service without a detail) keeps the cells after it in their columns,
// and no line is padded with blanks.
func TestTableColumnsLineUp(t *testing.T) {
	var buf bytes.Buffer
	if err := richReport().WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	t.Logf("\n%s", out)
	checkTableShape(t, out)
	if !strings.HasSuffix(out, "\n") || strings.HasSuffix(out, "\n\n") {
		t.Errorf("the table does not end with exactly one line end: %q", out[max(0, len(out)-20):])
	}
	// The warning keeps its words, without the tab.
	if !hasRow(out, []string{"-", "log", "dir", "sizes:", "not", "answered"}) {
		t.Errorf("warning row missing:\n%s", out)
	}
}

// TestClusterSectionShowsWhatIsKnown: broker 0 is a controller like any
// other; the runtime and bootstrap rows show only when known.
func TestClusterSectionShowsWhatIsKnown(t *testing.T) {
	var buf bytes.Buffer
	if err := richReport().WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range [][]string{{"controller", "0"}, {"runtime", "embedded"}, {"bootstrap", "a:1,b:2"}, {"brokers", "3"}, {"0", "a:1", "-", "controller"}} {
		if !hasRow(buf.String(), want) {
			t.Errorf("no row %q in\n%s", want, buf.String())
		}
	}
	buf.Reset()
	if err := (&Report{ControllerID: -1}).WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	checkTableShape(t, out)
	if !hasRow(out, []string{"controller", "-"}) || !hasRow(out, []string{"id", "-"}) || hasRow(out, []string{"runtime"}) || hasRow(out, []string{"bootstrap"}) {
		t.Errorf("an empty report:\n%s", out)
	}
}

// TestServicesWithoutAProcessShowNoPID: PID 0 is no process.
func TestServicesWithoutAProcessShowNoPID(t *testing.T) {
	var buf bytes.Buffer
	r := &Report{Services: []cluster.ServiceState{{Service: "kafka1", State: "running", PID: 0}, {Service: "kafka2", State: "running", PID: 1}}}
	if err := r.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	if !hasRow(buf.String(), []string{"kafka1", "running", "-", "-"}) || !hasRow(buf.String(), []string{"kafka2", "running", "1", "-"}) {
		t.Fatalf("services:\n%s", buf.String())
	}
}

func TestLagCells(t *testing.T) {
	for _, tc := range []struct {
		l        TopicLag
		lag, max string
	}{
		{TopicLag{Total: 7, MaxPartition: 0, MaxPartitionLag: 5}, "7", "5 (partition 0)"},
		{TopicLag{Total: 7, MaxPartition: 2, MaxPartitionLag: 5, UnknownPartitions: 1}, "7 (+1 partitions unknown)", "5 (partition 2)"},
		{TopicLag{MaxPartition: -1, UnknownPartitions: 3}, "0 (+3 partitions unknown)", "-"},
	} {
		lag, max := lagCells(tc.l)
		if lag != tc.lag || max != tc.max {
			t.Errorf("%+v: %q, %q; want %q, %q", tc.l, lag, max, tc.lag, tc.max)
		}
	}
}

func TestSizeUnits(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	for _, tc := range []struct {
		v    *int64
		want string
	}{
		{nil, "-"},
		{n(0), "0 B"},
		{n(1023), "1023 B"},
		{n(1024), "1.0 KiB"},
		{n(1536), "1.5 KiB"},
		{n(1024*1024 - 1), "1024.0 KiB"},
		{n(3 << 20), "3.0 MiB"},
		{n(5 << 30), "5.0 GiB"},
		{n(2048 << 30), "2048.0 GiB"},
	} {
		if got := size(tc.v); got != tc.want {
			t.Errorf("size(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// TestTopicLag: the partition that lags most is found whatever the
// order, ties go to the lowest partition, and partitions whose lag is
// unknown are counted, not summed.
func TestTopicLag(t *testing.T) {
	lag := func(ls ...int64) map[int32]kadm.GroupMemberLag {
		m := map[int32]kadm.GroupMemberLag{}
		for p, l := range ls {
			m[int32(p)] = kadm.GroupMemberLag{Partition: int32(p), Lag: l}
		}
		return m
	}
	failed := lag(4, 0, 9)
	failed[1] = kadm.GroupMemberLag{Partition: 1, Lag: 3, Err: errors.New("OFFSET_NOT_AVAILABLE")}
	for _, tc := range []struct {
		name string
		ps   map[int32]kadm.GroupMemberLag
		want TopicLag
	}{
		{"max last", lag(1, 2, 6), TopicLag{Total: 9, MaxPartition: 2, MaxPartitionLag: 6}},
		{"max first", lag(6, 2, 1), TopicLag{Total: 9, MaxPartition: 0, MaxPartitionLag: 6}},
		{"tie", lag(1, 5, 5, 5), TopicLag{Total: 16, MaxPartition: 1, MaxPartitionLag: 5}},
		{"nothing to read", lag(0, 0), TopicLag{MaxPartition: 0}},
		{"unknown", lag(-1, 2, -1), TopicLag{Total: 2, MaxPartition: 1, MaxPartitionLag: 2, UnknownPartitions: 2}},
		{"all unknown", lag(-1, -1), TopicLag{MaxPartition: -1, UnknownPartitions: 2}},
		{"an error", failed, TopicLag{Total: 13, MaxPartition: 2, MaxPartitionLag: 9, UnknownPartitions: 1}},
		{"no partition", nil, TopicLag{MaxPartition: -1}},
	} {
		tc.want.Topic = "t"
		for range 5 { // map order differs run to run
			if got := topicLag("t", tc.ps); got != tc.want {
				t.Fatalf("%s: %+v, want %+v", tc.name, got, tc.want)
			}
		}
	}
}

// TestRecordCount: a topic's records are known only when every partition's
// start and end offsets are, and when it has partitions at all.
func TestRecordCount(t *testing.T) {
	offs := func(os ...int64) kadm.ListedOffsets {
		l := kadm.ListedOffsets{"t": {}}
		for p, o := range os {
			l["t"][int32(p)] = kadm.ListedOffset{Topic: "t", Partition: int32(p), Offset: o}
		}
		return l
	}
	if n, ok := recordCount(offs(2, 0), offs(10, 5), "t"); !ok || n != 13 {
		t.Fatalf("records %d, %v; want 13", n, ok)
	}
	if n, ok := recordCount(offs(), offs(), "t"); ok {
		t.Fatalf("a topic without partitions has %d records", n)
	}
	if n, ok := recordCount(offs(0), offs(10, 5), "t"); ok {
		t.Fatalf("a partition without a start offset: %d records", n)
	}
	failedEnd, failedStart := offs(10, 5), offs(0, 0)
	failedEnd["t"][1] = kadm.ListedOffset{Err: errors.New("NOT_LEADER_FOR_PARTITION")}
	failedStart["t"][0] = kadm.ListedOffset{Err: errors.New("NOT_LEADER_FOR_PARTITION")}
	if n, ok := recordCount(offs(0, 0), failedEnd, "t"); ok {
		t.Fatalf("an end offset that failed: %d records", n)
	}
	if n, ok := recordCount(failedStart, offs(10, 5), "t"); ok {
		t.Fatalf("a start offset that failed: %d records", n)
	}
}

// TestTopicSize: a partition's size is its leader's; without the leader's
// report, the largest replica reported; unknown without any, and for a
// topic without partitions.
func TestTopicSize(t *testing.T) {
	dirs := func(sizes map[int32]map[int32]int64) kadm.DescribedAllLogDirs {
		all := kadm.DescribedAllLogDirs{}
		for broker, ps := range sizes {
			d := kadm.DescribedLogDir{Broker: broker, Dir: "/data", Topics: kadm.DescribedLogDirTopics{"t": {}}}
			for p, s := range ps {
				d.Topics["t"][p] = kadm.DescribedLogDirPartition{Broker: broker, Topic: "t", Partition: p, Size: s}
			}
			all[broker] = kadm.DescribedLogDirs{"/data": d}
		}
		return all
	}
	parts := kadm.PartitionDetails{
		0: {Partition: 0, Leader: 1, Replicas: []int32{1, 2, 3}},
		1: {Partition: 1, Leader: 2, Replicas: []int32{2, 3, 1}},
	}
	// Leaders report: their sizes, not the larger follower's.
	all := dirs(map[int32]map[int32]int64{1: {0: 100, 1: 999}, 2: {1: 50}, 3: {0: 700}})
	if n, ok := topicSize(all, "t", parts); !ok || n != 150 {
		t.Fatalf("size %d, %v; want 150 from the leaders", n, ok)
	}
	// Partition 1's leader (2) is silent: its largest replica, 3's or 1's.
	all = dirs(map[int32]map[int32]int64{1: {0: 100, 1: 40}, 3: {1: 60}})
	if n, ok := topicSize(all, "t", parts); !ok || n != 160 {
		t.Fatalf("size %d, %v; want 160", n, ok)
	}
	all = dirs(map[int32]map[int32]int64{1: {0: 100, 1: 60}, 3: {1: 40}})
	if n, ok := topicSize(all, "t", parts); !ok || n != 160 {
		t.Fatalf("size %d, %v; want 160", n, ok)
	}
	// No replica of partition 1 reports.
	all = dirs(map[int32]map[int32]int64{1: {0: 100}})
	if n, ok := topicSize(all, "t", parts); ok {
		t.Fatalf("size %d of a partition nobody reported", n)
	}
	// A directory that failed is not read: partition 1's leader (2)
	// failed, so its replica on 3 counts.
	all = dirs(map[int32]map[int32]int64{1: {0: 100}, 2: {1: 50}, 3: {1: 30}})
	d := all[2]["/data"]
	d.Err = errors.New("KAFKA_STORAGE_ERROR")
	all[2]["/data"] = d
	if n, ok := topicSize(all, "t", parts); !ok || n != 130 {
		t.Fatalf("size %d, %v; want 130, not from the failed directory", n, ok)
	}
	if n, ok := topicSize(all, "t", kadm.PartitionDetails{}); ok {
		t.Fatalf("a topic without partitions has size %d", n)
	}
}

// TestDefaultsBrokerIsTheController: the broker defaults come from the
// controller, broker 0 included; with no controller known, from the first
// broker.
func TestDefaultsBrokerIsTheController(t *testing.T) {
	brokers := kadm.BrokerDetails{kgo.BrokerMetadata{NodeID: 2}, kgo.BrokerMetadata{NodeID: 0}}
	if id := defaultsBroker(kadm.Metadata{Controller: 0, Brokers: brokers}); id != 0 {
		t.Fatalf("controller 0: asked broker %d", id)
	}
	if id := defaultsBroker(kadm.Metadata{Controller: -1, Brokers: brokers}); id != 2 {
		t.Fatalf("no controller: asked broker %d, want the first listed, 2", id)
	}
}

func TestBrokerAddressesCanBeDialled(t *testing.T) {
	if got := joinHostPort("::1", 9092); got != "[::1]:9092" {
		t.Fatalf("IPv6: %q", got)
	}
	if got := joinHostPort("kafka1", 19092); got != "kafka1:19092" {
		t.Fatalf("host name: %q", got)
	}
}
