package topics

import (
	"fmt"
	"strconv"
	"strings"

	"kafkastack/internal/config"
)

// Defaults are the shape a new topic gets where the request does not say.
type Defaults struct {
	Partitions        int32
	ReplicationFactor int16
	MinInsyncReplicas int
	// Configs are more topic configs (KAFKA_TOPIC_CONFIGS).
	Configs map[string]string
}

// DefaultsOf returns the topic defaults of a configuration.
func DefaultsOf(cfg *config.Config) Defaults {
	return Defaults{
		Partitions:        cfg.Partitions,
		ReplicationFactor: cfg.ReplicationFactor,
		MinInsyncReplicas: cfg.MinInsyncReplicas,
		Configs:           cfg.Clients.TopicConfigs,
	}
}

// NewSpec builds and validates the spec of a topic to create, as
// topics:create and the console's form do: partitions and replication
// factor as given (empty: the defaults), min.insync.replicas from the
// defaults but never above the replication factor, then the extra configs.
// It fails, before any network call, with one line naming the bad field.
func NewSpec(name, partitions, rf string, d Defaults) (Spec, error) {
	if err := ValidateName(name); err != nil {
		return Spec{}, err
	}
	spec := Spec{
		Name:              name,
		Partitions:        d.Partitions,
		ReplicationFactor: d.ReplicationFactor,
		Configs:           map[string]string{"min.insync.replicas": strconv.Itoa(d.MinInsyncReplicas)},
	}
	if partitions = strings.TrimSpace(partitions); partitions != "" {
		n, err := strconv.Atoi(partitions)
		if err != nil || n < 1 || n > 100000 {
			return Spec{}, fmt.Errorf("partitions must be a whole number of at least 1, got %q", partitions)
		}
		spec.Partitions = int32(n)
	}
	if rf = strings.TrimSpace(rf); rf != "" {
		n, err := strconv.Atoi(rf)
		if err != nil || n < 1 || n > 32767 {
			return Spec{}, fmt.Errorf("replication factor must be a whole number of at least 1, got %q", rf)
		}
		spec.ReplicationFactor = int16(n)
	}
	if spec.ReplicationFactor < int16(d.MinInsyncReplicas) {
		// A topic with RF 1 or 2 keeps a min.insync.replicas it can meet.
		spec.Configs["min.insync.replicas"] = strconv.Itoa(int(spec.ReplicationFactor))
	}
	for k, v := range d.Configs {
		spec.Configs[k] = v
	}
	if err := spec.Validate(); err != nil {
		return Spec{}, err
	}
	return spec, nil
}
