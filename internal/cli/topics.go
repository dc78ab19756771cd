// Package cli holds the bodies of the manual targets (topics, produce,
// consume): each opens the stack, talks to the cluster and prints.
package cli

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/twmb/franz-go/pkg/kadm"

	"kafkastack/internal/stack"
	"kafkastack/internal/topics"
)

// CreateTopic creates name with the given partitions and replication factor
// (empty: from the environment) and waits until it is healthy. It fails
// before any network call on an invalid name or shape.
func CreateTopic(ctx context.Context, name, partitions, rf string) error {
	if err := topics.ValidateName(name); err != nil {
		return err
	}
	s, err := stack.Open(ctx, os.Stdout)
	if err != nil {
		return err
	}
	cfg := s.Env.Config
	spec, err := topics.NewSpec(name, partitions, rf, topics.DefaultsOf(cfg))
	if err != nil {
		return err
	}
	if err := s.Reachable(ctx); err != nil {
		return err
	}
	_, cl, err := s.Admin()
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, cfg.ReadyTimeout)
	defer cancel()
	outcome, err := topics.Create(ctx, cl, spec)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("creating topic %s: no answer from %s within %s: %w", name, strings.Join(s.Bootstrap(), ","), cfg.ReadyTimeout, err)
		}
		return err
	}
	fmt.Printf("topic %s %s: %d partitions, replication factor %d, every partition has a leader and a full ISR\n", name, outcome, spec.Partitions, spec.ReplicationFactor)
	return nil
}

// ListTopics prints every topic with its shape and ISR health.
func ListTopics(ctx context.Context) error {
	return withAdmin(ctx, func(ctx context.Context, adm *kadm.Client) error {
		ds, err := topics.List(ctx, adm)
		if err != nil {
			return err
		}
		return writeTopics(ds)
	})
}

func writeTopics(ds []topics.Detail) error {
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TOPIC\tPARTITIONS\tREPLICATION\tUNDER-REPLICATED\tOFFLINE")
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", d.Name, d.Partitions, d.ReplicationFactor, d.UnderReplicated, d.Offline)
	}
	return tw.Flush()
}

// DescribeTopic prints one topic's partitions and configs.
func DescribeTopic(ctx context.Context, name string) error {
	if err := topics.ValidateName(name); err != nil {
		return err
	}
	return withAdmin(ctx, func(ctx context.Context, adm *kadm.Client) error {
		d, err := topics.Describe(ctx, adm, name)
		if err != nil {
			return err
		}
		return writeTopic(d)
	})
}

func writeTopic(d topics.Detail) error {
	fmt.Printf("topic %s: %d partitions, replication factor %d, %d under-replicated, %d offline\n",
		d.Name, d.Partitions, d.ReplicationFactor, d.UnderReplicated, d.Offline)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PARTITION\tLEADER\tREPLICAS\tISR")
	for _, p := range d.PartitionDetails {
		fmt.Fprintf(tw, "%d\t%d\t%v\t%v\n", p.Partition, p.Leader, p.Replicas, p.ISR)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	keys := make([]string, 0, len(d.Configs))
	for k := range d.Configs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("config %s=%s\n", k, d.Configs[k])
	}
	return nil
}

// DeleteTopic deletes a topic.
func DeleteTopic(ctx context.Context, name string) error {
	if err := topics.ValidateName(name); err != nil {
		return err
	}
	return withAdmin(ctx, func(ctx context.Context, adm *kadm.Client) error {
		if err := topics.Delete(ctx, adm, name); err != nil {
			return err
		}
		fmt.Printf("topic %s deleted\n", name)
		return nil
	})
}

// withAdmin opens the stack (progress to stderr), and runs fn with an admin
// client, bounded by KAFKA_READY_TIMEOUT.
func withAdmin(ctx context.Context, fn func(context.Context, *kadm.Client) error) error {
	return withStack(ctx, func(ctx context.Context, _ *stack.Stack, adm *kadm.Client) error { return fn(ctx, adm) })
}

// withStack is withAdmin that also hands fn the stack.
func withStack(ctx context.Context, fn func(context.Context, *stack.Stack, *kadm.Client) error) error {
	s, err := stack.Open(ctx, os.Stderr)
	if err != nil {
		return err
	}
	if err := s.Reachable(ctx); err != nil {
		return err
	}
	adm, cl, err := s.Admin()
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, s.Env.Config.ReadyTimeout)
	defer cancel()
	return fn(ctx, s, adm)
}
