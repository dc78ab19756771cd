package native

import (
	"context"
	"os/exec"
	"testing"
)

func TestTaskState(t *testing.T) {
	for stat, want := range map[string]byte{
		"123 (java) S 1 2 3":       'S',
		"123 (a) b) Z 1 2 3":       'Z',
		"123 (java":                0,
		"":                         0,
		"4567 (C2 CompilerThre) R": 'R',
	} {
		if got := taskState(stat); got != want {
			t.Errorf("%q -> %q, want %q", stat, got, want)
		}
	}
}

func TestAwaitThreadsGone(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	if n := liveThreads(pid); n != 1 {
		t.Fatalf("a running sleep has %d live threads", n)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// Not reaped yet: a zombie with no live thread counts as gone.
	if err := awaitThreadsGone(context.Background(), pid); err != nil {
		t.Fatal(err)
	}
	if n := liveThreads(pid); n != 0 {
		t.Fatalf("a killed process has %d live threads", n)
	}
}
