package console

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"kafkastack/internal/cluster"
	"kafkastack/internal/datadir"
	"kafkastack/internal/gobuild"
	"kafkastack/internal/proc"
)

// Daemon is the console run in the background by up on runtimes that
// bring no console of their own: a PID file and a log under the runtime's
// data folder, stopped by down and clean.
type Daemon struct {
	// Root is the repository (where the console program is built from).
	Root string
	// Dir is the runtime's data folder, e.g. .data/embedded.
	Dir string
	// Binary is where the console program is built, e.g. .cache/bin/...
	Binary string
	// Addr is where it listens, normally config.ConsoleAddr.
	Addr string
	// Args and Env are added to the program's arguments and environment
	// (the runtime, the root, the compose and data folders).
	Args []string
	Env  []string
	// Logf receives progress lines.
	Logf func(format string, args ...any)
}

// PIDFile and LogFile are the daemon's files in Dir.
func (d *Daemon) PIDFile() string { return filepath.Join(d.Dir, "console.pid") }

// LogFile is the console's log.
func (d *Daemon) LogFile() string { return filepath.Join(d.Dir, "console.log") }

// URL is the console's address for a browser.
func (d *Daemon) URL() string { return "http://" + d.Addr }

func (d *Daemon) logf(format string, args ...any) {
	if d.Logf != nil {
		d.Logf(format, args...)
	}
}

// Start builds the console program and starts it in the background, and
// returns once it answers. A running console is left as it is. A taken
// port is an error naming the port and its owner.
func (d *Daemon) Start(ctx context.Context) error {
	if pid, alive := proc.Alive(d.PIDFile()); alive {
		d.logf("console already running at %s (PID %d)", d.URL(), pid)
		return nil
	} else if pid != 0 {
		_ = os.Remove(d.PIDFile())
	}
	host, portText, err := net.SplitHostPort(d.Addr)
	if err != nil {
		return fmt.Errorf("starting the console: address %q: %w", d.Addr, err)
	}
	port, _ := strconv.Atoi(portText)
	if err := proc.CheckPortsFree(host, []int{port}); err != nil {
		return fmt.Errorf("starting the console: %w (KAFKA_UI=off leaves the console out)", err)
	}
	if err := gobuild.Build(ctx, d.Root, "./internal/console/cmd/kafkastack-console", d.Binary); err != nil {
		return fmt.Errorf("building the console: %w", err)
	}
	pid, err := proc.Start(proc.Spec{
		Name:    "console",
		Path:    d.Binary,
		Args:    append([]string{"-addr", d.Addr}, d.Args...),
		Dir:     d.Root,
		Env:     d.Env,
		PIDFile: d.PIDFile(),
		LogFile: d.LogFile(),
	})
	if err != nil {
		return err
	}
	if err := d.awaitAnswer(ctx, pid); err != nil {
		return err
	}
	d.logf("console at %s (PID %d, log %s)", d.URL(), pid, datadir.Rel(d.Root, d.LogFile()))
	return nil
}

// awaitAnswer waits until /healthz answers, or the process dies, bounded
// by 30s.
func (d *Daemon) awaitAnswer(ctx context.Context, pid int) error {
	deadline := time.Now().Add(30 * time.Second)
	hc := &http.Client{Timeout: time.Second}
	for {
		if !proc.PIDAlive(pid) {
			_ = os.Remove(d.PIDFile())
			return fmt.Errorf("starting the console: it exited; last log lines:\n%s", datadir.Tail(d.LogFile(), 10))
		}
		if resp, err := hc.Get(d.URL() + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("starting the console: no answer at %s after 30s; last log lines:\n%s", d.URL(), datadir.Tail(d.LogFile(), 10))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Stop stops the console (SIGTERM, SIGKILL after 5s) and returns once the
// process is gone and its port is free. A stopped console is not an error.
func (d *Daemon) Stop(ctx context.Context) error {
	pid, alive := proc.Alive(d.PIDFile())
	if !alive {
		_ = os.Remove(d.PIDFile())
		return nil
	}
	if _, err := proc.Stop(ctx, d.PIDFile(), 5*time.Second); err != nil {
		return fmt.Errorf("stopping the console: %w", err)
	}
	host, portText, err := net.SplitHostPort(d.Addr)
	if err != nil {
		return fmt.Errorf("stopping the console: address %q: %w", d.Addr, err)
	}
	port, _ := strconv.Atoi(portText)
	if err := proc.AwaitPortsFree(ctx, host, []int{port}, 10*time.Second, nil); err != nil {
		return fmt.Errorf("stopping the console (PID %d): %w", pid, err)
	}
	d.logf("console stopped (PID %d)", pid)
	return nil
}

// State is the console as a service for status.
func (d *Daemon) State() cluster.ServiceState {
	st := cluster.ServiceState{Service: "console", State: "stopped"}
	if pid, alive := proc.Alive(d.PIDFile()); alive {
		st.State, st.PID, st.Detail = "running", pid, d.URL()
	}
	return st
}
