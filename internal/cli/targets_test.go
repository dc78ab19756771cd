package cli

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"kafkastack/internal/proc"
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
		{[]string{"KAFKA_MIN_INSYNC_REPLICAS=4"}, []string{"up"}, "KAFKA_MIN_INSYNC_REPLICAS=4 is above KAFKA_REPLICATION_FACTOR=3"},
		{[]string{"KAFKA_YES=maybe"}, []string{"e2e:persistence"}, `KAFKA_YES="maybe" is not a yes or no`},
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

func TestHelpWorksForTheAlias(t *testing.T) {
	out, err := mage(t, nil, "-h", "e2e")
	if err != nil || !strings.Contains(out, "chains up, wait, topic, produce, consume") {
		t.Fatalf("-h e2e: %v\n%s", err, out)
	}
}

// TestNoClusterIsNamedAtOnce runs the targets that need a cluster against
// a port where nothing listens: each fails with one line saying the
// cluster is not running and how to start it.
func TestNoClusterIsNamedAtOnce(t *testing.T) {
	ports, err := proc.FreePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"KAFKA_RUNTIME=embedded", fmt.Sprintf("KAFKA_BROKERS=127.0.0.1:%d", ports[0]), "KAFKA_READY_TIMEOUT=60s"}
	for _, args := range [][]string{{"status"}, {"topics:list"}, {"consume", "t"}, {"topics:create", "t"}} {
		out, err := mage(t, env, args...)
		if err == nil || !strings.Contains(out, "the cluster is not running (start it with: go run magefile.go up)") {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
		if strings.Count(out, "Error:") != 1 || strings.Contains(out, "goroutine ") {
			t.Errorf("%v: not one error line:\n%s", args, out)
		}
	}
}

func TestConsumeOfAMissingTopicFails(t *testing.T) {
	c := testkit.FakeCluster(t, 1, kfake.SeedTopics(1, "present"))
	env := []string{"KAFKA_RUNTIME=external", "KAFKA_BROKERS=" + c.ListenAddrs()[0], "KAFKA_CONSUME_TIMEOUT=1s"}
	out, err := mage(t, env, "consume", "absent")
	if err == nil || !strings.Contains(out, "topic absent does not exist (create it with: go run magefile.go topics:create absent)") {
		t.Fatalf("consume absent: %v\n%s", err, out)
	}
	out, err = mage(t, env, "consume", "present")
	if err != nil || !strings.Contains(out, "0 records") {
		t.Fatalf("consume present: %v\n%s", err, out)
	}
}
