package status

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes the report as indented JSON with the field names of
// Report (lower_snake_case). It fails when w fails.
func (r *Report) WriteJSON(w io.Writer) error {
	if r == nil {
		return errNoReport
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing the status as JSON: %w", err)
	}
	return nil
}

// WriteTable writes the report as aligned text tables: Cluster, Brokers
// (the controller marked "controller"), Topics, Groups (one row per group
// and topic), Services and, when any, Warnings. A value that could not be
// read shows as "-". It fails when w fails.
func (r *Report) WriteTable(w io.Writer) error {
	if r == nil {
		return errNoReport
	}
	t := newTable()
	for _, section := range []func(*table){r.writeCluster, r.writeBrokers, r.writeTopics, r.writeGroups, r.writeServices, r.writeWarnings} {
		section(t)
	}
	if err := t.writeTo(w); err != nil {
		return fmt.Errorf("writing the status table: %w", err)
	}
	return nil
}

// table writes the sections of WriteTable: a title, then indented rows
// whose cells are aligned in columns; a blank line parts two sections.
type table struct {
	buf     bytes.Buffer
	tw      *tabwriter.Writer
	started bool
}

func newTable() *table {
	t := &table{}
	t.tw = tabwriter.NewWriter(&t.buf, 0, 4, 2, ' ', 0)
	return t
}

// writeTo aligns the rows and writes them to w, each line without the
// blanks that pad its last cells.
func (t *table) writeTo(w io.Writer) error {
	if err := t.tw.Flush(); err != nil {
		return err
	}
	var out strings.Builder
	for _, line := range strings.SplitAfter(t.buf.String(), "\n") {
		out.WriteString(strings.TrimRight(line, " \n"))
		if strings.HasSuffix(line, "\n") {
			out.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, out.String())
	return err
}

func (t *table) section(title string) {
	if t.started {
		fmt.Fprintln(t.tw)
	}
	t.started = true
	fmt.Fprintln(t.tw, title)
}

// row writes one indented row, every cell in its column (an empty one
// too, so that the cells after it stay in theirs).
func (t *table) row(cells ...string) {
	fmt.Fprintln(t.tw, "  "+strings.Join(cells, "\t")+"\t")
}

func (r *Report) writeCluster(t *table) {
	t.section("CLUSTER")
	t.row("id", dash(r.ClusterID))
	ctrl := "-"
	if r.ControllerID >= 0 {
		ctrl = strconv.Itoa(int(r.ControllerID))
	}
	t.row("controller", ctrl)
	if r.Runtime != "" {
		t.row("runtime", r.Runtime)
	}
	if len(r.Bootstrap) > 0 {
		t.row("bootstrap", strings.Join(r.Bootstrap, ","))
	}
	t.row("brokers", strconv.Itoa(len(r.Brokers)))
}

func (r *Report) writeBrokers(t *table) {
	t.section("BROKERS")
	t.row("ID", "ADDRESS", "RACK", "ROLE")
	for _, b := range r.Brokers {
		role := ""
		if b.Controller {
			role = "controller"
		}
		t.row(strconv.Itoa(int(b.ID)), b.Address, dash(b.Rack), role)
	}
}

func (r *Report) writeTopics(t *table) {
	t.section("TOPICS")
	if len(r.Topics) == 0 {
		t.row("(none)")
		return
	}
	t.row("NAME", "PARTITIONS", "RF", "MIN.ISR", "UNDER-REPLICATED", "OFFLINE", "RECORDS", "SIZE")
	for _, tp := range r.Topics {
		t.row(tp.Name, strconv.Itoa(tp.Partitions), strconv.Itoa(tp.ReplicationFactor), intPtr(tp.MinInsyncReplicas),
			strconv.Itoa(tp.UnderReplicated), strconv.Itoa(tp.Offline), int64Ptr(tp.Records), size(tp.SizeBytes))
	}
}

func (r *Report) writeGroups(t *table) {
	t.section("GROUPS")
	if len(r.Groups) == 0 {
		t.row("(none)")
		return
	}
	t.row("GROUP", "STATE", "MEMBERS", "TOPIC", "LAG", "MAX PARTITION LAG")
	for _, g := range r.Groups {
		state := dash(g.State)
		if g.Error != "" {
			state += " (" + g.Error + ")"
		}
		if len(g.Lag) == 0 {
			t.row(g.Name, state, strconv.Itoa(g.Members), "-", "-", "-")
			continue
		}
		for _, l := range g.Lag {
			lag, max := lagCells(l)
			t.row(g.Name, state, strconv.Itoa(g.Members), l.Topic, lag, max)
		}
	}
}

// lagCells are a topic lag's LAG and MAX PARTITION LAG cells: the total
// (with the partitions whose lag is unknown, if any), and the partition
// that lags most ("-" when none is known).
func lagCells(l TopicLag) (lag, max string) {
	lag = strconv.FormatInt(l.Total, 10)
	if l.UnknownPartitions > 0 {
		lag += fmt.Sprintf(" (+%d partitions unknown)", l.UnknownPartitions)
	}
	max = "-"
	if l.MaxPartition >= 0 {
		max = fmt.Sprintf("%d (partition %d)", l.MaxPartitionLag, l.MaxPartition)
	}
	return lag, max
}

func (r *Report) writeServices(t *table) {
	t.section("SERVICES")
	if len(r.Services) == 0 {
		t.row("(none listed by this runtime)")
		return
	}
	t.row("SERVICE", "STATE", "PID", "DETAIL")
	for _, s := range r.Services {
		pid := "-"
		if s.PID > 0 {
			pid = strconv.Itoa(s.PID)
		}
		t.row(s.Service, s.State, pid, dash(s.Detail))
	}
}

func (r *Report) writeWarnings(t *table) {
	if len(r.Warnings) == 0 {
		return
	}
	t.section("WARNINGS")
	for _, wn := range r.Warnings {
		// A tab-free line keeps the warning out of the alignment.
		fmt.Fprintln(t.tw, "  - "+strings.ReplaceAll(wn, "\t", " "))
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func intPtr(v *int) string {
	if v == nil {
		return "-"
	}
	return strconv.Itoa(*v)
}

func int64Ptr(v *int64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatInt(*v, 10)
}

// size shows bytes in B, KiB, MiB or GiB with one decimal.
func size(v *int64) string {
	if v == nil {
		return "-"
	}
	n := float64(*v)
	for _, u := range []string{"B", "KiB", "MiB", "GiB"} {
		if n < 1024 || u == "GiB" {
			if u == "B" {
				return fmt.Sprintf("%d B", *v)
			}
			return fmt.Sprintf("%.1f %s", n, u)
		}
		n /= 1024
	}
	return "-"
}
