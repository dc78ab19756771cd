package compose

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"kafkastack/internal/cluster"
	"kafkastack/internal/testkit"
)

// fakeDocker stands in for docker (and docker-compose). It appends each
// call's name and arguments to $FAKE_LOG, one line a call, and answers by
// the FAKE_* variables:
//
//	FAKE_INFO_RC, FAKE_INFO_ERR, FAKE_INFO_HANG  docker info
//	FAKE_ENGINE_DIES                             docker info fails once a compose call failed
//	FAKE_V2_RC, FAKE_V2_VERSION                  docker compose version --short
//	FAKE_V1_VERSION                              docker-compose version --short
//	FAKE_DOCKER_PS, FAKE_DOCKER_PS_AFTER         docker ps (before / after an up)
//	FAKE_IMAGES_RC                               docker image inspect
//	FAKE_MISSING_IMAGE                           an image image inspect does not find
//	FAKE_NETWORK_ERR                             docker network fails with this line
//	FAKE_PS                                      compose ps
//	FAKE_FAIL, FAKE_FAIL_MSG                     a compose subcommand that fails, and its error line
const fakeDocker = `#!/bin/sh
dir=$(dirname "$FAKE_LOG")
me=$(basename "$0")
echo "$me $*" >> "$FAKE_LOG"
if [ "$me" = docker ]; then
  case "$1" in
    info)
      [ -n "$FAKE_INFO_HANG" ] && exec sleep 30
      if [ -n "$FAKE_ENGINE_DIES" ] && [ -e "$dir/compose.failed" ]; then
        echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1
      fi
      [ -n "$FAKE_INFO_ERR" ] && echo "$FAKE_INFO_ERR" >&2
      exit "${FAKE_INFO_RC:-0}" ;;
    ps)
      if [ -e "$dir/up.done" ]; then f="$FAKE_DOCKER_PS_AFTER"; else f="$FAKE_DOCKER_PS"; fi
      [ -n "$f" ] && cat "$f"
      exit 0 ;;
    image)
      if [ -n "$FAKE_MISSING_IMAGE" ]; then
        case " $* " in *" $FAKE_MISSING_IMAGE "*) echo "Error: No such image: $FAKE_MISSING_IMAGE" >&2; exit 1 ;; esac
      fi
      exit "${FAKE_IMAGES_RC:-0}" ;;
    network)
      [ -n "$FAKE_NETWORK_ERR" ] && { echo "$FAKE_NETWORK_ERR" >&2; exit 1; }
      exit 0 ;;
    compose)
      shift
      if [ "$1" = version ]; then
        if [ "${FAKE_V2_RC:-0}" != 0 ]; then echo "docker: 'compose' is not a docker command." >&2; exit 1; fi
        echo "${FAKE_V2_VERSION:-2.29.1}"; exit 0
      fi ;;
    *) exit 0 ;;
  esac
elif [ "$1" = version ]; then
  echo "${FAKE_V1_VERSION:-1.29.2}"; exit 0
fi
while [ $# -gt 0 ]; do
  case "$1" in
    -p|-f|--env-file|--project-directory) shift; shift ;;
    *) break ;;
  esac
done
if [ -n "$FAKE_FAIL" ] && [ "$1" = "$FAKE_FAIL" ]; then : > "$dir/compose.failed"; echo "pulling and creating"; echo "${FAKE_FAIL_MSG:-fake: $1 failed}" >&2; exit 1; fi
case "$1" in
  ps) [ -n "$FAKE_PS" ] && cat "$FAKE_PS" ;;
  up) : > "$dir/up.done" ;;
esac
exit 0
`

type fake struct {
	dir, log string
}

// install puts the named fake tools first and alone on PATH (with the few
// programs the fake itself runs), so a real docker is never found.
func install(t *testing.T, tools ...string) *fake {
	t.Helper()
	dir := t.TempDir()
	for _, tool := range tools {
		if err := os.WriteFile(filepath.Join(dir, tool), []byte(fakeDocker), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, tool := range []string{"sh", "cat", "basename", "dirname", "sleep"} {
		real, err := exec.LookPath(tool)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(real, filepath.Join(dir, tool)); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
	f := &fake{dir: dir, log: filepath.Join(dir, "calls.log")}
	for _, k := range []string{"FAKE_INFO_RC", "FAKE_INFO_ERR", "FAKE_INFO_HANG", "FAKE_ENGINE_DIES", "FAKE_V2_RC", "FAKE_V2_VERSION", "FAKE_V1_VERSION",
		"FAKE_DOCKER_PS", "FAKE_DOCKER_PS_AFTER", "FAKE_IMAGES_RC", "FAKE_MISSING_IMAGE", "FAKE_NETWORK_ERR", "FAKE_PS", "FAKE_FAIL", "FAKE_FAIL_MSG", "KAFKA_BIND_ADDRESS"} {
		t.Setenv(k, "")
	}
	t.Setenv("FAKE_LOG", f.log)
	return f
}

func (f *fake) calls() []string {
	b, _ := os.ReadFile(f.log)
	s := strings.TrimSpace(string(b))
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// composeCalls are the calls that ran a compose subcommand.
func (f *fake) composeCalls() []string {
	var out []string
	for _, c := range f.calls() {
		if strings.HasPrefix(c, "docker compose -p ") || strings.HasPrefix(c, "docker-compose -p ") {
			out = append(out, c)
		}
	}
	return out
}

func (f *fake) last() string {
	c := f.composeCalls()
	if len(c) == 0 {
		return ""
	}
	return c[len(c)-1]
}

// answer writes body to a file and points the variable at it.
func (f *fake) answer(t *testing.T, variable, body string) {
	t.Helper()
	p := filepath.Join(f.dir, strings.ToLower(variable)+".out")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(variable, p)
}

// dockerPS is `docker ps` template output: one service a line, each
// "service state status", created from file.
func dockerPS(file string, lines ...string) string {
	var b strings.Builder
	for _, l := range lines {
		f := strings.SplitN(l, " ", 3)
		b.WriteString(f[0] + "\t" + f[1] + "\t" + f[2] + "\tkafkastack-" + f[0] + "-1\t/home/dev/kafkastack/compose/" + file + "\n")
	}
	return b.String()
}

var allServices = []string{"zookeeper", "kafka1", "kafka2", "kafka3", "kafdrop"}

func allHealthy(file string) string {
	var lines []string
	for _, s := range allServices {
		if file == kraft && s == "zookeeper" {
			continue
		}
		lines = append(lines, s+" running Up 2 minutes (healthy)")
	}
	return dockerPS(file, lines...)
}

func newTestRuntime(t *testing.T, file string) (*Runtime, *bytes.Buffer, map[int]int) {
	t.Helper()
	vars := map[string]string{"KAFKA_RUNTIME": "compose", "KAFKA_READY_TIMEOUT": "20s"}
	if file == kraft {
		vars["KAFKA_MODE"] = "kraft"
	}
	env, out, ports := testkit.Env(t, file, vars)
	r, err := New(env)
	if err != nil {
		t.Fatal(err)
	}
	return r, out, ports
}

func ranUp(f *fake) bool {
	for _, c := range f.composeCalls() {
		if strings.Contains(c, " up ") || strings.HasSuffix(c, " up") {
			return true
		}
	}
	return false
}

func TestUpWithComposeV2(t *testing.T) {
	f := install(t, "docker")
	r, out, _ := newTestRuntime(t, zk)
	if err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg := r.env.Config
	want := "docker compose -p kafkastack -f " + cfg.ComposeFile() + " --project-directory " + cfg.ComposeDir +
		" --env-file " + filepath.Join(cfg.ComposeDir, ".env") + " up -d --remove-orphans --wait"
	if got := f.last(); got != want {
		t.Fatalf("last call\n got %s\nwant %s", got, want)
	}
	calls := f.calls()
	if !strings.HasPrefix(calls[0], "docker info") {
		t.Fatalf("the engine was not checked first: %v", calls)
	}
	for _, c := range calls {
		if strings.HasSuffix(c, " pull") {
			t.Fatalf("pulled although every image is there: %v", calls)
		}
	}
	if !strings.Contains(out.String(), "with docker compose") {
		t.Fatalf("output %q", out.String())
	}
}

func TestUpPullsMissingImagesFirst(t *testing.T) {
	f := install(t, "docker")
	t.Setenv("FAKE_IMAGES_RC", "1")
	r, out, _ := newTestRuntime(t, kraft)
	if err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	cc := f.composeCalls()
	if len(cc) != 2 || !strings.HasSuffix(cc[0], " pull") || !strings.HasSuffix(cc[1], " up -d --remove-orphans --wait") {
		t.Fatalf("compose calls %v, want pull then up", cc)
	}
	if !strings.Contains(cc[1], "-f "+r.env.Config.ComposeFile()) || !strings.HasSuffix(r.env.Config.ComposeFile(), kraft) {
		t.Fatalf("up did not use the kraft file: %s", cc[1])
	}
	if !strings.Contains(out.String(), "pulling images (first run only): apache/kafka:4.4.0 obsidiandynamics/kafdrop:4.1.0") {
		t.Fatalf("output %q", out.String())
	}
}

func TestUpFallsBackToComposeV1AndWaitsItself(t *testing.T) {
	f := install(t, "docker", "docker-compose")
	t.Setenv("FAKE_V2_RC", "1")
	f.answer(t, "FAKE_DOCKER_PS_AFTER", allHealthy(zk))
	r, _, _ := newTestRuntime(t, zk)
	if err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	up := f.last()
	if !strings.HasPrefix(up, "docker-compose -p kafkastack -f ") || !strings.HasSuffix(up, " up -d --remove-orphans") {
		t.Fatalf("up call %q: want docker-compose without --wait (v1 has none)", up)
	}
	calls := f.calls()
	if !strings.HasPrefix(calls[len(calls)-1], "docker ps -a --filter label=com.docker.compose.project=kafkastack") {
		t.Fatalf("the healthchecks were not polled after up: %v", calls)
	}
	if !r.found.V1 || r.found.Version != "1.29.2" {
		t.Fatalf("tool %+v", r.found)
	}
}

func TestUpOnComposeV1FailsOnAnUnhealthyService(t *testing.T) {
	f := install(t, "docker", "docker-compose")
	t.Setenv("FAKE_V2_RC", "1")
	f.answer(t, "FAKE_DOCKER_PS_AFTER", dockerPS(zk,
		"zookeeper running Up 1 minute (healthy)",
		"kafka1 running Up 1 minute (healthy)",
		"kafka2 running Up 1 minute (unhealthy)",
		"kafka3 running Up 1 minute (health: starting)"))
	r, _, _ := newTestRuntime(t, zk)
	err := r.Up(context.Background())
	if err == nil || !strings.Contains(err.Error(), "service kafka2 is unhealthy: see `KAFKA_SERVICE=kafka2 go run magefile.go logs`") {
		t.Fatalf("err = %v", err)
	}
}

func TestOldComposeV2WithoutWaitIsPolled(t *testing.T) {
	f := install(t, "docker")
	t.Setenv("FAKE_V2_VERSION", "v2.0.1")
	f.answer(t, "FAKE_DOCKER_PS_AFTER", allHealthy(zk))
	r, _, _ := newTestRuntime(t, zk)
	if err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if up := f.last(); strings.Contains(up, "--wait") || !strings.HasPrefix(up, "docker compose ") {
		t.Fatalf("up call %q: Compose 2.0.1 has no --wait", up)
	}
}

func TestToolVersions(t *testing.T) {
	for _, tc := range []struct {
		out      string
		v1, wait bool
	}{
		{"2.29.1\n", false, true},
		{"v2.0.0", false, false},
		{"2.1.0", false, false},
		{"2.1.1", false, true},
		{"2.24.6-desktop.1", false, true},
		{"1.29.2", true, false},
		{"some banner\n1.25.0", true, false},
		{"unknown", false, true},
	} {
		tool := newTool([]string{"docker", "compose"}, tc.out)
		if tool.V1 != tc.v1 || tool.Wait != tc.wait {
			t.Errorf("version %q: v1=%v wait=%v, want v1=%v wait=%v", tc.out, tool.V1, tool.Wait, tc.v1, tc.wait)
		}
	}
}

func TestDownCleanLogsAndBrokers(t *testing.T) {
	f := install(t, "docker")
	r, out, _ := newTestRuntime(t, zk)
	// The other mode's file beside this one: clean removes its volumes too.
	kraftCopy := filepath.Join(r.env.Config.ComposeDir, kraft)
	b, err := os.ReadFile(repoFile(kraft))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kraftCopy, b, 0o644); err != nil {
		t.Fatal(err)
	}
	leftover := filepath.Join(r.env.Config.RuntimeDataDir("compose"), "x")
	if err := os.MkdirAll(leftover, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	zkFlag := " -f " + r.env.Config.ComposeFile() + " "
	for _, tc := range []struct {
		name string
		run  func() error
		want []string // the compose calls, by their ends and files
	}{
		{"down", func() error { return r.Down(ctx) }, []string{zkFlag + "|down --remove-orphans"}},
		{"clean", func() error { return r.Clean(ctx) }, []string{zkFlag + "|down -v --remove-orphans", " -f " + kraftCopy + " |down -v --remove-orphans"}},
		{"logs one", func() error { return r.Logs(ctx, &bytes.Buffer{}, "kafka2", true) }, []string{zkFlag + "|logs --no-color -f kafka2"}},
		{"logs all", func() error { return r.Logs(ctx, &bytes.Buffer{}, "", false) }, []string{zkFlag + "|logs --no-color"}},
		{"kill", func() error { return r.KillBroker(ctx, 3) }, []string{zkFlag + "|kill -s SIGKILL kafka3"}},
		{"start", func() error { return r.StartBroker(ctx, 3) }, []string{zkFlag + "|start kafka3"}},
	} {
		before := len(f.composeCalls())
		if err := tc.run(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := f.composeCalls()[before:]
		if len(got) != len(tc.want) {
			t.Fatalf("%s: compose calls %v, want %d", tc.name, got, len(tc.want))
		}
		for i, w := range tc.want {
			file, end, _ := strings.Cut(w, "|")
			if !strings.HasPrefix(got[i], "docker compose -p kafkastack -f ") || !strings.Contains(got[i], file) || !strings.HasSuffix(got[i], " "+end) {
				t.Errorf("%s: call %q, want %q on %s", tc.name, got[i], end, file)
			}
		}
	}
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Errorf("clean left %s", leftover)
	}
	if !strings.Contains(out.String(), "volumes kept") || !strings.Contains(out.String(), "killed broker 3 (kafka3)") {
		t.Errorf("output %q", out.String())
	}
	if err := r.Logs(ctx, &bytes.Buffer{}, "kafka9", false); err == nil || !strings.Contains(err.Error(), "services: kafdrop, kafka1, kafka2, kafka3, zookeeper") {
		t.Errorf("logs of an unknown service: %v", err)
	}
	if err := r.KillBroker(ctx, 9); err == nil || !strings.Contains(err.Error(), "killing broker 9: no such broker") {
		t.Errorf("killing an unknown broker: %v", err)
	}
}

func TestComposeErrorsAreOneLine(t *testing.T) {
	install(t, "docker")
	t.Setenv("FAKE_FAIL", "up")
	r, _, _ := newTestRuntime(t, zk)
	err := r.Up(context.Background())
	if err == nil || !strings.Contains(err.Error(), "docker compose up -d --remove-orphans --wait: fake: up failed") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %q", err)
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
		if len(st) != 2 || st[0].Service != "kafka1" || st[0].State != "running" || st[0].Detail != "kafkastack-kafka1-1 (healthy)" || st[1].State != "exited" {
			t.Fatalf("parsed %+v", st)
		}
	}
	if _, err := ParsePS([]byte("{not json")); err == nil {
		t.Fatal("bad JSON parsed")
	}
	f := install(t, "docker")
	f.answer(t, "FAKE_PS", lines)
	r, _, _ := newTestRuntime(t, zk)
	st, err := r.Services(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range st {
		got[s.Service] = s.State
	}
	want := map[string]string{"kafka1": "running", "zookeeper": "exited", "kafka2": "stopped", "kafka3": "stopped", "kafdrop": "stopped"}
	if len(got) != len(want) {
		t.Fatalf("services %+v", st)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s is %q, want %q", k, got[k], v)
		}
	}
	if !strings.HasSuffix(f.last(), " ps -a --format json") {
		t.Fatalf("last call %q", f.last())
	}
	if running, err := r.Running(context.Background()); err != nil || !running {
		t.Fatalf("Running = %v, %v", running, err)
	}
}

func TestStatusOnComposeV1ReadsDockerPS(t *testing.T) {
	f := install(t, "docker", "docker-compose")
	t.Setenv("FAKE_V2_RC", "1")
	f.answer(t, "FAKE_DOCKER_PS", dockerPS(zk, "kafka1 running Up 3 minutes (healthy)", "kafka2 exited Exited (137) 5 seconds ago"))
	r, _, _ := newTestRuntime(t, zk)
	st, err := r.Services(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range st {
		got[s.Service] = s.State + " " + s.Detail
	}
	if got["kafka1"] != "running kafkastack-kafka1-1 (healthy)" || got["kafka2"] != "exited kafkastack-kafka2-1" || got["kafdrop"] != "stopped no container" {
		t.Fatalf("services %v", got)
	}
	for _, c := range f.calls() {
		if strings.Contains(c, "--format json") {
			t.Fatalf("asked v1 for ps --format json: %s", c)
		}
	}
}

func TestParseContainersFromOldDocker(t *testing.T) {
	// No {{.State}} in the template's answer: the state comes from Status.
	cs, err := parseContainers("kafka1\t\tUp 3 minutes (health: starting)\tkafkastack-kafka1-1\t/a/b/docker-compose.yml,/a/b/extra.yml\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].State != "running" || cs[0].Health != "starting" || strings.Join(cs[0].Files, " ") != "docker-compose.yml extra.yml" {
		t.Fatalf("containers %+v", cs)
	}
	if _, err := parseContainers("only\ttwo fields"); err == nil {
		t.Fatal("a short line parsed")
	}
}

func TestUpOnARunningProjectSaysSo(t *testing.T) {
	f := install(t, "docker")
	f.answer(t, "FAKE_DOCKER_PS", allHealthy(zk))
	r, out, ports := newTestRuntime(t, zk)
	// The running containers hold the ports: no port error either.
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(ports[9092]))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := r.Up(context.Background()); !errors.Is(err, cluster.ErrAlreadyRunning) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(out.String(), "already running") {
		t.Fatalf("output %q", out.String())
	}
	if ranUp(f) {
		t.Fatal("up ran on a running project")
	}
}

func TestUpRefusesWhileTheOtherModeRuns(t *testing.T) {
	f := install(t, "docker")
	f.answer(t, "FAKE_DOCKER_PS", allHealthy(zk))
	r, _, _ := newTestRuntime(t, kraft)
	err := r.Up(context.Background())
	if err == nil || !strings.Contains(err.Error(), "run from compose/docker-compose.yml (KAFKA_MODE=zk); stop them first with `KAFKA_MODE=zk go run magefile.go down`") {
		t.Fatalf("err = %v", err)
	}
	if ranUp(f) {
		t.Fatal("up ran while the other mode runs")
	}
}

func TestUpChecksOnlyPortsOfServicesNotRunning(t *testing.T) {
	f := install(t, "docker")
	// ZooKeeper runs (its container holds its port); the rest must start.
	f.answer(t, "FAKE_DOCKER_PS", dockerPS(zk, "zookeeper running Up 1 minute (healthy)", "kafka1 exited Exited (137) 1 minute ago"))
	r, _, ports := newTestRuntime(t, zk)
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(ports[2181]))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := r.Up(context.Background()); err != nil {
		t.Fatalf("up with zookeeper running: %v", err)
	}
	if !ranUp(f) {
		t.Fatal("up did not run")
	}
}

func TestUpReportsATakenPort(t *testing.T) {
	f := install(t, "docker")
	r, _, ports := newTestRuntime(t, zk)
	taken := ports[9000] // Kafdrop's port
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(taken))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = r.Up(context.Background())
	if err == nil || !strings.Contains(err.Error(), "port "+strconv.Itoa(taken)+" is already in use by PID "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("err = %v", err)
	}
	if ranUp(f) {
		t.Fatal("up ran with a taken port")
	}
}

func TestEngineDown(t *testing.T) {
	f := install(t, "docker")
	t.Setenv("FAKE_INFO_RC", "1")
	t.Setenv("FAKE_INFO_ERR", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
	r, _, _ := newTestRuntime(t, zk)
	ctx := context.Background()
	for name, run := range map[string]func() error{"up": func() error { return r.Up(ctx) }, "down": func() error { return r.Down(ctx) }, "clean": func() error { return r.Clean(ctx) }} {
		err := run()
		if err == nil || !strings.HasPrefix(err.Error(), "no Docker engine answers: ") || !strings.Contains(err.Error(), "Docker Desktop") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %q", name, err)
		}
	}
	if ranUp(f) || len(f.composeCalls()) > 0 {
		t.Fatalf("compose ran with no engine: %v", f.composeCalls())
	}
	if ok, why := DetectEngine(ctx); ok || !strings.HasPrefix(why, "no Docker engine answers") {
		t.Fatalf("DetectEngine = %v, %q", ok, why)
	}
	if EngineAvailable(ctx) {
		t.Fatal("EngineAvailable with the engine down")
	}
}

func TestEngineRefusesTheUser(t *testing.T) {
	install(t, "docker")
	t.Setenv("FAKE_INFO_RC", "1")
	t.Setenv("FAKE_INFO_ERR", "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock")
	r, _, _ := newTestRuntime(t, zk)
	if err := r.Up(context.Background()); err == nil || !strings.Contains(err.Error(), "sudo usermod -aG docker $USER") {
		t.Fatalf("err = %v", err)
	}
}

func TestEngineThatHangsIsBounded(t *testing.T) {
	install(t, "docker")
	t.Setenv("FAKE_INFO_HANG", "1")
	start := time.Now()
	ok, why := DetectEngine(context.Background())
	if ok || !strings.Contains(why, "no Docker engine answers within 3s") {
		t.Fatalf("DetectEngine = %v, %q", ok, why)
	}
	if d := time.Since(start); d > detectTimeout+killGrace {
		t.Fatalf("DetectEngine took %s", d)
	}
}

func TestEngineAnswers(t *testing.T) {
	install(t, "docker")
	if ok, why := DetectEngine(context.Background()); !ok || why != "a Docker engine answers" {
		t.Fatalf("DetectEngine = %v, %q", ok, why)
	}
	if !EngineAvailable(context.Background()) {
		t.Fatal("EngineAvailable is false")
	}
}

func TestDockerAbsent(t *testing.T) {
	install(t) // neither docker nor docker-compose
	r, _, _ := newTestRuntime(t, zk)
	ctx := context.Background()
	for name, run := range map[string]func() error{
		"up":     func() error { return r.Up(ctx) },
		"down":   func() error { return r.Down(ctx) },
		"logs":   func() error { return r.Logs(ctx, &bytes.Buffer{}, "", false) },
		"status": func() error { _, err := r.Services(ctx); return err },
	} {
		if err := run(); err == nil || !strings.Contains(err.Error(), "no docker command on PATH") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if ok, why := DetectEngine(ctx); ok || why != "no docker command on PATH" {
		t.Fatalf("DetectEngine = %v, %q", ok, why)
	}
}

func TestComposeAbsent(t *testing.T) {
	install(t, "docker")
	t.Setenv("FAKE_V2_RC", "1")
	r, _, _ := newTestRuntime(t, zk)
	if err := r.Up(context.Background()); err == nil || !strings.Contains(err.Error(), "neither `docker compose` (v2) nor `docker-compose` is installed") {
		t.Fatalf("err = %v", err)
	}
}

func TestNewNeedsATopology(t *testing.T) {
	if _, err := New(&cluster.Env{}); err == nil {
		t.Fatal("New without a topology succeeded")
	}
}

// TestUpChecksPortsOnTheBindAddress: with KAFKA_BIND_ADDRESS set, the
// ports are checked where compose will publish them, not on the file's
// 127.0.0.1.
func TestUpChecksPortsOnTheBindAddress(t *testing.T) {
	f := install(t, "docker")
	env, _, ports := testkit.Env(t, zk, map[string]string{"KAFKA_RUNTIME": "compose", "KAFKA_READY_TIMEOUT": "20s", "KAFKA_BIND_ADDRESS": "127.0.0.2"})
	r, err := New(env)
	if err != nil {
		t.Fatal(err)
	}
	byHost := r.portsToCheck(nil)
	if len(byHost) != 1 || !slices.Contains(byHost["127.0.0.2"], ports[9092]) || !slices.Contains(byHost["127.0.0.2"], ports[2181]) {
		t.Fatalf("ports to check %v, want them all on 127.0.0.2", byHost)
	}
	taken := ports[9092]
	ln, err := net.Listen("tcp", "127.0.0.2:"+strconv.Itoa(taken))
	if err != nil {
		t.Skipf("this machine cannot listen on 127.0.0.2: %v", err)
	}
	defer ln.Close()
	err = r.Up(context.Background())
	if err == nil || !strings.Contains(err.Error(), "port "+strconv.Itoa(taken)+" is already in use") {
		t.Fatalf("err = %v", err)
	}
	if ranUp(f) {
		t.Fatal("up ran with a taken port")
	}
	// Unset, the file's address.
	r, _, ports = newTestRuntime(t, zk)
	if byHost := r.portsToCheck(nil); len(byHost) != 1 || !slices.Contains(byHost["127.0.0.1"], ports[9092]) {
		t.Fatalf("ports to check %v, want them all on 127.0.0.1", byHost)
	}
}
