package ready

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// The internal topics whose partitions must all have a live leader.
const (
	OffsetsTopic     = "__consumer_offsets"
	TransactionTopic = "__transaction_state"
)

// DefaultOffsetsPartitions is offsets.topic.num.partitions' default, used
// for the probe groups while the offsets topic is not in the metadata (not
// yet created, or a cluster that does not show it).
const DefaultOffsetsPartitions = 50

// Probe runs one round against the cluster: fresh metadata (brokers,
// controller, internal topics), then, once every expected broker and a
// controller are there, FindCoordinator and OffsetFetch for one group on
// each offsets partition. prevErr is kept as LastErr when this round sees
// no error.
func Probe(ctx context.Context, adm *kadm.Client, expected []int32, prevErr error) State {
	st := State{Controller: -1, Coordinator: -1, LastErr: prevErr}
	// kadm caches metadata for seconds; asking for authorized operations
	// bypasses that cache, so every probe sees the cluster as it is now.
	m, err := adm.Metadata(kadm.WithAuthorizedOps(ctx))
	if err != nil {
		st.LastErr = err
		return st
	}
	st.ClusterID = m.Cluster
	st.Controller = m.Controller
	live := map[int32]bool{}
	for _, b := range m.Brokers {
		st.Brokers = append(st.Brokers, b.NodeID)
		live[b.NodeID] = true
	}
	sort.Slice(st.Brokers, func(i, j int) bool { return st.Brokers[i] < st.Brokers[j] })
	leaders := map[int32]int32{} // offsets partition -> leader
	for _, name := range []string{OffsetsTopic, TransactionTopic} {
		t, ok := m.Topics[name]
		if !ok || errors.Is(t.Err, kerr.UnknownTopicOrPartition) {
			continue
		}
		it := InternalTopic{Name: name, Partitions: len(t.Partitions)}
		for _, p := range t.Partitions {
			if p.Err != nil || p.Leader < 0 || !live[p.Leader] {
				it.Leaderless++
			}
			if name == OffsetsTopic {
				leaders[p.Partition] = p.Leader
			}
		}
		if t.Err != nil && it.Partitions == 0 {
			it.Leaderless = 1
			st.LastErr = fmt.Errorf("reading the metadata of %s: %w", name, t.Err)
		}
		st.Internal = append(st.Internal, it)
	}
	if len(st.missingBrokers(expected)) > 0 || st.Controller < 0 {
		return st
	}
	n := len(leaders)
	if n == 0 {
		n = DefaultOffsetsPartitions
	}
	probeGroups(ctx, adm, groupsFor(n), n, leaders, &st)
	return st
}

// probeGroups asks for the coordinator of each group and then for its
// committed offsets, and counts the groups whose coordinator answered
// both (on the leader of the group's offsets partition, where leaders
// knows it).
func probeGroups(ctx context.Context, adm *kadm.Client, groups []string, partitions int, leaders map[int32]int32, st *State) {
	st.Groups = len(groups)
	unanswered := func(g, why string) {
		if len(st.Unanswered) < 3 {
			st.Unanswered = append(st.Unanswered, g+": "+why)
		}
	}
	coords := adm.FindGroupCoordinators(ctx, groups...)
	ok := make([]string, 0, len(groups))
	for i, g := range groups {
		r, found := coords[g]
		switch {
		case !found:
			unanswered(g, "no FindCoordinator answer")
		case r.Err != nil:
			unanswered(g, "FindCoordinator: "+errName(r.Err))
			st.LastErr = fmt.Errorf("finding the coordinator of group %s: %w", g, r.Err)
		default:
			if i == 0 {
				st.Coordinator = r.NodeID
			}
			if lead, known := leaders[partitionFor(g, partitions)]; known && lead != r.NodeID {
				unanswered(g, fmt.Sprintf("coordinator %d is not the offsets partition's leader %d", r.NodeID, lead))
				continue
			}
			ok = append(ok, g)
		}
	}
	if len(ok) == 0 {
		return
	}
	for g, r := range adm.FetchManyOffsets(ctx, ok...) {
		// An unknown group is answered: real Kafka says nothing is
		// committed, some Kafka-protocol servers say GROUP_ID_NOT_FOUND.
		if r.Err == nil || errors.Is(r.Err, kerr.GroupIDNotFound) {
			st.Answered++
		} else {
			unanswered(g, "OffsetFetch: "+errName(r.Err))
			st.LastErr = fmt.Errorf("fetching the offsets of group %s: %w", g, r.Err)
		}
	}
}

// errName is a Kafka error's name (NOT_COORDINATOR), else its text.
func errName(err error) string {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Message
	}
	return err.Error()
}

// groupsFor returns one probe group id for each of n offsets partitions
// (in partition order), so that together they reach every group
// coordinator.
func groupsFor(n int) []string {
	byPartition := make([]string, n)
	found := 0
	for i := 0; found < n && i < 1000*n; i++ {
		g := fmt.Sprintf("kafkastack-ready-%d", i)
		if p := partitionFor(g, n); byPartition[p] == "" {
			byPartition[p] = g
			found++
		}
	}
	out := make([]string, 0, found)
	for _, g := range byPartition {
		if g != "" {
			out = append(out, g)
		}
	}
	return out
}

// partitionFor is Kafka's mapping of a group id to its offsets partition:
// Utils.abs(groupId.hashCode()) % partitions, with Java's String.hashCode.
func partitionFor(group string, partitions int) int32 {
	var h int32
	for _, u := range utf16Units(group) {
		h = 31*h + int32(u)
	}
	if h == -h { // 0 or math.MinInt32, which Utils.abs maps to 0
		h = 0
	}
	if h < 0 {
		h = -h
	}
	return h % int32(partitions)
}

func utf16Units(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			out = append(out, uint16(0xD800+(r>>10)), uint16(0xDC00+(r&0x3FF)))
			continue
		}
		out = append(out, uint16(r))
	}
	return out
}
