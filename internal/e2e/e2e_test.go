package e2e

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"kafkastack/internal/stack"
	"kafkastack/internal/testkit"
	"kafkastack/internal/topics"
)

func embeddedStack(t *testing.T, vars map[string]string) *stack.Stack {
	t.Helper()
	dir, _ := testkit.ComposeCopy(t, "docker-compose.yml")
	if vars == nil {
		vars = map[string]string{}
	}
	vars["KAFKA_RUNTIME"] = "embedded"
	cfg := testkit.Config(t, dir, vars)
	var out bytes.Buffer
	s, err := stack.OpenConfig(context.Background(), cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Clean(context.Background()) })
	return s
}

func TestE2EPassesFromCleanAndAgainOnOldData(t *testing.T) {
	s := embeddedStack(t, map[string]string{"KAFKA_RECORDS": "500"})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var out bytes.Buffer
	rep, err := Run(ctx, s, Options{}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if rep.Result.Read != 500 || rep.Result.Acked != 500 {
		t.Fatalf("result %+v", rep.Result)
	}
	for _, want := range []string{"PASS", "STEP", "produce", "consume", "created"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	rep2, err := Run(ctx, s, Options{}, &out)
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, out.String())
	}
	if rep2.Run == rep.Run || rep2.Result.Read != 500 {
		t.Fatalf("second run read %d records of run %s", rep2.Result.Read, rep2.Run)
	}
	if !strings.Contains(out.String(), "exists") {
		t.Fatalf("second run did not reuse the topic:\n%s", out.String())
	}
}

func TestE2EOnUnreachableBrokersFailsWithinTheTimeout(t *testing.T) {
	s := embeddedStack(t, map[string]string{
		"KAFKA_BROKERS":       "127.0.0.1:1",
		"KAFKA_READY_TIMEOUT": "2s",
	})
	start := time.Now()
	var out bytes.Buffer
	_, err := Run(context.Background(), s, Options{SkipUp: true}, &out)
	if err == nil {
		t.Fatal("e2e passed against nothing")
	}
	if time.Since(start) > 10*time.Second {
		t.Fatalf("took %s with a 2s timeout", time.Since(start))
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1") || !strings.Contains(err.Error(), "not ready") {
		t.Fatalf("err = %v", err)
	}
}

func TestE2EWaitsOnceAndRatesOnlyWhatMoves(t *testing.T) {
	s := embeddedStack(t, map[string]string{"KAFKA_RECORDS": "200"})
	var progress bytes.Buffer
	s.Env.Out = &progress
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var out bytes.Buffer
	if _, err := Run(ctx, s, Options{}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if n := strings.Count(progress.String(), "waiting for"); n != 1 {
		t.Fatalf("the wait was announced %d times:\n%s", n, progress.String())
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) == 4 {
			rows[f[0]] = f
		}
	}
	if c := rows["check"]; c == nil || c[2] != "200" || c[3] != "-" {
		t.Fatalf("check row %v, want 200 records and no rate:\n%s", c, out.String())
	}
	if p := rows["produce"]; p == nil || p[3] == "-" {
		t.Fatalf("produce row %v, want a rate:\n%s", p, out.String())
	}
}

func TestOptionsDefaultFromTheConfigAndKeepWhatIsGiven(t *testing.T) {
	s := embeddedStack(t, map[string]string{"KAFKA_RECORDS": "42", "KAFKA_TOPIC": "t1", "KAFKA_PARTITIONS": "2", "KAFKA_MIN_INSYNC_REPLICAS": "1"})
	o := Options{}.withDefaults(s, "r1")
	if o.SkipUp || o.DeleteTopic || o.Topic != "t1" || o.Records != 42 || o.RecordSize != 100 {
		t.Fatalf("defaults %+v", o)
	}
	if o.Spec.Name != "t1" || o.Spec.Partitions != 2 || o.Spec.ReplicationFactor != s.Env.Config.ReplicationFactor || o.Spec.Configs["min.insync.replicas"] != "1" {
		t.Fatalf("spec %+v", o.Spec)
	}
	given := Options{Topic: "mine", Records: 7, RecordSize: 9, Spec: topics.Spec{Name: "mine", Partitions: 1, ReplicationFactor: 1}}
	if o := given.withDefaults(s, "r1"); o.Topic != "mine" || o.Records != 7 || o.RecordSize != 9 || o.Spec.Partitions != 1 || o.Spec.Configs != nil {
		t.Fatalf("given options changed: %+v", o)
	}
}
