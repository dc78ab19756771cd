package bench

import (
	"slices"
	"time"
)

// Latency summarizes per-record latencies.
type Latency struct {
	Count int           `json:"count"`
	Avg   time.Duration `json:"avg_ns"`
	P50   time.Duration `json:"p50_ns"`
	P99   time.Duration `json:"p99_ns"`
	Max   time.Duration `json:"max_ns"`
}

// Summarize sorts lat in place and returns its average, p50, p99 and max.
// An empty slice gives a zero Latency.
func Summarize(lat []time.Duration) Latency {
	if len(lat) == 0 {
		return Latency{}
	}
	slices.Sort(lat)
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	return Latency{
		Count: len(lat),
		Avg:   sum / time.Duration(len(lat)),
		P50:   Percentile(lat, 50),
		P99:   Percentile(lat, 99),
		Max:   lat[len(lat)-1],
	}
}

// Percentile returns the p-th percentile (0 < p <= 100) of sorted by the
// nearest-rank method: the smallest value that at least p percent of the
// values are less than or equal to. It returns 0 for an empty slice and
// clamps p into (0, 100].
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if p <= 0 {
		return sorted[0]
	}
	if p >= 100 {
		return sorted[n-1]
	}
	// rank = ceil(p/100 * n), computed in integers to avoid float drift
	// (p*n/100 for p=99, n=100 must be exactly 99).
	num := int64(p*1000) * int64(n)
	rank := int((num + 100*1000 - 1) / (100 * 1000))
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}
