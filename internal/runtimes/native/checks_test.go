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
	"kafkastack/internal/config"
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
	cfg := testkit.Config(t, filepath.Join(testkit.Root(), "compose"), nil)
	cfg.CacheDir = t.TempDir()
	_, err := Libs(context.Background(), cfg, cfg.Mode, "3.9.1", nil) // no lock file
	if err == nil || !strings.Contains(err.Error(), "needs Maven (mvn)") {
		t.Fatalf("err = %v", err)
	}
}

// upWithPath runs Up on a free-port copy of the zk topology with PATH
// holding only scripts, and an empty jar cache.
func upWithPath(t *testing.T, scripts map[string]string) error {
	t.Helper()
	dir, _ := testkit.ComposeCopy(t, "docker-compose.yml")
	cfg := testkit.Config(t, dir, map[string]string{"KAFKA_RUNTIME": "native"})
	cfg.CacheDir = t.TempDir()
	topo, err := topology.Load(context.Background(), cfg.ComposeFile())
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(&cluster.Env{Config: cfg, Topology: topo, Out: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	fakePath(t, scripts)
	return r.Up(context.Background())
}

func TestUpWithoutJavaSaysSoInOneLine(t *testing.T) {
	err := upWithPath(t, nil)
	if err == nil || !strings.Contains(err.Error(), "needs Java 17 or newer: no java on PATH") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v", err)
	}
}

// TestUpWithoutMavenSaysSoInOneLine: the pinned jars cannot be fetched
// (Maven Central does not answer) and there is no Maven to fall back on.
func TestUpWithoutMavenSaysSoInOneLine(t *testing.T) {
	old := mavenCentral
	mavenCentral = "http://127.0.0.1:1/maven2" // nothing listens on port 1
	t.Cleanup(func() { mavenCentral = old })
	err := upWithPath(t, map[string]string{"java": `echo 'openjdk version "17.0.15" 2025-04-15' >&2`})
	if err == nil || !strings.Contains(err.Error(), "needs Maven (mvn) to fetch the Kafka jars") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v", err)
	}
}

// kafkaHome makes a fake Kafka distribution holding the named jars.
func kafkaHome(t *testing.T, jars ...string) string {
	t.Helper()
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "libs"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, j := range jars {
		if err := os.WriteFile(filepath.Join(home, "libs", j), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

func TestKafkaHome(t *testing.T) {
	cfg := testkit.Config(t, filepath.Join(testkit.Root(), "compose"), map[string]string{"KAFKA_HOME": kafkaHome(t, "kafka_2.13-3.9.0-test.jar")})
	if _, err := Libs(context.Background(), cfg, config.ModeZK, VersionZK, nil); err == nil || !strings.Contains(err.Error(), "holds no libs/kafka_2.13") {
		t.Fatalf("a distribution without the broker jar: err = %v", err)
	}

	cfg.KafkaHome = kafkaHome(t, "kafka_2.13-3.9.0-test.jar", "kafka_2.13-3.9.0.jar", "kafka-clients-3.9.0.jar")
	j, err := Libs(context.Background(), cfg, config.ModeZK, VersionZK, nil)
	if err != nil || j.Libs != filepath.Join(cfg.KafkaHome, "libs") || j.Version != "3.9.0" {
		t.Fatalf("Libs = %+v, %v", j, err)
	}
	if name, _ := logConfig(j.Version); name != "log4j.properties" {
		t.Errorf("Kafka 3.9 gets %s", name)
	}

	cfg.KafkaHome = kafkaHome(t, "kafka_2.13-4.1.0.jar")
	if _, err := Libs(context.Background(), cfg, config.ModeZK, VersionZK, nil); err == nil || !strings.Contains(err.Error(), "KAFKA_MODE=zk needs Apache Kafka 3.x") {
		t.Fatalf("ZooKeeper mode on Kafka 4: err = %v", err)
	}
	j, err = Libs(context.Background(), cfg, config.ModeKRaft, VersionKRaft, nil)
	if err != nil || j.Version != "4.1.0" {
		t.Fatalf("Libs = %+v, %v", j, err)
	}
	if name, _ := logConfig(j.Version); name != "log4j2.properties" {
		t.Errorf("Kafka 4.1 gets %s", name)
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

func TestDownOfTheIdleModeNamesTheRunningOne(t *testing.T) {
	dir, _ := testkit.ComposeCopy(t, "docker-compose.yml")
	cfg := testkit.Config(t, dir, map[string]string{"KAFKA_RUNTIME": "native", "KAFKA_MODE": "zk"})
	topo, err := topology.Load(context.Background(), cfg.ComposeFile())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r, err := New(&cluster.Env{Config: cfg, Topology: topo, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Down(context.Background()); err != nil {
		t.Fatalf("down with nothing running: %v", err)
	}
	if !strings.Contains(out.String(), "native cluster (KAFKA_MODE=zk) is not running") {
		t.Fatalf("output %q", out.String())
	}
	// A KRaft node runs (this test process stands for it).
	kraftDir := filepath.Join(cfg.RuntimeDataDir(config.RuntimeNative), "kraft")
	if err := os.MkdirAll(kraftDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(kraftDir, "kafka1.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, op := range map[string]func(context.Context) error{"down": r.Down, "clean": r.Clean} {
		err := op(context.Background())
		if err == nil || !strings.Contains(err.Error(), "the KAFKA_MODE=kraft one is (kafka1, PID") || !strings.Contains(err.Error(), "KAFKA_MODE=kraft go run magefile.go down") {
			t.Fatalf("%s: err = %v", name, err)
		}
	}
	if _, err := os.Stat(kraftDir); err != nil {
		t.Fatalf("clean touched the running mode's data: %v", err)
	}
}
