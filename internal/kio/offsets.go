package kio

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// Offsets maps partition to offset for one topic.
type Offsets map[int32]int64

// Partitions returns the partitions of o, in order.
func (o Offsets) Partitions() []int32 {
	out := make([]int32, 0, len(o))
	for p := range o {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// String renders o as "p0=175 p1=164", partitions in order, or "nothing".
func (o Offsets) String() string {
	if len(o) == 0 {
		return "nothing"
	}
	var parts []string
	for _, p := range o.Partitions() {
		parts = append(parts, fmt.Sprintf("p%d=%d", p, o[p]))
	}
	return strings.Join(parts, " ")
}

// Diff fails, naming each partition, where o differs from want.
func (o Offsets) Diff(want Offsets) error {
	all := Offsets{}
	for p := range o {
		all[p] = 0
	}
	for p := range want {
		all[p] = 0
	}
	var diffs []string
	for _, p := range all.Partitions() {
		g, gok := o[p]
		w, wok := want[p]
		switch {
		case !gok:
			diffs = append(diffs, fmt.Sprintf("partition %d: none, want %d", p, w))
		case !wok:
			diffs = append(diffs, fmt.Sprintf("partition %d: %d, want none", p, g))
		case g != w:
			diffs = append(diffs, fmt.Sprintf("partition %d: %d, want %d", p, g, w))
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	return errors.New(strings.Join(diffs, "; "))
}

// EndOffsets returns the end offset (high watermark) of every partition of
// topic. Right after a restart or a leader election, leaders answer with
// retriable errors (OFFSET_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER) until
// they have caught up, and a restarted broker may drop connections; those
// (Transient) are retried until ctx ends.
func EndOffsets(ctx context.Context, adm *kadm.Client, topic string) (Offsets, error) {
	var out Offsets
	err := RetryTransient(ctx, func(ctx context.Context) error {
		lo, err := adm.ListEndOffsets(ctx, topic)
		if err != nil {
			return err
		}
		out = Offsets{}
		var ferr error
		lo.Each(func(o kadm.ListedOffset) {
			if o.Err != nil && ferr == nil {
				ferr = o.Err
			}
			out[o.Partition] = o.Offset
		})
		return ferr
	})
	if err != nil {
		return nil, fmt.Errorf("listing end offsets of %s: %w", topic, err)
	}
	return out, nil
}

// CommittedOffsets returns group's committed offsets on topic; a group that
// does not exist has none.
func CommittedOffsets(ctx context.Context, adm *kadm.Client, group, topic string) (Offsets, error) {
	resp, err := adm.FetchOffsets(ctx, group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		return Offsets{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fetching the offsets of group %s: %w", group, err)
	}
	out := Offsets{}
	var ferr error
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Topic != topic {
			return
		}
		if o.Err != nil && ferr == nil {
			ferr = o.Err
		}
		if o.Err == nil && o.At >= 0 {
			out[o.Partition] = o.At
		}
	})
	if ferr != nil {
		return nil, fmt.Errorf("fetching the offsets of group %s: %w", group, ferr)
	}
	return out, nil
}
