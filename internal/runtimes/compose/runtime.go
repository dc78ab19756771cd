package compose

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/config"
	"kafkastack/internal/datadir"
	"kafkastack/internal/proc"
)

// Project is the fixed compose project name, whichever the mode.
const Project = "kafkastack"

// The compose files of the two modes, inside config.Config.ComposeDir.
const (
	zkFile    = "docker-compose.yml"
	kraftFile = "docker-compose.kraft.yml"
)

// Bounds of the long compose calls.
const (
	pullTimeout   = 20 * time.Minute
	downTimeout   = 3 * time.Minute
	startTimeout  = 2 * time.Minute
	logsTimeout   = 2 * time.Minute
	followTimeout = 24 * time.Hour
	// upMargin is added to KAFKA_READY_TIMEOUT for `up`: creating the
	// network, volumes and containers before the healthchecks pass.
	upMargin = 5 * time.Minute
)

// Runtime runs the topology's compose file with Docker Compose.
type Runtime struct {
	env *cluster.Env
	// found is the compose command, looked up on first use.
	found *Tool
}

// New returns the compose runtime for env. It does not touch Docker (Up
// checks that an engine answers); it fails only when env lacks its
// configuration or topology.
func New(env *cluster.Env) (*Runtime, error) {
	if env == nil || env.Config == nil || env.Topology == nil || env.Topology.Project == nil {
		return nil, errors.New("creating the compose runtime: no configuration or topology")
	}
	return &Runtime{env: env}, nil
}

// Name is "compose".
func (r *Runtime) Name() string { return string(config.RuntimeCompose) }

// Bootstrap is the topology's external broker addresses.
func (r *Runtime) Bootstrap() []string { return r.env.Topology.Bootstrap() }

// ClientOpts adds nothing: the brokers are plaintext on 127.0.0.1. It never
// fails.
func (r *Runtime) ClientOpts() ([]kgo.Opt, error) { return nil, nil }

// modeOf names the mode a compose file belongs to, by its base name.
func modeOf(file string) config.Mode {
	if filepath.Base(file) == kraftFile {
		return config.ModeKRaft
	}
	return config.ModeZK
}

// projectFiles are the compose files whose containers and volumes belong to
// the project: the mode's file, and the other mode's beside it when there.
func (r *Runtime) projectFiles() []string {
	file := r.env.Config.ComposeFile()
	files := []string{file}
	other := filepath.Join(filepath.Dir(file), zkFile)
	if modeOf(file) == config.ModeZK {
		other = filepath.Join(filepath.Dir(file), kraftFile)
	}
	if fileExists(other) {
		files = append(files, other)
	}
	return files
}

// ours reports whether c was created from the mode's compose file (a
// container without the label counts as ours).
func (r *Runtime) ours(c container) bool {
	if len(c.Files) == 0 {
		return true
	}
	base := filepath.Base(r.env.Config.ComposeFile())
	for _, f := range c.Files {
		if f == base {
			return true
		}
	}
	return false
}

// checkMode fails when the project runs from the other mode's file: both
// publish the same ports, and one project cannot hold both.
func (r *Runtime) checkMode(cs []container) error {
	for _, c := range cs {
		if c.State != "running" || r.ours(c) {
			continue
		}
		file := c.Files[0]
		mode := modeOf(file)
		return fmt.Errorf("the %s containers run from compose/%s (KAFKA_MODE=%s); stop them first with `KAFKA_MODE=%s go run magefile.go down`", Project, file, mode, mode)
	}
	return nil
}

// portsToCheck are the host ports of the services that are not running
// yet, each with the address it will be published on: KAFKA_BIND_ADDRESS
// from the environment (which Compose prefers to compose/.env), else the
// address in the loaded file (compose/.env, default 127.0.0.1).
func (r *Runtime) portsToCheck(running map[string]bool) map[string][]int {
	out := map[string][]int{}
	env := r.env.Config.BindAddress
	for name, svc := range r.env.Topology.Project.Services {
		if running[name] {
			continue
		}
		for _, p := range svc.Ports {
			n, err := strconv.Atoi(p.Published)
			if err != nil {
				continue
			}
			host := p.HostIP
			if env != "" {
				host = env
			}
			out[host] = append(out[host], n)
		}
	}
	for h := range out {
		sort.Ints(out[h])
	}
	return out
}

// Up checks the engine, the mode of anything already running and the host
// ports, pulls missing images, then runs `up -d --wait` (or, without
// --wait, `up -d` and polls the healthchecks). It returns
// cluster.ErrAlreadyRunning when every service of the file runs, and fails
// with one line naming the cause otherwise.
func (r *Runtime) Up(ctx context.Context) error {
	if err := checkEngine(ctx); err != nil {
		return err
	}
	t, err := r.tool(ctx)
	if err != nil {
		return err
	}
	cs, err := r.containers(ctx)
	if err != nil {
		return fmt.Errorf("starting compose: %w", err)
	}
	if err := r.checkMode(cs); err != nil {
		return err
	}
	running := map[string]bool{}
	for _, c := range cs {
		if c.State == "running" && r.ours(c) {
			running[c.Service] = true
		}
	}
	all := true
	for name := range r.env.Topology.Project.Services {
		all = all && running[name]
	}
	if all {
		r.env.Logf("compose cluster already running (project %s)", Project)
		return cluster.ErrAlreadyRunning
	}
	for host, ports := range r.portsToCheck(running) {
		if err := proc.CheckPortsFree(host, ports); err != nil {
			return fmt.Errorf("starting compose: %w", err)
		}
	}
	if err := r.pullMissing(ctx); err != nil {
		return err
	}
	file := r.env.Config.ComposeFile()
	r.env.Logf("starting compose project %s from %s with %s", Project, datadir.Rel(r.env.Config.Root, file), t.Name())
	sub := []string{"up", "-d", "--remove-orphans"}
	if t.Wait {
		sub = append(sub, "--wait")
	}
	if out, err := r.compose(ctx, r.env.Config.ReadyTimeout+upMargin, r.env.Out, file, sub...); err != nil {
		if errors.Is(err, errEngineStopped) {
			return fmt.Errorf("starting compose: %w", err)
		}
		if pe := portTaken(string(out)); pe != nil {
			return fmt.Errorf("starting compose: %w", pe)
		}
		return fmt.Errorf("starting compose: %w (see `go run magefile.go logs`)", err)
	}
	if !t.Wait {
		if err := r.waitHealthy(ctx, r.env.Config.ReadyTimeout+upMargin); err != nil {
			return fmt.Errorf("starting compose: %w", err)
		}
	}
	return nil
}

// images are the distinct images of the mode's compose file.
func (r *Runtime) images() []string {
	seen := map[string]bool{}
	var out []string
	for _, svc := range r.env.Topology.Project.Services {
		if svc.Image != "" && !seen[svc.Image] {
			seen[svc.Image] = true
			out = append(out, svc.Image)
		}
	}
	sort.Strings(out)
	return out
}

// pullMissing pulls the images when one of them is not on the engine yet,
// with a bound of its own (downloads are slow the first time), and does
// nothing when all are there, so that later runs work offline. When the
// registry cannot be reached it fails with one line naming the images.
func (r *Runtime) pullMissing(ctx context.Context) error {
	missing, err := r.missingImages(ctx)
	if err != nil || len(missing) == 0 {
		return err
	}
	r.env.Logf("pulling images (first run only): %s", strings.Join(missing, " "))
	if out, err := r.compose(ctx, pullTimeout, r.env.Out, r.env.Config.ComposeFile(), "pull"); err != nil {
		if errors.Is(err, errEngineStopped) {
			return fmt.Errorf("pulling images: %w", err)
		}
		return r.pullError(missing, string(out), err)
	}
	return nil
}

// Down stops and removes the project's containers (either mode's) and keeps
// the volumes, and returns once the host ports they published can be
// listened on again. Stopping a stopped project is not an error; it fails
// when docker does not answer.
func (r *Runtime) Down(ctx context.Context) error {
	if err := checkEngine(ctx); err != nil {
		return err
	}
	if _, err := r.compose(ctx, downTimeout, r.env.Out, r.env.Config.ComposeFile(), "down", "--remove-orphans"); err != nil {
		return fmt.Errorf("stopping compose: %w", err)
	}
	if err := r.awaitPortsReleased(ctx); err != nil {
		return fmt.Errorf("stopping compose: %w", err)
	}
	r.env.Logf("compose cluster stopped; volumes kept")
	return nil
}

// Clean removes the project's containers and volumes, those of both modes'
// files, and the compose runtime's data folder in the repo; nothing else. It
// returns once the host ports can be listened on again.
// Cleaning twice is not an error; it fails when docker does not answer.
func (r *Runtime) Clean(ctx context.Context) error {
	if err := checkEngine(ctx); err != nil {
		return err
	}
	for _, file := range r.projectFiles() {
		if _, err := r.compose(ctx, downTimeout, r.env.Out, file, "down", "-v", "--remove-orphans"); err != nil {
			return fmt.Errorf("cleaning compose: %w", err)
		}
	}
	if err := r.awaitPortsReleased(ctx); err != nil {
		return fmt.Errorf("cleaning compose: %w", err)
	}
	if err := datadir.RemoveInside(r.env.Config.DataDir, r.env.Config.RuntimeDataDir(config.RuntimeCompose)); err != nil {
		return fmt.Errorf("cleaning compose: %w", err)
	}
	r.env.Logf("compose cluster and volumes removed")
	return nil
}

// Logs writes the logs of one service (all when service is empty) to w;
// follow keeps streaming until ctx ends. It fails on a service the compose
// file does not have, and when docker does not answer.
func (r *Runtime) Logs(ctx context.Context, w io.Writer, service string, follow bool) error {
	sub := []string{"logs", "--no-color"}
	if follow {
		sub = append(sub, "-f")
	}
	if service != "" {
		if _, ok := r.env.Topology.Project.Services[service]; !ok {
			var names []string
			for n := range r.env.Topology.Project.Services {
				names = append(names, n)
			}
			sort.Strings(names)
			return fmt.Errorf("no service %q in %s; services: %s", service, filepath.Base(r.env.Config.ComposeFile()), strings.Join(names, ", "))
		}
		sub = append(sub, service)
	}
	d := logsTimeout
	if follow {
		d = followTimeout
	}
	if _, err := r.compose(ctx, d, w, r.env.Config.ComposeFile(), sub...); err != nil {
		if follow && ctx.Err() != nil {
			return nil // stopped by the caller
		}
		return fmt.Errorf("reading logs: %w", err)
	}
	return nil
}

// portsReleaseWait bounds how long Down and Clean wait for the host ports.
const portsReleaseWait = 60 * time.Second

// awaitPortsReleased waits until the host ports of the file's services can
// be listened on again, waiting for Docker's proxies (or listeners this
// user cannot name, as a root proxy is to others) to go. A port another
// named program holds is not the project's and is left alone. It fails
// after portsReleaseWait, naming the port still held.
func (r *Runtime) awaitPortsReleased(ctx context.Context) error {
	stopping := func(owner string) bool { return owner == "" || strings.Contains(owner, "(docker-proxy)") }
	for host, ports := range r.portsToCheck(nil) {
		err := proc.AwaitPortsReleased(ctx, host, ports, portsReleaseWait, stopping, r.env.Logf)
		var pe *proc.PortError
		if errors.As(err, &pe) && !stopping(pe.Owner) {
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}
