package native

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestOnlyControllersAreVoters(t *testing.T) {
	for roles, want := range map[string]bool{"broker,controller": true, "controller": true, " broker , controller ": true, "broker": false, "": false} {
		if got := isVoter(process{props: map[string]string{"process.roles": roles}}); got != want {
			t.Errorf("process.roles=%q: voter %v, want %v", roles, got, want)
		}
	}
}

func TestTheLastVoterIsCutShortOnlyOnceItsLogsAreClosed(t *testing.T) {
	dir := t.TempDir()
	p := process{service: "kafka1", props: map[string]string{"process.roles": "broker,controller", "log.dirs": dir}}
	// A process that has exited stands for a voter that is gone.
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	since := time.Now()
	marker := filepath.Join(dir, cleanShutdownMarker)

	alive := map[string]int{"kafka1": os.Getpid(), "kafka2": os.Getpid()}
	done := handOffPointless(p, os.Getpid(), alive)
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if done(since) {
		t.Fatal("cut short while another voter still runs")
	}

	last := map[string]int{"kafka1": os.Getpid(), "kafka2": gone.Process.Pid}
	done = handOffPointless(p, os.Getpid(), last)
	if err := os.Chtimes(marker, since.Add(-time.Hour), since.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if done(since) {
		t.Fatal("cut short on a clean-shutdown marker older than the stop")
	}
	if err := os.Remove(marker); err != nil {
		t.Fatal(err)
	}
	if done(since) {
		t.Fatal("cut short before the logs were closed")
	}
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if !done(since) {
		t.Fatal("the last voter with its logs closed is kept waiting for a hand-off")
	}

	broker := process{service: "kafka4", props: map[string]string{"process.roles": "broker", "log.dirs": dir}}
	if handOffPointless(broker, os.Getpid(), last) != nil {
		t.Fatal("a process that is no voter gets a cut")
	}
}
