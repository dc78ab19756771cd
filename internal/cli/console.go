package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"kafkastack/internal/console"
	"kafkastack/internal/proc"
	"kafkastack/internal/stack"
	"kafkastack/internal/topics"
)

// UI serves the web console in the foreground at 127.0.0.1:9000 (the
// compose file's console port) against
// the configured cluster (any runtime, the external one with its TLS and
// SASL) until interrupted.
func UI(ctx context.Context) error {
	s, err := stack.Open(ctx, os.Stderr)
	if err != nil {
		return err
	}
	return ServeConsole(ctx, s, s.ConsoleAddr(), os.Stdout)
}

// ServeConsole serves the console for s at addr, a loopback address,
// logging to logw, until ctx ends.
func ServeConsole(ctx context.Context, s *stack.Stack, addr string, logw io.Writer) error {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("serving the console: address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("serving the console: %s is not a loopback address; the console serves 127.0.0.1 only", host)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		port, _ := strconv.Atoi(portText)
		return fmt.Errorf("serving the console: %w", &proc.PortError{Port: port, Owner: proc.PortOwner(port)})
	}
	defer ln.Close()
	adm, cl, err := s.Admin()
	if err != nil {
		return err
	}
	defer cl.Close()
	opts, err := s.ClientOpts()
	if err != nil {
		return err
	}
	cfg := s.Env.Config
	logger := log.New(logw, "", log.LstdFlags)
	srv, err := console.New(console.Options{
		Client:        cl,
		Admin:         adm,
		ClientOpts:    opts,
		Runtime:       s.Runtime.Name(),
		Bootstrap:     s.Bootstrap(),
		Services:      s.Services,
		Secrets:       []string{cfg.External.SASLPassword.Reveal()},
		TopicDefaults: topics.DefaultsOf(cfg),
		Log:           logger,
	})
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ErrorLog: logger}
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	logger.Printf("console at http://%s for the %s cluster at %s", ln.Addr(), s.Runtime.Name(), strings.Join(s.Bootstrap(), ","))
	err = hs.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		<-done
		logger.Printf("console stopped")
		return nil
	}
	return fmt.Errorf("serving the console: %w", err)
}
