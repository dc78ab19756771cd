package compose

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Tool is the compose command found on PATH and what it can do.
type Tool struct {
	// Argv is the command: {"/usr/bin/docker", "compose"} or
	// {"/usr/bin/docker-compose"}.
	Argv []string
	// Version is what `version --short` printed, e.g. "2.29.1"; empty when
	// it printed nothing.
	Version string
	// V1 is docker-compose 1.x: no `up --wait`, no `ps --format json`.
	V1 bool
	// Wait reports whether `up --wait` exists (Compose 2.1.1 and later).
	Wait bool
}

// Bounds of the short docker calls.
const (
	versionTimeout = 10 * time.Second
	// killGrace is how long a cancelled docker call has to exit after
	// SIGTERM before it is killed and its output closed.
	killGrace = 5 * time.Second
)

var (
	errNoDocker  = errors.New("the compose runtime needs Docker: no docker command on PATH (install Docker, or use KAFKA_RUNTIME=native or embedded)")
	errNoCompose = errors.New("the compose runtime needs Docker Compose: neither `docker compose` (v2) nor `docker-compose` is installed")
)

// FindTool finds the compose command: `docker compose` (v2), else
// `docker-compose` (v1, or a standalone v2). It fails with one line when
// docker is not on PATH or neither command answers `version`.
func FindTool(ctx context.Context) (*Tool, error) {
	docker, dockerErr := exec.LookPath("docker")
	if dockerErr != nil {
		return nil, errNoDocker
	}
	if out, err := output(ctx, versionTimeout, docker, "compose", "version", "--short"); err == nil {
		return newTool([]string{docker, "compose"}, out), nil
	}
	v1, err := exec.LookPath("docker-compose")
	if err != nil {
		return nil, errNoCompose
	}
	out, err := output(ctx, versionTimeout, v1, "version", "--short")
	if err != nil {
		return nil, fmt.Errorf("running docker-compose version: %w", err)
	}
	return newTool([]string{v1}, out), nil
}

// newTool reads a `version --short` answer ("2.29.1", "v2.0.0", "1.29.2").
func newTool(argv []string, version string) *Tool {
	v := strings.TrimPrefix(strings.TrimSpace(lastLine(version)), "v")
	t := &Tool{Argv: argv, Version: v}
	major, minor, patch, ok := parseVersion(v)
	switch {
	case !ok:
		// An unknown form: assume a current Compose.
		t.Wait = true
	case major < 2:
		t.V1 = true
	default:
		t.Wait = major > 2 || minor > 1 || minor == 1 && patch >= 1
	}
	return t
}

// parseVersion reads "X.Y.Z" (anything after Z, such as "-desktop.1", is
// ignored).
func parseVersion(v string) (major, minor, patch int, ok bool) {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return 0, 0, 0, false
	}
	nums := make([]int, 3)
	for i, p := range parts {
		end := 0
		for end < len(p) && p[end] >= '0' && p[end] <= '9' {
			end++
		}
		n, err := strconv.Atoi(p[:end])
		if err != nil {
			return 0, 0, 0, false
		}
		nums[i] = n
	}
	return nums[0], nums[1], nums[2], true
}

// Name is how messages call the tool: "docker compose" or "docker-compose".
func (t *Tool) Name() string {
	if len(t.Argv) == 2 {
		return "docker compose"
	}
	return "docker-compose"
}

// command builds an exec.Cmd bounded by ctx: it runs in a process group of
// its own so that cancelling stops the docker CLI and the plugin it starts,
// and it gives up on the output killGrace after that.
func command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// The whole group: docker runs the compose plugin as a child.
		if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = killGrace
	return cmd
}

// output runs a short command bounded by d and returns its standard output.
// It fails with the command's last line of error output, or with "no answer
// within d".
func output(ctx context.Context, d time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	cmd := command(ctx, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return stdout.String(), fmt.Errorf("%s %s: no answer within %s", filepath.Base(name), strings.Join(args, " "), d)
	}
	if err != nil {
		if msg := lastLine(stderr.String()); msg != "" {
			return stdout.String(), fmt.Errorf("%s %s: %s", filepath.Base(name), strings.Join(args, " "), msg)
		}
		return stdout.String(), fmt.Errorf("%s %s: %w", filepath.Base(name), strings.Join(args, " "), err)
	}
	return stdout.String(), nil
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "\n"); i >= 0 {
		return strings.TrimSpace(s[i+1:])
	}
	return s
}

// globalArgs are the arguments every compose call starts with, so that it
// works from any working directory: the fixed project name, the file, the
// compose folder as project directory, and its .env when there is one.
func (r *Runtime) globalArgs(file string) []string {
	dir := filepath.Dir(file)
	a := []string{"-p", Project, "-f", file, "--project-directory", dir}
	if env := filepath.Join(dir, ".env"); fileExists(env) {
		a = append(a, "--env-file", env)
	}
	return a
}

// tailWriter keeps the last max bytes written to it.
type tailWriter struct {
	max int
	b   []byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// compose runs one compose command on file, bounded by d, with its output
// to w, or captured and returned when w is nil.
func (r *Runtime) compose(ctx context.Context, d time.Duration, w io.Writer, file string, sub ...string) ([]byte, error) {
	t, err := r.tool(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	args := append(append(append([]string{}, t.Argv[1:]...), r.globalArgs(file)...), sub...)
	cmd := command(ctx, t.Argv[0], args...)
	cmd.Dir = filepath.Dir(file)
	var buf bytes.Buffer
	tail := &tailWriter{max: 4096}
	if w != nil {
		// One writer for both streams (so one copying goroutine), keeping
		// the last few lines for the error.
		out := io.MultiWriter(w, tail)
		cmd.Stdout, cmd.Stderr = out, out
	} else {
		cmd.Stdout, cmd.Stderr = &buf, &buf
	}
	err = cmd.Run()
	if w != nil {
		buf.Write(tail.b)
	}
	what := t.Name() + " " + strings.Join(sub, " ")
	if ctx.Err() == context.DeadlineExceeded {
		return buf.Bytes(), fmt.Errorf("%s: no answer within %s", what, d)
	}
	if err != nil && (saysEngineGone(buf.String()) || ctx.Err() == nil && engineProblem(ctx, detectTimeout) != "") {
		// Said so, or said something else (a container that exited as the
		// engine stopped it) while the engine no longer answers.
		return buf.Bytes(), engineStopped(what)
	}
	if err != nil {
		if msg := lastLine(buf.String()); msg != "" {
			return buf.Bytes(), fmt.Errorf("%s: %s", what, msg)
		}
		return buf.Bytes(), fmt.Errorf("%s: %w", what, err)
	}
	return buf.Bytes(), nil
}

// tool finds the compose command once per runtime.
func (r *Runtime) tool(ctx context.Context) (*Tool, error) {
	if r.found != nil {
		return r.found, nil
	}
	t, err := FindTool(ctx)
	if err != nil {
		return nil, err
	}
	r.found = t
	return t, nil
}
