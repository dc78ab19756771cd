package native

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kafkastack/internal/cluster"
	"kafkastack/internal/testkit"
	"kafkastack/internal/topology"
)

// fakePath makes a PATH holding only the given scripts.
func fakePath(t *testing.T, scripts map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
}

func TestJavaMissing(t *testing.T) {
	fakePath(t, nil)
	_, err := checkJava(context.Background())
	if err == nil || !strings.Contains(err.Error(), "needs Java 17 or newer: no java on PATH") {
		t.Fatalf("err = %v", err)
	}
}

func TestJavaTooOld(t *testing.T) {
	fakePath(t, map[string]string{"java": `echo 'openjdk version "11.0.21" 2023-10-17' >&2`})
	_, err := checkJava(context.Background())
	if err == nil || !strings.Contains(err.Error(), "version 11") {
		t.Fatalf("err = %v", err)
	}
	fakePath(t, map[string]string{"java": `echo 'java version "1.8.0_381"' >&2`})
	if _, err := checkJava(context.Background()); err == nil || !strings.Contains(err.Error(), "version 8") {
		t.Fatalf("err = %v", err)
	}
	fakePath(t, map[string]string{"java": `echo 'openjdk version "21.0.2" 2024-01-16' >&2`})
	if _, err := checkJava(context.Background()); err != nil {
		t.Fatalf("Java 21 refused: %v", err)
	}
}

func TestMavenMissing(t *testing.T) {
	fakePath(t, nil)
	t.Setenv("KAFKA_HOME", "")
	cfg := testkit.Config(t, filepath.Join(testkit.Root(), "compose"), nil)
	cfg.CacheDir = t.TempDir()
	_, err := Libs(context.Background(), cfg, cfg.Mode, nil)
	if err == nil || !strings.Contains(err.Error(), "needs Maven (mvn)") {
		t.Fatalf("err = %v", err)
	}
}

func TestKafkaHomeWithoutJars(t *testing.T) {
	t.Setenv("KAFKA_HOME", t.TempDir())
	cfg := testkit.Config(t, filepath.Join(testkit.Root(), "compose"), nil)
	_, err := Libs(context.Background(), cfg, cfg.Mode, nil)
	if err == nil || !strings.Contains(err.Error(), "holds no libs/kafka_2.13") {
		t.Fatalf("err = %v", err)
	}
}

func TestUpReportsATakenPort(t *testing.T) {
	dir, ports := testkit.ComposeCopy(t, "docker-compose.yml")
	cfg := testkit.Config(t, dir, map[string]string{"KAFKA_RUNTIME": "native"})
	topo, err := topology.Load(context.Background(), cfg.ComposeFile())
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(&cluster.Env{Config: cfg, Topology: topo, Out: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	taken := ports[19092] // broker 2's internal listener
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(taken))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = r.Up(context.Background())
	if err == nil || !strings.Contains(err.Error(), "port "+strconv.Itoa(taken)+" is already in use by PID") {
		t.Fatalf("err = %v", err)
	}
}
