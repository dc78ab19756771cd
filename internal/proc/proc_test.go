package proc

import (
	"context"
	"fmt"
	"io"
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
	spec, _ := startStubborn(t)
	killed, err := Stop(context.Background(), spec.PIDFile, 300*time.Millisecond)
	if err != nil || !killed {
		t.Fatalf("killed=%v err=%v, want SIGKILL", killed, err)
	}
}

func TestStopUnlessDoneCutsAPointlessShutdownShort(t *testing.T) {
	spec, pid := startStubborn(t)
	asked := 0
	start := time.Now()
	killed, cut, err := StopUnlessDone(context.Background(), spec.PIDFile, time.Minute, func(signalled time.Time) bool {
		if signalled.Before(start) {
			t.Errorf("signalled %v, before the stop began at %v", signalled, start)
		}
		asked++
		return asked >= 3
	})
	if err != nil || killed || !cut {
		t.Fatalf("killed=%v cut=%v err=%v, want cut short without waiting for the grace", killed, cut, err)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Fatalf("took %s, want well under the one-minute grace", took)
	}
	if PIDAlive(pid) {
		t.Fatal("still running after being cut short")
	}
	if _, err := os.Stat(spec.PIDFile); !os.IsNotExist(err) {
		t.Fatalf("PID file left: %v", err)
	}
}

func TestStopUnlessDoneWaitsWhileNotDone(t *testing.T) {
	spec, _ := startStubborn(t)
	killed, cut, err := StopUnlessDone(context.Background(), spec.PIDFile, 300*time.Millisecond, func(time.Time) bool { return false })
	if err != nil || !killed || cut {
		t.Fatalf("killed=%v cut=%v err=%v, want SIGKILL after the grace", killed, cut, err)
	}
}

// startStubborn starts a shell that ignores SIGTERM and returns once its
// trap is set.
func startStubborn(t *testing.T) (Spec, int) {
	t.Helper()
	dir := t.TempDir()
	spec := Spec{Name: "stubborn", Path: "/bin/sh", Args: []string{"-c", "trap '' TERM; echo ready; while :; do sleep 1; done"},
		PIDFile: filepath.Join(dir, "s.pid"), LogFile: filepath.Join(dir, "s.log")}
	pid, err := Start(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Kill(pid) })
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(spec.LogFile)
		if strings.Contains(string(b), "ready") {
			return spec, pid
		}
		if time.Now().After(deadline) {
			t.Fatal("the shell never started")
		}
		time.Sleep(20 * time.Millisecond)
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

func TestAZombieWithNoThreadLeftHasStopped(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	if !PIDAlive(pid) {
		t.Fatal("a running process counts as stopped")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// Killed but not reaped (as a process whose parent is a slow init):
	// every thread is gone, so it has stopped, and WaitExit says so.
	if !WaitExit(context.Background(), pid, 5*time.Second) {
		t.Fatal("an exited zombie with no thread left still counts as running")
	}
	if !exitedZombie(pid) {
		t.Fatal("the process is not a zombie before it is reaped")
	}
	_ = cmd.Wait()
	if PIDAlive(pid) {
		t.Fatal("a reaped process still counts as alive")
	}
}

// A zombie main thread with a live thread is a process still tearing down:
// it runs until that thread is gone.
func TestAZombieWithALiveThreadStillRuns(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is needed to make a process whose main thread exits first")
	}
	cmd := exec.Command(py, "-c", `import ctypes, sys, threading, time
t = threading.Thread(target=time.sleep, args=(1.5,))
t.start()
sys.stdout.write("started\n"); sys.stdout.flush()
ctypes.CDLL(None).pthread_exit(None)`)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	buf := make([]byte, 8)
	if _, err := io.ReadFull(out, buf); err != nil || string(buf) != "started\n" {
		t.Fatalf("reading the child's start line: %q %v", buf, err)
	}
	// Wait (bounded) until the main thread has exited: State Z, Threads 2.
	deadline := time.Now().Add(5 * time.Second)
	for !mainThreadZombie(pid) {
		if time.Now().After(deadline) {
			t.Fatal("the main thread did not exit within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !PIDAlive(pid) {
		t.Fatal("a zombie main thread with a live thread counts as stopped")
	}
	if !WaitExit(context.Background(), pid, 10*time.Second) {
		t.Fatal("the process did not stop once its last thread ended")
	}
}

// mainThreadZombie reports whether pid's status says State Z with more
// than one thread.
func mainThreadZombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return false
	}
	s := string(b)
	return strings.Contains(s, "State:\tZ") && !strings.Contains(s, "Threads:\t1\n")
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

// TestFreePortsAreOutsideTheEphemeralRangeAndReserved: the ports cannot
// be any connection's local end, are distinct across calls, and a second
// process (here: a second reservation of the same name) cannot have them.
func TestFreePortsAreOutsideTheEphemeralRangeAndReserved(t *testing.T) {
	a, err := FreePorts(5)
	if err != nil {
		t.Fatal(err)
	}
	b, err := FreePorts(5)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := testPortRange()
	seen := map[int]bool{}
	for _, p := range append(a, b...) {
		if p < lo || p >= hi {
			t.Errorf("port %d outside %d-%d", p, lo, hi-1)
		}
		if seen[p] {
			t.Errorf("port %d handed out twice", p)
		}
		seen[p] = true
		if _, err := net.Listen("unix", fmt.Sprintf("@kafkastack-test-port-%d", p)); err == nil {
			t.Errorf("port %d is not reserved against other processes", p)
		}
	}
	if eph, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		var elo int
		fmt.Sscan(string(eph), &elo)
		for p := range seen {
			if p >= elo {
				t.Errorf("port %d is in the ephemeral range from %d", p, elo)
			}
		}
	}
}
