// Package embedded is the embedded runtime: franz-go's kfake, serving the
// topology's brokers from a background Go process with a PID file, a log
// file and a data folder inside the repo. It needs nothing but Go.
package embedded

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/config"
	"kafkastack/internal/datadir"
	embeddedsrv "kafkastack/internal/embedded"
	"kafkastack/internal/gobuild"
	"kafkastack/internal/proc"
)

// Runtime runs the embedded cluster.
type Runtime struct {
	env *cluster.Env
	dir string
}

// New returns the embedded runtime for env. It fails when the topology's
// broker ids are not 0..n-1 or 1..n, which kfake cannot serve.
func New(env *cluster.Env) (*Runtime, error) {
	ids := env.Topology.IDs()
	okFrom := func(from int32) bool {
		for i, id := range ids {
			if id != from+int32(i) {
				return false
			}
		}
		return true
	}
	if !okFrom(0) && !(okFrom(1) && len(ids) >= 2) {
		return nil, fmt.Errorf("the embedded runtime needs broker ids 0..n-1 or 1..n, the topology has %v", ids)
	}
	return &Runtime{env: env, dir: env.Config.RuntimeDataDir(config.RuntimeEmbedded)}, nil
}

// Name is "embedded".
func (r *Runtime) Name() string { return string(config.RuntimeEmbedded) }

func (r *Runtime) pidFile() string     { return filepath.Join(r.dir, "embedded.pid") }
func (r *Runtime) logFile() string     { return filepath.Join(r.dir, "embedded.log") }
func (r *Runtime) controlFile() string { return filepath.Join(r.dir, "control") }
func (r *Runtime) kfakeDir() string    { return filepath.Join(r.dir, "kfake") }
func (r *Runtime) binary() string {
	return filepath.Join(r.env.Config.CacheDir, "bin", "kafkastack-embedded")
}

// Bootstrap is the topology's external broker addresses.
func (r *Runtime) Bootstrap() []string { return r.env.Topology.Bootstrap() }

// ClientOpts adds nothing: the embedded cluster is plaintext.
func (r *Runtime) ClientOpts() ([]kgo.Opt, error) { return nil, nil }

// Running reports whether the background process is alive.
func (r *Runtime) Running(context.Context) (bool, error) {
	_, alive := proc.Alive(r.pidFile())
	return alive, nil
}

func (r *Runtime) ports() []int {
	out := make([]int, len(r.env.Topology.Brokers))
	for i, b := range r.env.Topology.Brokers {
		out[i] = b.HostPort
	}
	return out
}

// Up builds the server (cached by Go after the first time) and starts it in
// the background. It fails on a taken port (naming it and its owner), and
// with the log's last lines when the server dies while starting.
func (r *Runtime) Up(ctx context.Context) error {
	if pid, alive := proc.Alive(r.pidFile()); alive {
		r.env.Logf("embedded cluster already running (PID %d)", pid)
		return cluster.ErrAlreadyRunning
	} else if pid != 0 {
		r.env.Logf("removing a stale PID file: PID %d is gone", pid)
		_ = os.Remove(r.pidFile())
	}
	if err := proc.AwaitPortsFree(ctx, "127.0.0.1", r.ports(), portsFreeWait, r.env.Logf); err != nil {
		return fmt.Errorf("starting embedded cluster: %w", err)
	}
	if err := r.build(ctx); err != nil {
		return err
	}
	_ = os.Remove(r.controlFile())
	var ids, ports, cfgs []string
	for _, b := range r.env.Topology.Brokers {
		ids = append(ids, strconv.Itoa(int(b.ID)))
		ports = append(ports, strconv.Itoa(b.HostPort))
	}
	for k, v := range brokerConfigs(r.env.Topology.Brokers[0].Env) {
		cfgs = append(cfgs, k+"="+v)
	}
	pid, err := proc.Start(proc.Spec{
		Name: "embedded cluster",
		Path: r.binary(),
		Args: []string{
			"-ids", strings.Join(ids, ","),
			"-ports", strings.Join(ports, ","),
			"-data", r.kfakeDir(),
			"-control", r.controlFile(),
			"-configs", strings.Join(cfgs, ","),
		},
		Dir:     r.dir,
		PIDFile: r.pidFile(),
		LogFile: r.logFile(),
	})
	if err != nil {
		return err
	}
	r.env.Logf("embedded cluster started: PID %d, brokers %s, data in %s", pid, strings.Join(r.Bootstrap(), ","), datadir.Rel(r.env.Config.Root, r.kfakeDir()))
	return r.awaitListening(ctx, pid)
}

// build compiles the server into the cache folder.
func (r *Runtime) build(ctx context.Context) error {
	if err := gobuild.Build(ctx, r.env.Config.Root, "./internal/embedded/cmd/kafkastack-embedded", r.binary()); err != nil {
		return fmt.Errorf("building the embedded server: %w", err)
	}
	return nil
}

// awaitListening waits until the control file exists and every broker port
// accepts a connection, or the process dies, bounded by 30s.
func (r *Runtime) awaitListening(ctx context.Context, pid int) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		if !proc.PIDAlive(pid) {
			_ = os.Remove(r.pidFile())
			return fmt.Errorf("starting embedded cluster: the server exited; last log lines:\n%s", datadir.Tail(r.logFile(), 10))
		}
		if _, err := os.Stat(r.controlFile()); err == nil && r.allListening() {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("starting embedded cluster: not listening after 30s; last log lines:\n%s", datadir.Tail(r.logFile(), 10))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (r *Runtime) allListening() bool {
	for _, a := range r.Bootstrap() {
		c, err := net.DialTimeout("tcp", a, 200*time.Millisecond)
		if err != nil {
			return false
		}
		c.Close()
	}
	return true
}

// portsFreeWait bounds how long a stop waits until the brokers' ports can
// be listened on again.
const portsFreeWait = 30 * time.Second

// Down stops the server gracefully (SIGTERM; SIGKILL after 20s), which
// saves its state, and returns once the process is reaped and its ports
// are free. A stopped cluster is not an error.
func (r *Runtime) Down(ctx context.Context) error { return r.down(ctx, true) }

// down stops the server; keep says whether the data stays (down) or is
// about to be removed (clean), for the closing line.
func (r *Runtime) down(ctx context.Context, keep bool) error {
	pid, alive := proc.Alive(r.pidFile())
	if !alive {
		_ = os.Remove(r.pidFile())
		r.env.Logf("embedded cluster is not running")
		return nil
	}
	killed, err := proc.Stop(ctx, r.pidFile(), 20*time.Second)
	if err != nil {
		return fmt.Errorf("stopping embedded cluster: %w", err)
	}
	if err := proc.AwaitPortsFree(ctx, "127.0.0.1", r.ports(), portsFreeWait, r.env.Logf); err != nil {
		return fmt.Errorf("stopping embedded cluster: %w", err)
	}
	switch {
	case killed:
		r.env.Logf("embedded cluster (PID %d) did not stop in 20s and was killed; recent writes may be lost", pid)
	case keep:
		r.env.Logf("embedded cluster stopped (PID %d); data kept in %s", pid, datadir.Rel(r.env.Config.Root, r.kfakeDir()))
	default:
		r.env.Logf("embedded cluster stopped (PID %d)", pid)
	}
	return nil
}

// Clean stops the server and deletes the runtime's data folder, and nothing
// outside it.
func (r *Runtime) Clean(ctx context.Context) error {
	if err := r.down(ctx, false); err != nil {
		return err
	}
	if err := datadir.RemoveInside(r.env.Config.DataDir, r.dir); err != nil {
		return fmt.Errorf("cleaning embedded cluster: %w", err)
	}
	r.env.Logf("embedded cluster data removed (%s)", datadir.Rel(r.env.Config.Root, r.dir))
	return nil
}

// Logs writes the server's log; with follow it keeps writing new lines
// until ctx ends.
func (r *Runtime) Logs(ctx context.Context, w io.Writer, service string, follow bool) error {
	if service != "" && service != "embedded" {
		if _, ok := r.findService(service); !ok {
			return fmt.Errorf("no service %q in the embedded runtime; it has one log, for all brokers", service)
		}
	}
	return datadir.CopyLog(ctx, w, r.logFile(), follow)
}

func (r *Runtime) findService(name string) (int32, bool) {
	for _, b := range r.env.Topology.Brokers {
		if b.Service == name {
			return b.ID, true
		}
	}
	return 0, false
}

// Services lists the server process.
func (r *Runtime) Services(context.Context) ([]cluster.ServiceState, error) {
	pid, alive := proc.Alive(r.pidFile())
	st := cluster.ServiceState{Service: "embedded", State: "stopped"}
	if alive {
		st.State, st.PID = "running", pid
		st.Detail = "kfake, brokers " + strings.Join(r.Bootstrap(), ",")
	}
	return []cluster.ServiceState{st}, nil
}

// KillBroker removes broker id from the running cluster, simulating its
// death. kfake cannot move its controller, so that broker is refused.
func (r *Runtime) KillBroker(ctx context.Context, id int32) error {
	return embeddedsrv.Control(ctx, r.controlFile(), "kill", id)
}

// StartBroker brings broker id back.
func (r *Runtime) StartBroker(ctx context.Context, id int32) error {
	return embeddedsrv.Control(ctx, r.controlFile(), "start", id)
}

// brokerConfigs takes the broker settings kfake understands from a broker's
// compose environment.
func brokerConfigs(env map[string]string) map[string]string {
	out := map[string]string{}
	for envKey, prop := range map[string]string{
		"KAFKA_MIN_INSYNC_REPLICAS":        "min.insync.replicas",
		"KAFKA_DEFAULT_REPLICATION_FACTOR": "default.replication.factor",
	} {
		if v, ok := env[envKey]; ok {
			out[prop] = v
		}
	}
	return out
}

// SimulatedReplication is true: kfake moves a stopped broker's partitions
// at once and does not enforce min.insync.replicas.
func (r *Runtime) SimulatedReplication() bool { return true }

var (
	_ cluster.Runtime       = (*Runtime)(nil)
	_ cluster.BrokerControl = (*Runtime)(nil)
	_ cluster.Simulation    = (*Runtime)(nil)
	_ cluster.Services      = (*Runtime)(nil)
)
