package bench

import (
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{
		{50, 50 * time.Millisecond},
		{99, 99 * time.Millisecond},
		{99.9, 100 * time.Millisecond},
		{100, 100 * time.Millisecond},
		{1, 1 * time.Millisecond},
		{0, 1 * time.Millisecond},
		{0.5, 1 * time.Millisecond},
	} {
		if got := Percentile(lat, c.p); got != c.want {
			t.Errorf("p%v = %s, want %s", c.p, got, c.want)
		}
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("empty p50 = %s", got)
	}
	one := []time.Duration{7}
	if Percentile(one, 50) != 7 || Percentile(one, 99) != 7 {
		t.Error("single value")
	}
}

func TestSummarizeSortsAndAverages(t *testing.T) {
	lat := []time.Duration{9, 1, 5, 3, 7, 2, 8, 4, 6, 10}
	s := Summarize(lat)
	if s.Count != 10 || s.P50 != 5 || s.P99 != 10 || s.Max != 10 || s.Avg != 5 {
		t.Fatalf("got %+v", s)
	}
	if lat[0] != 1 || lat[9] != 10 {
		t.Fatalf("not sorted: %v", lat)
	}
	if (Summarize(nil) != Latency{}) {
		t.Fatal("empty summary not zero")
	}
}

func TestNewThroughputInMiB(t *testing.T) {
	th := NewThroughput(200000, 200000*100, 2*time.Second)
	if th.RecsPerS != 100000 {
		t.Fatalf("records/s %v", th.RecsPerS)
	}
	// Kafka's tools print MiB as "MB": 20,000,000 bytes in 2s is 9.54.
	if th.MBPerS < 9.536 || th.MBPerS > 9.537 {
		t.Fatalf("MB/s %v", th.MBPerS)
	}
	if z := NewThroughput(5, 5, 0); z.RecsPerS != 0 || z.MBPerS != 0 {
		t.Fatalf("zero time gave %+v", z)
	}
}
