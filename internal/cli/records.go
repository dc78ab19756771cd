package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/kio"
	"kafkastack/internal/stack"
	"kafkastack/internal/topics"
)

// Produce sends each line of stdin (when stdin is not a terminal), or
// KAFKA_VALUE, or "Hello World!", to topic, and waits for every
// acknowledgement. It fails on the first record not acknowledged.
func Produce(ctx context.Context, topic string) error {
	if err := topics.ValidateName(topic); err != nil {
		return err
	}
	s, err := stack.Open(ctx, os.Stderr)
	if err != nil {
		return err
	}
	var values []string
	if cc := s.Env.Config.Clients; cc.ValueSet {
		values = []string{cc.Value}
	} else if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice == 0 {
		sc := bufio.NewScanner(os.Stdin)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			values = append(values, sc.Text())
		}
	} else {
		values = []string{"Hello World!"}
	}
	if err := s.Reachable(ctx); err != nil {
		return err
	}
	cl, err := s.Client(kgo.DefaultProduceTopic(topic))
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, s.Env.Config.ReadyTimeout)
	defer cancel()
	for _, v := range values {
		r, err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte(v)}).First()
		if err != nil {
			return fmt.Errorf("producing to %s: %w", topic, err)
		}
		fmt.Printf("sent to %s partition %d offset %d: %q\n", topic, r.Partition, r.Offset, v)
	}
	return nil
}

// Consume prints records of topic from the beginning, as the tutorial's
// consumer does, until KAFKA_MAX_RECORDS records (default 100) or no
// record for KAFKA_CONSUME_TIMEOUT (default 5s). With KAFKA_GROUP it reads
// as that consumer group, from its committed offsets, and commits where
// it stopped.
func Consume(ctx context.Context, topic string) error {
	if err := topics.ValidateName(topic); err != nil {
		return err
	}
	s, err := stack.Open(ctx, os.Stderr)
	if err != nil {
		return err
	}
	cc := s.Env.Config.Clients
	if err := s.Reachable(ctx); err != nil {
		return err
	}
	opts := []kgo.Opt{kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}
	group := cc.Group
	if group != "" {
		opts = append(opts, kgo.ConsumerGroup(group), kgo.DisableAutoCommit())
	}
	cl, err := s.Client(opts...)
	if err != nil {
		return err
	}
	defer cl.Close()
	mctx, cancel := context.WithTimeout(ctx, s.Env.Config.ReadyTimeout)
	defer cancel()
	if err := topics.Require(mctx, kadm.NewClient(cl), topic); err != nil {
		if errors.Is(err, topics.ErrNoTopic) {
			return fmt.Errorf("%w (create it with: go run magefile.go topics:create %s)", err, topic)
		}
		return err
	}
	n, err := kio.PrintRecords(ctx, cl, os.Stdout, cc.MaxRecords, cc.ConsumeTimeout)
	if err != nil {
		return err
	}
	if group != "" {
		if err := cl.CommitUncommittedOffsets(ctx); err != nil {
			return fmt.Errorf("committing the offsets of group %s: %w", group, err)
		}
		fmt.Fprintf(os.Stderr, "%d records; group %s committed its offsets\n", n, group)
		return nil
	}
	fmt.Fprintf(os.Stderr, "%d records\n", n)
	return nil
}
