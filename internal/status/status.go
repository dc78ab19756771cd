// Package status gathers what a running cluster looks like — its id and
// controller, brokers, topics (partitions, replication, health, min ISR,
// records, size), consumer groups with their lag, and the runtime's
// services — and writes it as aligned tables or JSON. A report holds no
// secrets: it reads no credentials, and Options.Secrets are scrubbed from
// every text it keeps.
package status

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"

	"kafkastack/internal/cluster"
)

// Options say what Gather adds to what it reads from the cluster.
type Options struct {
	// Runtime is the runtime's name, shown in the Cluster section.
	Runtime string
	// Bootstrap is the seed broker list, shown in the Cluster section.
	Bootstrap []string
	// Services are the runtime's processes or containers, if it lists them.
	Services []cluster.ServiceState
	// IncludeInternal keeps internal topics (__consumer_offsets and every
	// name starting with "__") in Topics and in group lag.
	IncludeInternal bool
	// Secrets are values (such as the SASL password) replaced by "***" in
	// every text the report keeps: warnings, errors and service details.
	Secrets []string
}

// Report is a cluster's status. JSON field names are lower_snake_case and
// stable; a value that could not be read is null (sizes, records, min
// ISR) and the reason is in Warnings.
type Report struct {
	Runtime      string                 `json:"runtime"`
	Bootstrap    []string               `json:"bootstrap"`
	ClusterID    string                 `json:"cluster_id"`
	ControllerID int32                  `json:"controller_id"`
	Brokers      []Broker               `json:"brokers"`
	Topics       []Topic                `json:"topics"`
	Groups       []Group                `json:"groups"`
	Services     []cluster.ServiceState `json:"services"`
	// Warnings say which parts could not be read, one line each.
	Warnings []string `json:"warnings"`
}

// Broker is one broker of the cluster.
type Broker struct {
	ID         int32  `json:"id"`
	Address    string `json:"address"` // host:port
	Rack       string `json:"rack"`    // "" when none
	Controller bool   `json:"controller"`
}

// Topic is one topic and its health.
type Topic struct {
	Name              string `json:"name"`
	Internal          bool   `json:"internal"`
	Partitions        int    `json:"partitions"`
	ReplicationFactor int    `json:"replication_factor"`
	// UnderReplicated counts partitions with fewer in-sync replicas than
	// replicas.
	UnderReplicated int `json:"under_replicated_partitions"`
	// Offline counts partitions without a leader.
	Offline int `json:"offline_partitions"`
	// MinInsyncReplicas is the topic's min.insync.replicas (its own or the
	// broker default); null when unreadable.
	MinInsyncReplicas *int `json:"min_insync_replicas"`
	// Records is the sum over partitions of end offset minus start offset
	// (transaction markers count too); null when unreadable.
	Records *int64 `json:"records"`
	// SizeBytes is the size of the partitions' leader replicas on disk;
	// null when the cluster does not report it.
	SizeBytes *int64 `json:"size_bytes"`
}

// Group is one consumer group and its lag.
type Group struct {
	Name          string `json:"name"`
	State         string `json:"state"`
	ProtocolType  string `json:"protocol_type"`
	Members       int    `json:"members"`
	CoordinatorID int32  `json:"coordinator_id"`
	// TotalLag is the sum of Lag's totals.
	TotalLag int64      `json:"total_lag"`
	Lag      []TopicLag `json:"lag"`
	// Error says why the group or its offsets could not be read.
	Error string `json:"error,omitempty"`
}

// TopicLag is a group's lag on one topic.
type TopicLag struct {
	Topic string `json:"topic"`
	// Total is the records the group has still to read on the topic.
	Total int64 `json:"total"`
	// MaxPartition is the partition that lags most, and MaxPartitionLag
	// its lag.
	MaxPartition    int32 `json:"max_partition"`
	MaxPartitionLag int64 `json:"max_partition_lag"`
	// UnknownPartitions counts partitions whose lag could not be computed.
	UnknownPartitions int `json:"unknown_partitions"`
}

// Gather reads the cluster's status through adm. It fails only when the
// cluster's metadata cannot be read; any other part that cannot be read
// (configs, log dirs, offsets, groups) is left null and explained in
// Warnings.
func Gather(ctx context.Context, adm *kadm.Client, o Options) (*Report, error) {
	r := &Report{
		Runtime:   o.Runtime,
		Bootstrap: append([]string{}, o.Bootstrap...),
		Brokers:   []Broker{},
		Topics:    []Topic{},
		Groups:    []Group{},
		Services:  append([]cluster.ServiceState{}, o.Services...),
		Warnings:  []string{},
	}
	// WithAuthorizedOps bypasses kadm's metadata cache: status is now.
	md, err := adm.Metadata(kadm.WithAuthorizedOps(ctx))
	if err != nil {
		return nil, fmt.Errorf("reading the cluster's metadata: %w", err)
	}
	r.ClusterID, r.ControllerID = md.Cluster, md.Controller
	for _, b := range md.Brokers {
		br := Broker{ID: b.NodeID, Address: joinHostPort(b.Host, b.Port), Controller: b.NodeID == md.Controller}
		if b.Rack != nil {
			br.Rack = *b.Rack
		}
		r.Brokers = append(r.Brokers, br)
	}
	slices.SortFunc(r.Brokers, func(a, b Broker) int { return cmp.Compare(a.ID, b.ID) })

	var names []string
	shown := map[string]bool{}
	for name, td := range md.Topics {
		internal := isInternal(name, td.IsInternal)
		if internal && !o.IncludeInternal {
			continue
		}
		if td.Err != nil {
			r.warnf("topic %s: %v", name, td.Err)
		}
		t := Topic{Name: name, Internal: internal}
		t.Partitions, t.ReplicationFactor, t.UnderReplicated, t.Offline = summarizePartitions(td.Partitions)
		r.Topics = append(r.Topics, t)
		names = append(names, name)
		shown[name] = true
	}
	slices.SortFunc(r.Topics, func(a, b Topic) int { return cmp.Compare(a.Name, b.Name) })
	slices.Sort(names)

	if len(names) > 0 {
		r.minISR(ctx, adm, names, md)
		r.records(ctx, adm, names)
		r.sizes(ctx, adm, md, shown)
	}
	r.groups(ctx, adm, o.IncludeInternal)

	for i := range r.Services {
		r.Services[i].Detail = scrub(r.Services[i].Detail, o.Secrets)
	}
	for i := range r.Warnings {
		r.Warnings[i] = scrub(r.Warnings[i], o.Secrets)
	}
	for i := range r.Groups {
		r.Groups[i].Error = scrub(r.Groups[i].Error, o.Secrets)
	}
	return r, nil
}

func (r *Report) warnf(format string, args ...any) {
	r.Warnings = append(r.Warnings, strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", " "))
}

func (r *Report) topic(name string) *Topic {
	i := sort.Search(len(r.Topics), func(i int) bool { return r.Topics[i].Name >= name })
	if i < len(r.Topics) && r.Topics[i].Name == name {
		return &r.Topics[i]
	}
	return nil
}

// summarizePartitions returns the partition count, the replication factor
// (the most replicas any partition has), and how many partitions are under
// replicated and offline.
func summarizePartitions(ps kadm.PartitionDetails) (n, rf, under, offline int) {
	for _, p := range ps {
		n++
		rf = max(rf, len(p.Replicas))
		if len(p.ISR) < len(p.Replicas) {
			under++
		}
		if p.Leader < 0 {
			offline++
		}
	}
	return n, rf, under, offline
}

// minISR reads min.insync.replicas from the topics' configs, falling back
// to the broker's default when a topic's config does not say.
func (r *Report) minISR(ctx context.Context, adm *kadm.Client, names []string, md kadm.Metadata) {
	const key = "min.insync.replicas"
	var missing []*Topic
	rcs, err := adm.DescribeTopicConfigs(ctx, names...)
	if err != nil {
		r.warnf("topic configs: %v", err)
	}
	have := map[string]bool{}
	for _, rc := range rcs {
		t := r.topic(rc.Name)
		if t == nil {
			continue
		}
		if rc.Err != nil {
			r.warnf("configs of topic %s: %v", rc.Name, rc.Err)
			continue
		}
		for _, c := range rc.Configs {
			if c.Key != key || c.Value == nil {
				continue
			}
			if n, err := strconv.Atoi(*c.Value); err == nil {
				t.MinInsyncReplicas = &n
				have[rc.Name] = true
			}
		}
	}
	for i := range r.Topics {
		if !have[r.Topics[i].Name] {
			missing = append(missing, &r.Topics[i])
		}
	}
	if len(missing) == 0 || len(md.Brokers) == 0 {
		return
	}
	id := defaultsBroker(md)
	bcs, err := adm.DescribeBrokerConfigs(ctx, id)
	if err != nil {
		r.warnf("broker %d configs: %v", id, err)
		return
	}
	for _, rc := range bcs {
		for _, c := range rc.Configs {
			if c.Key != key || c.Value == nil {
				continue
			}
			if n, err := strconv.Atoi(*c.Value); err == nil {
				for _, t := range missing {
					v := n
					t.MinInsyncReplicas = &v
				}
				return
			}
		}
	}
}

// defaultsBroker is the broker asked for the broker defaults: the
// controller when known, else the first broker listed. md lists at least
// one broker.
func defaultsBroker(md kadm.Metadata) int32 {
	if md.Controller >= 0 {
		return md.Controller
	}
	return md.Brokers[0].NodeID
}

// records sums end minus start offsets per topic.
func (r *Report) records(ctx context.Context, adm *kadm.Client, names []string) {
	starts, err := adm.ListStartOffsets(ctx, names...)
	if err != nil {
		r.warnf("start offsets: %v", err)
		return
	}
	ends, err := adm.ListEndOffsets(ctx, names...)
	if err != nil {
		r.warnf("end offsets: %v", err)
		return
	}
	for _, name := range names {
		if sum, ok := recordCount(starts, ends, name); ok {
			r.topic(name).Records = &sum
		}
	}
}

// recordCount is the records a topic holds: the sum over its partitions of
// end minus start offset. It is unknown (false) when a partition's offsets
// could not be listed, and when no partition was listed at all.
func recordCount(starts, ends kadm.ListedOffsets, name string) (int64, bool) {
	var sum int64
	for p, end := range ends[name] {
		start, found := starts.Lookup(name, p)
		if end.Err != nil || !found || start.Err != nil {
			return 0, false
		}
		sum += end.Offset - start.Offset
	}
	return sum, len(ends[name]) > 0
}

// sizes reads the leader replicas' sizes from DescribeLogDirs; a broker
// that does not answer leaves its partitions' topics without a size.
func (r *Report) sizes(ctx context.Context, adm *kadm.Client, md kadm.Metadata, shown map[string]bool) {
	all, err := adm.DescribeAllLogDirs(ctx, nil)
	if err != nil && len(all) == 0 {
		r.warnf("log dir sizes: %v", err)
		return
	}
	for name, td := range md.Topics {
		t := r.topic(name)
		if !shown[name] || t == nil {
			continue
		}
		if sum, ok := topicSize(all, name, td.Partitions); ok {
			t.SizeBytes = &sum
		}
	}
}

// topicSize is the size of a topic's leader replicas on disk; for a
// partition whose leader did not report, its largest reported replica. It
// is unknown (false) when a partition has no report from any replica, and
// when the topic has no partition.
func topicSize(all kadm.DescribedAllLogDirs, name string, ps kadm.PartitionDetails) (int64, bool) {
	var sum int64
	for p, pd := range ps {
		size, ok := replicaSize(all, pd.Leader, name, p)
		if !ok {
			// No leader report: take the largest replica seen.
			for _, rep := range pd.Replicas {
				if s, found := replicaSize(all, rep, name, p); found {
					size, ok = max(size, s), true
				}
			}
		}
		if !ok {
			return 0, false
		}
		sum += size
	}
	return sum, len(ps) > 0
}

func replicaSize(all kadm.DescribedAllLogDirs, broker int32, topic string, p int32) (int64, bool) {
	dirs, ok := all[broker]
	if !ok {
		return 0, false
	}
	for _, d := range dirs {
		if d.Err != nil {
			continue
		}
		if dp, ok := d.Topics.Lookup(topic, p); ok {
			return dp.Size, true
		}
	}
	return 0, false
}

// groups lists the consumer groups and their lag per topic.
func (r *Report) groups(ctx context.Context, adm *kadm.Client, includeInternal bool) {
	listed, err := adm.ListGroups(ctx)
	if err != nil && len(listed) == 0 {
		r.warnf("consumer groups: %v", err)
		return
	}
	if err != nil {
		r.warnf("consumer groups (some brokers did not answer): %v", err)
	}
	names := listed.Groups()
	if len(names) == 0 {
		return
	}
	lags, err := adm.Lag(ctx, names...)
	if err != nil {
		r.warnf("group lag: %v", err)
		for _, n := range names {
			g := listed[n]
			r.Groups = append(r.Groups, Group{Name: n, State: g.State, ProtocolType: g.ProtocolType, CoordinatorID: g.Coordinator, Lag: []TopicLag{}, Error: err.Error()})
		}
		slices.SortFunc(r.Groups, func(a, b Group) int { return cmp.Compare(a.Name, b.Name) })
		return
	}
	for _, l := range lags.Sorted() {
		g := Group{
			Name: l.Group, State: l.State, ProtocolType: l.ProtocolType,
			Members: len(l.Members), CoordinatorID: l.Coordinator.NodeID, Lag: []TopicLag{},
		}
		if e := l.Error(); e != nil {
			g.Error = strings.ReplaceAll(e.Error(), "\n", " ")
		}
		for topic, ps := range l.Lag {
			if isInternal(topic, false) && !includeInternal {
				continue
			}
			tl := topicLag(topic, ps)
			g.TotalLag += tl.Total
			g.Lag = append(g.Lag, tl)
		}
		slices.SortFunc(g.Lag, func(a, b TopicLag) int { return cmp.Compare(a.Topic, b.Topic) })
		r.Groups = append(r.Groups, g)
	}
}

// topicLag sums a group's lag on one topic over its partitions, and finds
// the partition that lags most (the lowest such partition on a tie; none,
// -1, when no partition's lag is known). A partition whose lag could not
// be computed counts as unknown.
func topicLag(topic string, ps map[int32]kadm.GroupMemberLag) TopicLag {
	tl := TopicLag{Topic: topic, MaxPartition: -1}
	for _, p := range slices.Sorted(maps.Keys(ps)) {
		ml := ps[p]
		if ml.Err != nil || ml.Lag < 0 {
			tl.UnknownPartitions++
			continue
		}
		tl.Total += ml.Lag
		if tl.MaxPartition < 0 || ml.Lag > tl.MaxPartitionLag {
			tl.MaxPartition, tl.MaxPartitionLag = p, ml.Lag
		}
	}
	return tl
}

// isInternal reports whether a topic is internal: flagged so, or named
// with a leading "__" (__consumer_offsets, __transaction_state, ...).
func isInternal(name string, flagged bool) bool {
	return flagged || strings.HasPrefix(name, "__")
}

func joinHostPort(host string, port int32) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + strconv.Itoa(int(port))
	}
	return host + ":" + strconv.Itoa(int(port))
}

func scrub(s string, secrets []string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "***")
		}
	}
	return s
}

// errNoReport is returned by the writers for a nil report.
var errNoReport = errors.New("no status report to write")
