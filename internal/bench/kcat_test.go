package bench

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseKcatVersion(t *testing.T) {
	got, err := ParseKcatVersion(sample(t, "kcat-version-1.7.1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if got != "kcat 1.7.1 (librdkafka 2.0.2)" {
		t.Fatalf("got %q", got)
	}
	if _, err := ParseKcatVersion("kcat: command not found"); err == nil {
		t.Fatal("parsed a version from nothing")
	}
}

func TestParseKcatErrorsCountsFailedDeliveries(t *testing.T) {
	ke := ParseKcatErrors(sample(t, "kcat-produce-unknown-topic.txt"))
	if ke.DeliveryFailed != 3 {
		t.Fatalf("got %+v", ke)
	}
	err := ke.Err()
	if err == nil || !strings.Contains(err.Error(), "3 records failed") || !strings.Contains(err.Error(), "Message timed out") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseKcatErrorsTakesTheFirstError(t *testing.T) {
	ke := ParseKcatErrors(sample(t, "kcat-produce-unreachable.txt"))
	if ke.DeliveryFailed != 0 || !strings.HasPrefix(ke.First, "ERROR: Local: Broker transport failure") {
		t.Fatalf("got %+v", ke)
	}
	if ke.Err() == nil {
		t.Fatal("no error")
	}
	if err := ParseKcatErrors("").Err(); err != nil {
		t.Fatalf("clean stderr gave %v", err)
	}
}

func TestCountSizesOfKcatOutput(t *testing.T) {
	recs, n, err := CountSizes(strings.NewReader(sample(t, "kcat-consume-sizes-5.txt")))
	if err != nil {
		t.Fatal(err)
	}
	if recs != 5 || n != 500 {
		t.Fatalf("got %d records of %d bytes", recs, n)
	}
	recs, n, err = CountSizes(strings.NewReader("3\n-1\n0\n"))
	if err != nil || recs != 3 || n != 3 {
		t.Fatalf("null and empty values: %d records of %d bytes, %v", recs, n, err)
	}
	if _, _, err := CountSizes(strings.NewReader(sample(t, "kcat-consume-5.txt"))); err == nil || !strings.Contains(err.Error(), "value size") {
		t.Fatalf("values instead of sizes: err = %v", err)
	}
}

func TestLineSourceFeedsExactlyNLines(t *testing.T) {
	var buf bytes.Buffer
	if err := lineSource(&buf, 25000, 100); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(buf.Bytes(), []byte("\n")) {
		t.Fatal("last line not ended")
	}
	lines := bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
	if len(lines) != 25000 {
		t.Fatalf("got %d lines", len(lines))
	}
	for i, l := range lines {
		if len(l) != 100 {
			t.Fatalf("line %d has %d bytes", i, len(l))
		}
	}
}

func TestKcatArgs(t *testing.T) {
	want := "-P -b h:1 -t t -X acks=all -X compression.codec=none -X enable.idempotence=true -X max.in.flight.requests.per.connection=5 -X linger.ms=5 -X batch.size=1000000 -X batch.num.messages=10000"
	if got := strings.Join(KcatProduceArgs("h:1", "t", DefaultProducerTuning), " "); got != want {
		t.Fatalf("produce args %q", got)
	}
	noIdem := DefaultProducerTuning
	noIdem.Idempotent, noIdem.MaxInFlight = false, 1
	if got := strings.Join(KcatProduceArgs("h:1", "t", noIdem), " "); !strings.Contains(got, "enable.idempotence=false -X max.in.flight.requests.per.connection=1") {
		t.Fatalf("produce args %q", got)
	}
	if got := strings.Join(KcatConsumeArgs("h:1", "t", 7), " "); got != "-C -b h:1 -t t -o beginning -e -c 7 -q -f %S\n" {
		t.Fatalf("consume args %q", got)
	}
}
