package native

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"kafkastack/internal/cluster"
	"kafkastack/internal/config"
	"kafkastack/internal/testkit"
	"kafkastack/internal/topology"
)

// runtimeFor builds the native runtime on the repo's compose file of mode,
// with its data in a temporary folder.
func runtimeFor(t *testing.T, mode config.Mode) *Runtime {
	t.Helper()
	cfg := testkit.Config(t, filepath.Join(testkit.Root(), "compose"), map[string]string{"KAFKA_RUNTIME": "native", "KAFKA_MODE": string(mode)})
	topo, err := topology.Load(context.Background(), cfg.ComposeFile())
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(&cluster.Env{Config: cfg, Topology: topo, Out: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestZKLayoutMapsHostsAndPathsIntoTheDataFolder(t *testing.T) {
	r := runtimeFor(t, config.ModeZK)
	base := filepath.Join(r.env.Config.RuntimeDataDir(config.RuntimeNative), "zk")
	ps, err := r.processes()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	ports := map[string][]int{}
	for _, p := range ps {
		names = append(names, p.service)
		ports[p.service] = p.ports
		for k, v := range p.props {
			if strings.Contains(v, "/var/lib/") || strings.Contains(v, "kafka1:") || strings.Contains(v, "zookeeper:") || strings.Contains(v, "0.0.0.0") {
				t.Errorf("%s: %s=%s keeps a container host or path", p.service, k, v)
			}
		}
	}
	if got := strings.Join(names, ","); got != "zookeeper,kafka1,kafka2,kafka3" {
		t.Fatalf("processes %s", got)
	}
	zk, k2 := ps[0], ps[2]
	for k, want := range map[string]string{
		"clientPort": "2181", "tickTime": "2000", "clientPortAddress": "127.0.0.1",
		"dataDir": filepath.Join(base, "zookeeper", "data"), "dataLogDir": filepath.Join(base, "zookeeper", "log"),
	} {
		if zk.props[k] != want {
			t.Errorf("zookeeper %s = %q, want %q", k, zk.props[k], want)
		}
	}
	for k, want := range map[string]string{
		"log.dirs":             filepath.Join(base, "kafka2", "data"),
		"zookeeper.connect":    "127.0.0.1:2181",
		"advertised.listeners": "INTERNAL://127.0.0.1:19092,EXTERNAL://127.0.0.1:9092",
	} {
		if k2.props[k] != want {
			t.Errorf("kafka2 %s = %q, want %q", k, k2.props[k], want)
		}
	}
	if got := ports["zookeeper"]; len(got) != 1 || got[0] != 2181 {
		t.Errorf("zookeeper ports %v", got)
	}
	if got := ports["kafka2"]; len(got) != 2 || got[0] != 19092 || got[1] != 9092 {
		t.Errorf("kafka2 ports %v", got)
	}
	if r.propsFile("kafka2") != filepath.Join(base, "kafka2", "kafka2.properties") || r.pidFile("kafka2") != filepath.Join(base, "kafka2.pid") {
		t.Errorf("files %s %s", r.propsFile("kafka2"), r.pidFile("kafka2"))
	}
	if r.version != VersionZK {
		t.Errorf("zk version %s, want %s", r.version, VersionZK)
	}
}

func TestKRaftLayoutHasNoZooKeeperAndUniqueControllerPorts(t *testing.T) {
	r := runtimeFor(t, config.ModeKRaft)
	ps, err := r.processes()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3 {
		t.Fatalf("%d processes, want the 3 KRaft nodes", len(ps))
	}
	seen := map[int]string{}
	for _, p := range ps {
		if p.id < 0 {
			t.Fatalf("%s: a ZooKeeper in kraft mode", p.service)
		}
		if !strings.HasPrefix(p.props["log.dirs"], filepath.Join(r.env.Config.RuntimeDataDir(config.RuntimeNative), "kraft", p.service)) {
			t.Errorf("%s log.dirs %s", p.service, p.props["log.dirs"])
		}
		if len(p.ports) != 3 {
			t.Errorf("%s ports %v, want internal, external and controller", p.service, p.ports)
		}
		for _, port := range p.ports {
			if other, dup := seen[port]; dup {
				t.Errorf("port %d used by %s and %s", port, other, p.service)
			}
			seen[port] = p.service
		}
	}
	// The release follows the compose file's apache/kafka image.
	img := r.env.Topology.Brokers[0].Image
	if want := strings.TrimPrefix(img, "apache/kafka:"); r.version != want {
		t.Errorf("kraft version %s, want %s from %s", r.version, want, img)
	}
}

func TestVersion(t *testing.T) {
	topo := func(images ...string) *topology.Topology {
		tp := &topology.Topology{}
		for _, img := range images {
			tp.Brokers = append(tp.Brokers, topology.Broker{Image: img})
		}
		return tp
	}
	for _, c := range []struct {
		mode   config.Mode
		topo   *topology.Topology
		want   string
		errHas string
	}{
		{config.ModeZK, topo("confluentinc/cp-kafka:7.9.2"), VersionZK, ""},
		{config.ModeKRaft, topo("apache/kafka:4.2.1", "apache/kafka:4.2.1"), "4.2.1", ""},
		{config.ModeKRaft, topo("apache/kafka:4.2.1", "apache/kafka:4.1.0"), VersionKRaft, ""},
		{config.ModeKRaft, topo("apache/kafka:latest"), VersionKRaft, ""},
		{config.ModeZK, topo("apache/kafka:3.9.0"), "3.9.0", ""},
		{config.ModeZK, topo("apache/kafka:4.1.0"), "", "KAFKA_MODE=zk needs Apache Kafka 3.x"},
	} {
		got, err := Version(c.mode, c.topo)
		if c.errHas != "" {
			if err == nil || !strings.Contains(err.Error(), c.errHas) {
				t.Errorf("%s %v: err = %v", c.mode, c.topo.Brokers, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s %v: %s, %v; want %s", c.mode, c.topo.Brokers, got, err, c.want)
		}
	}
}
