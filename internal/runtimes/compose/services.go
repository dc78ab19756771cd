package compose

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"kafkastack/internal/cluster"
)

// psEntry is one container of `compose ps --format json`.
type psEntry struct {
	Service string `json:"Service"`
	State   string `json:"State"`
	Health  string `json:"Health"`
	Name    string `json:"Name"`
}

// ParsePS reads `docker compose ps --format json` output: a JSON array
// (Compose before 2.21) or one object per line (later). It fails on output
// that is neither.
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

// container is one container of the project as `docker ps` sees it, with
// the compose file it was created from.
type container struct {
	Service string
	State   string // running, exited, created, ...
	Health  string // healthy, unhealthy, starting, or "" without a healthcheck
	Name    string
	// Files are the base names of the compose files it was created from.
	Files []string
}

// psFormat is the `docker ps` template: tab-separated fields, one
// container a line.
const psFormat = `{{.Label "com.docker.compose.service"}}	{{.State}}	{{.Status}}	{{.Names}}	{{.Label "com.docker.compose.project.config_files"}}`

// parseContainers reads `docker ps --format psFormat` output. It fails on a
// line that does not have the five fields.
func parseContainers(out string) ([]container, error) {
	var cs []container
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("reading docker ps: unexpected line %q", line)
		}
		c := container{Service: f[0], State: f[1], Name: f[3]}
		status := f[2]
		if c.State == "" { // an old docker without {{.State}}
			c.State = "exited"
			if strings.HasPrefix(status, "Up") {
				c.State = "running"
			}
		}
		switch {
		case strings.Contains(status, "(healthy)"):
			c.Health = "healthy"
		case strings.Contains(status, "(unhealthy)"):
			c.Health = "unhealthy"
		case strings.Contains(status, "(health: starting)"):
			c.Health = "starting"
		}
		for _, p := range strings.Split(f[4], ",") {
			if p = strings.TrimSpace(p); p != "" {
				c.Files = append(c.Files, filepath.Base(p))
			}
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// containers lists every container of the project, whichever compose file
// (mode) created it, with `docker ps` (so it works with Compose v1 too).
func (r *Runtime) containers(ctx context.Context) ([]container, error) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		return nil, errNoDocker
	}
	out, err := output(ctx, time.Minute, docker, "ps", "-a", "--filter", "label=com.docker.compose.project="+Project, "--format", psFormat)
	if err != nil {
		return nil, fmt.Errorf("listing containers: %w", err)
	}
	return parseContainers(out)
}

// Services lists the services of the compose file with their containers'
// states (`docker compose ps -a --format json`; `docker ps` for Compose
// v1). A service without a container is "stopped". It fails when docker
// does not answer.
func (r *Runtime) Services(ctx context.Context) ([]cluster.ServiceState, error) {
	t, err := r.tool(ctx)
	if err != nil {
		return nil, err
	}
	var states []cluster.ServiceState
	if t.V1 {
		cs, err := r.containers(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			st := cluster.ServiceState{Service: c.Service, State: c.State, Detail: c.Name}
			if c.Health != "" {
				st.Detail += " (" + c.Health + ")"
			}
			states = append(states, st)
		}
	} else {
		out, err := r.compose(ctx, time.Minute, nil, r.env.Config.ComposeFile(), "ps", "-a", "--format", "json")
		if err != nil {
			return nil, fmt.Errorf("listing containers: %w", err)
		}
		if states, err = ParsePS(out); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	for _, s := range states {
		seen[s.Service] = true
	}
	for name := range r.env.Topology.Project.Services {
		if !seen[name] {
			states = append(states, cluster.ServiceState{Service: name, State: "stopped", Detail: "no container"})
		}
	}
	sort.Slice(states, func(i, j int) bool { return states[i].Service < states[j].Service })
	return states, nil
}

// Running reports whether any container of the compose file runs. It fails
// when docker does not answer.
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

// waitHealthy polls the project's containers until every service of the
// file runs and is healthy, for a Compose without `up --wait`. It fails at
// once on an unhealthy or exited service, and after d naming the services
// that are not healthy yet.
func (r *Runtime) waitHealthy(ctx context.Context, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	var pending []string
	for {
		cs, err := r.containers(ctx)
		if err != nil && ctx.Err() == nil {
			return err
		}
		pending = pending[:0]
		byService := map[string]container{}
		for _, c := range cs {
			byService[c.Service] = c
		}
		for name, svc := range r.env.Topology.Project.Services {
			c, ok := byService[name]
			hasCheck := svc.HealthCheck != nil && !svc.HealthCheck.Disable
			switch {
			case ok && c.Health == "unhealthy":
				return fmt.Errorf("service %s is unhealthy: see `KAFKA_SERVICE=%s go run magefile.go logs`", name, name)
			case ok && c.State == "exited":
				return fmt.Errorf("service %s exited: see `KAFKA_SERVICE=%s go run magefile.go logs`", name, name)
			case !ok || c.State != "running" || hasCheck && c.Health != "healthy":
				pending = append(pending, name)
			}
		}
		if len(pending) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			sort.Strings(pending)
			return fmt.Errorf("services not healthy after %s: %s", d, strings.Join(pending, ", "))
		case <-tick.C:
		}
	}
}
