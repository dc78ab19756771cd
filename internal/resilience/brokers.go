package resilience

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sethvargo/go-retry"
	"github.com/twmb/franz-go/pkg/kadm"
)

// partitionState is one partition as the metadata shows it.
type partitionState struct {
	Partition int32
	Leader    int32
	Replicas  []int32
	ISR       []int32
}

// clusterState is a fresh metadata view of the brokers and one topic.
type clusterState struct {
	Brokers    []int32
	Controller int32
	Partitions []partitionState
	// Answering are the brokers that answered a request of their own
	// (ApiVersions); filled only by fetchServingState.
	Answering []int32
}

// fetchState reads fresh metadata (kadm caches metadata; asking for the
// authorized operations bypasses that cache) for topic.
func fetchState(ctx context.Context, adm *kadm.Client, topic string) (clusterState, error) {
	m, err := adm.Metadata(kadm.WithAuthorizedOps(ctx), topic)
	if err != nil {
		return clusterState{}, fmt.Errorf("reading metadata: %w", err)
	}
	st := clusterState{Controller: m.Controller}
	for _, b := range m.Brokers {
		st.Brokers = append(st.Brokers, b.NodeID)
	}
	sort.Slice(st.Brokers, func(i, j int) bool { return st.Brokers[i] < st.Brokers[j] })
	t, ok := m.Topics[topic]
	if !ok {
		return st, fmt.Errorf("topic %s is not in the metadata", topic)
	}
	if t.Err != nil {
		return st, fmt.Errorf("reading metadata of %s: %w", topic, t.Err)
	}
	for _, p := range t.Partitions.Sorted() {
		st.Partitions = append(st.Partitions, partitionState{
			Partition: p.Partition, Leader: p.Leader,
			Replicas: append([]int32(nil), p.Replicas...), ISR: append([]int32(nil), p.ISR...),
		})
	}
	return st, nil
}

func has(ids []int32, id int32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// fullISR reports whether every expected broker is in the metadata and
// every partition has a leader and rf in-sync replicas, all of them live
// brokers; else it says what is short.
func (st clusterState) fullISR(expected []int32, rf int) (bool, string) {
	for _, id := range expected {
		if !has(st.Brokers, id) {
			return false, fmt.Sprintf("broker %d is not in the metadata", id)
		}
	}
	if len(st.Partitions) == 0 {
		return false, "the topic has no partitions in the metadata"
	}
	for _, p := range st.Partitions {
		if p.Leader < 0 {
			return false, fmt.Sprintf("partition %d has no leader", p.Partition)
		}
		live := 0
		for _, r := range p.ISR {
			if has(st.Brokers, r) {
				live++
			}
		}
		if live < rf {
			return false, fmt.Sprintf("partition %d has ISR %v, want %d replicas in sync", p.Partition, p.ISR, rf)
		}
	}
	return true, ""
}

// serving reports whether every expected broker answers requests of its
// own and the ISR is full (fullISR); else it says what is short.
func (st clusterState) serving(expected []int32, rf int) (bool, string) {
	for _, id := range expected {
		if !has(st.Answering, id) {
			return false, fmt.Sprintf("broker %d does not answer yet", id)
		}
	}
	return st.fullISR(expected, rf)
}

// noticed reports whether the cluster has taken the dead brokers out: none
// is in the metadata's broker list or in any ISR, and no partition names
// one as its leader. Partitions with no leader at all (offline, because
// every in-sync replica died) are allowed when allowOffline is set.
func (st clusterState) noticed(dead []int32, allowOffline bool) (bool, string) {
	for _, id := range dead {
		if has(st.Brokers, id) {
			return false, fmt.Sprintf("broker %d is still in the metadata", id)
		}
	}
	for _, p := range st.Partitions {
		if p.Leader < 0 && !allowOffline {
			return false, fmt.Sprintf("partition %d has no leader yet", p.Partition)
		}
		for _, id := range dead {
			if p.Leader == id {
				return false, fmt.Sprintf("partition %d is still led by broker %d", p.Partition, id)
			}
			if has(p.ISR, id) {
				return false, fmt.Sprintf("partition %d still has broker %d in its ISR %v", p.Partition, id, p.ISR)
			}
		}
	}
	return true, ""
}

// waitState polls fresh metadata until cond holds, bounded by timeout, and
// returns how long it took. On timeout the error says what was short and
// the last error seen.
func waitState(ctx context.Context, adm *kadm.Client, topic string, timeout time.Duration, cond func(clusterState) (bool, string)) (time.Duration, error) {
	return waitFetched(ctx, func(ctx context.Context) (clusterState, error) { return fetchState(ctx, adm, topic) }, timeout, cond)
}

// fetchServingState is fetchState with the brokers that answer a request
// of their own. A broker the metadata still names can be down: with the
// KRaft quorum lost nobody takes a dead broker out, and a restarted
// container's published port accepts connections (Docker's proxy) before
// Kafka listens behind it.
func fetchServingState(ctx context.Context, adm *kadm.Client, topic string) (clusterState, error) {
	st, err := fetchState(ctx, adm, topic)
	if err != nil {
		return st, err
	}
	vs, err := adm.ApiVersions(ctx)
	if err != nil {
		return st, fmt.Errorf("asking each broker: %w", err)
	}
	for _, v := range vs.Sorted() {
		if v.Err == nil {
			st.Answering = append(st.Answering, v.NodeID)
		}
	}
	return st, nil
}

// waitFetched waits, bounded by timeout, until cond holds for the state
// fetch reads (each read bounded by 3s).
func waitFetched(ctx context.Context, fetch func(context.Context) (clusterState, error), timeout time.Duration, cond func(clusterState) (bool, string)) (time.Duration, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var why string
	b := retry.WithCappedDuration(250*time.Millisecond, retry.NewExponential(20*time.Millisecond))
	err := retry.Do(ctx, b, func(ctx context.Context) error {
		actx, acancel := context.WithTimeout(ctx, 3*time.Second)
		defer acancel()
		st, err := fetch(actx)
		if err != nil {
			why = err.Error()
			return retry.RetryableError(err)
		}
		ok, w := cond(st)
		if !ok {
			why = w
			return retry.RetryableError(errors.New(w))
		}
		return nil
	})
	if err != nil {
		if why == "" {
			why = err.Error()
		}
		return time.Since(start), fmt.Errorf("timed out after %s: %s", timeout, why)
	}
	return time.Since(start), nil
}

// pickOne orders the candidates for a one-broker fault: only brokers that
// lead at least one partition of the topic, those that are not the
// controller first (most partitions led first), then the controller when
// it leads. A broker that leads nothing is never a candidate: a fault on
// it would prove nothing about a leader.
func pickOne(st clusterState) []int32 {
	led := map[int32]int{}
	for _, p := range st.Partitions {
		led[p.Leader]++
	}
	var out []int32
	for _, id := range st.Brokers {
		if led[id] > 0 {
			out = append(out, id)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ci, cj := out[i] == st.Controller, out[j] == st.Controller
		if ci != cj {
			return cj
		}
		return led[out[i]] > led[out[j]]
	})
	return out
}

// ledBy returns the partitions broker id leads.
func (st clusterState) ledBy(id int32) []int32 {
	var ps []int32
	for _, p := range st.Partitions {
		if p.Leader == id {
			ps = append(ps, p.Partition)
		}
	}
	return ps
}

// pickSurvivor orders the candidates for the broker that stays up while two
// die: the controller first (keeping it alive keeps the failover short),
// then the others.
func pickSurvivor(st clusterState) []int32 {
	out := append([]int32(nil), st.Brokers...)
	sort.SliceStable(out, func(i, j int) bool { return out[i] == st.Controller && out[j] != st.Controller })
	return out
}

func idList(ids []int32) string {
	var s []string
	for _, id := range ids {
		s = append(s, fmt.Sprint(id))
	}
	return strings.Join(s, " and ")
}
