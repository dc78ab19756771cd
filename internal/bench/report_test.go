package bench

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func side(tool string, rps float64) *Side {
	return &Side{Tool: tool, Throughput: Throughput{Records: 1000, RecsPerS: rps, MBPerS: rps * 100 / mib}}
}

func participants() []Participant {
	return []Participant{
		{Name: "kafkastack franz-go", Version: "v1.22.2", Ours: true, Present: true,
			Producer: &Side{Tool: "ours -P", Throughput: Throughput{RecsPerS: 300000, MBPerS: 28.6}, Latency: &LatencyMs{P50: 2.5, P99: 11, Max: 20}},
			Consumer: side("ours -C", 600000)},
		{Name: "Apache Kafka perf tools", Version: "3.9.1", Present: true,
			Producer: side("ProducerPerformance", 200000), Consumer: side("ConsumerPerformance", 800000)},
		{Name: "kcat 1.7.1", Present: true,
			Producer: side("kcat -P", 400000), Consumer: &Side{Tool: "kcat -C", Err: "kcat -C read 5 of 1000 records"}},
		{Name: "Nothing", Reason: "not installed"},
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestRatiosDivideOursByEachPresentPeer(t *testing.T) {
	rs := Ratios(participants())
	if len(rs) != 2 {
		t.Fatalf("got %+v", rs)
	}
	if rs[0].Peer != "Apache Kafka perf tools 3.9.1" || !near(rs[0].Producer, 1.5) || !near(rs[0].Consumer, 0.75) {
		t.Fatalf("perf tools ratio %+v", rs[0])
	}
	if rs[1].Peer != "kcat 1.7.1" || !near(rs[1].Producer, 0.75) || rs[1].Consumer != 0 {
		t.Fatalf("kcat ratio %+v", rs[1])
	}
	if Ratios(participants()[1:]) != nil {
		t.Fatal("ratios without ours")
	}
}

func TestVerdictNamesTheFastestPeer(t *testing.T) {
	r := &Report{Participants: participants()}
	best, ok := BestPeerProducer(r.Participants)
	if !ok || best.Name != "kcat 1.7.1" {
		t.Fatalf("best %+v", best)
	}
	r.Ratios = Ratios(r.Participants)
	if v := r.Verdict(); !strings.Contains(v, "is behind") || !strings.Contains(v, "kcat 1.7.1") || !strings.Contains(v, "0.75x") {
		t.Fatalf("verdict %q", v)
	}
	r.Participants[0].Producer.RecsPerS = 500000
	r.Ratios = Ratios(r.Participants)
	if v := r.Verdict(); !strings.Contains(v, "keeps up") || !strings.Contains(v, "1.25x") {
		t.Fatalf("verdict %q", v)
	}
	if v := (&Report{Participants: participants()[:1]}).Verdict(); v != "" {
		t.Fatalf("verdict without peers %q", v)
	}
}

func TestRoundOrderPutsEachParticipantInEveryPosition(t *testing.T) {
	seen := map[[2]int]bool{}
	for r := 1; r <= 4; r++ {
		order := RoundOrder(4, r)
		if order[0] != r-1 {
			t.Fatalf("round %d starts with %d", r, order[0])
		}
		got := map[int]bool{}
		for pos, i := range order {
			got[i] = true
			seen[[2]int{i, pos}] = true
		}
		if len(got) != 4 {
			t.Fatalf("round %d order %v misses a participant", r, order)
		}
	}
	if len(seen) != 16 {
		t.Fatalf("over 4 rounds, %d of 16 participant-position pairs", len(seen))
	}
}

func TestRoundRatiosAreMediansOfEachRoundsRatio(t *testing.T) {
	round := func(ours, peer float64) []Participant {
		return []Participant{
			{Name: "ours", Ours: true, Present: true, Producer: &Side{Throughput: Throughput{RecsPerS: ours}}, Consumer: &Side{Throughput: Throughput{RecsPerS: ours}}},
			{Name: "kcat", Present: true, Producer: &Side{Throughput: Throughput{RecsPerS: peer}}, Consumer: &Side{Err: "boom"}},
		}
	}
	// The rounds' producer ratios are 2.0, 0.5 and 1.0: the median is
	// 1.0, though the medians of each side (200 and 200) would say 1.0 by
	// chance only; ratios are taken round by round.
	rs := RoundRatios([][]Participant{round(200, 100), round(100, 200), round(300, 300)})
	if len(rs) != 1 || !near(rs[0].Producer, 1) || !near(rs[0].ProducerMin, 0.5) || !near(rs[0].ProducerMax, 2) || rs[0].Rounds != 3 {
		t.Fatalf("got %+v", rs)
	}
	if rs[0].Consumer != 0 {
		t.Fatalf("a failed side has no ratio: %+v", rs[0])
	}
	if got := formatRatioSpread(rs[0].Producer, rs[0].ProducerMin, rs[0].ProducerMax, rs[0].Rounds); got != "1.00x (0.50-2.00)" {
		t.Fatalf("formatted %q", got)
	}
	two := RoundRatios([][]Participant{round(100, 100), round(300, 100)})
	if !near(two[0].Producer, 2) {
		t.Fatalf("even count: mean of the middle two, got %+v", two[0])
	}
}

func TestReportWriteShowsEveryParticipantAndWhyOneIsMissing(t *testing.T) {
	ps := participants()
	r := &Report{
		Date:         time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC),
		Machine:      Machine{Cores: 2, OS: "linux/amd64", Go: "go1.26"},
		Runtime:      "embedded",
		Bootstrap:    []string{"127.0.0.1:9091"},
		Workload:     Workload{Records: 1000, RecordSize: 100, Partitions: 3, ReplicationFactor: 3, MinInsyncReplicas: 2, Acks: "all", Compression: "none"},
		Tuning:       DefaultProducerTuning,
		Participants: ps,
		Ratios:       Ratios(ps),
		Readiness:    Readiness{TrulyReady: 900 * time.Millisecond, WaitReturned: 1000 * time.Millisecond, Overhead: 100 * time.Millisecond, Probes: 80},
	}
	var buf bytes.Buffer
	r.Write(&buf)
	out := buf.String()
	for _, want := range []string{
		"2026-11-24 06:00 UTC", "2 cores", "runtime:  embedded", "1000 records of 100 bytes", "acks=all",
		"300,000", "2.5", "11.0", "ProducerPerformance", "200,000",
		"Nothing: not present: not installed",
		"kcat -C: failed: kcat -C read 5 of 1000 records",
		"1.50x", "0.75x",
		"readiness overhead: 100ms (within the 250ms target)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	r.Readiness = Readiness{Skipped: "the external runtime"}
	buf.Reset()
	r.Write(&buf)
	if !strings.Contains(buf.String(), "readiness overhead: not measured: the external runtime") {
		t.Fatalf("skip not reported:\n%s", buf.String())
	}
}

func TestFormatRateAndRatio(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 1234567.4: "1,234,567", 100000: "100,000"} {
		if got := FormatRate(in); got != want {
			t.Errorf("FormatRate(%v) = %q, want %q", in, got, want)
		}
	}
	if FormatRatio(0) != "-" || FormatRatio(1.234) != "1.23x" {
		t.Fatal("FormatRatio")
	}
}

func TestCombineTakesTheMedianRoundOfEachSide(t *testing.T) {
	round := func(ours, kc float64, kcErr string) []Participant {
		k := Participant{Name: "kcat", Present: true, Producer: side("kcat -P", kc), Consumer: side("kcat -C", kc*2)}
		if kcErr != "" {
			k.Consumer = &Side{Tool: "kcat -C", Err: kcErr}
		}
		return []Participant{
			{Name: "ours", Ours: true, Present: true, Producer: side("ours -P", ours), Consumer: side("ours -C", ours*3)},
			k,
			{Name: "perf", Reason: "no jars"},
		}
	}
	got := Combine([][]Participant{round(300, 10, ""), round(100, 30, "boom"), round(200, 20, "")})
	if len(got) != 3 {
		t.Fatalf("got %+v", got)
	}
	if got[0].Producer.RecsPerS != 200 || got[0].Consumer.RecsPerS != 600 {
		t.Fatalf("ours median %+v %+v", got[0].Producer, got[0].Consumer)
	}
	if !strings.Contains(got[0].Producer.Note, "median of 3 rounds (records/s: 300, 100, 200)") {
		t.Fatalf("note %q", got[0].Producer.Note)
	}
	if got[1].Producer.RecsPerS != 20 || got[1].Consumer.Err != "boom" {
		t.Fatalf("kcat %+v %+v", got[1].Producer, got[1].Consumer)
	}
	if got[2].Present || got[2].Reason != "no jars" {
		t.Fatalf("absent peer %+v", got[2])
	}
	// Two rounds: the lower middle.
	two := Combine([][]Participant{round(300, 10, ""), round(100, 30, "")})
	if two[0].Producer.RecsPerS != 100 {
		t.Fatalf("two rounds %+v", two[0].Producer)
	}
	one := round(5, 6, "")
	if c := Combine([][]Participant{one}); c[0].Producer != one[0].Producer {
		t.Fatal("one round changed")
	}
}

// TestReportWriteIsByteForByteTheGolden pins the whole report, spacing
// and order included, with rounds, ratios and a verdict; regenerate
// testdata/report.golden with KAFKASTACK_UPDATE_GOLDEN=1 only when the
// report is meant to change.
func TestReportWriteIsByteForByteTheGolden(t *testing.T) {
	ps := participants()
	ps[1].Producer.Settings = "linger.ms=10, batch.size=1000000"
	r := &Report{
		Date:         time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC),
		Machine:      Machine{Cores: 2, OS: "linux/amd64", Go: "go1.26"},
		Runtime:      "native",
		Bootstrap:    []string{"127.0.0.1:9091", "127.0.0.1:9092"},
		Workload:     Workload{Records: 1000, RecordSize: 100, Partitions: 3, ReplicationFactor: 3, MinInsyncReplicas: 2, Acks: "all", Compression: "none"},
		Tuning:       DefaultProducerTuning,
		Rounds:       3,
		Participants: ps,
		Ratios:       Ratios(ps),
		Readiness:    Readiness{TrulyReady: 900 * time.Millisecond, WaitReturned: 1300 * time.Millisecond, Overhead: 400 * time.Millisecond, Probes: 80},
	}
	var buf bytes.Buffer
	r.Write(&buf)
	r.Participants, r.Ratios, r.Rounds = ps[:1], nil, 1
	r.Readiness = Readiness{Skipped: "KAFKA_BENCH_READINESS=off"}
	r.Write(&buf)
	golden := filepath.Join("testdata", "report.golden")
	if os.Getenv("KAFKASTACK_UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != string(want) {
		t.Fatalf("report differs from %s:\n%s", golden, got)
	}
}
