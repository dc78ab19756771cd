// Package proc starts detached background processes with a PID file and a
// log file, tells whether they are alive, and stops them by PID: SIGTERM,
// a bounded wait, then SIGKILL. It never looks processes up by name.
package proc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Spec describes a background process.
type Spec struct {
	// Name is used in messages, e.g. "kafka1".
	Name string
	// Path and Args are the program and its arguments.
	Path string
	Args []string
	// Dir is the working directory; Env is added to the current environment.
	Dir string
	Env []string
	// PIDFile and LogFile are where its PID and output go.
	PIDFile string
	LogFile string
}

// Start launches the process detached from this one (its own session, so it
// outlives the caller), writes its PID file and returns its PID. It fails
// when a live process already owns the PID file, or when the program cannot
// be started. A stale PID file (its process gone) is replaced.
func Start(s Spec) (int, error) {
	if pid, alive := Alive(s.PIDFile); alive {
		return pid, fmt.Errorf("starting %s: already running as PID %d (%s)", s.Name, pid, s.PIDFile)
	}
	if err := os.MkdirAll(filepath.Dir(s.PIDFile), 0o755); err != nil {
		return 0, fmt.Errorf("starting %s: %w", s.Name, err)
	}
	if err := os.MkdirAll(filepath.Dir(s.LogFile), 0o755); err != nil {
		return 0, fmt.Errorf("starting %s: %w", s.Name, err)
	}
	logf, err := os.OpenFile(s.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 0, fmt.Errorf("starting %s: opening log: %w", s.Name, err)
	}
	defer logf.Close()
	cmd := exec.Command(s.Path, s.Args...)
	cmd.Dir = s.Dir
	cmd.Env = append(os.Environ(), s.Env...)
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.Stdin = nil
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	closeInheritedOnExec()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("starting %s: %w", s.Name, err)
	}
	pid := cmd.Process.Pid
	// Reap it in the background if it dies while we are still running, so
	// that it does not linger as a zombie and Alive stays truthful.
	go func() { _ = cmd.Wait() }()
	if err := os.WriteFile(s.PIDFile, []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		_ = cmd.Process.Kill()
		return 0, fmt.Errorf("starting %s: writing PID file: %w", s.Name, err)
	}
	return pid, nil
}

// ReadPID returns the PID in a PID file, or 0 when there is none.
func ReadPID(pidFile string) int {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// Alive returns the PID from pidFile and whether that process still
// runs (see PIDAlive for when a zombie does).
func Alive(pidFile string) (int, bool) {
	pid := ReadPID(pidFile)
	if pid == 0 {
		return 0, false
	}
	return pid, PIDAlive(pid)
}

// PIDAlive reports whether process pid still runs. A zombie whose main
// thread has exited while other threads still tear down (and still hold
// its sockets) runs; a zombie with no thread left has stopped, though its
// parent (this process for what Start started, else init, which may be
// slow to reap) has not collected its exit status yet.
func PIDAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	return !exitedZombie(pid)
}

// exitedZombie reports whether pid is a zombie with no thread left, from
// /proc/<pid>/status ("State: Z", "Threads: 1", the zombie main thread
// itself); false when /proc cannot tell.
func exitedZombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return false
	}
	zombie, threads := false, 0
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "State:"); ok {
			zombie = strings.HasPrefix(strings.TrimSpace(v), "Z")
		}
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			threads, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return zombie && threads == 1
}

// Stop sends SIGTERM to the process in pidFile, waits up to grace for it to
// exit, then sends SIGKILL and waits again. It removes the PID file. A
// missing PID file or a dead process is not an error (a stale PID file is
// removed). It returns whether it had to use SIGKILL.
func Stop(ctx context.Context, pidFile string, grace time.Duration) (killed bool, err error) {
	killed, _, err = StopUnlessDone(ctx, pidFile, grace, nil)
	return killed, err
}

// StopUnlessDone is Stop for a process whose caller can tell when the
// rest of its shutdown is pointless: done (nil for never) is asked, with
// the time SIGTERM was sent, while the process has not exited yet, and
// once it reports true the process gets SIGKILL at once. It returns
// whether SIGKILL was needed after grace (killed) or sent because done
// said so (cut).
func StopUnlessDone(ctx context.Context, pidFile string, grace time.Duration, done func(signalled time.Time) bool) (killed, cut bool, err error) {
	pid, alive := Alive(pidFile)
	if !alive {
		_ = os.Remove(pidFile)
		return false, false, nil
	}
	signalled := time.Now()
	_ = syscall.Kill(pid, syscall.SIGTERM)
	var until func() bool
	if done != nil {
		until = func() bool { return done(signalled) }
	}
	exited, cut := waitExitOr(ctx, pid, grace, until)
	if exited {
		_ = os.Remove(pidFile)
		return false, false, nil
	}
	killed = !cut
	if err := Kill(pid); err != nil {
		return killed, cut, err
	}
	if !WaitExit(ctx, pid, 10*time.Second) {
		if ctx.Err() != nil {
			return killed, cut, fmt.Errorf("stopping PID %d: %w", pid, ctx.Err())
		}
		return killed, cut, fmt.Errorf("stopping PID %d: still alive after SIGKILL", pid)
	}
	_ = os.Remove(pidFile)
	return killed, cut, nil
}

// Kill sends SIGKILL to pid. A process that is already gone is not an error.
func Kill(pid int) error {
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("killing PID %d: %w", pid, err)
	}
	return nil
}

// WaitExit polls until pid is gone or d (or ctx) runs out; it reports
// whether the process exited.
func WaitExit(ctx context.Context, pid int, d time.Duration) bool {
	exited, _ := waitExitOr(ctx, pid, d, nil)
	return exited
}

// waitExitOr is WaitExit that also stops waiting once until (nil for
// never) reports true, and then says so (cut).
func waitExitOr(ctx context.Context, pid int, d time.Duration, until func() bool) (exited, cut bool) {
	deadline := time.Now().Add(d)
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		if !PIDAlive(pid) {
			return true, false
		}
		if time.Now().After(deadline) {
			return false, false
		}
		if until != nil && until() {
			return false, true
		}
		select {
		case <-ctx.Done():
			return !PIDAlive(pid), false
		case <-t.C:
		}
	}
}

// closeInheritedOnExec marks every descriptor above stderr close-on-exec,
// so that a background process does not hold what this process inherited
// for its whole life: the descriptor of a `flock` lock around the command
// that started it, for one, which would keep the lock taken until the
// cluster stops.
func closeInheritedOnExec() {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			syscall.CloseOnExec(fd)
		}
	}
}
