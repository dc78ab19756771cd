// Command kafkastack-embedded serves the embedded runtime's cluster in the
// background until SIGTERM or SIGINT, then saves its state and exits.
// The embedded runtime starts it; it is not meant to be run by hand.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"kafkastack/internal/embedded"
)

func main() {
	ids := flag.String("ids", "1,2,3", "broker ids, comma-separated")
	ports := flag.String("ports", "9091,9092,9093", "broker ports on 127.0.0.1, comma-separated")
	data := flag.String("data", "", "folder the cluster persists to")
	control := flag.String("control", "", "file that receives the control endpoint's address")
	cfgs := flag.String("configs", "", "broker configs, k=v comma-separated")
	flag.Parse()

	o := embedded.Options{DataDir: *data, ControlFile: *control, BrokerConfigs: map[string]string{}}
	for _, s := range split(*ids) {
		n, err := strconv.Atoi(s)
		if err != nil {
			fail("broker id %q is not a number", s)
		}
		o.IDs = append(o.IDs, int32(n))
	}
	for _, s := range split(*ports) {
		n, err := strconv.Atoi(s)
		if err != nil {
			fail("port %q is not a number", s)
		}
		o.Ports = append(o.Ports, n)
	}
	for _, kv := range split(*cfgs) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			fail("config %q is not k=v", kv)
		}
		o.BrokerConfigs[k] = v
	}
	srv, err := embedded.Start(o)
	if err != nil {
		fail("%v", err)
	}
	fmt.Printf("%s embedded cluster serving brokers %v on %v (data in %s)\n",
		time.Now().Format(time.RFC3339), o.IDs, srv.Addrs(), o.DataDir)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	s := <-sig
	fmt.Printf("%s %s received: saving state and stopping\n", time.Now().Format(time.RFC3339), s)
	srv.Close()
	fmt.Printf("%s stopped\n", time.Now().Format(time.RFC3339))
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "kafkastack-embedded: "+format+"\n", args...)
	os.Exit(1)
}
