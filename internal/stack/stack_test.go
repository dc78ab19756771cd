package stack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kafkastack/internal/proc"
	"kafkastack/internal/testkit"
)

func TestReachableSaysNotRunningWithinItsBound(t *testing.T) {
	ports, err := proc.FreePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := testkit.ComposeCopy(t, "docker-compose.yml")
	cfg := testkit.Config(t, dir, map[string]string{"KAFKA_RUNTIME": "embedded", "KAFKA_BROKERS": fmt.Sprintf("127.0.0.1:%d", ports[0])})
	s, err := OpenConfig(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = s.Reachable(context.Background())
	if !errors.Is(err, ErrNotRunning) || !strings.Contains(err.Error(), "go run magefile.go up") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d < ReachTimeout || d > ReachTimeout+3*time.Second {
		t.Fatalf("took %s, want about %s", d, ReachTimeout)
	}
	// Once something listens there, it is reachable at once.
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", ports[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := s.Reachable(context.Background()); err != nil {
		t.Fatalf("with a listener: %v", err)
	}
}

// embedded opens an embedded stack on free ports (the compose file's
// console port 9000 moved to a free one too), cleaned when the test ends.
func embedded(t *testing.T, vars map[string]string) (*Stack, *bytes.Buffer, int) {
	t.Helper()
	dir, ports := testkit.ComposeCopy(t, "docker-compose.yml")
	if vars == nil {
		vars = map[string]string{}
	}
	vars["KAFKA_RUNTIME"] = "embedded"
	cfg := testkit.Config(t, dir, vars)
	var out bytes.Buffer
	s, err := OpenConfig(context.Background(), cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Clean(context.Background()) })
	return s, &out, ports[9000]
}

func TestUpStartsTheConsoleAndDownStopsIt(t *testing.T) {
	s, out, port := embedded(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.Up(ctx); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	if !strings.Contains(out.String(), "console at "+url) {
		t.Fatalf("up does not print the console's URL:\n%s", out)
	}
	resp, err := http.Get(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), s.Bootstrap()[0]) {
		t.Fatalf("the console's overview: %d\n%s", resp.StatusCode, body)
	}
	svcs, err := s.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pid := 0
	for _, sv := range svcs {
		if sv.Service == "console" && sv.State == "running" && sv.Detail == url {
			pid = sv.PID
		}
	}
	if pid == 0 {
		t.Fatalf("services do not list the running console: %+v", svcs)
	}
	out.Reset()
	if err := s.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "console already running at "+url) {
		t.Errorf("a second up:\n%s", out)
	}
	if err := s.Down(ctx); err != nil {
		t.Fatal(err)
	}
	if proc.PIDAlive(pid) {
		t.Errorf("the console (PID %d) is alive after down", pid)
	}
	if err := proc.CheckPortsFree("127.0.0.1", []int{port}); err != nil {
		t.Errorf("after down: %v", err)
	}
}

func TestUIOffLeavesTheConsoleOut(t *testing.T) {
	s, out, port := embedded(t, map[string]string{"KAFKA_UI": "off"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.Up(ctx); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out.String(), "console left out (KAFKA_UI=off)") {
		t.Errorf("up output:\n%s", out)
	}
	if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second); err == nil {
		c.Close()
		t.Errorf("something answers on the console port %d with KAFKA_UI=off", port)
	}
}

func TestCleanRemovesTheDataFolderOnlyWhenNothingElseIsInIt(t *testing.T) {
	s, out, _ := embedded(t, map[string]string{"KAFKA_UI": "off"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	data := s.Env.Config.DataDir
	other := filepath.Join(data, "native", "kept")
	for round, keepOther := range []bool{true, false} {
		if err := s.Up(ctx); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if keepOther {
			if err := os.MkdirAll(other, 0o755); err != nil {
				t.Fatal(err)
			}
		} else if err := os.RemoveAll(filepath.Join(data, "native")); err != nil {
			t.Fatal(err)
		}
		if err := s.Clean(ctx); err != nil {
			t.Fatalf("round %d: %v\n%s", round, err, out)
		}
		_, err := os.Stat(data)
		switch {
		case keepOther && err != nil:
			t.Fatalf("clean removed %s, which still held another runtime's data: %v", data, err)
		case keepOther:
			if _, err := os.Stat(other); err != nil {
				t.Fatalf("clean touched another runtime's data: %v", err)
			}
		case !os.IsNotExist(err):
			t.Fatalf("clean left the empty %s behind (err %v)", data, err)
		}
	}
}
