//go:build mage

package main

import (
	"context"
	"os"

	"kafkastack/internal/stack"
)

// open loads the configuration and picks the runtime; every target starts
// here.
func open(ctx context.Context) (*stack.Stack, error) {
	return stack.Open(ctx, os.Stdout)
}
