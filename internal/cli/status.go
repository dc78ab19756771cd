package cli

import (
	"context"
	"os"

	"github.com/twmb/franz-go/pkg/kadm"

	"kafkastack/internal/stack"
	"kafkastack/internal/status"
)

// Status prints the cluster at a glance (brokers, controller, topics,
// under-replicated partitions, consumer-group lag and the runtime's
// services), as a table or, with KAFKA_OUTPUT=json, as JSON. It fails when
// the cluster's metadata cannot be read within KAFKA_READY_TIMEOUT.
func Status(ctx context.Context) error {
	return withStack(ctx, func(ctx context.Context, s *stack.Stack, adm *kadm.Client) error {
		cfg := s.Env.Config
		opts := status.Options{
			Runtime:   s.Runtime.Name(),
			Bootstrap: s.Bootstrap(),
			Secrets:   []string{cfg.External.SASLPassword.Reveal()},
		}
		var err error
		if opts.Services, err = s.Services(ctx); err != nil {
			return err
		}
		rep, err := status.Gather(ctx, adm, opts)
		if err != nil {
			return err
		}
		if cfg.Output == "json" {
			return rep.WriteJSON(os.Stdout)
		}
		return rep.WriteTable(os.Stdout)
	})
}
