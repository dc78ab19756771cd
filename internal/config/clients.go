package config

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Clients are the settings of the record targets (produce, consume, logs)
// and of the standalone clients under clients/, read by FromEnv and by
// ClientsFromEnv alike so that both have the same defaults.
type Clients struct {
	// Brokers is KAFKA_BROKERS, else SeedBrokers.
	Brokers []string
	// Topic is KAFKA_TOPIC, else DefaultTopic.
	Topic string
	// Value is KAFKA_VALUE; ValueSet says whether it was set (even empty).
	Value    string
	ValueSet bool
	// MaxRecords (KAFKA_MAX_RECORDS) and ConsumeTimeout
	// (KAFKA_CONSUME_TIMEOUT) say when a consumer stops: after that many
	// records, or that long without one.
	MaxRecords     int
	ConsumeTimeout time.Duration
	// Group is KAFKA_GROUP: the consumer group consume reads and commits
	// as; empty reads without a group.
	Group string
	// TopicConfigs is KAFKA_TOPIC_CONFIGS, k=v pairs for topics:create.
	TopicConfigs map[string]string
	// Service (KAFKA_SERVICE) and Follow (KAFKA_FOLLOW=1) shape logs.
	Service string
	Follow  bool
}

// Defaults of the client settings.
const (
	DefaultMaxRecords     = 100
	DefaultConsumeTimeout = 5 * time.Second
)

// ClientsFromEnv reads the client settings through getenv. It fails with
// an error naming the variable when a value is not valid.
func ClientsFromEnv(getenv func(string) string) (Clients, error) {
	c := Clients{Brokers: SeedBrokers, Topic: DefaultTopic, MaxRecords: DefaultMaxRecords, ConsumeTimeout: DefaultConsumeTimeout}
	if v := strings.TrimSpace(getenv("KAFKA_BROKERS")); v != "" {
		b, err := ParseBrokers(v)
		if err != nil {
			return c, fmt.Errorf("KAFKA_BROKERS: %w", err)
		}
		c.Brokers = b
	}
	if v := strings.TrimSpace(getenv("KAFKA_TOPIC")); v != "" {
		c.Topic = v
	}
	if v := getenv("KAFKA_VALUE"); v != "" {
		c.Value, c.ValueSet = v, true
	}
	r := &reader{getenv: getenv}
	if n, ok := r.atLeast("KAFKA_MAX_RECORDS", 1, math.MaxInt); ok {
		c.MaxRecords = int(n)
	}
	if d, ok := r.duration("KAFKA_CONSUME_TIMEOUT", false, "5s"); ok {
		c.ConsumeTimeout = d
	}
	if !r.ok() {
		return c, r.err
	}
	if v := strings.TrimSpace(getenv("KAFKA_TOPIC_CONFIGS")); v != "" {
		c.TopicConfigs = map[string]string{}
		for _, kv := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if !ok || k == "" {
				return c, fmt.Errorf("KAFKA_TOPIC_CONFIGS: %q is not key=value", kv)
			}
			c.TopicConfigs[k] = val
		}
	}
	c.Group = strings.TrimSpace(getenv("KAFKA_GROUP"))
	c.Service = strings.TrimSpace(getenv("KAFKA_SERVICE"))
	switch v := strings.TrimSpace(getenv("KAFKA_FOLLOW")); v {
	case "", "0", "false":
	case "1", "true":
		c.Follow = true
	default:
		return c, fmt.Errorf("KAFKA_FOLLOW=%q is not 1 or 0", v)
	}
	return c, nil
}
