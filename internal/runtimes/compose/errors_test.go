package compose

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kafkastack/internal/proc"
)

// noRegistry is what a pull prints on an engine that cannot reach the
// registry (no network or no DNS).
const noRegistry = `Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.2.3:53: no such host`

func TestAMissingImageWithoutARegistryIsOneLine(t *testing.T) {
	f := install(t, "docker")
	t.Setenv("FAKE_MISSING_IMAGE", "obsidiandynamics/kafdrop:4.1.0")
	t.Setenv("FAKE_FAIL", "pull")
	t.Setenv("FAKE_FAIL_MSG", noRegistry)
	r, _, _ := newTestRuntime(t, zk)
	err := r.Up(context.Background())
	want := "image obsidiandynamics/kafdrop:4.1.0 is not on the Docker engine and the registry could not be reached (registry-1.docker.io: no such host): connect to the network once to pull, or use KAFKA_RUNTIME=native or embedded"
	if err == nil || err.Error() != want {
		t.Fatalf("err\n got %v\nwant %s", err, want)
	}
	if ranUp(f) {
		t.Fatal("up ran although an image could not be pulled")
	}
}

func TestAutoSaysItChoseComposeWhenTheImagesCannotBeHad(t *testing.T) {
	install(t, "docker")
	t.Setenv("FAKE_IMAGES_RC", "1")
	t.Setenv("FAKE_FAIL", "pull")
	t.Setenv("FAKE_FAIL_MSG", `Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: TLS handshake timeout`)
	r, _, _ := newTestRuntime(t, kraft)
	r.env.Config.Runtime = "auto"
	err := r.Up(context.Background())
	want := "KAFKA_RUNTIME=auto chose compose because a Docker engine answers, but the engine cannot get its images: " +
		"images apache/kafka:4.4.0, obsidiandynamics/kafdrop:4.1.0 are not on the Docker engine and the registry could not be reached (registry-1.docker.io: TLS handshake timeout): " +
		"connect to the network once to pull, or use KAFKA_RUNTIME=native or embedded"
	if err == nil || err.Error() != want {
		t.Fatalf("err\n got %v\nwant %s", err, want)
	}
}

func TestAPullRefusedForAnotherReasonSaysWhy(t *testing.T) {
	install(t, "docker")
	t.Setenv("FAKE_MISSING_IMAGE", "confluentinc/cp-kafka:7.9.2")
	t.Setenv("FAKE_FAIL", "pull")
	t.Setenv("FAKE_FAIL_MSG", "Error response from daemon: manifest for confluentinc/cp-kafka:7.9.2 not found: manifest unknown")
	r, _, _ := newTestRuntime(t, zk)
	err := r.Up(context.Background())
	if err == nil || err.Error() != "pulling images: docker compose pull: Error response from daemon: manifest for confluentinc/cp-kafka:7.9.2 not found: manifest unknown" {
		t.Fatalf("err %v", err)
	}
}

func TestTheEngineStoppingMidRunIsOneLine(t *testing.T) {
	f := install(t, "docker")
	t.Setenv("FAKE_FAIL", "up")
	t.Setenv("FAKE_FAIL_MSG", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
	r, _, _ := newTestRuntime(t, zk)
	err := r.Up(context.Background())
	if err == nil || !strings.HasPrefix(err.Error(), "starting compose: the Docker engine stopped answering during `docker compose up -d --remove-orphans --wait`: start it") ||
		!strings.HasSuffix(err.Error(), "then run the target again (`go run magefile.go clean` removes what was left)") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err %v", err)
	}
	// What Compose says when the engine stops during `up --wait`: the
	// engine stopped the container. The engine no longer answers.
	t.Setenv("FAKE_FAIL_MSG", "container kafkastack-zookeeper-1 exited (137)")
	t.Setenv("FAKE_ENGINE_DIES", "1")
	_ = os.Remove(filepath.Join(f.dir, "compose.failed")) // the engine answers until up fails
	err = r.Up(context.Background())
	if err == nil || !strings.HasPrefix(err.Error(), "starting compose: the Docker engine stopped answering during `docker compose up -d --remove-orphans --wait`") {
		t.Fatalf("err %v", err)
	}
	t.Setenv("FAKE_ENGINE_DIES", "")
	// The same during down.
	t.Setenv("FAKE_FAIL", "down")
	t.Setenv("FAKE_FAIL_MSG", "error during connect: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.41/containers/json\": EOF")
	err = r.Down(context.Background())
	if err == nil || !strings.HasPrefix(err.Error(), "stopping compose: the Docker engine stopped answering during `docker compose down --remove-orphans`") {
		t.Fatalf("err %v", err)
	}
}

func TestAPortTakenAfterTheCheckNamesItsHolder(t *testing.T) {
	// Docker reports a published port that another process took between
	// the check and the container's start; the line names the process.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	install(t, "docker")
	t.Setenv("FAKE_FAIL", "up")
	t.Setenv("FAKE_FAIL_MSG", fmt.Sprintf("Error response from daemon: driver failed programming external connectivity on endpoint kafkastack-kafdrop-1 (0123abcd): Bind for 127.0.0.1:%d failed: port is already allocated", port))
	r, _, _ := newTestRuntime(t, zk)
	err = r.Up(context.Background())
	var pe *proc.PortError
	if !errors.As(err, &pe) || pe.Port != port {
		t.Fatalf("err %v, want a PortError for %d", err, port)
	}
	want := fmt.Sprintf("starting compose: port %d is already in use by PID %d (", port, os.Getpid())
	if !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err\n got %v\nwant %s...", err, want)
	}
}

func TestPortTakenReadsDockersForms(t *testing.T) {
	for out, want := range map[string]int{
		"Bind for 127.0.0.1:9092 failed: port is already allocated":                                                              9092,
		"Error starting userland proxy: listen tcp4 127.0.0.1:9000: bind: address already in use":                                9000,
		"Error starting userland proxy: listen tcp [::]:2181: bind: address already in use":                                      2181,
		"driver failed programming external connectivity on endpoint x: Bind for 0.0.0.0:9093 failed: port is already allocated": 9093,
		"some other failure": 0,
	} {
		err := portTaken(out)
		var pe *proc.PortError
		switch {
		case want == 0 && err != nil:
			t.Errorf("%q: %v, want nil", out, err)
		case want != 0 && (!errors.As(err, &pe) || pe.Port != want):
			t.Errorf("%q: %v, want port %d", out, err, want)
		}
	}
}

func TestUnreachableRegistryTellsCausesApart(t *testing.T) {
	for out, want := range map[string]string{
		noRegistry: "registry-1.docker.io: no such host",
		`Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp 1.2.3.4:443: connect: network is unreachable`: "registry-1.docker.io: network is unreachable",
		"Error response from daemon: pull access denied for foo, repository does not exist or may require 'docker login'":           "",
		"Error response from daemon: manifest for apache/kafka:9.9.9 not found: manifest unknown":                                   "",
	} {
		if got := unreachableRegistry(out); got != want {
			t.Errorf("%q: got %q, want %q", out, got, want)
		}
	}
}
