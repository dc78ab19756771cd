package console

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"kafkastack/internal/proc"
	"kafkastack/internal/testkit"
)

// TestDaemonLifecycle builds the console program, starts it in the
// background over a kfake cluster on free ports, reads a page, and stops
// it: the process is gone and the port free when Stop returns.
func TestDaemonLifecycle(t *testing.T) {
	ports, err := proc.FreePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(ports[0]), kfake.ClusterID("daemon-test"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var logs strings.Builder
	d := &Daemon{
		Root:   testkit.Root(),
		Dir:    t.TempDir(),
		Binary: filepath.Join(t.TempDir(), "kafkastack-console"),
		Addr:   fmt.Sprintf("127.0.0.1:%d", ports[1]),
		Env:    []string{"KAFKASTACK_ROOT=" + testkit.Root(), "KAFKA_RUNTIME=embedded", "KAFKA_BROKERS=" + c.ListenAddrs()[0]},
		Logf:   func(f string, a ...any) { fmt.Fprintf(&logs, f+"\n", a...) },
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	t.Cleanup(func() { _ = d.Stop(context.Background()) })
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	st := d.State()
	if st.State != "running" || st.PID == 0 || st.Detail != d.URL() {
		t.Fatalf("state %+v", st)
	}
	resp, err := http.Get(d.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "daemon-test") {
		t.Fatalf("overview: %d\n%s", resp.StatusCode, body)
	}
	if err := d.Start(ctx); err != nil || !strings.Contains(logs.String(), "console already running at "+d.URL()) {
		t.Fatalf("second start: %v\n%s", err, logs.String())
	}
	if err := d.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if proc.PIDAlive(st.PID) {
		t.Errorf("PID %d alive after Stop", st.PID)
	}
	ln, err := net.Listen("tcp", d.Addr)
	if err != nil {
		t.Fatalf("port not free after Stop: %v", err)
	}
	ln.Close()
	if st := d.State(); st.State != "stopped" {
		t.Errorf("state after stop %+v", st)
	}
	if err := d.Stop(ctx); err != nil {
		t.Errorf("stopping a stopped console: %v", err)
	}
}

func TestDaemonRefusesATakenPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	d := &Daemon{Root: testkit.Root(), Dir: t.TempDir(), Binary: filepath.Join(t.TempDir(), "x"), Addr: ln.Addr().String()}
	err = d.Start(context.Background())
	port := ln.Addr().(*net.TCPAddr).Port
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("port %d is already in use", port)) || !strings.Contains(err.Error(), "KAFKA_UI=off") {
		t.Fatalf("start on a taken port: %v", err)
	}
}

func TestDaemonSaysWhyItDied(t *testing.T) {
	ports, err := proc.FreePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	d := &Daemon{
		Root: testkit.Root(), Dir: t.TempDir(), Binary: filepath.Join(t.TempDir(), "kafkastack-console"),
		Addr: fmt.Sprintf("127.0.0.1:%d", ports[0]),
		Env:  []string{"KAFKASTACK_ROOT=" + testkit.Root(), "KAFKA_RUNTIME=podman"},
	}
	err = d.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "it exited") || !strings.Contains(err.Error(), `KAFKA_RUNTIME="podman" is not a runtime`) {
		t.Fatalf("start with a bad setting: %v", err)
	}
}
