package native

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"kafkastack/internal/proc"
)

// A KRaft voter that stops while it leads, or with no leader left, waits
// a fixed 5s (not configurable) for another voter to take the leadership.
// When down stops the whole quorum, the last voter has no one to hand it
// to: it is ended as soon as its logs are closed (handOffPointless).

// runningVoters are the PIDs, by service, of the KRaft controller-quorum
// voters of group that are running.
func (r *Runtime) runningVoters(group []process) map[string]int {
	voters := map[string]int{}
	for _, p := range group {
		if !isVoter(p) {
			continue
		}
		if pid, alive := proc.Alive(r.pidFile(p.service)); alive {
			voters[p.service] = pid
		}
	}
	return voters
}

// isVoter reports whether p is a KRaft controller (process.roles names
// controller).
func isVoter(p process) bool {
	for _, role := range strings.Split(p.props["process.roles"], ",") {
		if strings.TrimSpace(role) == "controller" {
			return true
		}
	}
	return false
}

// handOffPointless is the done test of proc.StopUnlessDone for process p
// (PID pid) stopping with every voter in voters: true once p is the last
// of them still running and its broker has closed every log (a clean-
// shutdown marker written since SIGTERM in each log folder). A KRaft
// voter that stops while it leads, or with no leader left, waits a fixed
// 5s (not configurable) for another voter to take the leadership; when
// the whole quorum stops, none is left to take it, and the metadata log,
// which KRaft syncs on every write, needs nothing more. A process that
// writes its class-data archive when it exits is never cut short. nil
// (wait as usual) when p is no voter.
func handOffPointless(p process, pid int, voters map[string]int) func(time.Time) bool {
	if _, ok := voters[p.service]; !ok || archivesAtExit(pid) {
		return nil
	}
	return func(signalled time.Time) bool {
		for service, other := range voters {
			if service != p.service && proc.PIDAlive(other) {
				return false
			}
		}
		return logsClosedSince(p, signalled)
	}
}

// cleanShutdownMarker is the file Kafka writes into each log folder once
// it has closed every log in it, and deletes when it starts.
const cleanShutdownMarker = ".kafka_cleanshutdown"

// logDirs are p's log folders (log.dirs).
func logDirs(p process) []string {
	var dirs []string
	for _, d := range strings.Split(p.props["log.dirs"], ",") {
		if d = strings.TrimSpace(d); d != "" {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// logsClosedSince reports whether every log folder of p holds a clean-
// shutdown marker written at or after since (less a second, for file
// systems with coarse times).
func logsClosedSince(p process, since time.Time) bool {
	dirs := logDirs(p)
	for _, dir := range dirs {
		fi, err := os.Stat(filepath.Join(dir, cleanShutdownMarker))
		if err != nil || fi.ModTime().Before(since.Add(-time.Second)) {
			return false
		}
	}
	return len(dirs) > 0
}

// archivesAtExit reports whether process pid writes a class-data-sharing
// archive when it exits (its command line has -XX:ArchiveClassesAtExit).
func archivesAtExit(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && strings.Contains(string(b), "-XX:ArchiveClassesAtExit")
}
