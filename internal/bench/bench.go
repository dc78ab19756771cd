// Package bench measures kafkastack's own franz-go producer and consumer
// on a running cluster, side by side with peers (Apache Kafka's
// ProducerPerformance and ConsumerPerformance, and kcat) doing the same
// workload against the same topic shape, and how long after the cluster
// is truly ready the product's wait returns.
package bench

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/kio"
	"kafkastack/internal/stack"
	"kafkastack/internal/topics"
	"kafkastack/internal/verify"
)

// Run brings the cluster up (on the external runtime: waits for it),
// warms it up, runs our producer and consumer and every present peer on a
// fresh topic each, measures the readiness overhead, and prints the report
// to out. It returns the report; it fails when the cluster is not usable
// or our own client fails. A peer that fails is reported, not fatal.
func Run(ctx context.Context, s *stack.Stack, o Options, out io.Writer) (*Report, error) {
	if o.Records < 1 || o.RecordSize < 1 {
		return nil, fmt.Errorf("bench: need at least 1 record of at least 1 byte, got %d of %d", o.Records, o.RecordSize)
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Partitions <= 0 {
		o.Partitions = s.Env.Config.Partitions
	}
	if err := upOrWait(ctx, s); err != nil {
		return nil, err
	}
	adm, cl, err := s.Admin()
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	w, err := workload(ctx, s, adm, o)
	if err != nil {
		return nil, err
	}
	rep := &Report{
		Date:      time.Now().UTC(),
		Machine:   DescribeMachine(),
		Runtime:   s.Runtime.Name(),
		Bootstrap: s.Bootstrap(),
		Workload:  w,
		Tuning:    o.Producer,
	}
	b := &runner{s: s, adm: adm, cl: cl, o: o, w: w, out: out, prefix: "kafkastack-bench-" + verify.NewRunID()}
	fmt.Fprintf(out, "bench: %s on the %s runtime\n", w, rep.Runtime)
	if o.Warmup > 0 {
		fmt.Fprintf(out, "warm-up: %d records produced and read back by our client (not timed)\n", o.Warmup)
		if err := b.warmup(ctx); err != nil {
			return rep, err
		}
	}
	if err := b.rounds(ctx, rep); err != nil {
		return rep, err
	}
	err = b.readiness(ctx, rep)
	rep.Write(out)
	return rep, err
}

// upOrWait brings a cluster kafkastack manages up, and waits for one it
// does not.
func upOrWait(ctx context.Context, s *stack.Stack) error {
	if !cluster.Managed(s.Runtime) {
		return s.Wait(ctx)
	}
	return s.Up(ctx)
}

// workload is the bench's workload on the cluster: o's records and
// partitions, replicated as configured but on no more brokers than there
// are, with acks=all and no compression.
func workload(ctx context.Context, s *stack.Stack, adm *kadm.Client, o Options) (Workload, error) {
	cfg := s.Env.Config
	lctx, lcancel := context.WithTimeout(ctx, cfg.ReadyTimeout)
	brokers, err := adm.ListBrokers(lctx)
	lcancel()
	if err != nil {
		return Workload{}, fmt.Errorf("bench: listing brokers: %w", err)
	}
	rf := min(int(cfg.ReplicationFactor), len(brokers))
	return Workload{
		Records:           o.Records,
		RecordSize:        o.RecordSize,
		Partitions:        o.Partitions,
		ReplicationFactor: int16(rf),
		MinInsyncReplicas: min(cfg.MinInsyncReplicas, rf),
		Acks:              "all",
		Compression:       "none",
	}, nil
}

// rounds runs every participant once per round and puts the combined
// figures into rep. When our own client fails, it writes the report with
// ours alone and fails.
func (b *runner) rounds(ctx context.Context, rep *Report) error {
	runs := []func(context.Context) Participant{
		b.ours,
		func(ctx context.Context) Participant { return b.kafkaPerf(ctx, false) },
		func(ctx context.Context) Participant { return b.kafkaPerf(ctx, true) },
		b.kcat,
	}
	var rounds [][]Participant
	for r := 1; r <= b.o.Rounds; r++ {
		b.round = r
		if b.o.Rounds > 1 {
			fmt.Fprintf(b.out, "round %d of %d\n", r, b.o.Rounds)
		}
		// Each round starts with another participant, so that none is
		// always first (or last) on a machine whose speed drifts.
		round := make([]Participant, len(runs))
		for _, i := range RoundOrder(len(runs), r) {
			round[i] = runs[i](ctx)
			if i == 0 {
				ours := round[0]
				if ours.Producer == nil || ours.Producer.Err != "" || ours.Consumer == nil || ours.Consumer.Err != "" {
					rep.Participants = []Participant{ours}
					rep.Write(b.out)
					return fmt.Errorf("bench: our client failed: %s", firstErr(ours))
				}
			}
		}
		rounds = append(rounds, round)
	}
	rep.Rounds = len(rounds)
	rep.Participants = Combine(rounds)
	rep.Ratios = RoundRatios(rounds)
	return nil
}

// readiness measures the readiness overhead into rep, or says there why
// it was not measured.
func (b *runner) readiness(ctx context.Context, rep *Report) error {
	switch {
	case !b.o.Readiness:
		rep.Readiness = Readiness{Skipped: "KAFKA_BENCH_READINESS=off"}
	case !cluster.Managed(b.s.Runtime):
		rep.Readiness = Readiness{Skipped: "the " + b.s.Runtime.Name() + " runtime's cluster cannot be stopped and started by kafkastack"}
	default:
		fmt.Fprintln(b.out, "readiness: stopping the cluster and starting it again, with a tight probe beside the wait")
		rd, err := MeasureReadiness(ctx, b.s)
		if err != nil {
			return err
		}
		rep.Readiness = rd
	}
	return nil
}

func firstErr(p Participant) string {
	for _, s := range []*Side{p.Producer, p.Consumer} {
		if s != nil && s.Err != "" {
			return s.Err
		}
	}
	return "no figures"
}

// runner holds what every participant's run needs.
type runner struct {
	s      *stack.Stack
	adm    *kadm.Client
	cl     *kgo.Client
	o      Options
	w      Workload
	out    io.Writer
	prefix string
	// round numbers the topics of repeated rounds.
	round int
}

func (b *runner) bootstrap() string { return strings.Join(b.s.Bootstrap(), ",") }

// topic creates the fresh topic of one participant and returns its name
// and a function that deletes it.
func (b *runner) topic(ctx context.Context, suffix string) (string, func(), error) {
	name := b.prefix + "-" + suffix
	if b.round > 0 {
		name += "-r" + strconv.Itoa(b.round)
	}
	spec := topics.Spec{
		Name:              name,
		Partitions:        b.w.Partitions,
		ReplicationFactor: b.w.ReplicationFactor,
		Configs:           map[string]string{"min.insync.replicas": strconv.Itoa(b.w.MinInsyncReplicas)},
	}
	tctx, cancel := context.WithTimeout(ctx, b.s.Env.Config.ReadyTimeout)
	defer cancel()
	if _, err := topics.Create(tctx, b.cl, spec); err != nil {
		return "", nil, err
	}
	drop := func() {
		dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer dcancel()
		if err := topics.Delete(dctx, b.adm, name); err != nil {
			fmt.Fprintf(b.out, "warning: %v\n", err)
		}
	}
	return name, drop, nil
}

// checkCount fails when topic does not hold exactly the workload's
// records, which catches a peer that exited 0 without delivering.
func (b *runner) checkCount(ctx context.Context, topic string) (map[int32]int64, error) {
	ectx, cancel := context.WithTimeout(ctx, b.s.Env.Config.ReadyTimeout)
	defer cancel()
	ends, err := kio.EndOffsets(ectx, b.adm, topic)
	if err != nil {
		return nil, err
	}
	var sum int64
	for _, e := range ends {
		sum += e
	}
	if sum != b.o.Records {
		return ends, fmt.Errorf("topic %s holds %d records after the produce, want %d", topic, sum, b.o.Records)
	}
	return ends, nil
}

func (b *runner) warmup(ctx context.Context) error {
	topic, drop, err := b.topic(ctx, "warmup")
	if err != nil {
		return fmt.Errorf("bench warm-up: %w", err)
	}
	defer drop()
	cl, err := b.s.Client(b.o.Producer.Opts()...)
	if err != nil {
		return err
	}
	defer cl.Close()
	pctx, cancel := context.WithTimeout(ctx, b.o.Timeout)
	defer cancel()
	if _, err := Produce(pctx, cl, topic, b.o.Warmup, b.o.RecordSize); err != nil {
		return fmt.Errorf("bench warm-up: %w", err)
	}
	ends, err := kio.EndOffsets(pctx, b.adm, topic)
	if err != nil {
		return fmt.Errorf("bench warm-up: %w", err)
	}
	opts, err := b.s.ClientOpts(b.o.Consumer.Opts()...)
	if err != nil {
		return err
	}
	if _, err := Consume(pctx, opts, topic, ends); err != nil {
		return fmt.Errorf("bench warm-up: %w", err)
	}
	return nil
}

// franzVersion is the franz-go module version this program was built with.
func franzVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/twmb/franz-go" {
				return d.Version
			}
		}
	}
	return ""
}

func (b *runner) ours(ctx context.Context) Participant {
	p := Participant{Name: "kafkastack franz-go", Version: franzVersion(), Ours: true, Present: true}
	prodTool, consTool := "kafkastack producer (franz-go)", "kafkastack consumer (franz-go)"
	topic, drop, err := b.topic(ctx, "ours")
	if err != nil {
		p.Producer = &Side{Tool: prodTool, Err: err.Error()}
		return p
	}
	defer drop()
	p.Topic = topic
	fmt.Fprintf(b.out, "ours: producing to %s\n", topic)
	p.Producer = &Side{Tool: prodTool, Settings: b.o.Producer.Settings()}
	cl, err := b.s.Client(b.o.Producer.Opts()...)
	if err != nil {
		p.Producer.Err = err.Error()
		return p
	}
	pctx, cancel := context.WithTimeout(ctx, b.o.Timeout)
	res, err := Produce(pctx, cl, topic, b.o.Records, b.o.RecordSize)
	cancel()
	cl.Close()
	if err != nil {
		p.Producer.Err = err.Error()
		return p
	}
	p.Producer.Throughput = res.Throughput
	p.Producer.Latency = LatencyMsOf(res.Latency)
	ends, err := b.checkCount(ctx, topic)
	if err != nil {
		p.Producer.Err = err.Error()
		return p
	}
	fmt.Fprintf(b.out, "ours: consuming %s\n", topic)
	p.Consumer = &Side{Tool: consTool}
	opts, err := b.s.ClientOpts(b.o.Consumer.Opts()...)
	if err != nil {
		p.Consumer.Err = err.Error()
		return p
	}
	cctx, ccancel := context.WithTimeout(ctx, b.o.Timeout)
	defer ccancel()
	th, err := Consume(cctx, opts, topic, ends)
	if err != nil {
		p.Consumer.Err = err.Error()
		return p
	}
	p.Consumer.Throughput = th
	return p
}

// peersBlocked says why no peer can run against this cluster, or "".
func (b *runner) peersBlocked() string {
	rtOpts, err := b.s.Runtime.ClientOpts()
	if err != nil {
		return err.Error()
	}
	if len(rtOpts) > 0 {
		return "the cluster needs TLS or SASL, which the bench passes only to its own client"
	}
	return ""
}

// kafkaPerf runs ProducerPerformance and ConsumerPerformance; tuned, only
// ProducerPerformance, with batching like ours.
func (b *runner) kafkaPerf(ctx context.Context, tuned bool) Participant {
	p := Participant{Name: "Apache Kafka perf tools"}
	if tuned {
		p.Name = "Apache Kafka ProducerPerformance, tuned"
	}
	jp, ok := b.kafkaPerfTools(ctx, &p)
	if !ok {
		return p
	}
	prodTool := "Kafka ProducerPerformance " + jp.Jars.Version
	suffix := "kafka-perf"
	if tuned {
		prodTool += ", tuned"
		suffix += "-tuned"
	}
	topic, drop, err := b.topic(ctx, suffix)
	if err != nil {
		p.Producer = &Side{Tool: prodTool, Err: err.Error()}
		return p
	}
	defer drop()
	p.Topic = topic
	fmt.Fprintf(b.out, "kafka-perf: %s to %s (jars in %s)\n", prodTool, topic, jp.Jars.Dir)
	p.Producer = b.perfProduce(ctx, jp, topic, prodTool, tuned)
	if p.Producer.Err != "" || tuned {
		return p
	}
	fmt.Fprintf(b.out, "kafka-perf: ConsumerPerformance on %s\n", topic)
	p.Consumer = b.perfConsume(ctx, jp, topic, "Kafka ConsumerPerformance "+jp.Jars.Version)
	return p
}

// kafkaPerfTools finds java and the Kafka jars and marks p present with
// their versions; when the perf tools cannot run, it says why in p.Reason
// and returns false.
func (b *runner) kafkaPerfTools(ctx context.Context, p *Participant) (JavaPerf, bool) {
	if !b.o.wants(PeerKafkaPerf) {
		p.Reason = "left out by KAFKA_BENCH_PEERS"
		return JavaPerf{}, false
	}
	if why := b.peersBlocked(); why != "" {
		p.Reason = why
		return JavaPerf{}, false
	}
	java, err := exec.LookPath("java")
	if err != nil {
		p.Reason = "java is not on PATH"
		return JavaPerf{}, false
	}
	jars, err := b.kafkaJars(ctx)
	if err != nil {
		p.Reason = err.Error() + " (KAFKA_RUNTIME=native go run magefile.go up fetches them; or set KAFKA_HOME to a Kafka distribution)"
		return JavaPerf{}, false
	}
	p.Version = jars.Version
	if v, err := JavaVersion(ctx, java); err == nil {
		p.Version += " on " + v
	}
	p.Present = true
	return JavaPerf{Java: java, Jars: jars}, true
}

// perfProduce runs ProducerPerformance on topic and returns its side,
// with Err set when it failed or did not deliver every record.
func (b *runner) perfProduce(ctx context.Context, jp JavaPerf, topic, tool string, tuned bool) *Side {
	settings := strings.Join(PerfProducerSettings(b.o.Producer, tuned), ", ")
	if !tuned {
		settings += ", stock batching (linger.ms and batch.size of the Java client's defaults)"
	}
	side := &Side{Tool: tool, Settings: settings}
	pctx, cancel := context.WithTimeout(ctx, b.o.Timeout)
	pp, err := jp.Produce(pctx, b.bootstrap(), topic, b.o.Records, b.o.RecordSize, b.o.Producer, tuned)
	cancel()
	if err != nil {
		side.Err = err.Error()
		return side
	}
	if _, err := b.checkCount(ctx, topic); err != nil {
		side.Err = err.Error()
		return side
	}
	side.Throughput = Throughput{Records: pp.Records, Bytes: pp.Records * int64(b.o.RecordSize), RecsPerS: pp.RecsPerS, MBPerS: pp.MBPerS}
	if pp.RecsPerS > 0 {
		side.Elapsed = time.Duration(float64(pp.Records) / pp.RecsPerS * float64(time.Second))
	}
	side.Latency = &LatencyMs{Avg: pp.AvgMs, P50: pp.P50Ms, P99: pp.P99Ms, Max: pp.MaxMs}
	side.Note = "its own summary line; latency percentiles in whole milliseconds"
	return side
}

// perfConsume runs ConsumerPerformance on topic and returns its side.
func (b *runner) perfConsume(ctx context.Context, jp JavaPerf, topic, tool string) *Side {
	side := &Side{Tool: tool}
	cctx, cancel := context.WithTimeout(ctx, b.o.Timeout)
	defer cancel()
	cp, err := jp.Consume(cctx, b.bootstrap(), topic, b.o.Records, time.Minute)
	if err != nil {
		side.Err = err.Error()
		return side
	}
	// The fetch figures: ConsumerPerformance joins a consumer group first,
	// which on Kafka waits group.initial.rebalance.delay.ms (3s by
	// default); ours and kcat read without a group.
	side.Throughput = Throughput{Records: cp.Records, Bytes: int64(cp.MB * mib), Elapsed: time.Duration(cp.FetchMs * float64(time.Millisecond)), RecsPerS: cp.FetchRecsPerS, MBPerS: cp.FetchMBPerS}
	side.Note = fmt.Sprintf("fetch figures, without its %.0f ms group join (with it: %s records/s)", cp.RebalanceMs, FormatRate(cp.RecsPerS))
	return side
}

// kafkaJars are the jars of the perf tools: on the native runtime the very
// jars (and so the Kafka version) the cluster runs, else the newest found
// under KAFKA_HOME or the cache.
func (b *runner) kafkaJars(ctx context.Context) (KafkaJars, error) {
	if kd, ok := b.s.Runtime.(cluster.KafkaDistribution); ok {
		libs, err := kd.KafkaLibs(ctx)
		if err != nil {
			return KafkaJars{}, err
		}
		if kj, ok := jarsIn(libs); ok {
			return kj, nil
		}
		return KafkaJars{}, fmt.Errorf("finding the Kafka jars: %s holds no kafka-tools or kafka_2.13 jar with kafka-clients", libs)
	}
	return FindKafkaJars(b.s.Env.Config.CacheDir, b.o.KafkaHome)
}

func (b *runner) kcat(ctx context.Context) Participant {
	p := Participant{Name: "kcat"}
	if !b.o.wants(PeerKcat) {
		p.Reason = "left out by KAFKA_BENCH_PEERS"
		return p
	}
	if why := b.peersBlocked(); why != "" {
		p.Reason = why
		return p
	}
	path, err := exec.LookPath("kcat")
	if err != nil {
		p.Reason = "kcat is not on PATH (Debian/Ubuntu: apt-get install -y kcat)"
		return p
	}
	k := Kcat{Path: path}
	if v, err := k.Version(ctx); err == nil {
		p.Name, p.Version = v, ""
	} else {
		p.Reason = err.Error()
		return p
	}
	p.Present = true
	topic, drop, err := b.topic(ctx, "kcat")
	if err != nil {
		p.Producer = &Side{Tool: "kcat -P", Err: err.Error()}
		return p
	}
	defer drop()
	p.Topic = topic
	fmt.Fprintf(b.out, "kcat: producing to %s\n", topic)
	p.Producer = &Side{Tool: "kcat -P", Note: "process time from start to exit; kcat reports no latency",
		Settings: strings.Join(KcatProduceSettings(b.o.Producer), ", ")}
	pctx, cancel := context.WithTimeout(ctx, b.o.Timeout)
	th, err := k.Produce(pctx, b.bootstrap(), topic, b.o.Records, b.o.RecordSize, b.o.Producer)
	cancel()
	if err == nil {
		_, err = b.checkCount(ctx, topic)
	}
	if err != nil {
		p.Producer.Err = err.Error()
		return p
	}
	p.Producer.Throughput = th
	fmt.Fprintf(b.out, "kcat: consuming %s\n", topic)
	p.Consumer = &Side{Tool: "kcat -C", Note: "process time from start to exit"}
	cctx, ccancel := context.WithTimeout(ctx, b.o.Timeout)
	defer ccancel()
	th, err = k.Consume(cctx, b.bootstrap(), topic, b.o.Records)
	if err != nil {
		p.Consumer.Err = err.Error()
		return p
	}
	p.Consumer.Throughput = th
	return p
}
