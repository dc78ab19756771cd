//go:build mage

package main

import (
	"context"

	"github.com/magefile/mage/mg"

	"kafkastack/internal/cli"
)

// Topics creates, lists, describes and deletes topics.
type Topics mg.Namespace

// Create creates a topic (replication factor 3) and waits until it is healthy.
//
// Example: mage topics:create my-topic-three
// Env: KAFKA_PARTITIONS (default 3), KAFKA_REPLICATION_FACTOR (default 3),
// KAFKA_MIN_INSYNC_REPLICAS (default 2), KAFKA_TOPIC_CONFIGS (k=v,k=v).
// An existing topic of the same shape "exists"; another shape is an error.
func (Topics) Create(ctx context.Context, name string) error {
	return cli.CreateTopic(ctx, name, "", "")
}

// CreateWith creates a topic with the given partitions and replication factor.
//
// Example: mage topics:createWith my-topic 6 3
func (Topics) CreateWith(ctx context.Context, name, partitions, replicationFactor string) error {
	return cli.CreateTopic(ctx, name, partitions, replicationFactor)
}

// List lists the topics with partitions, replication factor and ISR health.
func (Topics) List(ctx context.Context) error { return cli.ListTopics(ctx) }

// Describe shows one topic's partitions, leaders, replicas, ISR and configs.
func (Topics) Describe(ctx context.Context, name string) error {
	return cli.DescribeTopic(ctx, name)
}

// Delete deletes a topic.
func (Topics) Delete(ctx context.Context, name string) error {
	return cli.DeleteTopic(ctx, name)
}
