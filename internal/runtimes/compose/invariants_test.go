package compose

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"kafkastack/internal/testkit"
	"kafkastack/internal/topology"
)

const (
	zk    = "docker-compose.yml"
	kraft = "docker-compose.kraft.yml"
)

func repoFile(name string) string { return filepath.Join(testkit.Root(), "compose", name) }

func TestTheComposeFilesKeepTheirInvariants(t *testing.T) {
	for _, f := range []string{zk, kraft} {
		for _, err := range CheckFile(context.Background(), repoFile(f)) {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, err := range CheckModes(context.Background(), repoFile(zk), repoFile(kraft)) {
		t.Errorf("zk against kraft: %v", err)
	}
}

func TestImagesArePinnedToTheirLines(t *testing.T) {
	lines := map[string]map[string]*regexp.Regexp{
		zk: {
			"zookeeper": regexp.MustCompile(`^confluentinc/cp-zookeeper:7\.9\.\d+$`),
			"kafka1":    regexp.MustCompile(`^confluentinc/cp-kafka:7\.9\.\d+$`),
			"kafka2":    regexp.MustCompile(`^confluentinc/cp-kafka:7\.9\.\d+$`),
			"kafka3":    regexp.MustCompile(`^confluentinc/cp-kafka:7\.9\.\d+$`),
			"kafdrop":   regexp.MustCompile(`^obsidiandynamics/kafdrop:4\.\d+\.\d+$`),
		},
		kraft: {
			"kafka1":  regexp.MustCompile(`^apache/kafka:4\.\d+\.\d+$`),
			"kafka2":  regexp.MustCompile(`^apache/kafka:4\.\d+\.\d+$`),
			"kafka3":  regexp.MustCompile(`^apache/kafka:4\.\d+\.\d+$`),
			"kafdrop": regexp.MustCompile(`^obsidiandynamics/kafdrop:4\.\d+\.\d+$`),
		},
	}
	for file, want := range lines {
		topo, err := topology.Load(context.Background(), repoFile(file))
		if err != nil {
			t.Fatal(err)
		}
		if len(topo.Project.Services) != len(want) {
			t.Errorf("%s has %d services, want %d", file, len(topo.Project.Services), len(want))
		}
		for name, re := range want {
			if img := topo.Project.Services[name].Image; !re.MatchString(img) {
				t.Errorf("%s: service %s runs %q, want %s", file, name, img, re)
			}
		}
	}
}

func TestHealthchecksUseToolsTheImagesHave(t *testing.T) {
	// cp-kafka puts its tools on PATH without .sh; apache/kafka keeps them
	// in /opt/kafka/bin with .sh. ZooKeeper's and Kafdrop's images have
	// bash (and no guaranteed nc, curl or wget), so those checks use bash.
	want := map[string]map[string]string{
		zk: {
			"zookeeper": "bash -c exec 3<>/dev/tcp/127.0.0.1/2181",
			"kafka1":    " kafka-broker-api-versions --bootstrap-server kafka1:19091",
			"kafdrop":   "bash -c exec 3<>/dev/tcp/127.0.0.1/9000",
		},
		kraft: {
			"kafka1":  " /opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server kafka1:19091",
			"kafdrop": "bash -c exec 3<>/dev/tcp/127.0.0.1/9000",
		},
	}
	for file, checks := range want {
		topo, err := topology.Load(context.Background(), repoFile(file))
		if err != nil {
			t.Fatal(err)
		}
		for svc, frag := range checks {
			test := strings.Join(topo.Project.Services[svc].HealthCheck.Test, " ")
			if !strings.Contains(test, frag) {
				t.Errorf("%s: %s's healthcheck %q lacks %q", file, svc, test, frag)
			}
		}
	}
}

// copyTo writes compose/<file>, after applying replace (old, new pairs,
// each old replaced once and required to be there), into a new folder
// with envBody as its .env (none when envBody is "-"). It returns the
// copy's path.
func copyTo(t *testing.T, file, envBody string, replace ...string) string {
	t.Helper()
	b, err := os.ReadFile(repoFile(file))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			t.Fatalf("%s does not contain %q", file, replace[i])
		}
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	dir := t.TempDir()
	if envBody != "-" {
		if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(envBody), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, file)
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// broken is copyTo with the repo's own .env.
func broken(t *testing.T, file string, replace ...string) string {
	t.Helper()
	env, err := os.ReadFile(repoFile(".env"))
	if err != nil {
		t.Fatal(err)
	}
	return copyTo(t, file, string(env), replace...)
}

func joinErrs(errs []error) string {
	var all []string
	for _, e := range errs {
		all = append(all, e.Error())
	}
	return strings.Join(all, "\n")
}

func TestPortsBindToLoopbackUnlessDotEnvSaysOtherwise(t *testing.T) {
	for _, f := range []string{zk, kraft} {
		// Without compose/.env the files' own default applies.
		if errs := CheckFile(context.Background(), copyTo(t, f, "-")); len(errs) > 0 {
			t.Errorf("%s without .env:\n%s", f, joinErrs(errs))
		}
		// KAFKA_BIND_ADDRESS in .env is honoured, and the check sees it.
		errs := joinErrs(CheckFile(context.Background(), copyTo(t, f, "KAFKA_BIND_ADDRESS=0.0.0.0\n")))
		for _, port := range []string{"9091", "9092", "9093", "9000"} {
			if !strings.Contains(errs, `publishes port `+port+` on "0.0.0.0"`) {
				t.Errorf("%s with KAFKA_BIND_ADDRESS=0.0.0.0: port %s not reported:\n%s", f, port, errs)
			}
		}
	}
}

func TestCheckFileCatchesBrokenCopies(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		replace    []string
		want       string
	}{
		{"latest image", zk, []string{"confluentinc/cp-kafka:7.9.2", "confluentinc/cp-kafka:latest"}, "not pinned"},
		{"minor-only tag", zk, []string{"confluentinc/cp-zookeeper:7.9.2", "confluentinc/cp-zookeeper:7.9"}, "not pinned"},
		{"untagged image", zk, []string{"obsidiandynamics/kafdrop:4.1.0", "obsidiandynamics/kafdrop"}, "has no tag"},
		{"port on every interface", zk, []string{`"${KAFKA_BIND_ADDRESS:-127.0.0.1}:9092:9092"`, `"0.0.0.0:9092:9092"`}, `publishes port 9092 on "0.0.0.0"`},
		{"port with no address", zk, []string{`"${KAFKA_BIND_ADDRESS:-127.0.0.1}:2181:2181"`, `"2181:2181"`}, `publishes port 2181 on ""`},
		{"advertised port not published", zk, []string{"EXTERNAL://127.0.0.1:9093", "EXTERNAL://127.0.0.1:9094"}, "kafka3 advertises no listener on a published port"},
		{"advertised on another port than it listens", zk, []string{"EXTERNAL://0.0.0.0:9093", "EXTERNAL://0.0.0.0:9094"}, "kafka3 advertises EXTERNAL on port 9093 but listens on 9094"},
		{"published to the wrong container port", zk, []string{`127.0.0.1}:9091:9091"`, `127.0.0.1}:9091:9099"`}, "kafka1 publishes host port 9091 to container port 9099"},
		{"external on localhost", zk, []string{"EXTERNAL://127.0.0.1:9091", "EXTERNAL://localhost:9091"}, "kafka1 advertises its external listener on localhost"},
		{"kafdrop on host addresses", zk, []string{"KAFKA_BROKERCONNECT: kafka1:19091,kafka2:19092,kafka3:19093", "KAFKA_BROKERCONNECT: 127.0.0.1:9091,127.0.0.1:9092,127.0.0.1:9093"}, "exactly the internal listeners"},
		{"kafdrop missing a broker", kraft, []string{"KAFKA_BROKERCONNECT: kafka1:19091,kafka2:19092,kafka3:19093", "KAFKA_BROKERCONNECT: kafka1:19091,kafka2:19092"}, "exactly the internal listeners"},
		{"duplicate internal port", zk, []string{"INTERNAL://kafka2:19092", "INTERNAL://kafka2:19091"}, "share internal port 19091"},
		{"internal on another host", zk, []string{"INTERNAL://kafka2:19092", "INTERNAL://kafka1:19092"}, "kafka2 has no internal listener advertised on its service name"},
		{"duplicate broker id", zk, []string{`KAFKA_BROKER_ID: "3"`, `KAFKA_BROKER_ID: "2"`}, "share id 2"},
		{"inter-broker on the external listener", zk, []string{"KAFKA_INTER_BROKER_LISTENER_NAME: INTERNAL", "KAFKA_INTER_BROKER_LISTENER_NAME: EXTERNAL"}, `KAFKA_INTER_BROKER_LISTENER_NAME is "EXTERNAL", want its internal listener INTERNAL`},
		{"advertised but not listening", zk, []string{"INTERNAL://kafka1:19091,EXTERNAL://127.0.0.1:9091", "INTERNAL://kafka1:19091,EXTERNAL://127.0.0.1:9091,OTHER://kafka1:19999"}, "kafka1 advertises listener OTHER that it does not listen on"},
		{"brokers on different images", zk, []string{"    hostname: kafka3\n", "    hostname: kafka3\n    image: confluentinc/cp-kafka:7.9.1\n"}, "the brokers run on different images"},
		{"listener without a protocol", zk, []string{"INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT", "INTERNAL:PLAINTEXT"}, "listener EXTERNAL has no protocol"},
		{"min ISR equal to RF", zk, []string{`KAFKA_MIN_INSYNC_REPLICAS: "2"`, `KAFKA_MIN_INSYNC_REPLICAS: "3"`}, `KAFKA_MIN_INSYNC_REPLICAS="3"`},
		{"transaction min ISR equal to RF", kraft, []string{`KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "2"`, `KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "3"`}, `KAFKA_TRANSACTION_STATE_LOG_MIN_ISR="3"`},
		{"offsets RF above brokers", zk, []string{`KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "3"`, `KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "4"`}, "OFFSETS_TOPIC_REPLICATION_FACTOR=4 with 3 brokers"},
		{"no healthcheck", zk, []string{"    healthcheck:\n      # `srvr`", "    x-healthcheck:\n      # `srvr`"}, "zookeeper has no healthcheck"},
		{"healthcheck on another broker", zk, []string{"--bootstrap-server kafka2:19092", "--bootstrap-server kafka1:19091"}, "kafka2's healthcheck does not ask its internal listener kafka2:19092"},
		{"started, not healthy", zk, []string{"    zookeeper:\n      condition: service_healthy", "    zookeeper:\n      condition: service_started"}, "service_started"},
		{"zookeeper elsewhere", zk, []string{"KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181", "KAFKA_ZOOKEEPER_CONNECT: zookeeper:2182"}, `KAFKA_ZOOKEEPER_CONNECT is "zookeeper:2182"`},
		{"data in a bind mount", zk, []string{"- kafka1-data:/var/lib/kafka/data", "- ./kafka1:/var/lib/kafka/data"}, "kafka1 keeps its data (/var/lib/kafka/data) outside a named volume"},
		{"shared volume", zk, []string{"- kafka2-data:/var/lib/kafka/data", "- kafka1-data:/var/lib/kafka/data"}, "share volume kafka1-data"},
		{"top-level name", zk, []string{"x-kafka-common:", "name: kafkastack\n\nx-kafka-common:"}, "top-level name"},
		{"kraft voters mismatch", kraft, []string{"3@kafka3:29093", "3@kafka3:29099"}, "voter 3"},
		{"kraft shared controller port", kraft, []string{"CONTROLLER://0.0.0.0:29092", "CONTROLLER://0.0.0.0:29091"}, "share controller port 29091"},
		{"kraft no cluster id", kraft, []string{`CLUSTER_ID: "MkU3OEVBNTcwNTJENDM2Qk"`, `CLUSTER_ID: ""`}, "no CLUSTER_ID"},
		{"kraft broker-only node", kraft, []string{"KAFKA_PROCESS_ROLES: broker,controller", "KAFKA_PROCESS_ROLES: broker"}, `KAFKA_PROCESS_ROLES="broker", want broker,controller`},
		{"kraft controller published", kraft, []string{`      - "${KAFKA_BIND_ADDRESS:-127.0.0.1}:9091:9091"`, `      - "${KAFKA_BIND_ADDRESS:-127.0.0.1}:9091:9091"` + "\n" + `      - "127.0.0.1:29091:29091"`}, "kafka1 publishes its controller port 29091"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := joinErrs(CheckFile(context.Background(), broken(t, tc.file, tc.replace...)))
			if !strings.Contains(errs, tc.want) {
				t.Fatalf("want an error with %q, got:\n%s", tc.want, errs)
			}
		})
	}
}

func TestCheckModesCatchesDrift(t *testing.T) {
	for _, tc := range []struct {
		name    string
		replace []string
		want    string
	}{
		{"shared volume names", []string{"- kafka1-kraft-data:/var/lib/kafka/data", "- kafka1-data:/var/lib/kafka/data", "  kafka1-kraft-data:\n", "  kafka1-data:\n"}, "volume kafka1-data is in both modes' files"},
		{"another kafdrop", []string{"obsidiandynamics/kafdrop:4.1.0", "obsidiandynamics/kafdrop:4.0.2"}, "kafdrop runs obsidiandynamics/kafdrop:4.1.0 in zk mode but obsidiandynamics/kafdrop:4.0.2"},
		{"another host port", []string{`127.0.0.1}:9000:9000"`, `127.0.0.1}:9001:9000"`}, "kafdrop publishes 127.0.0.1:9000 in zk mode but 127.0.0.1:9001"},
		{"other broker ids", []string{`KAFKA_NODE_ID: "3"`, `KAFKA_NODE_ID: "4"`}, "the brokers differ between modes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := joinErrs(CheckModes(context.Background(), repoFile(zk), broken(t, kraft, tc.replace...)))
			if !strings.Contains(errs, tc.want) {
				t.Fatalf("want an error with %q, got:\n%s", tc.want, errs)
			}
		})
	}
}

func TestCheckFileOnAMissingFileIsOneError(t *testing.T) {
	errs := CheckFile(context.Background(), filepath.Join(t.TempDir(), "nope.yml"))
	if len(errs) != 1 {
		t.Fatalf("errors %v", errs)
	}
}
