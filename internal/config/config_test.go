package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func root(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(wd, "..", "..")
}

func load(t *testing.T, vars map[string]string) (*Config, error) {
	t.Helper()
	vars["KAFKASTACK_ROOT"] = root(t)
	return FromEnv(func(k string) string { return vars[k] })
}

func TestDefaults(t *testing.T) {
	c, err := load(t, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Runtime != RuntimeAuto || c.Mode != ModeZK || c.BrokersSet {
		t.Fatalf("runtime %s mode %s brokersSet %v", c.Runtime, c.Mode, c.BrokersSet)
	}
	if c.Partitions != 3 || c.ReplicationFactor != 3 || c.MinInsyncReplicas != 2 {
		t.Fatalf("topic defaults %d/%d/%d, want 3/3/2", c.Partitions, c.ReplicationFactor, c.MinInsyncReplicas)
	}
	if c.ReadyTimeout != DefaultReadyTimeout || c.Topic != "my-topic-three" || c.Records != 1000 {
		t.Fatalf("timeout %s topic %s records %d", c.ReadyTimeout, c.Topic, c.Records)
	}
	if !strings.HasSuffix(c.ComposeFile(), filepath.Join("compose", "docker-compose.yml")) {
		t.Fatalf("compose file %s", c.ComposeFile())
	}
	if c.DataDir != filepath.Join(c.Root, ".data") {
		t.Fatalf("data dir %s", c.DataDir)
	}
	if !c.UI {
		t.Fatal("the console is on by default")
	}
}

func TestUIOff(t *testing.T) {
	for _, v := range []string{"off", "OFF", "0", "false"} {
		c, err := load(t, map[string]string{"KAFKA_UI": v})
		if err != nil || c.UI {
			t.Fatalf("KAFKA_UI=%s: UI %v, err %v", v, c != nil && c.UI, err)
		}
	}
}

func TestSettings(t *testing.T) {
	c, err := load(t, map[string]string{
		"KAFKA_RUNTIME":            "Native",
		"KAFKA_MODE":               "kraft",
		"KAFKA_BROKERS":            "a:1, b:2",
		"KAFKA_READY_TIMEOUT":      "45",
		"KAFKA_PARTITIONS":         "6",
		"KAFKA_REPLICATION_FACTOR": "1",
		"KAFKA_RECORDS":            "10",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Runtime != RuntimeNative || c.Mode != ModeKRaft {
		t.Fatalf("runtime %s mode %s", c.Runtime, c.Mode)
	}
	if !c.BrokersSet || len(c.Brokers) != 2 || c.Brokers[1] != "b:2" {
		t.Fatalf("brokers %v", c.Brokers)
	}
	if c.ReadyTimeout != 45*time.Second || c.Partitions != 6 || c.ReplicationFactor != 1 || c.Records != 10 {
		t.Fatalf("got %+v", c)
	}
	if !strings.HasSuffix(c.ComposeFile(), "docker-compose.kraft.yml") {
		t.Fatalf("kraft compose file %s", c.ComposeFile())
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	for _, tc := range []struct{ k, v string }{
		{"KAFKA_RUNTIME", "podman"},
		{"KAFKA_MODE", "raft"},
		{"KAFKA_BROKERS", "localhost"},
		{"KAFKA_BROKERS", "host:notaport"},
		{"KAFKA_READY_TIMEOUT", "soon"},
		{"KAFKA_READY_TIMEOUT", "-5s"},
		{"KAFKA_PARTITIONS", "0"},
		{"KAFKA_REPLICATION_FACTOR", "x"},
		{"KAFKA_MIN_INSYNC_REPLICAS", "0"},
		{"KAFKA_RECORDS", "-1"},
		{"KAFKA_OUTPUT", "yaml"},
		{"KAFKA_UI", "maybe"},
	} {
		_, err := load(t, map[string]string{tc.k: tc.v})
		if err == nil {
			t.Errorf("%s=%s accepted", tc.k, tc.v)
			continue
		}
		if !strings.Contains(err.Error(), tc.k) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s=%s: error %q does not name the variable on one line", tc.k, tc.v, err)
		}
	}
}

func TestRootMustBeAKafkastackCheckout(t *testing.T) {
	_, err := FromEnv(func(k string) string {
		if k == "KAFKASTACK_ROOT" {
			return t.TempDir()
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "KAFKASTACK_ROOT") {
		t.Fatalf("err = %v", err)
	}
}
