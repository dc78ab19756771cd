package topics

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/sethvargo/go-retry"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Spec is the shape of a topic.
type Spec struct {
	Name              string
	Partitions        int32
	ReplicationFactor int16
	// Configs are topic configs, e.g. min.insync.replicas.
	Configs map[string]string
}

// Validate checks the spec before any network call: the name by Kafka's
// rules, at least one partition, and a replication factor of at least 1.
func (s Spec) Validate() error {
	if err := ValidateName(s.Name); err != nil {
		return err
	}
	if s.Partitions < 1 {
		return fmt.Errorf("partitions must be at least 1, got %d", s.Partitions)
	}
	if s.ReplicationFactor < 1 {
		return fmt.Errorf("replication factor must be at least 1, got %d", s.ReplicationFactor)
	}
	if v, ok := s.Configs["min.insync.replicas"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("min.insync.replicas must be a whole number of at least 1, got %q", v)
		}
		if n > int(s.ReplicationFactor) {
			return fmt.Errorf("min.insync.replicas %d is above the replication factor %d: no write could ever succeed", n, s.ReplicationFactor)
		}
	}
	return nil
}

// Outcome says what Create did.
type Outcome string

// The outcomes of Create.
const (
	Created Outcome = "created"
	Exists  Outcome = "exists"
)

// ErrShapeMismatch is returned by Create when the topic exists with another
// partition count, replication factor or config.
var ErrShapeMismatch = errors.New("topic exists with a different shape")

// Create creates the topic through cl and returns once every partition
// has a leader and a full ISR and every broker says so (see WaitHealthy),
// bounded by ctx. An existing topic of the same shape is a success
// (Exists); another shape fails with ErrShapeMismatch. It fails before
// creating anything when the spec is invalid or the replication factor is
// above the number of brokers.
func Create(ctx context.Context, cl *kgo.Client, s Spec) (Outcome, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	adm := kadm.NewClient(cl)
	brokers, err := adm.ListBrokers(ctx)
	if err != nil {
		return "", fmt.Errorf("listing brokers: %w", err)
	}
	if int(s.ReplicationFactor) > len(brokers) {
		return "", fmt.Errorf("replication factor %d is above the %d brokers of the cluster", s.ReplicationFactor, len(brokers))
	}
	outcome := Created
	configs := map[string]*string{}
	for k, v := range s.Configs {
		v := v
		configs[k] = &v
	}
	// kadm's CreateTopic returns the topic's own error too.
	_, err = adm.CreateTopic(ctx, s.Partitions, s.ReplicationFactor, configs, s.Name)
	switch {
	case err == nil:
	case errors.Is(err, kerr.TopicAlreadyExists):
		outcome = Exists
		if err := sameShape(ctx, adm, s); err != nil {
			return "", err
		}
	case errors.Is(err, kerr.InvalidReplicationFactor):
		return "", fmt.Errorf("creating topic %s: replication factor %d is not possible on this cluster: %w", s.Name, s.ReplicationFactor, err)
	default:
		return "", fmt.Errorf("creating topic %s: %w", s.Name, err)
	}
	if err := WaitHealthy(ctx, cl, s.Name); err != nil {
		return outcome, err
	}
	return outcome, nil
}

// sameShape fails with ErrShapeMismatch when the existing topic differs
// from s in partitions, replication factor or any config s names.
func sameShape(ctx context.Context, adm *kadm.Client, s Spec) error {
	d, err := Describe(ctx, adm, s.Name)
	if err != nil {
		return err
	}
	if d.Partitions != s.Partitions || d.ReplicationFactor != s.ReplicationFactor {
		return fmt.Errorf("%w: %s has %d partitions and replication factor %d, asked for %d and %d",
			ErrShapeMismatch, s.Name, d.Partitions, d.ReplicationFactor, s.Partitions, s.ReplicationFactor)
	}
	for k, v := range s.Configs {
		if got, ok := d.Configs[k]; ok && got != v {
			return fmt.Errorf("%w: %s has %s=%s, asked for %s", ErrShapeMismatch, s.Name, k, got, v)
		}
	}
	return nil
}

// WaitHealthy polls until every partition of topic has a leader and an ISR
// as large as its replica set, every leader answers for its partitions,
// every broker's metadata names those leaders, and every broker can give
// an idempotent producer its id, bounded by ctx. On timeout it names what
// was not there yet.
//
// The last two spare a producer that starts right after Create a stall of
// up to about 2s: a broker learns of a new topic a moment after its
// controller, and a client that asks it meanwhile backs off and asks
// again; so does one whose producer id is not ready.
func WaitHealthy(ctx context.Context, cl *kgo.Client, topic string) error {
	adm := kadm.NewClient(cl)
	var missing string
	b := retry.WithCappedDuration(500*time.Millisecond, retry.NewExponential(20*time.Millisecond))
	err := retry.Do(ctx, b, func(ctx context.Context) error {
		td, err := adm.ListTopics(kadm.WithAuthorizedOps(ctx), topic) // fresh, not cached
		if err != nil {
			missing = err.Error()
			return retry.RetryableError(err)
		}
		t, ok := td[topic]
		if !ok || t.Err != nil || len(t.Partitions) == 0 {
			missing = "topic not in metadata yet"
			if ok && t.Err != nil {
				missing = t.Err.Error()
			}
			return retry.RetryableError(errors.New(missing))
		}
		for _, p := range t.Partitions.Sorted() {
			if p.Leader < 0 || p.Err != nil {
				missing = fmt.Sprintf("partition %d has no leader", p.Partition)
				return retry.RetryableError(errors.New(missing))
			}
			if len(p.ISR) < len(p.Replicas) {
				missing = fmt.Sprintf("partition %d has ISR %v of replicas %v", p.Partition, p.ISR, p.Replicas)
				return retry.RetryableError(errors.New(missing))
			}
		}
		// The metadata can be ahead of the leaders: ask every leader for
		// its partitions' offsets, which fails until they host them.
		lo, err := adm.ListEndOffsets(ctx, topic)
		if err != nil {
			missing = err.Error()
			return retry.RetryableError(err)
		}
		var lerr error
		lo.Each(func(o kadm.ListedOffset) {
			if o.Err != nil && lerr == nil {
				lerr = fmt.Errorf("partition %d: %w", o.Partition, o.Err)
			}
		})
		if lerr != nil {
			missing = lerr.Error()
			return retry.RetryableError(lerr)
		}
		if err := knownByEveryBroker(ctx, cl, topic, len(t.Partitions)); err != nil {
			missing = err.Error()
			return retry.RetryableError(err)
		}
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("waiting for topic %s to be healthy: timed out; %s", topic, missing)
		}
		return fmt.Errorf("waiting for topic %s to be healthy: %w", topic, err)
	}
	return nil
}

// knownByEveryBroker asks each broker of the cluster for topic's metadata
// and fails unless every one names a leader for all its partitions.
func knownByEveryBroker(ctx context.Context, cl *kgo.Client, topic string, partitions int) error {
	all, err := kadm.NewClient(cl).ListBrokers(ctx)
	if err != nil {
		return err
	}
	for _, b := range all {
		req := kmsg.NewPtrMetadataRequest()
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr(topic)
		req.Topics = append(req.Topics, rt)
		resp, err := req.RequestWith(ctx, cl.Broker(int(b.NodeID)))
		if err != nil {
			return fmt.Errorf("asking broker %d for topic %s: %w", b.NodeID, topic, err)
		}
		known := 0
		for _, t := range resp.Topics {
			if t.Topic == nil || *t.Topic != topic || t.ErrorCode != 0 {
				continue
			}
			for _, p := range t.Partitions {
				if p.ErrorCode == 0 && p.Leader >= 0 {
					known++
				}
			}
		}
		if known < partitions {
			return fmt.Errorf("broker %d knows the leaders of %d of the %d partitions yet", b.NodeID, known, partitions)
		}
		if err := producerIDsReady(ctx, cl, b.NodeID); err != nil {
			return err
		}
	}
	return nil
}

// producerIDsReady fails while broker id cannot yet give an idempotent
// producer its id: a KRaft broker fetches its first block of producer ids
// from the controller when first asked, answering
// COORDINATOR_LOAD_IN_PROGRESS meanwhile, and a client then backs off for
// up to seconds. Asking each broker once here starts that fetch on all of
// them. An id handed out here is never used; ids are plentiful. An answer
// that will not change by retrying (e.g. a user not allowed idempotent
// writes) is not this wait's business and counts as ready.
func producerIDsReady(ctx context.Context, cl *kgo.Client, id int32) error {
	req := kmsg.NewPtrInitProducerIDRequest()
	req.TransactionTimeoutMillis = 60000
	req.ProducerID, req.ProducerEpoch = -1, -1
	resp, err := req.RequestWith(ctx, cl.Broker(int(id)))
	if err != nil {
		return fmt.Errorf("asking broker %d for a producer id: %w", id, err)
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil && kerr.IsRetriable(err) {
		return fmt.Errorf("broker %d cannot give a producer its id yet: %w", id, err)
	}
	return nil
}

// Detail is what Describe and List report of a topic.
type Detail struct {
	Name              string                 `json:"name"`
	Partitions        int32                  `json:"partitions"`
	ReplicationFactor int16                  `json:"replication_factor"`
	UnderReplicated   int                    `json:"under_replicated"`
	Offline           int                    `json:"offline"`
	Configs           map[string]string      `json:"configs,omitempty"`
	PartitionDetails  []kadm.PartitionDetail `json:"-"`
}

// ErrNoTopic is wrapped by the errors for a topic that does not exist.
var ErrNoTopic = errors.New("does not exist")

// Require returns nil when topic is in the cluster's metadata, an error
// wrapping ErrNoTopic when it is not, and the metadata error otherwise.
func Require(ctx context.Context, adm *kadm.Client, topic string) error {
	td, err := adm.ListTopics(kadm.WithAuthorizedOps(ctx), topic)
	if err != nil {
		return fmt.Errorf("reading the metadata of %s: %w", topic, err)
	}
	if t, ok := td[topic]; !ok || errors.Is(t.Err, kerr.UnknownTopicOrPartition) {
		return fmt.Errorf("topic %s %w", topic, ErrNoTopic)
	}
	return nil
}

// Describe returns one topic's partitions, replication factor, ISR health
// and its explicitly set configs. It fails when the topic does not exist.
func Describe(ctx context.Context, adm *kadm.Client, topic string) (Detail, error) {
	if err := ValidateName(topic); err != nil {
		return Detail{}, err
	}
	td, err := adm.ListTopics(kadm.WithAuthorizedOps(ctx), topic)
	if err != nil {
		return Detail{}, fmt.Errorf("describing topic %s: %w", topic, err)
	}
	t, ok := td[topic]
	if !ok || errors.Is(t.Err, kerr.UnknownTopicOrPartition) {
		return Detail{}, fmt.Errorf("topic %s %w", topic, ErrNoTopic)
	}
	if t.Err != nil {
		return Detail{}, fmt.Errorf("describing topic %s: %w", topic, t.Err)
	}
	d := detailOf(t)
	d.Configs = map[string]string{}
	rcs, err := adm.DescribeTopicConfigs(ctx, topic)
	if err == nil {
		if rc, err := rcs.On(topic, nil); err == nil && rc.Err == nil {
			for _, c := range rc.Configs {
				if c.Value != nil && (c.Source == 1 /* DYNAMIC_TOPIC_CONFIG */ || c.Key == "min.insync.replicas") {
					d.Configs[c.Key] = *c.Value
				}
			}
		}
	}
	return d, nil
}

func detailOf(t kadm.TopicDetail) Detail {
	d := Detail{Name: t.Topic, Partitions: int32(len(t.Partitions))}
	for _, p := range t.Partitions.Sorted() {
		if int16(len(p.Replicas)) > d.ReplicationFactor {
			d.ReplicationFactor = int16(len(p.Replicas))
		}
		if len(p.ISR) < len(p.Replicas) {
			d.UnderReplicated++
		}
		if p.Leader < 0 {
			d.Offline++
		}
		d.PartitionDetails = append(d.PartitionDetails, p)
	}
	return d
}

// List returns every non-internal topic, sorted by name.
func List(ctx context.Context, adm *kadm.Client) ([]Detail, error) {
	td, err := adm.ListTopics(kadm.WithAuthorizedOps(ctx))
	if err != nil {
		return nil, fmt.Errorf("listing topics: %w", err)
	}
	var out []Detail
	for _, t := range td {
		if t.IsInternal || t.Err != nil {
			continue
		}
		out = append(out, detailOf(t))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Delete deletes a topic. A topic that does not exist is an error that
// says so.
func Delete(ctx context.Context, adm *kadm.Client, topic string) error {
	if err := ValidateName(topic); err != nil {
		return err
	}
	resp, err := adm.DeleteTopic(ctx, topic)
	if err == nil {
		err = resp.Err
	}
	if errors.Is(err, kerr.UnknownTopicOrPartition) {
		return fmt.Errorf("topic %s does not exist", topic)
	}
	if err != nil {
		return fmt.Errorf("deleting topic %s: %w", topic, err)
	}
	return nil
}
