package compose

import (
	"context"
	"strings"
	"testing"
)

func TestPauseAndResumeABroker(t *testing.T) {
	f := install(t, "docker")
	r, out, _ := newTestRuntime(t, zk)
	if err := r.PauseBroker(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	if got := f.last(); !strings.HasSuffix(got, " pause kafka2") {
		t.Fatalf("pause call %q", got)
	}
	if err := r.ResumeBroker(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	if got := f.last(); !strings.HasSuffix(got, " unpause kafka2") || !strings.Contains(got, "-f "+r.env.Config.ComposeFile()) {
		t.Fatalf("unpause call %q", got)
	}
	if !strings.Contains(out.String(), "paused broker 2 (kafka2)") || !strings.Contains(out.String(), "resumed broker 2 (kafka2)") {
		t.Fatalf("output %q", out.String())
	}
	err := r.PauseBroker(context.Background(), 7)
	if err == nil || !strings.Contains(err.Error(), "pausing broker 7: no such broker in the topology (ids [1 2 3])") {
		t.Fatalf("err %v", err)
	}
	t.Setenv("FAKE_FAIL", "pause")
	t.Setenv("FAKE_FAIL_MSG", "Error response from daemon: Container abc is not running")
	err = r.PauseBroker(context.Background(), 1)
	if err == nil || !strings.Contains(err.Error(), "pausing broker 1: docker compose pause kafka1: Error response from daemon: Container abc is not running") {
		t.Fatalf("err %v", err)
	}
}

// networkCalls are the docker network calls.
func networkCalls(f *fake) []string {
	var out []string
	for _, c := range f.calls() {
		if strings.HasPrefix(c, "docker network ") {
			out = append(out, c)
		}
	}
	return out
}

func TestIsolateAndReconnectABroker(t *testing.T) {
	for _, file := range []string{zk, kraft} {
		t.Run(file, func(t *testing.T) {
			f := install(t, "docker")
			f.answer(t, "FAKE_DOCKER_PS", allHealthy(file))
			r, out, _ := newTestRuntime(t, file)
			if err := r.IsolateBroker(context.Background(), 3); err != nil {
				t.Fatal(err)
			}
			if err := r.ReconnectBroker(context.Background(), 3); err != nil {
				t.Fatal(err)
			}
			want := []string{
				"docker network disconnect kafkastack_default kafkastack-kafka3-1",
				// The service name is its alias on the network: how the
				// other brokers and Kafdrop find it again.
				"docker network connect --alias kafka3 kafkastack_default kafkastack-kafka3-1",
			}
			if got := networkCalls(f); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("network calls\n got %q\nwant %q", got, want)
			}
			if !strings.Contains(out.String(), "isolated broker 3 (kafka3)") || !strings.Contains(out.String(), "reconnected broker 3 (kafka3)") {
				t.Fatalf("output %q", out.String())
			}
		})
	}
}

func TestIsolateRefusesABrokerThatDoesNotRun(t *testing.T) {
	f := install(t, "docker")
	f.answer(t, "FAKE_DOCKER_PS", dockerPS(zk, "zookeeper running Up 1 minute (healthy)", "kafka1 exited Exited (137) 5 seconds ago"))
	r, _, _ := newTestRuntime(t, zk)
	err := r.IsolateBroker(context.Background(), 1)
	if err == nil || err.Error() != "isolating broker 1: its container kafkastack-kafka1-1 is exited, not running" {
		t.Fatalf("err %v", err)
	}
	err = r.ReconnectBroker(context.Background(), 2)
	if err == nil || err.Error() != "reconnecting broker 2: it has no container (is the cluster up?)" {
		t.Fatalf("err %v", err)
	}
	if got := networkCalls(f); len(got) != 0 {
		t.Fatalf("network calls %v", got)
	}
}

func TestReconnectOfAnAttachedBrokerIsNotAnError(t *testing.T) {
	f := install(t, "docker")
	f.answer(t, "FAKE_DOCKER_PS", allHealthy(zk))
	t.Setenv("FAKE_NETWORK_ERR", "Error response from daemon: endpoint with name kafkastack-kafka1-1 already exists in network kafkastack_default")
	r, _, _ := newTestRuntime(t, zk)
	if err := r.ReconnectBroker(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FAKE_NETWORK_ERR", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
	err := r.IsolateBroker(context.Background(), 1)
	if err == nil || !strings.HasPrefix(err.Error(), "isolating broker 1: the Docker engine stopped answering during `docker network disconnect kafkastack_default kafkastack-kafka1-1`") {
		t.Fatalf("err %v", err)
	}
}
