package gobuild

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeGo puts a go command on PATH that records each call in calls and
// writes the -o file; fail makes it exit 1 with a compiler-like message.
func fakeGo(t *testing.T, fail bool) (calls string) {
	t.Helper()
	bin := t.TempDir()
	calls = filepath.Join(bin, "calls")
	script := "#!/bin/sh\necho \"$@\" >> " + calls + "\n"
	if fail {
		script += "echo 'x.go:1: syntax error' >&2\nexit 1\n"
	} else {
		script += "while [ $# -gt 0 ]; do if [ \"$1\" = -o ]; then echo bin > \"$2\"; fi; shift; done\n"
	}
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	return calls
}

func countCalls(t *testing.T, calls string) int {
	t.Helper()
	b, err := os.ReadFile(calls)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\n")
}

func TestBuildSkipsAnUnchangedModule(t *testing.T) {
	calls := fakeGo(t, false)
	root := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module m\n")
	write("cmd/x/main.go", "package main\n")
	write(".cache/other", "1")
	out := filepath.Join(root, ".cache", "bin", "x")
	build := func() {
		t.Helper()
		if err := Build(context.Background(), root, "./cmd/x", out); err != nil {
			t.Fatal(err)
		}
	}
	build()
	if n := countCalls(t, calls); n != 1 {
		t.Fatalf("first build: go ran %d times, want 1", n)
	}
	build()
	write(".cache/other", "2") // hidden folders are not the module's sources
	build()
	if n := countCalls(t, calls); n != 1 {
		t.Fatalf("unchanged module: go ran %d times, want 1", n)
	}
	write("cmd/x/main.go", "package main // changed\n")
	build()
	if n := countCalls(t, calls); n != 2 {
		t.Fatalf("after a source change: go ran %d times, want 2", n)
	}
	t.Setenv("GOFLAGS", "-race")
	build()
	if n := countCalls(t, calls); n != 3 {
		t.Fatalf("after a GOFLAGS change: go ran %d times, want 3", n)
	}
	if err := os.Remove(out); err != nil {
		t.Fatal(err)
	}
	build()
	if n := countCalls(t, calls); n != 4 {
		t.Fatalf("with the binary gone: go ran %d times, want 4", n)
	}
}

func TestBuildFailureLeavesNoStamp(t *testing.T) {
	fakeGo(t, true)
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "bin", "x")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	// A binary from an earlier build whose stamp matched must not be
	// trusted after a failed build.
	if err := os.WriteFile(out, []byte("old"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := Build(context.Background(), root, "./cmd/x", out)
	if err == nil || !strings.Contains(err.Error(), "syntax error") {
		t.Fatalf("err = %v, want the compiler's output", err)
	}
	if _, err := os.Stat(stampFile(out)); !os.IsNotExist(err) {
		t.Fatalf("stamp after a failed build: %v", err)
	}
}

func TestBuildWithoutGo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := Build(context.Background(), t.TempDir(), "./cmd/x", filepath.Join(t.TempDir(), "x"))
	if err == nil || !strings.Contains(err.Error(), "not on PATH") {
		t.Fatalf("err = %v", err)
	}
}
