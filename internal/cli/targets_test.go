package cli

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"kafkastack/internal/testkit"
)

// mage runs `go run magefile.go args...` from the repo root, as a user
// would, with env added to a clean environment.
func mage(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"run", "magefile.go"}, args...)...)
	cmd.Dir = testkit.Root()
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestTargetsAreListed(t *testing.T) {
	out, err := mage(t, nil, "-l")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, target := range []string{"up", "down", "clean", "wait", "logs", "topics:create", "topics:list",
		"topics:describe", "topics:delete", "produce", "consume", "e2e:run"} {
		if !strings.Contains(out, "  "+target+" ") {
			t.Errorf("mage -l does not list %s:\n%s", target, out)
		}
	}
}

// TestBadInputGetsOneLine checks that bad input ends with one clear line
// and a non-zero exit, and never a stack trace, before any cluster is
// needed.
func TestBadInputGetsOneLine(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{[]string{"KAFKA_RUNTIME=podman"}, []string{"up"}, `KAFKA_RUNTIME="podman" is not a runtime`},
		{[]string{"KAFKA_MODE=raft"}, []string{"up"}, `KAFKA_MODE="raft" is not a mode`},
		{nil, []string{"topics:create", "no/slashes"}, "Kafka allows only letters"},
		{nil, []string{"topics:createWith", "t", "0", "3"}, "partitions must be a whole number of at least 1"},
		{[]string{"KAFKA_TOPIC_CONFIGS=min.insync.replicas=5"}, []string{"topics:create", "t"}, "above the replication factor"},
	} {
		out, err := mage(t, tc.env, tc.args...)
		if err == nil {
			t.Errorf("%v %v: exit 0\n%s", tc.env, tc.args, out)
			continue
		}
		if !strings.Contains(out, tc.want) {
			t.Errorf("%v %v: output lacks %q:\n%s", tc.env, tc.args, tc.want, out)
		}
		if strings.Contains(out, "goroutine ") || strings.Contains(out, "panic") {
			t.Errorf("%v %v: stack trace:\n%s", tc.env, tc.args, out)
		}
	}
}
