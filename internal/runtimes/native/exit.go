package native

import (
	"context"
	"fmt"
	"os"
	"time"
)

// threadsGoneWait bounds awaitThreadsGone.
const threadsGoneWait = 10 * time.Second

// awaitThreadsGone waits until every thread of process pid has exited. A
// JVM's main thread turns zombie (which proc counts as exited) while its
// other threads are still tearing down and still hold the process's
// sockets, so a broker started again at once can find its own ports taken.
// It fails, naming pid, when threads remain after threadsGoneWait.
func awaitThreadsGone(ctx context.Context, pid int) error {
	if pid <= 0 {
		return nil
	}
	deadline := time.Now().Add(threadsGoneWait)
	for {
		n := liveThreads(pid)
		if n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("PID %d still has %d threads %s after it exited", pid, n, threadsGoneWait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// liveThreads counts the threads of pid other than a zombie main thread,
// from /proc/<pid>/task; 0 when the process is gone or /proc cannot tell.
func liveThreads(pid int) int {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0
	}
	n := 0
	for _, t := range tasks {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/stat", pid, t.Name()))
		if err != nil {
			continue
		}
		if st := taskState(string(stat)); st != 'Z' && st != 'X' && st != 0 {
			n++
		}
	}
	return n
}

// taskState is the state letter of a /proc stat line, the field after the
// ")" that closes the command name; 0 when the line cannot be read.
func taskState(stat string) byte {
	for i := len(stat) - 1; i >= 0; i-- {
		if stat[i] == ')' {
			if i+2 < len(stat) {
				return stat[i+2]
			}
			return 0
		}
	}
	return 0
}
