//go:build mage

package main

import (
	"context"

	"github.com/magefile/mage/mg"

	"kafkastack/internal/cli"
)

// Groups lists, describes, resets and deletes consumer groups.
type Groups mg.Namespace

// List lists the consumer groups with their state, members, topics and lag.
func (Groups) List(ctx context.Context) error { return cli.ListGroups(ctx) }

// Describe shows a group's members, assignments, and committed offset, end offset and lag per partition.
//
// Example: mage groups:describe my-group
func (Groups) Describe(ctx context.Context, group string) error {
	return cli.DescribeGroup(ctx, group)
}

// Reset moves a group's committed offsets on a topic to earliest, latest, an offset or a timestamp.
//
// It refuses while the group has members.
// Examples: mage groups:reset my-group my-topic-three earliest
//
//	mage groups:reset my-group my-topic-three 2026-11-29T10:00:00Z
func (Groups) Reset(ctx context.Context, group, topic, to string) error {
	return cli.ResetGroup(ctx, group, topic, to)
}

// Delete deletes a consumer group and its committed offsets.
//
// It refuses while the group has members.
func (Groups) Delete(ctx context.Context, group string) error {
	return cli.DeleteGroup(ctx, group)
}
