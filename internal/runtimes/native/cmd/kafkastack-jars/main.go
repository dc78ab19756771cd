// Command kafkastack-jars prints the Apache Kafka version the native runtime
// runs for KAFKA_MODE and the folder of its jars, fetching them into
// .cache/kafka/<version>/libs on first use exactly as the native runtime
// does. scripts/compose-ci.sh builds its stand-in images from that folder.
//
// Output, one line: VERSION<TAB>LIBS. Errors: one line on stderr, exit 1.
package main

import (
	"context"
	"fmt"
	"os"

	"kafkastack/internal/config"
	"kafkastack/internal/runtimes/native"
	"kafkastack/internal/topology"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "kafkastack-jars:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	topo, err := topology.Load(ctx, cfg.ComposeFile())
	if err != nil {
		return err
	}
	version, err := native.Version(cfg.Mode, topo)
	if err != nil {
		return err
	}
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	jars, err := native.Libs(ctx, cfg, cfg.Mode, version, logf)
	if err != nil {
		return err
	}
	fmt.Printf("%s\t%s\n", jars.Version, jars.Libs)
	return nil
}
