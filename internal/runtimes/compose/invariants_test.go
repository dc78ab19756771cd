package compose

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kafkastack/internal/testkit"
)

func TestTheComposeFilesKeepTheirInvariants(t *testing.T) {
	for _, f := range []string{"docker-compose.yml", "docker-compose.kraft.yml"} {
		for _, err := range CheckFile(context.Background(), filepath.Join(testkit.Root(), "compose", f)) {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// broken copies the real file into a temporary folder (with .env) after
// applying replace, and returns the copy's path.
func broken(t *testing.T, file string, replace ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testkit.Root(), "compose", file))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			t.Fatalf("%s does not contain %q", file, replace[i])
		}
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	dir := t.TempDir()
	env, _ := os.ReadFile(filepath.Join(testkit.Root(), "compose", ".env"))
	if err := os.WriteFile(filepath.Join(dir, ".env"), env, 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, file)
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckFileCatchesBrokenCopies(t *testing.T) {
	zk, kraft := "docker-compose.yml", "docker-compose.kraft.yml"
	for _, tc := range []struct {
		name, file string
		replace    []string
		want       string
	}{
		{"latest image", zk, []string{"confluentinc/cp-kafka:7.9.2", "confluentinc/cp-kafka:latest"}, "not pinned"},
		{"untagged image", zk, []string{"obsidiandynamics/kafdrop:4.1.0", "obsidiandynamics/kafdrop"}, "has no tag"},
		{"port on every interface", zk, []string{`"${KAFKA_BIND_ADDRESS:-127.0.0.1}:9092:9092"`, `"0.0.0.0:9092:9092"`}, `publishes port 9092 on "0.0.0.0"`},
		{"advertised port not published", zk, []string{"EXTERNAL://127.0.0.1:9093", "EXTERNAL://127.0.0.1:9094"}, "kafka3 advertises no listener on a published port"},
		{"kafdrop on host addresses", zk, []string{"KAFKA_BROKERCONNECT: kafka1:19091,kafka2:19092,kafka3:19093", "KAFKA_BROKERCONNECT: 127.0.0.1:9091,127.0.0.1:9092,127.0.0.1:9093"}, "exactly the internal listeners"},
		{"duplicate internal port", zk, []string{"INTERNAL://kafka2:19092", "INTERNAL://kafka2:19091"}, "share internal port 19091"},
		{"duplicate broker id", zk, []string{`KAFKA_BROKER_ID: "3"`, `KAFKA_BROKER_ID: "2"`}, "share id 2"},
		{"min ISR equal to RF", zk, []string{`KAFKA_MIN_INSYNC_REPLICAS: "2"`, `KAFKA_MIN_INSYNC_REPLICAS: "3"`}, "KAFKA_MIN_INSYNC_REPLICAS=3"},
		{"offsets RF above brokers", zk, []string{`KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "3"`, `KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "4"`}, "OFFSETS_TOPIC_REPLICATION_FACTOR=4 with 3 brokers"},
		{"no healthcheck", zk, []string{"    healthcheck:\n      # bash's /dev/tcp: no nc", "    x-healthcheck:\n      # bash's /dev/tcp: no nc"}, "zookeeper has no healthcheck"},
		{"started, not healthy", zk, []string{"    zookeeper:\n      condition: service_healthy", "    zookeeper:\n      condition: service_started"}, "service_started"},
		{"kraft voters mismatch", kraft, []string{"3@kafka3:29093", "3@kafka3:29099"}, "voter 3"},
		{"kraft shared controller port", kraft, []string{"CONTROLLER://0.0.0.0:29092", "CONTROLLER://0.0.0.0:29091"}, "share controller port 29091"},
		{"kraft no cluster id", kraft, []string{`CLUSTER_ID: "MkU3OEVBNTcwNTJENDM2Qk"`, `CLUSTER_ID: ""`}, "no CLUSTER_ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := CheckFile(context.Background(), broken(t, tc.file, tc.replace...))
			var all []string
			for _, e := range errs {
				all = append(all, e.Error())
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Fatalf("want an error with %q, got:\n%s", tc.want, strings.Join(all, "\n"))
			}
		})
	}
}
