package compose

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// realV1 wraps a real docker-compose 1.x: it records the call like the
// fake, then runs the real one against a socket where no engine is, and
// succeeds when the real one got as far as asking the engine (so it took
// the file and every argument), failing with its output otherwise (a
// usage error, or a file it rejects).
const realV1 = `#!/bin/sh
echo "docker-compose $*" >> "$FAKE_LOG"
case " $* " in *" version --short "*) exec "$REAL_V1" "$@" ;; esac
for a in "$@"; do if [ "$a" = up ]; then : > "$(dirname "$FAKE_LOG")/up.done"; fi; done
out=$(DOCKER_HOST=unix:///nonexistent/docker.sock "$REAL_V1" "$@" 2>&1)
case "$out" in *"Error while fetching server API version"*) exit 0 ;; esac
echo "$out" >&2
exit 2
`

// TestRealComposeV1TakesTheFilesAndCommandLines runs every command line
// the runtime gives docker-compose v1 (up, down, clean, logs, kill, start,
// pull) through a real docker-compose 1.x, in both modes. There is no
// engine here, so each call stops at the engine; what it proves is that
// v1 accepts the compose files (v1 rejects, for example, a top-level name)
// and every argument (v1 rejects `up --wait`). It needs docker-compose 1.x
// on PATH (Debian: apt-get install docker-compose) and is skipped without.
func TestRealComposeV1TakesTheFilesAndCommandLines(t *testing.T) {
	real, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Skip("no docker-compose on PATH (apt-get install docker-compose)")
	}
	out, err := exec.Command(real, "version", "--short").Output()
	if err != nil || !strings.HasPrefix(strings.TrimSpace(string(out)), "1.") {
		t.Skipf("docker-compose on PATH is not 1.x: %q", out)
	}
	// Without the wrapper, the real v1 rejects --wait: the check works.
	cmd := exec.Command(real, "-p", Project, "-f", repoFile(zk), "up", "-d", "--wait")
	cmd.Env = append(os.Environ(), "DOCKER_HOST=unix:///nonexistent/docker.sock")
	if b, _ := cmd.CombinedOutput(); strings.Contains(string(b), "Error while fetching server API version") {
		t.Fatalf("docker-compose v1 took `up --wait`:\n%s", b)
	}

	for _, file := range []string{zk, kraft} {
		t.Run(file, func(t *testing.T) {
			f := install(t, "docker")
			if err := os.WriteFile(filepath.Join(f.dir, "docker-compose"), []byte(realV1), 0o755); err != nil {
				t.Fatal(err)
			}
			t.Setenv("REAL_V1", real)
			t.Setenv("FAKE_V2_RC", "1")
			t.Setenv("FAKE_IMAGES_RC", "1") // so that Up pulls too
			f.answer(t, "FAKE_DOCKER_PS_AFTER", allHealthy(file))
			r, _, _ := newTestRuntime(t, file)
			ctx := context.Background()
			steps := []struct {
				name string
				run  func() error
			}{
				{"up", func() error { return r.Up(ctx) }},
				{"logs", func() error { return r.Logs(ctx, &bytes.Buffer{}, "kafka2", true) }},
				{"kill", func() error { return r.KillBroker(ctx, 2) }},
				{"start", func() error { return r.StartBroker(ctx, 2) }},
				{"down", func() error { return r.Down(ctx) }},
				{"clean", func() error { return r.Clean(ctx) }},
			}
			for _, s := range steps {
				if err := s.run(); err != nil {
					t.Errorf("%s: %v", s.name, err)
				}
			}
			if !r.found.V1 {
				t.Fatalf("not on the v1 path: %+v", r.found)
			}
			want := []string{"pull", "up -d --remove-orphans", "logs --no-color -f kafka2", "kill -s SIGKILL kafka2", "start kafka2", "down --remove-orphans", "down -v --remove-orphans"}
			calls := f.composeCalls()
			if len(calls) != len(want) {
				t.Fatalf("compose calls %v, want %d", calls, len(want))
			}
			for i, w := range want {
				if !strings.HasPrefix(calls[i], "docker-compose -p kafkastack -f ") || !strings.HasSuffix(calls[i], " "+w) {
					t.Errorf("call %d is %q, want it to end with %q", i, calls[i], w)
				}
			}
		})
	}
}
