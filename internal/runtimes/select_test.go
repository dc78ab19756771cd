package runtimes

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kafkastack/internal/runtimes/compose"
	"kafkastack/internal/testkit"
)

// fakeDocker answers `docker info`, and `docker image inspect` with
// FAKE_IMAGES_RC.
const fakeDocker = `#!/bin/sh
case "$1" in
  info) echo 20.10.24; exit 0 ;;
  image) exit "${FAKE_IMAGES_RC:-0}" ;;
esac
exit 0
`

func fakeEngine(t *testing.T, imagesRC string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "docker"), []byte(fakeDocker), 0o755); err != nil {
		t.Fatal(err)
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(sh, filepath.Join(dir, "sh")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	t.Setenv("FAKE_IMAGES_RC", imagesRC)
}

func TestAutoChoosingComposeSaysWhenTheImagesAreMissing(t *testing.T) {
	fakeEngine(t, "1")
	env, out, _ := testkit.Env(t, "docker-compose.yml", map[string]string{"KAFKA_RUNTIME": "auto"})
	rt, err := Select(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rt.(*compose.Runtime); !ok {
		t.Fatalf("auto chose %s with an engine answering", rt.Name())
	}
	want := "runtime: the Docker engine does not have confluentinc/cp-kafka:7.9.2, confluentinc/cp-zookeeper:7.9.2, obsidiandynamics/kafdrop:4.1.0 yet; up pulls them (where no registry can be reached, use KAFKA_RUNTIME=native or embedded)"
	if !strings.Contains(out.String(), "runtime: compose (KAFKA_RUNTIME=auto and a Docker engine answers)") || !strings.Contains(out.String(), want) {
		t.Fatalf("output %q\nwant %q", out.String(), want)
	}
}

func TestAutoChoosingComposeWithTheImagesSaysNothingMore(t *testing.T) {
	fakeEngine(t, "0")
	env, out, _ := testkit.Env(t, "docker-compose.yml", map[string]string{"KAFKA_RUNTIME": "auto"})
	if _, err := Select(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "does not have") {
		t.Fatalf("output %q", out.String())
	}
}
