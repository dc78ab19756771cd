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
		{"KAFKA_YES", "sure"},
		{"KAFKA_PARTITIONS", "100001"},
		{"KAFKA_BIND_ADDRESS", "localhost"},
		{"KAFKA_BIND_ADDRESS", "127.0.0.1:9091"},
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

func TestBindAddress(t *testing.T) {
	c, err := load(t, map[string]string{})
	if err != nil || c.BindAddress != "" {
		t.Fatalf("unset: %q, %v", c.BindAddress, err)
	}
	for _, v := range []string{"0.0.0.0", " 192.168.1.20 ", "::1"} {
		c, err := load(t, map[string]string{"KAFKA_BIND_ADDRESS": v})
		if err != nil || c.BindAddress != strings.TrimSpace(v) {
			t.Fatalf("KAFKA_BIND_ADDRESS=%q: %q, %v", v, c.BindAddress, err)
		}
	}
}

func TestYes(t *testing.T) {
	for v, want := range map[string]bool{"": false, "1": true, "YES": true, "true": true, "0": false, "no": false} {
		c, err := load(t, map[string]string{"KAFKA_YES": v})
		if err != nil || c.Yes != want {
			t.Errorf("KAFKA_YES=%q: yes %v, err %v", v, c != nil && c.Yes, err)
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

func TestMinInsyncAboveTheReplicationFactorIsRefused(t *testing.T) {
	_, err := load(t, map[string]string{"KAFKA_MIN_INSYNC_REPLICAS": "4"})
	if err == nil || !strings.Contains(err.Error(), "KAFKA_MIN_INSYNC_REPLICAS=4 is above KAFKA_REPLICATION_FACTOR=3") {
		t.Fatalf("err = %v", err)
	}
	_, err = load(t, map[string]string{"KAFKA_MIN_INSYNC_REPLICAS": "3", "KAFKA_REPLICATION_FACTOR": "2"})
	if err == nil {
		t.Fatal("min.insync.replicas 3 with replication factor 2 accepted")
	}
	// Equal is fine, and the unset default is lowered per topic, not refused.
	for _, vars := range []map[string]string{{"KAFKA_MIN_INSYNC_REPLICAS": "3"}, {"KAFKA_REPLICATION_FACTOR": "1"}} {
		if _, err := load(t, vars); err != nil {
			t.Fatalf("%v: %v", vars, err)
		}
	}
}

func TestClientSettingsHaveOneSetOfDefaults(t *testing.T) {
	c, err := ClientsFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxRecords != 100 || c.ConsumeTimeout != 5*time.Second || c.Topic != DefaultTopic || len(c.Brokers) != 3 || c.ValueSet || c.Follow {
		t.Fatalf("defaults %+v", c)
	}
	vars := map[string]string{"KAFKA_VALUE": "v", "KAFKA_MAX_RECORDS": "7", "KAFKA_CONSUME_TIMEOUT": "2", "KAFKA_TOPIC_CONFIGS": "a=1, b=2",
		"KAFKA_SERVICE": "kafka2", "KAFKA_FOLLOW": "1", "KAFKA_BROKERS": "h:1"}
	c, err = ClientsFromEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Value != "v" || !c.ValueSet || c.MaxRecords != 7 || c.ConsumeTimeout != 2*time.Second || c.TopicConfigs["b"] != "2" || c.Service != "kafka2" || !c.Follow || c.Brokers[0] != "h:1" {
		t.Fatalf("settings %+v", c)
	}
	for k, v := range map[string]string{"KAFKA_MAX_RECORDS": "0", "KAFKA_CONSUME_TIMEOUT": "-1s", "KAFKA_TOPIC_CONFIGS": "novalue", "KAFKA_FOLLOW": "sometimes"} {
		if _, err := ClientsFromEnv(func(n string) string {
			if n == k {
				return v
			}
			return ""
		}); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: err = %v", k, v, err)
		}
	}
}
