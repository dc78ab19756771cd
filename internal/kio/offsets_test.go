package kio

import (
	"slices"
	"testing"
)

func TestOffsetsPartitionsStringAndDiff(t *testing.T) {
	o := Offsets{2: 160, 0: 175, 1: 164}
	if got := o.Partitions(); !slices.Equal(got, []int32{0, 1, 2}) {
		t.Fatalf("partitions %v", got)
	}
	if got := o.String(); got != "p0=175 p1=164 p2=160" {
		t.Fatalf("String() = %q", got)
	}
	if got := (Offsets{}).String(); got != "nothing" {
		t.Fatalf("empty String() = %q", got)
	}
	if err := o.Diff(Offsets{0: 175, 1: 164, 2: 160}); err != nil {
		t.Fatalf("equal offsets differ: %v", err)
	}
	err := o.Diff(Offsets{0: 175, 1: 165, 3: 9})
	want := "partition 1: 164, want 165; partition 2: 160, want none; partition 3: none, want 9"
	if err == nil || err.Error() != want {
		t.Fatalf("Diff = %v, want %s", err, want)
	}
}
