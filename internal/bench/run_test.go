package bench

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"kafkastack/internal/stack"
	"kafkastack/internal/testkit"
	"kafkastack/internal/topics"
)

// TestRunOnTheEmbeddedRuntime runs the whole bench with a few thousand
// records on an embedded cluster on free ports: ours, the peers that are
// installed here (the others must say why not), the ratios and the
// readiness measurement.
func TestRunOnTheEmbeddedRuntime(t *testing.T) {
	dir, _ := testkit.ComposeCopy(t, "docker-compose.yml")
	cfg := testkit.Config(t, dir, map[string]string{"KAFKA_RUNTIME": "embedded", "KAFKA_BENCH_RECORDS": "3000", "KAFKA_BENCH_ROUNDS": "1"})
	var log bytes.Buffer
	s, err := stack.OpenConfig(context.Background(), cfg, &log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Clean(context.Background()) })
	o := OptionsFrom(cfg)
	// A bound for a busy machine: the Java tools alone take a minute there.
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	var out bytes.Buffer
	rep, err := Run(ctx, s, o, &out)
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, out.String(), log.String())
	}
	t.Logf("report:\n%s", out.String())
	if len(rep.Participants) != 4 {
		t.Fatalf("participants %+v", rep.Participants)
	}
	ours := rep.Participants[0]
	if !ours.Ours || !ours.Producer.OK() || !ours.Consumer.OK() || ours.Producer.Records != 3000 || ours.Consumer.Records != 3000 || ours.Producer.Latency == nil {
		t.Fatalf("ours %+v %+v %+v", ours, ours.Producer, ours.Consumer)
	}
	if rep.Workload.ReplicationFactor != 3 || rep.Workload.Partitions != 3 || rep.Runtime != "embedded" || rep.Machine.Cores < 1 {
		t.Fatalf("report %+v", rep)
	}

	perf, tuned, kc := rep.Participants[1], rep.Participants[2], rep.Participants[3]
	_, javaErr := exec.LookPath("java")
	_, jarsErr := FindKafkaJars(cfg.CacheDir, "")
	if javaErr == nil && jarsErr == nil {
		if !perf.Present || !perf.Producer.OK() || !perf.Consumer.OK() {
			t.Errorf("Kafka perf tools are here but did not run: %+v %+v %+v", perf, perf.Producer, perf.Consumer)
		}
		if !tuned.Present || !tuned.Producer.OK() || tuned.Consumer != nil || !strings.Contains(tuned.Producer.Settings, "linger.ms=10") {
			t.Errorf("tuned ProducerPerformance did not run: %+v %+v", tuned, tuned.Producer)
		}
	} else if perf.Present || perf.Reason == "" || !strings.Contains(out.String(), "not present: "+perf.Reason) {
		t.Errorf("Kafka perf tools are absent but not reported so: %+v\n%s", perf, out.String())
	}
	if _, err := exec.LookPath("kcat"); err == nil {
		if !kc.Present || !kc.Producer.OK() || !kc.Consumer.OK() || kc.Consumer.Records != 3000 {
			t.Errorf("kcat is here but did not run: %+v %+v %+v", kc, kc.Producer, kc.Consumer)
		}
	} else if kc.Present || !strings.Contains(kc.Reason, "kcat") {
		t.Errorf("kcat is absent but not reported so: %+v", kc)
	}
	present := 0
	for _, p := range rep.Participants[1:] {
		if p.Present {
			present++
		}
	}
	if len(rep.Ratios) != present {
		t.Errorf("%d ratios for %d present peers", len(rep.Ratios), present)
	}

	rd := rep.Readiness
	if rd.Skipped != "" || rd.TrulyReady <= 0 || rd.WaitReturned <= 0 || rd.Probes < 1 || rd.Overhead != rd.WaitReturned-rd.TrulyReady {
		t.Errorf("readiness %+v", rd)
	}
	if !strings.Contains(out.String(), "readiness overhead: ") || !strings.Contains(out.String(), "PRODUCER") ||
		!strings.Contains(out.String(), "every producer: acks=all, idempotent, 5 in flight per broker") || !strings.Contains(out.String(), "PRODUCER SETTINGS") {
		t.Errorf("report:\n%s", out.String())
	}

	// The cluster is up again, and the bench topics are gone.
	adm, cl, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	list, err := topics.List(ctx, adm)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		if strings.HasPrefix(d.Name, "kafkastack-bench-") {
			t.Errorf("bench topic %s left behind", d.Name)
		}
	}
}

func TestRunRejectsAnEmptyWorkload(t *testing.T) {
	if _, err := Run(context.Background(), nil, Options{Records: 0, RecordSize: 100}, &bytes.Buffer{}); err == nil {
		t.Fatal("ran zero records")
	}
}
