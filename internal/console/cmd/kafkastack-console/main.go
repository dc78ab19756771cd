// Command kafkastack-console serves the web console in the background
// until SIGTERM or SIGINT. Up starts it on the runtimes that bring no
// console of their own; it is not meant to be run by hand (the ui target
// serves the same console in the foreground).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"kafkastack/internal/cli"
	"kafkastack/internal/config"
	"kafkastack/internal/stack"
)

func main() {
	addr := flag.String("addr", "", "loopback address to serve on, e.g. 127.0.0.1:9000")
	composeDir := flag.String("compose", "", "the folder of the compose files (default: the repo's compose/)")
	dataDir := flag.String("data", "", "the repo's data folder (default: .data)")
	flag.Parse()
	if *addr == "" {
		fmt.Fprintln(os.Stderr, "kafkastack-console: -addr is required")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	cfg, err := config.Load()
	if err == nil {
		if *composeDir != "" {
			cfg.ComposeDir = *composeDir
		}
		if *dataDir != "" {
			cfg.DataDir = *dataDir
		}
	}
	var s *stack.Stack
	if err == nil {
		s, err = stack.OpenConfig(ctx, cfg, os.Stdout)
	}
	if err == nil {
		err = cli.ServeConsole(ctx, s, *addr, os.Stdout)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kafkastack-console: %v\n", err)
		os.Exit(1)
	}
}
