package compose

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"kafkastack/internal/config"
	"kafkastack/internal/proc"
	"kafkastack/internal/runtimes/native"
	"kafkastack/internal/testkit"
	"kafkastack/internal/topology"
)

// healthScript returns the bash script of a service's healthcheck
// (["CMD", "bash", "-c", script]) with its port moved to port.
func healthScript(t *testing.T, file, service string, from, to int) string {
	t.Helper()
	topo, err := topology.Load(context.Background(), repoFile(file))
	if err != nil {
		t.Fatal(err)
	}
	test := topo.Project.Services[service].HealthCheck.Test
	if len(test) != 4 || test[0] != "CMD" || test[1] != "bash" || test[2] != "-c" {
		t.Fatalf("%s's healthcheck is %q, want CMD bash -c <script>", service, test)
	}
	old := "/dev/tcp/127.0.0.1/" + strconv.Itoa(from)
	if !strings.Contains(test[3], old) {
		t.Fatalf("%s's healthcheck does not connect to %s", service, old)
	}
	return strings.ReplaceAll(test[3], old, "/dev/tcp/127.0.0.1/"+strconv.Itoa(to))
}

// healthy runs a healthcheck script the way the engine does and reports
// whether it passed.
func healthy(t *testing.T, script string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, "bash", "-c", script).Run() == nil
}

func freePort(t *testing.T) int {
	t.Helper()
	p, err := proc.FreePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	return p[0]
}

// fourLetterServer answers one four-letter word per connection with reply
// and closes, as ZooKeeper does.
func fourLetterServer(t *testing.T, reply string) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 4)
				if _, err := bufio.NewReader(c).Read(buf); err != nil {
					return
				}
				if string(buf) == "srvr" {
					fmt.Fprint(c, reply)
				} else {
					fmt.Fprintf(c, "%s is not executed because it is not in the whitelist.\n", buf)
				}
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestHealthcheckScriptsTellUpFromDown runs the ZooKeeper and Kafdrop
// healthcheck scripts of both files with this machine's bash against
// stand-in servers: they must pass on a serving server and fail on one
// that is not serving and on a closed port.
func TestHealthcheckScriptsTellUpFromDown(t *testing.T) {
	for _, tool := range []string{"bash", "timeout", "head", "grep"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not on PATH: %v", tool, err)
		}
	}
	serving := fourLetterServer(t, "Zookeeper version: 3.8.4\nLatency min/avg/max: 0/0.0/0\nMode: standalone\nNode count: 5\n")
	notServing := fourLetterServer(t, "This ZooKeeper instance is not currently serving requests\n")
	for name, tc := range map[string]struct {
		port int
		want bool
	}{"serving": {serving, true}, "not serving": {notServing, false}, "closed port": {freePort(t), false}} {
		if got := healthy(t, healthScript(t, zk, "zookeeper", 2181, tc.port)); got != tc.want {
			t.Errorf("zookeeper healthcheck on a %s server: healthy=%v, want %v", name, got, tc.want)
		}
	}

	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/actuator/health" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.spring-boot.actuator.v3+json")
		w.WriteHeader(status)
		if status == http.StatusOK {
			fmt.Fprint(w, `{"status":"UP"}`)
		} else {
			fmt.Fprint(w, `{"status":"DOWN","components":{"diskSpace":{"status":"UP"}}}`)
		}
	}))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	for _, file := range []string{zk, kraft} {
		status = http.StatusOK
		if !healthy(t, healthScript(t, file, "kafdrop", 9000, port)) {
			t.Errorf("%s: kafdrop healthcheck fails on a 200", file)
		}
		status = http.StatusServiceUnavailable
		if healthy(t, healthScript(t, file, "kafdrop", 9000, port)) {
			t.Errorf("%s: kafdrop healthcheck passes on a 503", file)
		}
		if healthy(t, healthScript(t, file, "kafdrop", 9000, freePort(t))) {
			t.Errorf("%s: kafdrop healthcheck passes on a closed port", file)
		}
	}
}

// TestZooKeeperHealthcheckOnRealZooKeeper runs the ZooKeeper healthcheck
// script against a real ZooKeeper (the one in the Kafka 3.9 jars the
// native runtime caches in .cache/kafka) on a free port: it must fail
// before the server serves and after it stops, and pass while it runs. It
// runs with the real-Kafka tests (KAFKASTACK_NATIVE_TESTS=1, Java and the
// cached jars).
func TestZooKeeperHealthcheckOnRealZooKeeper(t *testing.T) {
	if os.Getenv("KAFKASTACK_NATIVE_TESTS") != "1" {
		t.Skip("real ZooKeeper: set KAFKASTACK_NATIVE_TESTS=1 (needs Java and the native runtime's jars)")
	}
	jars := zookeeperJars(t)
	java, err := exec.LookPath("java")
	if err != nil {
		t.Fatal("KAFKASTACK_NATIVE_TESTS=1 but no java on PATH")
	}
	port := freePort(t)
	script := healthScript(t, zk, "zookeeper", 2181, port)
	if healthy(t, script) {
		t.Fatal("healthy before ZooKeeper started")
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "zoo.cfg")
	body := fmt.Sprintf("dataDir=%s\nclientPort=%d\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\ntickTime=2000\n", filepath.Join(dir, "data"), port)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(dir, "zookeeper.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(java, "-Xmx64m", "-cp", filepath.Join(filepath.Dir(jars[0]), "*"), "org.apache.zookeeper.server.quorum.QuorumPeerMain", cfg)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}
	t.Cleanup(stop)
	// Probe on an interval, as the engine does, for at most 60s.
	deadline := time.After(60 * time.Second)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for !healthy(t, script) {
		select {
		case <-deadline:
			b, _ := os.ReadFile(log.Name())
			t.Fatalf("not healthy 60s after ZooKeeper (PID %d) started:\n%s", cmd.Process.Pid, b)
		case <-tick.C:
		}
	}
	stop()
	if healthy(t, script) {
		t.Fatal("healthy after ZooKeeper stopped")
	}
}

// zookeeperJars returns the ZooKeeper jars of the native runtime's zk-mode
// Kafka release, fetching them into the repo's .cache as the runtime does
// when they are not there yet (another package's tests may be fetching
// them at the same time: Libs waits for that).
func zookeeperJars(t *testing.T) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cfg := testkit.Config(t, filepath.Join(testkit.Root(), "compose"), map[string]string{"KAFKA_RUNTIME": "native", "KAFKA_MODE": "zk"})
	topo, err := topology.Load(ctx, cfg.ComposeFile())
	if err != nil {
		t.Fatal(err)
	}
	version, err := native.Version(config.ModeZK, topo)
	if err != nil {
		t.Fatal(err)
	}
	libs, err := native.Libs(ctx, cfg, config.ModeZK, version, t.Logf)
	if err != nil {
		t.Fatalf("KAFKASTACK_NATIVE_TESTS=1 but the Kafka %s jars cannot be fetched: %v", version, err)
	}
	jars, _ := filepath.Glob(filepath.Join(libs.Libs, "zookeeper-3*.jar"))
	if len(jars) == 0 {
		t.Fatalf("no ZooKeeper jar in %s", libs.Libs)
	}
	return jars
}
