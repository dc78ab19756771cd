package compose

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"kafkastack/internal/testkit"
)

// TestDockerE2E runs the real `go run magefile.go e2e` on the compose
// runtime, then clean. It needs a Docker engine and the host ports
// 9091-9093, 2181 and 9000, so it is opt-in: KAFKASTACK_DOCKER_TESTS=1.
// The project's CI machine has no Docker engine, so it does not run there.
func TestDockerE2E(t *testing.T) {
	if os.Getenv("KAFKASTACK_DOCKER_TESTS") != "1" {
		t.Skip("needs a Docker engine: set KAFKASTACK_DOCKER_TESTS=1")
	}
	if ok, why := DetectEngine(context.Background()); !ok {
		t.Fatalf("KAFKASTACK_DOCKER_TESTS=1 but %s", why)
	}
	mage := func(target string) {
		cmd := exec.Command("go", "run", "magefile.go", target)
		cmd.Dir = testkit.Root()
		cmd.Env = append(os.Environ(), "KAFKA_RUNTIME=compose")
		out, err := cmd.CombinedOutput()
		t.Logf("%s:\n%s", target, out)
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
	}
	t.Cleanup(func() { mage("clean") })
	mage("e2e")
}
