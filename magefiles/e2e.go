//go:build mage

package main

import (
	"context"
	"os"

	"github.com/magefile/mage/mg"

	"kafkastack/internal/e2e"
)

// E2e holds the end-to-end proofs.
type E2e mg.Namespace

// Aliases lets `mage e2e` run e2e:run.
var Aliases = map[string]interface{}{
	"e2e": E2e.Run,
}

// Run (alias e2e) chains up, wait, topic, produce, consume and a check of every record.
//
// It produces KAFKA_RECORDS records (default 1000) with acks=all and an
// idempotent producer to KAFKA_TOPIC (default my-topic-three, RF 3,
// min.insync.replicas 2), reads them back with a fresh group from where
// this run started, and fails naming the assertion if any record of this
// run is lost, duplicated, out of order within its partition, or damaged.
func (E2e) Run(ctx context.Context) error {
	s, err := open(ctx)
	if err != nil {
		return err
	}
	_, err = e2e.Run(ctx, s, e2e.Options{}, os.Stdout)
	return err
}
