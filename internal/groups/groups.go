// Package groups lists, describes, resets and deletes consumer groups
// through kadm. The groups:* targets and the console's group pages both
// use it.
package groups

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"kafkastack/internal/topics"
)

// Summary is one group as groups:list and the console's /groups show it.
type Summary struct {
	Name         string   `json:"name"`
	State        string   `json:"state"`
	ProtocolType string   `json:"protocol_type"`
	Members      int      `json:"members"`
	Coordinator  int32    `json:"coordinator"`
	Topics       []string `json:"topics"`
	// TotalLag is the records the group has still to read; partitions
	// whose lag is unknown add nothing and are counted in UnknownLag.
	TotalLag   int64  `json:"total_lag"`
	UnknownLag int    `json:"unknown_lag_partitions"`
	Error      string `json:"error,omitempty"`
}

// Member is one member of a group and what it was assigned.
type Member struct {
	ID       string   `json:"id"`
	ClientID string   `json:"client_id"`
	Host     string   `json:"host"`
	Assigned []string `json:"assigned"` // topic/partition
}

// PartitionLag is a group's position on one partition.
type PartitionLag struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	// Committed is the committed offset, -1 when the group has none.
	Committed int64 `json:"committed"`
	// End is the partition's end offset, -1 when unknown.
	End int64 `json:"end"`
	// Lag is End minus Committed (End when nothing is committed), -1 when
	// unknown.
	Lag    int64  `json:"lag"`
	Member string `json:"member,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Detail is one group as groups:describe and /groups/{id} show it.
type Detail struct {
	Summary
	Protocol   string         `json:"protocol"`
	MemberList []Member       `json:"member_list"`
	Partitions []PartitionLag `json:"partitions"`
}

// ErrNoGroup is returned for a group the cluster does not know.
var ErrNoGroup = errors.New("no such group")

// noGroupError says which group does not exist; it is ErrNoGroup.
type noGroupError string

func (e noGroupError) Error() string        { return "group " + string(e) + " does not exist" }
func (e noGroupError) Is(target error) bool { return target == ErrNoGroup }

// List returns every group, sorted by name, with its lag totals.
func List(ctx context.Context, adm *kadm.Client) ([]Summary, error) {
	listed, err := adm.ListGroups(ctx)
	if err != nil && len(listed) == 0 {
		return nil, fmt.Errorf("listing groups: %w", err)
	}
	names := listed.Groups()
	if len(names) == 0 {
		return []Summary{}, nil
	}
	lags, err := adm.Lag(ctx, names...)
	if err != nil {
		return nil, fmt.Errorf("reading the lag of %d groups: %w", len(names), err)
	}
	out := make([]Summary, 0, len(lags))
	for _, l := range lags.Sorted() {
		out = append(out, summarize(l))
	}
	return out, nil
}

func summarize(l kadm.DescribedGroupLag) Summary {
	s := Summary{
		Name: l.Group, State: l.State, ProtocolType: l.ProtocolType,
		Members: len(l.Members), Coordinator: l.Coordinator.NodeID, Topics: []string{},
	}
	if e := l.Error(); e != nil {
		s.Error = oneLine(e.Error())
	}
	for topic, ps := range l.Lag {
		s.Topics = append(s.Topics, topic)
		for _, ml := range ps {
			if ml.Err != nil || ml.Lag < 0 {
				s.UnknownLag++
				continue
			}
			s.TotalLag += ml.Lag
		}
	}
	sort.Strings(s.Topics)
	return s
}

// Describe returns a group's members, their assignments, and per
// partition the committed offset, the end offset and the lag. It fails
// with ErrNoGroup when the cluster does not know the group.
func Describe(ctx context.Context, adm *kadm.Client, group string) (Detail, error) {
	if err := validate(group); err != nil {
		return Detail{}, err
	}
	if err := exists(ctx, adm, group); err != nil {
		return Detail{}, err
	}
	lags, err := adm.Lag(ctx, group)
	if err != nil {
		return Detail{}, fmt.Errorf("describing group %s: %w", group, err)
	}
	l, ok := lags[group]
	if !ok || l.State == "Dead" {
		return Detail{}, noGroupError(group)
	}
	d := Detail{Summary: summarize(l), Protocol: l.Protocol, MemberList: []Member{}, Partitions: []PartitionLag{}}
	for _, m := range l.Members {
		mem := Member{ID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, Assigned: []string{}}
		if c, ok := m.Assigned.AsConsumer(); ok {
			for _, t := range c.Topics {
				for _, p := range t.Partitions {
					mem.Assigned = append(mem.Assigned, t.Topic+"/"+strconv.Itoa(int(p)))
				}
			}
		}
		sort.Strings(mem.Assigned)
		d.MemberList = append(d.MemberList, mem)
	}
	for _, ml := range l.Lag.Sorted() {
		p := PartitionLag{Topic: ml.Topic, Partition: ml.Partition, Committed: ml.Commit.At, End: -1, Lag: ml.Lag}
		if ml.End.Err == nil {
			p.End = ml.End.Offset
		}
		if ml.Member != nil {
			p.Member = ml.Member.ClientID + " " + ml.Member.MemberID
		}
		if ml.Err != nil {
			p.Error = oneLine(ml.Err.Error())
		}
		d.Partitions = append(d.Partitions, p)
	}
	return d, nil
}

// Reset is one partition's committed offset before and after a reset.
type Reset struct {
	Partition int32 `json:"partition"`
	// From is the offset committed before, -1 when there was none.
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

// ResetOffsets commits new offsets of group on every partition of topic:
// to is "earliest", "latest", an offset (kept within each partition's
// first and end offsets) or a timestamp (RFC 3339, e.g.
// 2026-11-29T10:00:00Z, or a date, 2026-11-29: the first record at or
// after it). It refuses while the group has members, and fails with one
// line for an unknown group or topic or a bad to.
func ResetOffsets(ctx context.Context, adm *kadm.Client, group, topic, to string) ([]Reset, error) {
	if err := validate(group); err != nil {
		return nil, err
	}
	if err := topics.ValidateName(topic); err != nil {
		return nil, err
	}
	target, err := parseTo(to)
	if err != nil {
		return nil, err
	}
	if err := exists(ctx, adm, group); err != nil {
		return nil, err
	}
	dg, err := adm.DescribeGroups(ctx, group)
	if err != nil {
		return nil, fmt.Errorf("describing group %s: %w", group, err)
	}
	if g, ok := dg[group]; ok && len(g.Members) > 0 {
		return nil, fmt.Errorf("group %s has %d active member(s) (state %s): stop its consumers before resetting its offsets", group, len(g.Members), g.State)
	}
	if _, err := topics.Describe(ctx, adm, topic); err != nil {
		return nil, err
	}
	starts, err := adm.ListStartOffsets(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("listing the first offsets of %s: %w", topic, err)
	}
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("listing the end offsets of %s: %w", topic, err)
	}
	var after kadm.ListedOffsets
	if target.at != nil {
		if after, err = adm.ListOffsetsAfterMilli(ctx, target.at.UnixMilli(), topic); err != nil {
			return nil, fmt.Errorf("listing the offsets of %s after %s: %w", topic, target.at.Format(time.RFC3339), err)
		}
	}
	before, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		return nil, fmt.Errorf("fetching the offsets of group %s: %w", group, err)
	}
	commit := kadm.Offsets{}
	var out []Reset
	for p, end := range ends[topic] {
		start, ok := starts.Lookup(topic, p)
		if end.Err != nil || !ok || start.Err != nil {
			return nil, fmt.Errorf("listing the offsets of %s partition %d: %v", topic, p, firstErr(end.Err, start.Err))
		}
		var o int64
		switch {
		case target.earliest:
			o = start.Offset
		case target.latest:
			o = end.Offset
		case target.at != nil:
			a, ok := after.Lookup(topic, p)
			if !ok || a.Err != nil {
				return nil, fmt.Errorf("listing the offset of %s partition %d after %s: %v", topic, p, target.at.Format(time.RFC3339), a.Err)
			}
			o = a.Offset
		default:
			o = min(max(target.offset, start.Offset), end.Offset)
		}
		from := int64(-1)
		if r, ok := before.Lookup(topic, p); ok && r.Err == nil {
			from = r.At
		}
		commit.AddOffset(topic, p, o, -1)
		out = append(out, Reset{Partition: p, From: from, To: o})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Partition < out[j].Partition })
	if err := adm.CommitAllOffsets(ctx, group, commit); err != nil {
		if errors.Is(err, kerr.UnknownMemberID) || errors.Is(err, kerr.RebalanceInProgress) || errors.Is(err, kerr.IllegalGeneration) {
			return nil, fmt.Errorf("group %s gained members while resetting: stop its consumers and try again", group)
		}
		return nil, fmt.Errorf("committing the offsets of group %s: %w", group, err)
	}
	return out, nil
}

// Delete deletes a group and its committed offsets. It refuses a group
// with members and fails with ErrNoGroup for an unknown one.
func Delete(ctx context.Context, adm *kadm.Client, group string) error {
	if err := validate(group); err != nil {
		return err
	}
	if err := exists(ctx, adm, group); err != nil {
		return err
	}
	resp, err := adm.DeleteGroup(ctx, group)
	if err == nil {
		err = resp.Err
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, kerr.NonEmptyGroup):
		return fmt.Errorf("group %s has active members: stop its consumers before deleting it", group)
	case errors.Is(err, kerr.GroupIDNotFound):
		return noGroupError(group)
	default:
		return fmt.Errorf("deleting group %s: %w", group, err)
	}
}

type resetTarget struct {
	earliest, latest bool
	at               *time.Time
	offset           int64
}

func parseTo(to string) (resetTarget, error) {
	to = strings.TrimSpace(to)
	switch strings.ToLower(to) {
	case "earliest":
		return resetTarget{earliest: true}, nil
	case "latest":
		return resetTarget{latest: true}, nil
	}
	if n, err := strconv.ParseInt(to, 10, 64); err == nil && n >= 0 {
		return resetTarget{offset: n}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, to); err == nil {
			return resetTarget{at: &t}, nil
		}
	}
	return resetTarget{}, fmt.Errorf("reset to %q: use earliest, latest, an offset (e.g. 42) or a timestamp (e.g. 2026-11-29T10:00:00Z)", to)
}

func validate(group string) error {
	if strings.TrimSpace(group) == "" {
		return errors.New("a group name is required")
	}
	return nil
}

// exists fails with ErrNoGroup unless the cluster lists group.
func exists(ctx context.Context, adm *kadm.Client, group string) error {
	listed, err := adm.ListGroups(ctx)
	if err != nil && len(listed) == 0 {
		return fmt.Errorf("listing groups: %w", err)
	}
	if g, ok := listed[group]; !ok || g.State == "Dead" {
		return noGroupError(group)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return errors.New("no answer")
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
