package cli

import (
	"context"
	"os"

	"kafkastack/internal/cluster"
	"kafkastack/internal/stack"
	"kafkastack/internal/status"
)

// Status prints the cluster at a glance (brokers, controller, topics,
// under-replicated partitions, consumer-group lag and the runtime's
// services), as a table or, with KAFKA_OUTPUT=json, as JSON. It fails when
// the cluster's metadata cannot be read within KAFKA_READY_TIMEOUT.
func Status(ctx context.Context) error {
	s, err := stack.Open(ctx, os.Stderr)
	if err != nil {
		return err
	}
	cfg := s.Env.Config
	opts := status.Options{
		Runtime:   s.Runtime.Name(),
		Bootstrap: s.Bootstrap(),
		Secrets:   []string{cfg.External.SASLPassword.Reveal()},
	}
	if sv, ok := s.Runtime.(cluster.Services); ok {
		if opts.Services, err = sv.Services(ctx); err != nil {
			return err
		}
	}
	adm, cl, err := s.Admin()
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, cfg.ReadyTimeout)
	defer cancel()
	rep, err := status.Gather(ctx, adm, opts)
	if err != nil {
		return err
	}
	if cfg.Output == "json" {
		return rep.WriteJSON(os.Stdout)
	}
	return rep.WriteTable(os.Stdout)
}
