package compose

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/config"
	"kafkastack/internal/datadir"
	"kafkastack/internal/proc"
)

// Project is the fixed compose project name.
const Project = "kafkastack"

// Runtime runs the topology with Docker Compose.
type Runtime struct {
	env *cluster.Env
	// base is the compose command: ["docker", "compose"] or ["docker-compose"].
	base []string
}

// New returns the compose runtime for env. It does not touch Docker; Up
// checks that an engine answers.
func New(env *cluster.Env) (*Runtime, error) {
	return &Runtime{env: env}, nil
}

// Name is "compose".
func (r *Runtime) Name() string { return string(config.RuntimeCompose) }

// Bootstrap is the topology's external broker addresses.
func (r *Runtime) Bootstrap() []string { return r.env.Topology.Bootstrap() }

// ClientOpts adds nothing: the brokers are plaintext on 127.0.0.1.
func (r *Runtime) ClientOpts() ([]kgo.Opt, error) { return nil, nil }

// DetectEngine reports whether a Docker engine answers (`docker info`
// within 5s), and why not.
func DetectEngine(ctx context.Context) (bool, string) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		return false, "no docker command on PATH"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := exec.CommandContext(ctx, docker, "info", "--format", "{{.ServerVersion}}").Run(); err != nil {
		return false, "the docker command is there but no Docker engine answers"
	}
	return true, "a Docker engine answers"
}

// errNoEngine is the one line users see when Docker is stopped.
var errNoEngine = errors.New("no Docker engine answers: start Docker Desktop or `sudo systemctl start docker`, or use KAFKA_RUNTIME=native or embedded")

// command finds the compose command: `docker compose` (v2), else
// `docker-compose` (v1). It fails with one line when neither is there.
func (r *Runtime) command(ctx context.Context) ([]string, error) {
	if r.base != nil {
		return r.base, nil
	}
	if docker, err := exec.LookPath("docker"); err == nil {
		vctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if exec.CommandContext(vctx, docker, "compose", "version").Run() == nil {
			r.base = []string{docker, "compose"}
			return r.base, nil
		}
	}
	if v1, err := exec.LookPath("docker-compose"); err == nil {
		r.base = []string{v1}
		return r.base, nil
	}
	if _, err := exec.LookPath("docker"); err != nil {
		return nil, errors.New("the compose runtime needs Docker: no docker command on PATH (install Docker, or use KAFKA_RUNTIME=native or embedded)")
	}
	return nil, errors.New("the compose runtime needs Docker Compose: neither `docker compose` nor `docker-compose` is installed")
}

// args are the arguments every compose call starts with.
func (r *Runtime) args(sub ...string) []string {
	cfg := r.env.Config
	a := []string{"-p", Project, "-f", cfg.ComposeFile()}
	if env := filepath.Join(cfg.ComposeDir, ".env"); fileExists(env) {
		a = append(a, "--env-file", env)
	}
	return append(a, sub...)
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// run runs one compose command bounded by d, with its output to w (or
// captured when w is nil, and returned).
func (r *Runtime) run(ctx context.Context, d time.Duration, w io.Writer, sub ...string) ([]byte, error) {
	base, err := r.command(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	full := append(append([]string{}, base[1:]...), r.args(sub...)...)
	cmd := exec.CommandContext(ctx, base[0], full...)
	cmd.Dir = r.env.Config.ComposeDir
	var buf bytes.Buffer
	if w != nil {
		cmd.Stdout, cmd.Stderr = w, w
	} else {
		cmd.Stdout, cmd.Stderr = &buf, &buf
	}
	err = cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return buf.Bytes(), fmt.Errorf("%s %s: no answer within %s", filepath.Base(base[0]), strings.Join(sub, " "), d)
	}
	if err != nil {
		return buf.Bytes(), fmt.Errorf("%s %s: %v: %s", filepath.Base(base[0]), strings.Join(sub, " "), err, lastLine(buf.String()))
	}
	return buf.Bytes(), nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "\n"); i >= 0 {
		return s[i+1:]
	}
	return s
}

// checkEngine fails with one line unless docker is installed and its
// engine answers.
func (r *Runtime) checkEngine(ctx context.Context) error {
	docker, err := exec.LookPath("docker")
	if err != nil {
		if _, v1 := exec.LookPath("docker-compose"); v1 != nil {
			return errors.New("the compose runtime needs Docker: no docker command on PATH (install Docker, or use KAFKA_RUNTIME=native or embedded)")
		}
		return nil // docker-compose v1 alone; it reports its own engine errors
	}
	ictx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := exec.CommandContext(ictx, docker, "info", "--format", "{{.ServerVersion}}").Run(); err != nil {
		return errNoEngine
	}
	return nil
}

// bindAddress is the address ports are published on (KAFKA_BIND_ADDRESS
// from the environment or compose/.env, default 127.0.0.1).
func (r *Runtime) bindAddress() string {
	if v := os.Getenv("KAFKA_BIND_ADDRESS"); v != "" {
		return v
	}
	b, err := os.ReadFile(filepath.Join(r.env.Config.ComposeDir, ".env"))
	if err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "="); ok && k == "KAFKA_BIND_ADDRESS" && v != "" {
				return strings.Trim(v, `"'`)
			}
		}
	}
	return "127.0.0.1"
}

// Up checks the engine and the host ports, then runs `up -d --wait`. It
// returns cluster.ErrAlreadyRunning when every service is running.
func (r *Runtime) Up(ctx context.Context) error {
	if err := r.checkEngine(ctx); err != nil {
		return err
	}
	if _, err := r.command(ctx); err != nil {
		return err
	}
	states, err := r.Services(ctx)
	if err != nil {
		return err
	}
	running := 0
	for _, s := range states {
		if s.State == "running" {
			running++
		}
	}
	if len(states) > 0 && running == len(r.env.Topology.Project.Services) {
		r.env.Logf("compose cluster already running")
		return cluster.ErrAlreadyRunning
	}
	if running == 0 {
		if err := proc.CheckPortsFree(r.bindAddress(), r.env.Topology.HostPorts()); err != nil {
			return fmt.Errorf("starting compose: %w", err)
		}
	}
	r.env.Logf("starting compose project %s from %s", Project, datadir.Rel(r.env.Config.Root, r.env.Config.ComposeFile()))
	if _, err := r.run(ctx, r.env.Config.ReadyTimeout+2*time.Minute, r.env.Out, "up", "-d", "--wait"); err != nil {
		return fmt.Errorf("starting compose: %w", err)
	}
	return nil
}

// Down stops and removes the containers and keeps the volumes.
func (r *Runtime) Down(ctx context.Context) error {
	if err := r.checkEngine(ctx); err != nil {
		return err
	}
	if _, err := r.run(ctx, 3*time.Minute, r.env.Out, "down"); err != nil {
		return fmt.Errorf("stopping compose: %w", err)
	}
	r.env.Logf("compose cluster stopped; volumes kept")
	return nil
}

// Clean removes the containers, the volumes and orphans, and the compose
// runtime's data folder in the repo (nothing else).
func (r *Runtime) Clean(ctx context.Context) error {
	if err := r.checkEngine(ctx); err != nil {
		return err
	}
	if _, err := r.run(ctx, 3*time.Minute, r.env.Out, "down", "-v", "--remove-orphans"); err != nil {
		return fmt.Errorf("cleaning compose: %w", err)
	}
	if err := datadir.RemoveInside(r.env.Config.DataDir, r.env.Config.RuntimeDataDir(config.RuntimeCompose)); err != nil {
		return fmt.Errorf("cleaning compose: %w", err)
	}
	r.env.Logf("compose cluster and volumes removed")
	return nil
}

// Running reports whether any service of the project runs.
func (r *Runtime) Running(ctx context.Context) (bool, error) {
	states, err := r.Services(ctx)
	if err != nil {
		return false, err
	}
	for _, s := range states {
		if s.State == "running" {
			return true, nil
		}
	}
	return false, nil
}

// Logs streams `logs` of one service (or all); follow adds -f.
func (r *Runtime) Logs(ctx context.Context, w io.Writer, service string, follow bool) error {
	sub := []string{"logs", "--no-color"}
	if follow {
		sub = append(sub, "-f")
	}
	if service != "" {
		if _, ok := r.env.Topology.Project.Services[service]; !ok {
			return fmt.Errorf("no service %q in %s", service, filepath.Base(r.env.Config.ComposeFile()))
		}
		sub = append(sub, service)
	}
	d := 2 * time.Minute
	if follow {
		d = 24 * time.Hour
	}
	_, err := r.run(ctx, d, w, sub...)
	return err
}

// psEntry is one container of `compose ps --format json`.
type psEntry struct {
	Service string `json:"Service"`
	State   string `json:"State"`
	Health  string `json:"Health"`
	Name    string `json:"Name"`
}

// ParsePS reads `compose ps --format json` output: a JSON array (older v2)
// or one object per line (newer v2).
func ParsePS(out []byte) ([]cluster.ServiceState, error) {
	out = bytes.TrimSpace(out)
	var entries []psEntry
	if len(out) == 0 {
		return nil, nil
	}
	if out[0] == '[' {
		if err := json.Unmarshal(out, &entries); err != nil {
			return nil, fmt.Errorf("reading compose ps: %w", err)
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(out))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := bytes.TrimSpace(sc.Bytes())
			if len(line) == 0 {
				continue
			}
			var e psEntry
			if err := json.Unmarshal(line, &e); err != nil {
				return nil, fmt.Errorf("reading compose ps: %w", err)
			}
			entries = append(entries, e)
		}
	}
	var states []cluster.ServiceState
	for _, e := range entries {
		st := cluster.ServiceState{Service: e.Service, State: e.State, Detail: e.Name}
		if e.Health != "" {
			st.Detail = e.Name + " (" + e.Health + ")"
		}
		states = append(states, st)
	}
	sort.Slice(states, func(i, j int) bool { return states[i].Service < states[j].Service })
	return states, nil
}

// Services lists the project's containers and their states.
func (r *Runtime) Services(ctx context.Context) ([]cluster.ServiceState, error) {
	out, err := r.run(ctx, time.Minute, nil, "ps", "-a", "--format", "json")
	if err != nil {
		return nil, fmt.Errorf("listing containers: %w", err)
	}
	return ParsePS(out)
}

// KillBroker kills broker id's container (SIGKILL).
func (r *Runtime) KillBroker(ctx context.Context, id int32) error {
	b, ok := r.env.Topology.Broker(id)
	if !ok {
		return fmt.Errorf("no broker %d in the topology", id)
	}
	if _, err := r.run(ctx, time.Minute, nil, "kill", "-s", "SIGKILL", b.Service); err != nil {
		return fmt.Errorf("killing broker %d: %w", id, err)
	}
	r.env.Logf("killed broker %d (%s)", id, b.Service)
	return nil
}

// StartBroker starts broker id's container again.
func (r *Runtime) StartBroker(ctx context.Context, id int32) error {
	b, ok := r.env.Topology.Broker(id)
	if !ok {
		return fmt.Errorf("no broker %d in the topology", id)
	}
	if _, err := r.run(ctx, 2*time.Minute, nil, "start", b.Service); err != nil {
		return fmt.Errorf("starting broker %d: %w", id, err)
	}
	return nil
}
