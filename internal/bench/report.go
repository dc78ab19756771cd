package bench

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Workload is what every participant did.
type Workload struct {
	Records           int64  `json:"records"`
	RecordSize        int    `json:"record_size"`
	Partitions        int32  `json:"partitions"`
	ReplicationFactor int16  `json:"replication_factor"`
	MinInsyncReplicas int    `json:"min_insync_replicas"`
	Acks              string `json:"acks"`
	Compression       string `json:"compression"`
}

// String is e.g. "1000000 records of 100 bytes, acks=all, uncompressed,
// 3 partitions, replication factor 3, min.insync.replicas 2".
func (w Workload) String() string {
	return fmt.Sprintf("%d records of %d bytes, acks=%s, compression %s, a fresh topic per participant with %d partitions, replication factor %d, min.insync.replicas %d",
		w.Records, w.RecordSize, w.Acks, w.Compression, w.Partitions, w.ReplicationFactor, w.MinInsyncReplicas)
}

// LatencyMs is a latency summary in milliseconds, for every participant
// that reports one.
type LatencyMs struct {
	Avg float64 `json:"avg_ms"`
	P50 float64 `json:"p50_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// LatencyMsOf converts a Latency.
func LatencyMsOf(l Latency) *LatencyMs {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return &LatencyMs{Avg: ms(l.Avg), P50: ms(l.P50), P99: ms(l.P99), Max: ms(l.Max)}
}

// Side is one participant's producer or consumer run.
type Side struct {
	// Tool names the program, e.g. "ProducerPerformance" or "kcat -P".
	Tool string `json:"tool"`
	Throughput
	// Latency is nil when the tool reports none.
	Latency *LatencyMs `json:"latency,omitempty"`
	// Err says why the run failed; empty when it passed.
	Err string `json:"error,omitempty"`
	// Note qualifies the figures.
	Note string `json:"note,omitempty"`
	// Settings are the producer's effective settings.
	Settings string `json:"settings,omitempty"`
}

// OK reports whether the side ran and has figures.
func (s *Side) OK() bool { return s != nil && s.Err == "" && s.RecsPerS > 0 }

// Participant is our client or a peer.
type Participant struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	Ours    bool   `json:"ours,omitempty"`
	// Present is false when the peer could not run here; Reason says why.
	Present  bool   `json:"present"`
	Reason   string `json:"reason,omitempty"`
	Topic    string `json:"topic,omitempty"`
	Producer *Side  `json:"producer,omitempty"`
	Consumer *Side  `json:"consumer,omitempty"`
}

// Label is the name with its version.
func (p Participant) Label() string {
	if p.Version == "" {
		return p.Name
	}
	return p.Name + " " + p.Version
}

// Report is one bench run.
type Report struct {
	Date      time.Time      `json:"date"`
	Machine   Machine        `json:"machine"`
	Runtime   string         `json:"runtime"`
	Bootstrap []string       `json:"bootstrap"`
	Workload  Workload       `json:"workload"`
	Tuning    ProducerTuning `json:"producer_tuning"`
	// Rounds is how many rounds ran; each side is the median round's.
	Rounds int `json:"rounds"`
	// Participants are ours first, then the peers.
	Participants []Participant `json:"participants"`
	Ratios       []Ratio       `json:"ratios"`
	Readiness    Readiness     `json:"readiness"`
}

// Ratio is ours ÷ one peer; 0 where either side has no figure. Over
// several rounds, Producer and Consumer are the medians of the rounds'
// ratios (each round's ours ÷ that round's peer) and the Min and Max
// fields their spread.
type Ratio struct {
	Peer        string  `json:"peer"`
	Producer    float64 `json:"producer"`
	Consumer    float64 `json:"consumer"`
	ProducerMin float64 `json:"producer_min,omitempty"`
	ProducerMax float64 `json:"producer_max,omitempty"`
	ConsumerMin float64 `json:"consumer_min,omitempty"`
	ConsumerMax float64 `json:"consumer_max,omitempty"`
	// Rounds is how many rounds had both figures.
	Rounds int `json:"rounds,omitempty"`
}

// Ratios divides our records/s by each present peer's, for the producer
// and the consumer. Peers that are not present are left out; a side
// without figures on either part gives 0.
func Ratios(ps []Participant) []Ratio {
	var ours *Participant
	for i := range ps {
		if ps[i].Ours {
			ours = &ps[i]
			break
		}
	}
	if ours == nil {
		return nil
	}
	div := func(a, b *Side) float64 {
		if !a.OK() || !b.OK() {
			return 0
		}
		return a.RecsPerS / b.RecsPerS
	}
	var out []Ratio
	for _, p := range ps {
		if p.Ours || !p.Present {
			continue
		}
		out = append(out, Ratio{Peer: p.Label(), Producer: div(ours.Producer, p.Producer), Consumer: div(ours.Consumer, p.Consumer)})
	}
	return out
}

// RoundOrder is the order in which round r (from 1) runs n participants:
// starting with participant (r-1) mod n, so that over n rounds each runs
// once in every position.
func RoundOrder(n, r int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = (r - 1 + i) % n
	}
	return out
}

// RoundRatios takes each round's Ratios and returns, per peer, the median
// of the rounds' ratios with their lowest and highest. A peer that ran in
// no round is left out, as in Ratios.
func RoundRatios(rounds [][]Participant) []Ratio {
	if len(rounds) == 0 {
		return nil
	}
	per := make([][]Ratio, len(rounds))
	for i, r := range rounds {
		per[i] = Ratios(r)
	}
	var out []Ratio
	for j, first := range per[0] {
		var prods, cons []float64
		for _, rs := range per {
			if j >= len(rs) {
				continue
			}
			if rs[j].Producer > 0 {
				prods = append(prods, rs[j].Producer)
			}
			if rs[j].Consumer > 0 {
				cons = append(cons, rs[j].Consumer)
			}
		}
		q := Ratio{Peer: first.Peer, Rounds: max(len(prods), len(cons))}
		q.Producer, q.ProducerMin, q.ProducerMax = medianSpread(prods)
		q.Consumer, q.ConsumerMin, q.ConsumerMax = medianSpread(cons)
		out = append(out, q)
	}
	return out
}

// medianSpread returns the median (the mean of the middle two for an even
// count), lowest and highest of vs; zeros when vs is empty.
func medianSpread(vs []float64) (med, lo, hi float64) {
	if len(vs) == 0 {
		return 0, 0, 0
	}
	s := append([]float64{}, vs...)
	sort.Float64s(s)
	n := len(s)
	med = s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return med, s[0], s[n-1]
}

// formatRatioSpread writes a median ratio with its spread over rounds,
// e.g. "1.07x (0.98-1.12)", or just the ratio for one round.
func formatRatioSpread(med, lo, hi float64, rounds int) string {
	if med <= 0 {
		return "-"
	}
	if rounds < 2 {
		return FormatRatio(med)
	}
	return fmt.Sprintf("%s (%s-%s)", FormatRatio(med), strconv.FormatFloat(lo, 'f', 2, 64), strconv.FormatFloat(hi, 'f', 2, 64))
}

// BestPeerProducer returns the present peer whose producer was fastest,
// and false when no peer's producer has figures.
func BestPeerProducer(ps []Participant) (Participant, bool) {
	var best Participant
	found := false
	for _, p := range ps {
		if p.Ours || !p.Present || !p.Producer.OK() {
			continue
		}
		if !found || p.Producer.RecsPerS > best.Producer.RecsPerS {
			best, found = p, true
		}
	}
	return best, found
}

// FormatRate writes a rate with thousands separators, e.g. "1,234,567".
func FormatRate(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// FormatRatio writes a ratio as e.g. "1.07x", or "-" for 0.
func FormatRatio(r float64) string {
	if r <= 0 {
		return "-"
	}
	return strconv.FormatFloat(r, 'f', 2, 64) + "x"
}

func formatMs(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// Write prints the report as tables.
func (r *Report) Write(w io.Writer) {
	r.writeHeader(w)
	r.writeSides(w)
	r.writeSettings(w)
	r.writeNotes(w)
	r.writeRatios(w)
	r.writeReadiness(w)
}

// writeHeader prints the date, machine, runtime, workload and rounds.
func (r *Report) writeHeader(w io.Writer) {
	fmt.Fprintf(w, "\nkafkastack bench, %s\n", r.Date.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "machine:  %s\n", r.Machine)
	fmt.Fprintf(w, "runtime:  %s, brokers %s\n", r.Runtime, strings.Join(r.Bootstrap, ","))
	fmt.Fprintf(w, "workload: %s\n", r.Workload)
	fmt.Fprintf(w, "every producer: %s\n", r.Tuning.Durability())
	if r.Rounds > 1 {
		fmt.Fprintf(w, "rounds:   %d, each starting with another participant; figures are each side's median round, ratios the median of the rounds' ratios (lowest-highest)\n", r.Rounds)
	}
	fmt.Fprintln(w)
}

// writeSides prints the producer and consumer tables.
func (r *Report) writeSides(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "PRODUCER\t"+numCols+"\n", "RECORDS/S", "MB/S", "P50 MS", "P99 MS", "MAX MS")
	for _, p := range r.Participants {
		writeSide(tw, p, p.Producer, true)
	}
	fmt.Fprintln(tw, "\t")
	fmt.Fprintf(tw, "CONSUMER\t"+numCols+"\n", "RECORDS/S", "MB/S", "", "", "")
	for _, p := range r.Participants {
		writeSide(tw, p, p.Consumer, false)
	}
	tw.Flush()
}

// writeSettings prints each present producer's settings.
func (r *Report) writeSettings(w io.Writer) {
	fmt.Fprintln(w, "\nPRODUCER SETTINGS")
	for _, p := range r.Participants {
		if p.Present && p.Producer != nil && p.Producer.Settings != "" {
			fmt.Fprintf(w, "  %s: %s\n", p.Producer.Tool, p.Producer.Settings)
		}
	}
}

// writeNotes prints why a peer is absent, what failed, and each side's
// note.
func (r *Report) writeNotes(w io.Writer) {
	var notes []string
	for _, p := range r.Participants {
		if !p.Present {
			notes = append(notes, fmt.Sprintf("%s: not present: %s", p.Label(), p.Reason))
			continue
		}
		for _, s := range []*Side{p.Producer, p.Consumer} {
			if s == nil {
				continue
			}
			if s.Err != "" {
				notes = append(notes, fmt.Sprintf("%s: failed: %s", s.Tool, s.Err))
			} else if s.Note != "" {
				notes = append(notes, fmt.Sprintf("%s: %s", s.Tool, s.Note))
			}
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, "  "+n)
		}
	}
}

// writeRatios prints ours ÷ each peer, and the verdict.
func (r *Report) writeRatios(w io.Writer) {
	fmt.Fprintln(w)
	if len(r.Ratios) == 0 {
		fmt.Fprintln(w, "RATIOS: no peer ran, nothing to compare")
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "OURS ÷ PEER\t%18s %18s\n", "PRODUCER", "CONSUMER")
		for _, q := range r.Ratios {
			fmt.Fprintf(tw, "%s\t%18s %18s\n", q.Peer, formatRatioSpread(q.Producer, q.ProducerMin, q.ProducerMax, q.Rounds),
				formatRatioSpread(q.Consumer, q.ConsumerMin, q.ConsumerMax, q.Rounds))
		}
		tw.Flush()
	}
	if line := r.Verdict(); line != "" {
		fmt.Fprintln(w, line)
	}
}

// writeReadiness prints the readiness overhead against its target.
func (r *Report) writeReadiness(w io.Writer) {
	fmt.Fprintln(w)
	rd := r.Readiness
	if rd.Skipped != "" {
		fmt.Fprintf(w, "readiness overhead: not measured: %s\n", rd.Skipped)
	} else {
		verdict := "within"
		if rd.Overhead > ReadinessTarget {
			verdict = "above"
		}
		fmt.Fprintf(w, "readiness overhead: %s (%s the %s target): truly ready %s after up started (tight probe every %s), up+wait returned after %s\n",
			rd.Overhead.Round(time.Millisecond), verdict, ReadinessTarget, rd.TrulyReady.Round(time.Millisecond),
			TightProbeInterval, rd.WaitReturned.Round(time.Millisecond))
	}
}

// Verdict says whether our producer kept up with the fastest peer's: the
// peer with the lowest producer ratio (the median over rounds). It is
// empty when no peer's producer ran.
func (r *Report) Verdict() string {
	best := -1
	for i, q := range r.Ratios {
		if q.Producer > 0 && (best < 0 || q.Producer < r.Ratios[best].Producer) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	q := r.Ratios[best]
	word := "keeps up with"
	if q.Producer < 1 {
		word = "is behind"
	}
	return fmt.Sprintf("our producer %s the fastest peer producer (%s): %s", word, q.Peer, formatRatioSpread(q.Producer, q.ProducerMin, q.ProducerMax, q.Rounds))
}

// numCols lays out the numeric columns: records/s, MB/s, p50, p99, max.
const numCols = "%12s %8s %8s %8s %8s"

func writeSide(tw io.Writer, p Participant, s *Side, latency bool) {
	name := p.Label()
	if s != nil && s.Tool != "" {
		name = s.Tool
	}
	switch {
	case !p.Present:
		fmt.Fprintf(tw, "%s\t%12s\n", name, "not present")
		return
	case s == nil:
		return
	case s.Err != "":
		fmt.Fprintf(tw, "%s\t%12s\n", name, "failed")
		return
	}
	p50, p99, mx := "", "", ""
	if latency {
		p50, p99, mx = "-", "-", "-"
		if s.Latency != nil {
			p50, p99, mx = formatMs(s.Latency.P50), formatMs(s.Latency.P99), formatMs(s.Latency.Max)
		}
	}
	fmt.Fprintf(tw, "%s\t"+numCols+"\n", name, FormatRate(s.RecsPerS), strconv.FormatFloat(s.MBPerS, 'f', 1, 64), p50, p99, mx)
}

func lingerText(d time.Duration) string {
	switch {
	case d < 0:
		return "none"
	case d == 0:
		return "kgo default"
	}
	return d.String()
}

// Combine merges repeated rounds (each a list of participants in the same
// order) into one list: each side is the round whose records/s is the
// median (the lower middle for an even count), with every round's figure
// in its note. A side that failed in any round is reported failed, with
// that round's error; a peer absent in the first round stays absent.
func Combine(rounds [][]Participant) []Participant {
	if len(rounds) == 0 {
		return nil
	}
	if len(rounds) == 1 {
		return rounds[0]
	}
	out := make([]Participant, len(rounds[0]))
	for i := range rounds[0] {
		first := rounds[0][i]
		if !first.Present {
			out[i] = first
			continue
		}
		var prods, cons []*Side
		for _, r := range rounds {
			if i < len(r) {
				prods = append(prods, r[i].Producer)
				cons = append(cons, r[i].Consumer)
			}
		}
		p := first
		p.Topic = ""
		p.Producer = medianSide(prods)
		p.Consumer = medianSide(cons)
		out[i] = p
	}
	return out
}

func medianSide(sides []*Side) *Side {
	var ok []*Side
	for _, s := range sides {
		if s == nil {
			continue
		}
		if s.Err != "" {
			return s
		}
		ok = append(ok, s)
	}
	if len(ok) == 0 {
		return nil
	}
	sorted := append([]*Side{}, ok...)
	sort.SliceStable(sorted, func(a, b int) bool { return sorted[a].RecsPerS < sorted[b].RecsPerS })
	m := *sorted[(len(sorted)-1)/2]
	var rates []string
	for _, s := range ok {
		rates = append(rates, FormatRate(s.RecsPerS))
	}
	note := fmt.Sprintf("median of %d rounds (records/s: %s)", len(ok), strings.Join(rates, ", "))
	if m.Note != "" {
		note += "; " + m.Note
	}
	m.Note = note
	return &m
}
