package resilience

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
)

// hitLeader applies hit to a broker that leads at least one partition of
// the run's topic: the leaders in pickOne's order, the first the runtime
// lets be hit. When every leader refuses (the embedded runtime cannot stop
// its controller, and kfake may make it the leader of every partition),
// the cluster is asked to elect other leaders for their partitions and the
// new leaders are tried, a bounded number of times. It never hits a broker
// that leads nothing; when no leader can be hit it fails in one line
// saying so. done says what hit does ("paused", "stopped"). It returns the
// broker hit and the partitions it led when it was hit.
func (r *streamRun) hitLeader(ctx context.Context, done string, hit func(context.Context, int32) error, out io.Writer) (int32, []int32, error) {
	refused := map[int32]bool{}
	var reasons []string
	for round := 0; ; round++ {
		st, err := r.state(ctx)
		if err != nil {
			return -1, nil, err
		}
		leaders := pickOne(st)
		if len(leaders) == 0 {
			return -1, nil, fmt.Errorf("no partition of %s has a leader that could be %s", r.topic, done)
		}
		var stuck []int32
		for _, id := range leaders {
			if refused[id] {
				stuck = append(stuck, id)
				continue
			}
			if err := hit(ctx, id); err != nil {
				fmt.Fprintf(out, "broker %d (leader of partitions %s) cannot be %s: %v\n", id, partList(st.ledBy(id)), done, err)
				refused[id] = true
				reasons = append(reasons, fmt.Sprintf("broker %d: %v", id, err))
				stuck = append(stuck, id)
				continue
			}
			return id, st.ledBy(id), nil
		}
		if round >= len(st.Brokers) {
			return -1, nil, fmt.Errorf("no leader of %s could be %s, even after moving leadership %d times (%s)", r.topic, done, round, strings.Join(reasons, "; "))
		}
		var parts []int32
		for _, id := range stuck {
			parts = append(parts, st.ledBy(id)...)
		}
		sort.Slice(parts, func(i, j int) bool { return parts[i] < parts[j] })
		who := fmt.Sprintf("broker %s leads", idList(stuck))
		if len(stuck) > 1 {
			who = fmt.Sprintf("brokers %s lead", idList(stuck))
		}
		fmt.Fprintf(out, "only %s partitions of %s and cannot be %s here: asking the cluster to elect other leaders for partitions %s\n", who, r.topic, done, partList(parts))
		if err := r.moveLeaders(ctx, parts, stuck); err != nil {
			return -1, nil, fmt.Errorf("every leader of %s refused to be %s (%s), and leadership could not be moved to another broker: %w", r.topic, done, strings.Join(reasons, "; "), err)
		}
	}
}

// moveLeaders asks the cluster for a preferred-replica election of the
// topic's partitions parts (Kafka moves each to its first replica when
// that one is in sync; kfake moves each to the next broker) and waits,
// bounded by KAFKA_READY_TIMEOUT, until a broker outside from leads one of
// the topic's partitions.
func (r *streamRun) moveLeaders(ctx context.Context, parts, from []int32) error {
	timeout := r.s.Env.Config.ReadyTimeout
	ectx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	set := kadm.TopicsSet{}
	set.Add(r.topic, parts...)
	res, err := r.adm.ElectLeaders(ectx, kadm.ElectPreferredReplica, set)
	if err != nil {
		return fmt.Errorf("electing leaders: %w", err)
	}
	var fails []string
	for _, p := range parts {
		pr, ok := res[r.topic][p]
		switch {
		case !ok:
			fails = append(fails, fmt.Sprintf("partition %d: no answer", p))
		case pr.Err != nil:
			fails = append(fails, fmt.Sprintf("partition %d: %v", p, pr.Err))
		}
	}
	if len(fails) == len(parts) {
		return fmt.Errorf("electing leaders: %s", strings.Join(fails, "; "))
	}
	if _, err := r.waitState(ctx, timeout, func(cs clusterState) (bool, string) {
		for _, p := range cs.Partitions {
			if p.Leader >= 0 && !has(from, p.Leader) {
				return true, ""
			}
		}
		return false, fmt.Sprintf("every partition is still led by broker %s", idList(from))
	}); err != nil {
		return fmt.Errorf("waiting for another leader: %w", err)
	}
	return nil
}
