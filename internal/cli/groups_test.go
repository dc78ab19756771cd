package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/testkit"
	"kafkastack/internal/topics"
)

// TestGroupTargets runs consume with KAFKA_GROUP and every groups target
// through go run magefile.go, as a user would, against a kfake cluster on
// free ports.
func TestGroupTargets(t *testing.T) {
	c := testkit.FakeCluster(t, 3)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic("ledger"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := topics.Create(ctx, cl, topics.Spec{Name: "ledger", Partitions: 3, ReplicationFactor: 3}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte(fmt.Sprint("entry-", i))}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	bin := compileTargets(t)
	env := []string{"KAFKA_RUNTIME=embedded", "KAFKA_BROKERS=" + strings.Join(c.ListenAddrs(), ","), "KAFKA_CONSUME_TIMEOUT=2s"}
	run := func(wantOK bool, args ...string) string {
		t.Helper()
		out, err := runBin(bin, env, args...)
		if (err == nil) != wantOK {
			t.Fatalf("%v: err %v\n%s", args, err, out)
		}
		if strings.Contains(out, "goroutine ") || strings.Contains(out, "panic") {
			t.Fatalf("%v: stack trace\n%s", args, out)
		}
		return out
	}
	want := func(out string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("output lacks %q:\n%s", w, out)
			}
		}
	}

	out, err := runBin(bin, append(env, "KAFKA_GROUP=app"), "consume", "ledger")
	if err != nil {
		t.Fatalf("consume: %v\n%s", err, out)
	}
	want(out, "30 records; group app committed its offsets")
	want(run(true, "groups:list"), "app", "Empty", "ledger")
	out = run(true, "groups:describe", "app")
	want(out, "group app: state Empty", "lag 0", "COMMITTED")
	out = run(true, "groups:reset", "app", "ledger", "earliest")
	want(out, "group app reset to earliest on 3 partitions of ledger", "partition 0: offset ")
	want(run(true, "groups:describe", "app"), "lag 30")
	want(run(true, "groups:reset", "app", "ledger", "latest"), "group app reset to latest")
	want(run(true, "groups:describe", "app"), "lag 0")

	want(run(false, "groups:describe", "ghost"), "group ghost does not exist")
	want(run(false, "groups:reset", "app", "nope", "earliest"), "topic nope does not exist")
	want(run(false, "groups:reset", "app", "ledger", "soon"), `reset to "soon": use earliest, latest`)
	want(run(false, "groups:delete", "ghost"), "group ghost does not exist")

	want(run(true, "groups:delete", "app"), "group app deleted")
	want(run(true, "groups:list"), "no consumer groups")
}

// compileTargets builds the targets once into a binary (mage -compile),
// so that many runs need not each compile them.
func compileTargets(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "targets")
	if out, err := mage(t, nil, "-compile", bin); err != nil {
		t.Fatalf("compiling the targets: %v\n%s", err, out)
	}
	return bin
}

// runBin runs the compiled targets from the repo root with env added.
func runBin(bin string, env []string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = testkit.Root()
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
