package compose

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kafkastack/internal/cluster"
	"kafkastack/internal/testkit"
)

// fakeDocker is a docker (and optionally docker-compose) executable that
// records each call's arguments, one line per call, and answers by the
// FAKE_* variables: FAKE_INFO_RC (docker info), FAKE_V2_RC (docker compose
// version) and FAKE_PS (a file whose contents `ps` prints).
const fakeDocker = `#!/bin/sh
echo "$(basename "$0") $*" >> "$FAKE_LOG"
case "$1 $2" in
  "info "*) exit "${FAKE_INFO_RC:-0}" ;;
  "compose version") exit "${FAKE_V2_RC:-0}" ;;
esac
for a in "$@"; do
  if [ "$a" = "ps" ] && [ -n "$FAKE_PS" ]; then cat "$FAKE_PS"; fi
done
exit 0
`

type fake struct {
	log string
	dir string
}

// install puts the fake tools (named in tools) first and alone on PATH.
func install(t *testing.T, tools ...string) *fake {
	t.Helper()
	dir := t.TempDir()
	for _, tool := range tools {
		if err := os.WriteFile(filepath.Join(dir, tool), []byte(fakeDocker), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Only the fakes and what they run (sh, cat, basename) are on PATH, so
	// a real docker on this machine is never found.
	for _, tool := range []string{"sh", "cat", "basename"} {
		real, err := exec.LookPath(tool)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(real, filepath.Join(dir, tool)); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
	f := &fake{log: filepath.Join(dir, "calls.log"), dir: dir}
	t.Setenv("FAKE_LOG", f.log)
	t.Setenv("FAKE_PS", "")
	return f
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (f *fake) calls(t *testing.T) []string {
	b, _ := os.ReadFile(f.log)
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

func (f *fake) ps(t *testing.T, body string) {
	p := filepath.Join(f.dir, "ps.json")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FAKE_PS", p)
}

func newTestRuntime(t *testing.T) (*Runtime, *bytes.Buffer, map[int]int) {
	t.Helper()
	env, out, ports := testkit.Env(t, "docker-compose.yml", map[string]string{"KAFKA_RUNTIME": "compose"})
	r, err := New(env)
	if err != nil {
		t.Fatal(err)
	}
	return r, out, ports
}

func lastCall(t *testing.T, f *fake) string {
	c := f.calls(t)
	return c[len(c)-1]
}

func TestUpWithComposeV2(t *testing.T) {
	f := install(t, "docker")
	r, _, _ := newTestRuntime(t)
	if err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "docker compose -p kafkastack -f " + r.env.Config.ComposeFile() + " --env-file " + filepath.Join(r.env.Config.ComposeDir, ".env") + " up -d --wait"
	if got := lastCall(t, f); got != want {
		t.Fatalf("last call\n got %s\nwant %s", got, want)
	}
	if !strings.HasPrefix(f.calls(t)[0], "docker info") {
		t.Fatalf("the engine was not checked first: %v", f.calls(t))
	}
}

func TestUpFallsBackToComposeV1(t *testing.T) {
	f := install(t, "docker", "docker-compose")
	t.Setenv("FAKE_V2_RC", "1")
	r, _, _ := newTestRuntime(t)
	if err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := lastCall(t, f); !strings.HasPrefix(got, "docker-compose -p kafkastack -f ") || !strings.HasSuffix(got, " up -d --wait") {
		t.Fatalf("last call %q", got)
	}
}

func TestDownCleanLogsAndBrokers(t *testing.T) {
	f := install(t, "docker")
	r, _, _ := newTestRuntime(t)
	ctx := context.Background()
	for _, tc := range []struct {
		run  func() error
		want string
	}{
		{func() error { return r.Down(ctx) }, " down"},
		{func() error { return r.Clean(ctx) }, " down -v --remove-orphans"},
		{func() error { return r.Logs(ctx, &bytes.Buffer{}, "kafka2", true) }, " logs --no-color -f kafka2"},
		{func() error { return r.Logs(ctx, &bytes.Buffer{}, "", false) }, " logs --no-color"},
		{func() error { return r.KillBroker(ctx, 3) }, " kill -s SIGKILL kafka3"},
		{func() error { return r.StartBroker(ctx, 3) }, " start kafka3"},
	} {
		if err := tc.run(); err != nil {
			t.Fatal(err)
		}
		if got := lastCall(t, f); !strings.HasSuffix(got, tc.want) || !strings.HasPrefix(got, "docker compose -p kafkastack -f ") {
			t.Errorf("last call %q, want it to end with %q", got, tc.want)
		}
	}
	if err := r.Logs(ctx, &bytes.Buffer{}, "kafka9", false); err == nil {
		t.Error("logs of an unknown service succeeded")
	}
	if err := r.KillBroker(ctx, 9); err == nil {
		t.Error("killing an unknown broker succeeded")
	}
}

func TestStatusParsesBothPSForms(t *testing.T) {
	lines := `{"Service":"kafka1","State":"running","Health":"healthy","Name":"kafkastack-kafka1-1"}
{"Service":"zookeeper","State":"exited","Health":"","Name":"kafkastack-zookeeper-1"}`
	array := `[{"Service":"kafka1","State":"running","Health":"healthy","Name":"kafkastack-kafka1-1"},{"Service":"zookeeper","State":"exited","Name":"kafkastack-zookeeper-1"}]`
	for _, body := range []string{lines, array} {
		st, err := ParsePS([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if len(st) != 2 || st[0].Service != "kafka1" || st[0].State != "running" || !strings.Contains(st[0].Detail, "healthy") || st[1].State != "exited" {
			t.Fatalf("parsed %+v", st)
		}
	}
	if _, err := ParsePS([]byte("{not json")); err == nil {
		t.Fatal("bad JSON parsed")
	}
	f := install(t, "docker")
	f.ps(t, lines)
	r, _, _ := newTestRuntime(t)
	st, err := r.Services(context.Background())
	if err != nil || len(st) != 2 {
		t.Fatalf("services %v, %v", st, err)
	}
	if got := lastCall(t, f); !strings.HasSuffix(got, " ps -a --format json") {
		t.Fatalf("last call %q", got)
	}
}

func TestUpOnARunningProjectSaysSo(t *testing.T) {
	f := install(t, "docker")
	var b strings.Builder
	for _, s := range []string{"zookeeper", "kafka1", "kafka2", "kafka3", "kafdrop"} {
		b.WriteString(`{"Service":"` + s + `","State":"running"}` + "\n")
	}
	f.ps(t, b.String())
	r, out, _ := newTestRuntime(t)
	if err := r.Up(context.Background()); !errors.Is(err, cluster.ErrAlreadyRunning) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(out.String(), "already running") {
		t.Fatalf("output %q", out.String())
	}
	for _, c := range f.calls(t) {
		if strings.HasSuffix(c, "up -d --wait") {
			t.Fatal("up ran on a running project")
		}
	}
}

func TestEngineDown(t *testing.T) {
	install(t, "docker")
	t.Setenv("FAKE_INFO_RC", "1")
	r, _, _ := newTestRuntime(t)
	err := r.Up(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no Docker engine answers: start Docker Desktop or `sudo systemctl start docker`") {
		t.Fatalf("err = %v", err)
	}
	if ok, why := DetectEngine(context.Background()); ok || !strings.Contains(why, "no Docker engine answers") {
		t.Fatalf("DetectEngine = %v, %q", ok, why)
	}
}

func TestDockerAbsent(t *testing.T) {
	install(t) // neither docker nor docker-compose
	r, _, _ := newTestRuntime(t)
	err := r.Up(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no docker command on PATH") {
		t.Fatalf("err = %v", err)
	}
	if ok, why := DetectEngine(context.Background()); ok || why != "no docker command on PATH" {
		t.Fatalf("DetectEngine = %v, %q", ok, why)
	}
}

func TestUpReportsATakenPort(t *testing.T) {
	f := install(t, "docker")
	r, _, ports := newTestRuntime(t)
	taken := ports[9000] // Kafdrop's port
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(taken))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = r.Up(context.Background())
	if err == nil || !strings.Contains(err.Error(), "port "+strconv.Itoa(taken)+" is already in use by PID") {
		t.Fatalf("err = %v", err)
	}
	for _, c := range f.calls(t) {
		if strings.HasSuffix(c, "up -d --wait") {
			t.Fatal("up ran with a taken port")
		}
	}
}
