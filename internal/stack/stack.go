// Package stack is the lifecycle every target shares: it loads the
// configuration and the topology, picks the runtime, and runs up, wait,
// down, clean and logs on it.
package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/config"
	"kafkastack/internal/console"
	"kafkastack/internal/ready"
	"kafkastack/internal/runtimes"
	"kafkastack/internal/topology"
)

// Stack is a configured cluster on its runtime.
type Stack struct {
	Env     *cluster.Env
	Runtime cluster.Runtime
}

// Open reads the configuration from the environment, loads the topology
// and selects the runtime. It fails with one line when a setting, the
// compose file or the runtime is not usable.
func Open(ctx context.Context, out io.Writer) (*Stack, error) {
	cfg, err := config.Load()
	if err != nil {
		return nil, err
	}
	return OpenConfig(ctx, cfg, out)
}

// OpenConfig is Open with a given configuration.
func OpenConfig(ctx context.Context, cfg *config.Config, out io.Writer) (*Stack, error) {
	topo, err := topology.Load(ctx, cfg.ComposeFile())
	if err != nil {
		return nil, err
	}
	env := &cluster.Env{Config: cfg, Topology: topo, Out: out}
	rt, err := runtimes.Select(ctx, env)
	if err != nil {
		return nil, err
	}
	return &Stack{Env: env, Runtime: rt}, nil
}

// Bootstrap is KAFKA_BROKERS when set, else the runtime's brokers.
func (s *Stack) Bootstrap() []string {
	if s.Env.Config.BrokersSet {
		return s.Env.Config.Brokers
	}
	return s.Runtime.Bootstrap()
}

// ClientOpts are the options every client of the cluster needs: the seed
// brokers, the runtime's TLS/SASL, uncompressed batches (readable by any
// client without codec libraries) and acks from all in-sync replicas.
func (s *Stack) ClientOpts(extra ...kgo.Opt) ([]kgo.Opt, error) {
	rtOpts, err := s.Runtime.ClientOpts()
	if err != nil {
		return nil, err
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(s.Bootstrap()...),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ClientID("kafkastack"),
	}
	opts = append(opts, rtOpts...)
	return append(opts, extra...), nil
}

// Client returns a client of the cluster; the caller closes it.
func (s *Stack) Client(extra ...kgo.Opt) (*kgo.Client, error) {
	opts, err := s.ClientOpts(extra...)
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("creating client: %w", err)
	}
	return cl, nil
}

// Admin returns an admin client and the client under it; the caller closes
// the client.
func (s *Stack) Admin() (*kadm.Client, *kgo.Client, error) {
	cl, err := s.Client()
	if err != nil {
		return nil, nil, err
	}
	return kadm.NewClient(cl), cl, nil
}

// ExpectedBrokers are the broker ids the cluster must show: the
// topology's, except on the external runtime, where any broker will do.
func (s *Stack) ExpectedBrokers() []int32 {
	if s.IsExternal() {
		return nil
	}
	return s.Env.Topology.IDs()
}

// Up starts the cluster and returns once it is ready. A running cluster is
// not an error: it says "already running" and still waits for readiness.
func (s *Stack) Up(ctx context.Context) error {
	start := time.Now()
	if err := s.Start(ctx); err != nil {
		return err
	}
	if err := s.Wait(ctx); err != nil {
		return err
	}
	s.Env.Logf("%s cluster ready in %s: brokers %s", s.Runtime.Name(), time.Since(start).Round(10*time.Millisecond), strings.Join(s.Bootstrap(), ","))
	return s.StartConsole(ctx)
}

// Start starts the cluster's processes or containers without waiting for
// readiness. A running cluster is not an error (the runtime says "already
// running").
func (s *Stack) Start(ctx context.Context) error {
	if err := s.Runtime.Up(ctx); err != nil && !errors.Is(err, cluster.ErrAlreadyRunning) {
		return err
	}
	return nil
}

// Wait blocks until the cluster is ready, bounded by KAFKA_READY_TIMEOUT,
// printing one line per change. On timeout the error says what was
// missing and the last error seen.
func (s *Stack) Wait(ctx context.Context) error {
	adm, cl, err := s.Admin()
	if err != nil {
		return err
	}
	defer cl.Close()
	s.Env.Logf("waiting for %s (at most %s)", strings.Join(s.Bootstrap(), ","), s.Env.Config.ReadyTimeout)
	_, err = ready.Wait(ctx, adm, ready.Options{
		Expected: s.ExpectedBrokers(),
		Timeout:  s.Env.Config.ReadyTimeout,
		Out:      s.Env.Out,
	})
	if err != nil {
		// A runtime that can say why (TLS, SASL) adds its one line.
		if d, ok := s.Runtime.(interface{ Diagnose(context.Context) error }); ok {
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			if derr := d.Diagnose(dctx); derr != nil {
				return fmt.Errorf("waiting for %s: %s (%w)", strings.Join(s.Bootstrap(), ","), derr.Error(), err)
			}
		}
		return fmt.Errorf("waiting for %s: %w", strings.Join(s.Bootstrap(), ","), err)
	}
	return nil
}

// ReachTimeout bounds Reachable.
const ReachTimeout = 2 * time.Second

// ErrNotRunning is returned by Reachable when no broker answers.
var ErrNotRunning = errors.New("the cluster is not running")

// Reachable returns nil once one of the bootstrap brokers accepts a TCP
// connection. When none does within ReachTimeout it fails at once with
// ErrNotRunning, naming the addresses and how to start the cluster, so
// that a target does not wait out KAFKA_READY_TIMEOUT in silence.
func (s *Stack) Reachable(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, ReachTimeout)
	defer cancel()
	addrs := s.Bootstrap()
	var d net.Dialer
	for {
		for _, a := range addrs {
			if c, err := d.DialContext(ctx, "tcp", a); err == nil {
				c.Close()
				return nil
			}
		}
		select {
		case <-ctx.Done():
			hint := "start it with: go run magefile.go up"
			if s.IsExternal() {
				hint = "check KAFKA_BROKERS and that the cluster is up"
			}
			return fmt.Errorf("no broker answers at %s: %w (%s)", strings.Join(addrs, ","), ErrNotRunning, hint)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// IsExternal reports whether the cluster is one kafkastack does not manage.
func (s *Stack) IsExternal() bool { return !cluster.Managed(s.Runtime) }

// Down stops the console and the cluster, and keeps the data.
func (s *Stack) Down(ctx context.Context) error {
	if err := s.stopConsole(ctx); err != nil {
		return err
	}
	return s.Runtime.Down(ctx)
}

// Clean stops the console and the cluster, and deletes the data: the
// runtime's folder, and the data folder itself once no other runtime's
// data is left in it, so that a clean clone stays clean.
func (s *Stack) Clean(ctx context.Context) error {
	if err := s.stopConsole(ctx); err != nil {
		return err
	}
	if err := s.Runtime.Clean(ctx); err != nil {
		return err
	}
	_ = os.Remove(s.Env.Config.DataDir) // only when empty
	return nil
}

// Logs writes the runtime's logs to stdout.
func (s *Stack) Logs(ctx context.Context, service string, follow bool) error {
	return s.Runtime.Logs(ctx, os.Stdout, service, follow)
}

// Console is the background web console of a runtime that brings none
// (native, embedded), whether running or not; nil on the external runtime
// and where the runtime bundles its own (cluster.BundledUI).
func (s *Stack) Console() *console.Daemon {
	if s.IsExternal() {
		return nil
	}
	if _, ok := s.Runtime.(cluster.BundledUI); ok {
		return nil
	}
	cfg := s.Env.Config
	return &console.Daemon{
		Root:   cfg.Root,
		Dir:    cfg.RuntimeDataDir(config.Runtime(s.Runtime.Name())),
		Binary: filepath.Join(cfg.CacheDir, "bin", "kafkastack-console"),
		Addr:   s.ConsoleAddr(),
		Args:   []string{"-compose", cfg.ComposeDir, "-data", cfg.DataDir},
		Env:    []string{"KAFKASTACK_ROOT=" + cfg.Root, "KAFKA_RUNTIME=" + s.Runtime.Name(), "KAFKA_MODE=" + string(cfg.Mode)},
		Logf:   s.Env.Logf,
	}
}

// ConsoleAddr is where the web console serves: 127.0.0.1 and the compose
// file's console port (Kafdrop's, 9000).
func (s *Stack) ConsoleAddr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Env.Topology.ConsolePort()))
}

// StartConsole starts the web console in the background on runtimes
// without a UI of their own (unless KAFKA_UI=off), or names the runtime's
// own UI (Kafdrop on compose). It fails when the console cannot start.
func (s *Stack) StartConsole(ctx context.Context) error {
	if b, ok := s.Runtime.(cluster.BundledUI); ok {
		s.Env.Logf("%s at %s", b.UIName(), b.UIURL())
		return nil
	}
	d := s.Console()
	if d == nil {
		return nil
	}
	if !s.Env.Config.UI {
		s.Env.Logf("console left out (KAFKA_UI=off)")
		return nil
	}
	return d.Start(ctx)
}

func (s *Stack) stopConsole(ctx context.Context) error {
	if d := s.Console(); d != nil {
		return d.Stop(ctx)
	}
	return nil
}

// Services lists the runtime's processes or containers, when it can, and
// the console.
func (s *Stack) Services(ctx context.Context) ([]cluster.ServiceState, error) {
	var out []cluster.ServiceState
	if sv, ok := s.Runtime.(cluster.Services); ok {
		var err error
		if out, err = sv.Services(ctx); err != nil {
			return nil, err
		}
	}
	if d := s.Console(); d != nil {
		out = append(out, d.State())
	}
	return out, nil
}
