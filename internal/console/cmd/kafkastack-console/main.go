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
	addr := flag.String("addr", config.ConsoleAddr, "loopback address to serve on")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	s, err := stack.Open(ctx, os.Stdout)
	if err == nil {
		err = cli.ServeConsole(ctx, s, *addr, os.Stdout)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kafkastack-console: %v\n", err)
		os.Exit(1)
	}
}
