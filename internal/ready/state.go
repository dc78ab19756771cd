package ready

import (
	"fmt"
	"strings"
)

// State is what one probe saw.
type State struct {
	Brokers    []int32
	Controller int32
	ClusterID  string
	// Coordinator is the coordinator of the first probe group, -1 when
	// none answered.
	Coordinator int32
	// Internal counts, per internal topic present, its partitions and
	// those without a live leader.
	Internal []InternalTopic
	// Groups is how many probe groups there were (one per offsets
	// partition) and Answered how many of them had their coordinator
	// answer both FindCoordinator and OffsetFetch, on the broker that
	// leads the group's offsets partition.
	Groups, Answered int
	// Unanswered names up to three probe groups that were not answered,
	// with the reason.
	Unanswered []string
	// LastErr is the last error a probe returned.
	LastErr error
}

// InternalTopic is one internal topic's leadership.
type InternalTopic struct {
	Name       string
	Partitions int
	Leaderless int
}

// Ready reports whether the state meets every condition for expected.
func (s State) Ready(expected []int32) bool { return s.Missing(expected) == "" }

// Missing describes what the state lacks, e.g. "brokers 2/3 in metadata
// (missing 3)"; empty when the cluster is ready.
func (s State) Missing(expected []int32) string {
	var parts []string
	if missing := s.missingBrokers(expected); len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("brokers %d/%d in metadata (missing %s)", len(expected)-len(missing), len(expected), strings.Join(missing, ", ")))
	}
	if s.Controller < 0 {
		parts = append(parts, "no controller elected")
	}
	for _, t := range s.Internal {
		if t.Leaderless > 0 {
			parts = append(parts, fmt.Sprintf("%s: %d of %d partitions without a live leader", t.Name, t.Leaderless, t.Partitions))
		}
	}
	switch {
	case s.Groups == 0:
		parts = append(parts, "no group coordinator")
	case s.Answered < s.Groups:
		msg := fmt.Sprintf("group coordinators %d/%d answering", s.Answered, s.Groups)
		if len(s.Unanswered) > 0 {
			msg += " (" + strings.Join(s.Unanswered, "; ") + ")"
		}
		parts = append(parts, msg)
	}
	return strings.Join(parts, "; ")
}

func (s State) missingBrokers(expected []int32) []string {
	have := map[int32]bool{}
	for _, b := range s.Brokers {
		have[b] = true
	}
	var missing []string
	for _, id := range expected {
		if !have[id] {
			missing = append(missing, fmt.Sprint(id))
		}
	}
	return missing
}

// line is the progress line of a state.
func (s State) line(expected []int32) string {
	ctrl := "-"
	if s.Controller >= 0 {
		ctrl = fmt.Sprint(s.Controller)
	}
	have := len(expected) - len(s.missingBrokers(expected))
	l := fmt.Sprintf("  brokers %d/%d, controller %s", have, len(expected), ctrl)
	for _, t := range s.Internal {
		l += fmt.Sprintf(", %s led %d/%d", t.Name, t.Partitions-t.Leaderless, t.Partitions)
	}
	if s.Groups > 0 {
		l += fmt.Sprintf(", group coordinators %d/%d", s.Answered, s.Groups)
	} else {
		l += ", group coordinators -"
	}
	return l
}
