package bench

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Options shape a bench run.
type Options struct {
	// Records and RecordSize are the workload: Records records of
	// RecordSize bytes each, for every participant.
	Records    int64
	RecordSize int
	// Partitions of every bench topic; 0 takes KAFKA_PARTITIONS.
	Partitions int32
	// Warmup records are produced and read back by our client on a
	// throwaway topic before anything is timed, so that no participant
	// meets a cold broker (a JVM broker that just started is several times
	// slower until its code is compiled).
	Warmup int64
	// Peers are the peers to run: "kafka-perf" (Kafka's
	// ProducerPerformance and ConsumerPerformance) and "kcat".
	Peers []string
	// Rounds repeats every participant's produce and consume, round by
	// round, each round in another order of participants; the report
	// takes each side's median and each ratio's median and spread.
	Rounds int
	// Readiness measures the readiness overhead (it stops and starts the
	// cluster).
	Readiness bool
	// Timeout bounds each participant's produce and its consume.
	Timeout time.Duration
	// KafkaHome is where a Kafka distribution is, for its libs/ jars.
	KafkaHome string
	// Producer and Consumer tune our client.
	Producer ProducerTuning
	Consumer ConsumerTuning
}

// The peers.
const (
	PeerKafkaPerf = "kafka-perf"
	PeerKcat      = "kcat"
)

// AllPeers lists every peer the bench knows.
var AllPeers = []string{PeerKafkaPerf, PeerKcat}

// Defaults of the bench's own settings.
const (
	DefaultRecords    = 1_000_000
	DefaultRecordSize = 100
	DefaultTimeout    = 5 * time.Minute
	DefaultRounds     = 3
	maxWarmup         = 1_000_000
)

// OptionsFromEnv reads the bench's settings through getenv:
// KAFKA_BENCH_RECORDS, KAFKA_BENCH_RECORD_SIZE, KAFKA_BENCH_WARMUP
// (default: the record count, at most 1000000), KAFKA_BENCH_ROUNDS,
// KAFKA_BENCH_PEERS,
// KAFKA_BENCH_READINESS, KAFKA_BENCH_TIMEOUT, KAFKA_BENCH_LINGER,
// KAFKA_BENCH_BATCH_MAX_BYTES, KAFKA_BENCH_MAX_BUFFERED_RECORDS,
// KAFKA_BENCH_PARTITIONER, KAFKA_BENCH_IDEMPOTENT,
// KAFKA_BENCH_MAX_IN_FLIGHT and KAFKA_HOME. It fails with one line naming the variable when a value is
// not valid.
func OptionsFromEnv(getenv func(string) string) (Options, error) {
	o := Options{
		Records:    DefaultRecords,
		RecordSize: DefaultRecordSize,
		Peers:      append([]string{}, AllPeers...),
		Readiness:  true,
		Rounds:     DefaultRounds,
		Timeout:    DefaultTimeout,
		KafkaHome:  strings.TrimSpace(getenv("KAFKA_HOME")),
		Producer:   DefaultProducerTuning,
		Consumer:   DefaultConsumerTuning,
	}
	num := func(name string, min, max int64) (int64, bool, error) {
		v := strings.ReplaceAll(strings.TrimSpace(getenv(name)), "_", "")
		if v == "" {
			return 0, false, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < min || n > max {
			return 0, false, fmt.Errorf("%s=%q must be a whole number from %d to %d", name, getenv(name), min, max)
		}
		return n, true, nil
	}
	dur := func(name string, allowZero bool) (time.Duration, bool, error) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return 0, false, nil
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || (d == 0 && !allowZero) {
			return 0, false, fmt.Errorf("%s=%q is not a positive duration (e.g. 5ms, 2m)", name, v)
		}
		return d, true, nil
	}
	if n, ok, err := num("KAFKA_BENCH_RECORDS", 1, 1_000_000_000); err != nil {
		return o, err
	} else if ok {
		o.Records = n
	}
	if n, ok, err := num("KAFKA_BENCH_RECORD_SIZE", 1, 1_000_000); err != nil {
		return o, err
	} else if ok {
		o.RecordSize = int(n)
	}
	if n, ok, err := num("KAFKA_BENCH_ROUNDS", 1, 100); err != nil {
		return o, err
	} else if ok {
		o.Rounds = int(n)
	}
	if v := strings.ToLower(strings.TrimSpace(getenv("KAFKA_BENCH_PEERS"))); v != "" {
		peers, err := parsePeers(v)
		if err != nil {
			return o, err
		}
		o.Peers = peers
	}
	if v := strings.ToLower(strings.TrimSpace(getenv("KAFKA_BENCH_READINESS"))); v != "" {
		switch v {
		case "1", "on", "true", "yes":
			o.Readiness = true
		case "0", "off", "false", "no":
			o.Readiness = false
		default:
			return o, fmt.Errorf("KAFKA_BENCH_READINESS=%q is not on or off", v)
		}
	}
	if d, ok, err := dur("KAFKA_BENCH_TIMEOUT", false); err != nil {
		return o, err
	} else if ok {
		o.Timeout = d
	}
	if d, ok, err := dur("KAFKA_BENCH_LINGER", true); err != nil {
		return o, err
	} else if ok {
		o.Producer.Linger = d
		if d == 0 {
			o.Producer.Linger = -1 // no linger at all, not kgo's default
		}
	}
	if n, ok, err := num("KAFKA_BENCH_BATCH_MAX_BYTES", 1024, 64<<20); err != nil {
		return o, err
	} else if ok {
		o.Producer.BatchMaxBytes = int32(n)
	}
	if n, ok, err := num("KAFKA_BENCH_MAX_BUFFERED_RECORDS", 1, 100_000_000); err != nil {
		return o, err
	} else if ok {
		o.Producer.MaxBufferedRecords = int(n)
	}
	if v := strings.ToLower(strings.TrimSpace(getenv("KAFKA_BENCH_PARTITIONER"))); v != "" {
		known := false
		for _, p := range Partitioners {
			known = known || p == v
		}
		if !known {
			return o, fmt.Errorf("KAFKA_BENCH_PARTITIONER=%q is not one of %s", v, strings.Join(Partitioners, ", "))
		}
		o.Producer.Partitioner = v
	}
	if v := strings.ToLower(strings.TrimSpace(getenv("KAFKA_BENCH_IDEMPOTENT"))); v != "" {
		switch v {
		case "1", "on", "true", "yes":
			o.Producer.Idempotent = true
		case "0", "off", "false", "no":
			o.Producer.Idempotent = false
		default:
			return o, fmt.Errorf("KAFKA_BENCH_IDEMPOTENT=%q is not on or off", v)
		}
	}
	if n, ok, err := num("KAFKA_BENCH_MAX_IN_FLIGHT", 1, 100); err != nil {
		return o, err
	} else if ok {
		if o.Producer.Idempotent && n != maxIdempotentInFlight {
			return o, fmt.Errorf("KAFKA_BENCH_MAX_IN_FLIGHT=%d needs KAFKA_BENCH_IDEMPOTENT=off: an idempotent franz-go producer always keeps %d requests in flight per broker", n, maxIdempotentInFlight)
		}
		o.Producer.MaxInFlight = int(n)
	}
	o.Warmup = min(o.Records, maxWarmup)
	if n, ok, err := num("KAFKA_BENCH_WARMUP", 0, 1_000_000_000); err != nil {
		return o, err
	} else if ok {
		o.Warmup = n
	}
	return o, nil
}

// parsePeers reads "all", "none" or a comma-separated list of peers.
func parsePeers(v string) ([]string, error) {
	switch v {
	case "all":
		return append([]string{}, AllPeers...), nil
	case "none":
		return nil, nil
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		known := false
		for _, a := range AllPeers {
			known = known || a == p
		}
		if !known {
			return nil, fmt.Errorf("KAFKA_BENCH_PEERS: %q is not a peer; use all, none, or a list of %s", p, strings.Join(AllPeers, ", "))
		}
		out = append(out, p)
	}
	return out, nil
}

func (o Options) wants(peer string) bool {
	for _, p := range o.Peers {
		if p == peer {
			return true
		}
	}
	return false
}
