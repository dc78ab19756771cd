package compose

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"kafkastack/internal/testkit"
)

// TestDockerE2E runs the real targets on the compose runtime, in both
// modes, from the repo root: `go run magefile.go e2e`, Kafdrop's health on
// the host, e2e:persistence (data kept across down and up), e2e:failover
// (a broker killed and started again), then clean, which must leave no
// volume of the project behind.
//
// It needs a Docker engine and the host ports 9091-9093, 2181 and 9000, so
// it is opt-in: KAFKASTACK_DOCKER_TESTS=1. The project's CI machine has no
// Docker engine, so it does not run there; it is for a developer's machine:
//
//	KAFKASTACK_DOCKER_TESTS=1 go test ./internal/runtimes/compose/ -run Docker -v -timeout 30m
func TestDockerE2E(t *testing.T) {
	if os.Getenv("KAFKASTACK_DOCKER_TESTS") != "1" {
		t.Skip("needs a Docker engine: set KAFKASTACK_DOCKER_TESTS=1")
	}
	if ok, why := DetectEngine(context.Background()); !ok {
		t.Fatalf("KAFKASTACK_DOCKER_TESTS=1 but %s", why)
	}
	for _, mode := range []string{"zk", "kraft"} {
		t.Run(mode, func(t *testing.T) {
			mage := func(target string) error {
				ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, "go", "run", "magefile.go", target)
				cmd.Dir = testkit.Root()
				cmd.Env = append(os.Environ(), "KAFKA_RUNTIME=compose", "KAFKA_MODE="+mode)
				out, err := cmd.CombinedOutput()
				t.Logf("%s (KAFKA_MODE=%s):\n%s", target, mode, out)
				return err
			}
			must := func(target string) {
				if err := mage(target); err != nil {
					t.Fatalf("%s: %v", target, err)
				}
			}
			t.Cleanup(func() {
				if err := mage("clean"); err != nil {
					t.Errorf("clean: %v", err)
				}
				if vols := projectVolumes(t); vols != "" {
					t.Errorf("clean left volumes: %s", vols)
				}
			})
			must("clean")
			must("e2e")
			checkKafdrop(t)
			must("e2e:persistence")
			if vols := projectVolumes(t); vols == "" {
				t.Error("no named volume of the project while it runs")
			}
			must("e2e:failover")
		})
	}
}

// projectVolumes lists the project's volumes, one a line.
func projectVolumes(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("docker", "volume", "ls", "-q", "--filter", "label=com.docker.compose.project="+Project).Output()
	if err != nil {
		t.Fatalf("docker volume ls: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// checkKafdrop asks Kafdrop's health on the host port.
func checkKafdrop(t *testing.T) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get("http://127.0.0.1:9000/actuator/health")
	if err != nil {
		t.Fatalf("kafdrop: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"UP"`) {
		t.Fatalf("kafdrop health: %s %s", resp.Status, body)
	}
}
