package proc

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestStartAliveStop(t *testing.T) {
	dir := t.TempDir()
	spec := Spec{Name: "sleeper", Path: "/bin/sh", Args: []string{"-c", "echo started; exec sleep 60"},
		PIDFile: filepath.Join(dir, "s.pid"), LogFile: filepath.Join(dir, "s.log")}
	pid, err := Start(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Kill(pid) })
	if got, alive := Alive(spec.PIDFile); !alive || got != pid {
		t.Fatalf("alive %v pid %d, want %d", alive, got, pid)
	}
	if _, err := Start(spec); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Fatalf("second start: %v", err)
	}
	killed, err := Stop(context.Background(), spec.PIDFile, 5*time.Second)
	if err != nil || killed {
		t.Fatalf("stop: killed=%v err=%v (sleep stops on SIGTERM)", killed, err)
	}
	if PIDAlive(pid) {
		t.Fatal("alive after stop")
	}
	if _, err := os.Stat(spec.PIDFile); !os.IsNotExist(err) {
		t.Fatal("PID file left behind")
	}
	// Stopping a stopped process is fine.
	if _, err := Stop(context.Background(), spec.PIDFile, time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestStopEscalatesToSIGKILL(t *testing.T) {
	dir := t.TempDir()
	spec := Spec{Name: "stubborn", Path: "/bin/sh", Args: []string{"-c", "trap '' TERM; echo ready; while :; do sleep 1; done"},
		PIDFile: filepath.Join(dir, "s.pid"), LogFile: filepath.Join(dir, "s.log")}
	pid, err := Start(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Kill(pid) })
	// Wait until the trap is set (the shell printed "ready").
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(spec.LogFile)
		if strings.Contains(string(b), "ready") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the shell never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	killed, err := Stop(context.Background(), spec.PIDFile, 300*time.Millisecond)
	if err != nil || !killed {
		t.Fatalf("killed=%v err=%v, want SIGKILL", killed, err)
	}
}

func TestStalePIDFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.pid")
	if err := os.WriteFile(p, []byte("999999999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if pid, alive := Alive(p); alive || pid != 999999999 {
		t.Fatalf("pid %d alive %v", pid, alive)
	}
	if _, err := Stop(context.Background(), p, time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatal("stale PID file not removed")
	}
}

func TestPortsFreeAndOwner(t *testing.T) {
	ports, err := FreePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckPortsFree("127.0.0.1", ports); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(ports[1]))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = CheckPortsFree("127.0.0.1", ports)
	pe, ok := err.(*PortError)
	if !ok || pe.Port != ports[1] {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(pe.Owner, "PID "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("owner %q, want this test's PID %d", pe.Owner, os.Getpid())
	}
}
func TestAPortHeldWithoutAListenerIsWaitedFor(t *testing.T) {
	// A connected socket bound to a port (as a dying process's closing
	// connections are) keeps others from listening on it without listening
	// itself; once it is gone, the port is free.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- c
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server := <-accepted
	held := c.LocalAddr().(*net.TCPAddr).Port
	if Listening(held) {
		t.Fatalf("port %d shows as listening", held)
	}
	if !Listening(ln.Addr().(*net.TCPAddr).Port) {
		t.Fatal("the listener's port does not show as listening")
	}
	waiting := make(chan string, 10)
	logf := func(f string, a ...any) { waiting <- fmt.Sprintf(f, a...) }
	done := make(chan error, 1)
	go func() { done <- AwaitPortsFree(context.Background(), "127.0.0.1", []int{held}, time.Minute, logf) }()
	select {
	case line := <-waiting:
		if !strings.Contains(line, fmt.Sprintf("port %d is still held", held)) {
			t.Fatalf("progress line %q", line)
		}
	case err := <-done:
		t.Fatalf("returned %v while the port was held", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no progress line within 10s")
	}
	// The far end closes first, so the held port does not linger in
	// TIME-WAIT.
	server.Close()
	c.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still waiting 10s after the port was released")
	}
}

func TestAZombieCountsAsAliveUntilReaped(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// Killed but not reaped: a zombie still holds its PID, so it has not
	// stopped yet, and WaitExit must not say it has.
	if !PIDAlive(pid) {
		t.Fatal("a zombie counts as gone before it is reaped")
	}
	if WaitExit(context.Background(), pid, 300*time.Millisecond) {
		t.Fatal("WaitExit returned true for an unreaped zombie")
	}
	_ = cmd.Wait()
	if PIDAlive(pid) {
		t.Fatal("a reaped process still counts as alive")
	}
}

func TestABackgroundProcessDoesNotKeepInheritedDescriptors(t *testing.T) {
	// As a lock file opened by `flock` around the command is: inherited,
	// not close-on-exec.
	dir := t.TempDir()
	fd, err := syscall.Open(filepath.Join(dir, "lock"), syscall.O_CREAT|syscall.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	spec := Spec{Name: "lister", Path: "/bin/sh", Args: []string{"-c", "ls /proc/$$/fd; echo done"},
		PIDFile: filepath.Join(dir, "l.pid"), LogFile: filepath.Join(dir, "l.log")}
	if _, err := Start(spec); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	var out []byte
	for time.Now().Before(deadline) {
		if out, _ = os.ReadFile(spec.LogFile); strings.Contains(string(out), "done") {
			break
		}
		time.Sleep(20 * time.Millisecond) // polling the log for the condition, bounded
	}
	if !strings.Contains(string(out), "done") {
		t.Fatalf("no listing within 10s: %q", out)
	}
	for _, f := range strings.Fields(string(out)) {
		if f == strconv.Itoa(fd) {
			t.Fatalf("descriptor %d reached the background process: %q", fd, out)
		}
	}
}
