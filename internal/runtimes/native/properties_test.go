package native

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"kafkastack/internal/testkit"
	"kafkastack/internal/topology"
)

func TestPropertyName(t *testing.T) {
	for env, want := range map[string]string{
		"KAFKA_ADVERTISED_LISTENERS":             "advertised.listeners",
		"KAFKA_BROKER_ID":                        "broker.id",
		"KAFKA_LISTENER_SECURITY_PROTOCOL_MAP":   "listener.security.protocol.map",
		"KAFKA_CONFLUENT_SUPPORT__METRICS":       "confluent.support_metrics",
		"KAFKA_LISTENER_NAME_INTERNAL___SSL_KEY": "listener.name.internal-ssl.key",
	} {
		if got := PropertyName(env); got != want {
			t.Errorf("%s -> %s, want %s", env, got, want)
		}
	}
}

func load(t *testing.T, file string) *topology.Topology {
	t.Helper()
	topo, err := topology.Load(context.Background(), filepath.Join(testkit.Root(), "compose", file))
	if err != nil {
		t.Fatal(err)
	}
	return topo
}

func services(topo *topology.Topology) []string {
	var out []string
	for n := range topo.Project.Services {
		out = append(out, n)
	}
	return out
}

func TestBrokerPropertiesFromTheZKComposeFile(t *testing.T) {
	topo := load(t, "docker-compose.yml")
	b, _ := topo.Broker(2)
	props, err := BrokerProperties(b, services(topo), "/data/kafka2")
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"broker.id":                        "2",
		"listeners":                        "INTERNAL://127.0.0.1:19092,EXTERNAL://127.0.0.1:9092",
		"advertised.listeners":             "INTERNAL://127.0.0.1:19092,EXTERNAL://127.0.0.1:9092",
		"zookeeper.connect":                "127.0.0.1:2181",
		"inter.broker.listener.name":       "INTERNAL",
		"listener.security.protocol.map":   "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT",
		"offsets.topic.replication.factor": "3",
		"transaction.state.log.min.isr":    "2",
		"min.insync.replicas":              "2",
		"log.dirs":                         "/data/kafka2",
	} {
		if props[k] != want {
			t.Errorf("%s = %q, want %q", k, props[k], want)
		}
	}
	if _, ok := props["opts"]; ok {
		t.Error("an image-only variable became a setting")
	}
}

func TestBrokerPropertiesFromTheKRaftComposeFile(t *testing.T) {
	topo := load(t, "docker-compose.kraft.yml")
	b, _ := topo.Broker(3)
	props, err := BrokerProperties(b, services(topo), "/data/kafka3")
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"node.id":                   "3",
		"process.roles":             "broker,controller",
		"controller.quorum.voters":  "1@127.0.0.1:29091,2@127.0.0.1:29092,3@127.0.0.1:29093",
		"listeners":                 "INTERNAL://127.0.0.1:19093,EXTERNAL://127.0.0.1:9093,CONTROLLER://127.0.0.1:29093",
		"controller.listener.names": "CONTROLLER",
	} {
		if props[k] != want {
			t.Errorf("%s = %q, want %q", k, props[k], want)
		}
	}
	if got := listenerPorts(props["listeners"]); len(got) != 3 || got[2] != 29093 {
		t.Errorf("listener ports %v", got)
	}
	if strings.Contains(renderProperties(props), "kafka1:") {
		t.Error("a container host name survived")
	}
}

func TestZooKeeperProperties(t *testing.T) {
	props := ZooKeeperProperties(map[string]string{"ZOOKEEPER_CLIENT_PORT": "2999", "ZOOKEEPER_TICK_TIME": "2000", "KAFKA_OPTS": "x"}, "/data/zk")
	if props["clientPort"] != "2999" || props["tickTime"] != "2000" || props["dataDir"] != "/data/zk/data" {
		t.Fatalf("props %v", props)
	}
	if _, ok := props["opts"]; ok {
		t.Fatal("KAFKA_OPTS leaked into zookeeper.properties")
	}
}
