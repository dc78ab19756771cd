package topology

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func repoFile(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "compose", name)
}

func TestTheSeedTopology(t *testing.T) {
	topo, err := Load(context.Background(), repoFile("docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(topo.Bootstrap(), ","); got != "127.0.0.1:9091,127.0.0.1:9092,127.0.0.1:9093" {
		t.Fatalf("bootstrap %s", got)
	}
	for i, b := range topo.Brokers {
		if b.ID != int32(i+1) || b.Service != "kafka"+string(rune('1'+i)) || b.Internal != b.Service+":1909"+string(rune('1'+i)) {
			t.Errorf("broker %d: %+v", i, b)
		}
	}
	if got := topo.HostPorts(); len(got) != 5 || got[0] != 2181 || got[1] != 9000 {
		t.Fatalf("host ports %v", got)
	}
	if got := topo.ConsolePort(); got != 9000 {
		t.Fatalf("console port %d, want Kafdrop's 9000", got)
	}
}

func TestTheKRaftTopology(t *testing.T) {
	topo, err := Load(context.Background(), repoFile("docker-compose.kraft.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if ids := topo.IDs(); len(ids) != 3 || ids[0] != 1 || ids[2] != 3 {
		t.Fatalf("ids %v", ids)
	}
	if got := topo.ConsolePort(); got != 9000 {
		t.Fatalf("console port %d, want Kafdrop's 9000", got)
	}
}

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "docker-compose.yml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadTopologies(t *testing.T) {
	for want, body := range map[string]string{
		"names no broker": "services:\n  zk:\n    image: x:1\n",
		"share id": `services:
  a:
    image: x:1
    ports: ["1:1"]
    environment: {KAFKA_BROKER_ID: "1", KAFKA_ADVERTISED_LISTENERS: "EXTERNAL://127.0.0.1:1"}
  b:
    image: x:1
    ports: ["2:2"]
    environment: {KAFKA_BROKER_ID: "1", KAFKA_ADVERTISED_LISTENERS: "EXTERNAL://127.0.0.1:2"}
`,
		"advertises no listener on a published port": `services:
  a:
    image: x:1
    ports: ["1:1"]
    environment: {KAFKA_BROKER_ID: "1", KAFKA_ADVERTISED_LISTENERS: "EXTERNAL://127.0.0.1:9"}
`,
		"is not a number": `services:
  a:
    image: x:1
    environment: {KAFKA_BROKER_ID: "one"}
`,
	} {
		_, err := Load(context.Background(), write(t, body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q, got %v", want, err)
		}
	}
	if _, err := Load(context.Background(), filepath.Join(t.TempDir(), "missing.yml")); err == nil {
		t.Error("a missing file loaded")
	}
}

func TestParseListeners(t *testing.T) {
	ls := ParseListeners("INTERNAL://kafka1:19091, EXTERNAL://127.0.0.1:9091,junk")
	if len(ls) != 2 || ls[0].Name != "INTERNAL" || ls[1].Addr != "127.0.0.1:9091" {
		t.Fatalf("%+v", ls)
	}
}
