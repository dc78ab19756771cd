package status

import (
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
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(cells ...string) {
		// Trailing empty cells would only pad the line with blanks.
		for len(cells) > 1 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		fmt.Fprintln(tw, "  "+strings.Join(cells, "\t"))
	}
	section := func(title string) { fmt.Fprintln(tw, title) }

	section("CLUSTER")
	row("id", dash(r.ClusterID))
	ctrl := "-"
	if r.ControllerID >= 0 {
		ctrl = strconv.Itoa(int(r.ControllerID))
	}
	row("controller", ctrl)
	if r.Runtime != "" {
		row("runtime", r.Runtime)
	}
	if len(r.Bootstrap) > 0 {
		row("bootstrap", strings.Join(r.Bootstrap, ","))
	}
	row("brokers", strconv.Itoa(len(r.Brokers)))

	fmt.Fprintln(tw)
	section("BROKERS")
	row("ID", "ADDRESS", "RACK", "ROLE")
	for _, b := range r.Brokers {
		role := ""
		if b.Controller {
			role = "controller"
		}
		row(strconv.Itoa(int(b.ID)), b.Address, dash(b.Rack), role)
	}

	fmt.Fprintln(tw)
	section("TOPICS")
	if len(r.Topics) == 0 {
		row("(none)")
	} else {
		row("NAME", "PARTITIONS", "RF", "MIN.ISR", "UNDER-REPLICATED", "OFFLINE", "RECORDS", "SIZE")
		for _, t := range r.Topics {
			row(t.Name, strconv.Itoa(t.Partitions), strconv.Itoa(t.ReplicationFactor), intPtr(t.MinInsyncReplicas),
				strconv.Itoa(t.UnderReplicated), strconv.Itoa(t.Offline), int64Ptr(t.Records), size(t.SizeBytes))
		}
	}

	fmt.Fprintln(tw)
	section("GROUPS")
	if len(r.Groups) == 0 {
		row("(none)")
	} else {
		row("GROUP", "STATE", "MEMBERS", "TOPIC", "LAG", "MAX PARTITION LAG")
		for _, g := range r.Groups {
			state := dash(g.State)
			if g.Error != "" {
				state += " (" + g.Error + ")"
			}
			if len(g.Lag) == 0 {
				row(g.Name, state, strconv.Itoa(g.Members), "-", "-", "-")
				continue
			}
			for _, l := range g.Lag {
				lag := strconv.FormatInt(l.Total, 10)
				if l.UnknownPartitions > 0 {
					lag += fmt.Sprintf(" (+%d partitions unknown)", l.UnknownPartitions)
				}
				max := "-"
				if l.MaxPartition >= 0 {
					max = fmt.Sprintf("%d (partition %d)", l.MaxPartitionLag, l.MaxPartition)
				}
				row(g.Name, state, strconv.Itoa(g.Members), l.Topic, lag, max)
			}
		}
	}

	fmt.Fprintln(tw)
	section("SERVICES")
	if len(r.Services) == 0 {
		row("(none listed by this runtime)")
	} else {
		row("SERVICE", "STATE", "PID", "DETAIL")
		for _, s := range r.Services {
			pid := "-"
			if s.PID > 0 {
				pid = strconv.Itoa(s.PID)
			}
			row(s.Service, s.State, pid, dash(s.Detail))
		}
	}

	if len(r.Warnings) > 0 {
		fmt.Fprintln(tw)
		section("WARNINGS")
		for _, wn := range r.Warnings {
			// A tab-free line keeps the warning out of the alignment.
			fmt.Fprintln(tw, "  - "+strings.ReplaceAll(wn, "\t", " "))
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing the status table: %w", err)
	}
	return nil
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
