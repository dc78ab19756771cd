package compose

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"kafkastack/internal/topology"
)

// CheckFile loads a compose file with the compose-spec loader and returns
// every way it breaks the topology's invariants: three brokers with unique
// ids; each external advertised listener on that broker's published port
// and 127.0.0.1; internal listeners on the service name with unique ports;
// Kafdrop pointing at exactly the internal listeners; every port bound to
// 127.0.0.1; pinned images; a healthcheck on every service; depends_on
// waiting for healthy services; replication settings the cluster can meet;
// and, for KRaft, unique controller ports, voters matching the node ids and
// a cluster id. It returns one error when the file does not load.
func CheckFile(ctx context.Context, path string) []error {
	topo, err := topology.Load(ctx, path)
	if err != nil {
		return []error{err}
	}
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	p := topo.Project
	n := len(topo.Brokers)
	if n != 3 {
		fail("%d brokers, want 3", n)
	}

	internalPorts := map[string]string{}
	var internals []string
	kraft := false
	for _, b := range topo.Brokers {
		host, port := topology.SplitHostPort(b.External)
		if host != "127.0.0.1" {
			fail("%s advertises its external listener on %s, want 127.0.0.1", b.Service, host)
		}
		if port != b.HostPort {
			fail("%s advertises port %d but publishes %d", b.Service, port, b.HostPort)
		}
		if b.Internal == "" {
			fail("%s has no internal listener on its service name", b.Service)
		} else {
			ih, ip := topology.SplitHostPort(b.Internal)
			if ih != b.Service {
				fail("%s's internal listener is on %s, want its service name", b.Service, ih)
			}
			if other, dup := internalPorts[strconv.Itoa(ip)]; dup {
				fail("%s and %s share internal port %d", other, b.Service, ip)
			}
			internalPorts[strconv.Itoa(ip)] = b.Service
			internals = append(internals, b.Internal)
		}
		for _, k := range []string{"KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "KAFKA_INTER_BROKER_LISTENER_NAME"} {
			if b.Env[k] == "" {
				fail("%s does not set %s", b.Service, k)
			}
		}
		if b.Env["KAFKA_PROCESS_ROLES"] != "" {
			kraft = true
		}
		checkReplication(b, n, fail)
	}
	if kraft {
		checkKRaft(topo, fail)
	}

	for name, svc := range p.Services {
		checkImage(name, svc, fail)
		if svc.HealthCheck == nil || len(svc.HealthCheck.Test) == 0 || svc.HealthCheck.Disable {
			fail("service %s has no healthcheck", name)
		}
		for _, port := range svc.Ports {
			if port.HostIP != "127.0.0.1" {
				fail("service %s publishes port %s on %q, want 127.0.0.1", name, port.Published, port.HostIP)
			}
		}
		for dep, d := range svc.DependsOn {
			if d.Condition != types.ServiceConditionHealthy {
				fail("service %s depends on %s with condition %q, want service_healthy", name, dep, d.Condition)
			}
		}
	}
	if zk, ok := p.Services["zookeeper"]; ok && !kraft {
		for _, b := range topo.Brokers {
			if d, ok := p.Services[b.Service].DependsOn["zookeeper"]; !ok || d.Condition != types.ServiceConditionHealthy {
				fail("%s does not wait for a healthy zookeeper", b.Service)
			}
		}
		_ = zk
	}
	kd, ok := p.Services["kafdrop"]
	if !ok {
		fail("no kafdrop service")
	} else {
		got := ""
		if v := kd.Environment["KAFKA_BROKERCONNECT"]; v != nil {
			got = *v
		}
		want := append([]string(nil), internals...)
		have := strings.Split(got, ",")
		sort.Strings(want)
		sort.Strings(have)
		if strings.Join(have, ",") != strings.Join(want, ",") {
			fail("kafdrop's KAFKA_BROKERCONNECT is %q, want exactly the internal listeners %s", got, strings.Join(internals, ","))
		}
		for _, b := range topo.Brokers {
			if d, ok := kd.DependsOn[b.Service]; !ok || d.Condition != types.ServiceConditionHealthy {
				fail("kafdrop does not wait for a healthy %s", b.Service)
			}
		}
	}
	return errs
}

// checkImage fails images that are not pinned to an exact tag.
func checkImage(name string, svc types.ServiceConfig, fail func(string, ...any)) {
	img := svc.Image
	i := strings.LastIndex(img, ":")
	if img == "" || i < 0 || strings.Contains(img[i:], "/") {
		fail("service %s image %q has no tag; pin an exact version", name, img)
		return
	}
	tag := img[i+1:]
	if tag == "latest" || !strings.ContainsAny(tag, "0123456789") || strings.Count(tag, ".") < 2 {
		fail("service %s image %q is not pinned to an exact version", name, img)
	}
}

// checkReplication fails replication settings above the broker count, and
// min ISRs that leave no room for a broker to fail.
func checkReplication(b topology.Broker, n int, fail func(string, ...any)) {
	num := func(k string) (int, bool) {
		v, ok := b.Env[k]
		if !ok {
			return 0, false
		}
		x, err := strconv.Atoi(v)
		return x, err == nil
	}
	for _, k := range []string{"KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "KAFKA_DEFAULT_REPLICATION_FACTOR"} {
		v, ok := num(k)
		if !ok {
			fail("%s does not set %s", b.Service, k)
		} else if v > n || v < 1 {
			fail("%s sets %s=%d with %d brokers", b.Service, k, v, n)
		}
	}
	rf, _ := num("KAFKA_DEFAULT_REPLICATION_FACTOR")
	if v, ok := num("KAFKA_MIN_INSYNC_REPLICAS"); !ok || v >= rf && rf > 1 || v < 1 {
		fail("%s sets KAFKA_MIN_INSYNC_REPLICAS=%s, want at least 1 and below the replication factor %d", b.Service, b.Env["KAFKA_MIN_INSYNC_REPLICAS"], rf)
	}
	trf, _ := num("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR")
	if v, ok := num("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"); !ok || v >= trf && trf > 1 || v < 1 {
		fail("%s sets KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=%s, want below its replication factor %d", b.Service, b.Env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"], trf)
	}
}

// checkKRaft checks the quorum: unique controller ports, voters that match
// the node ids and controller listeners, and a cluster id.
func checkKRaft(topo *topology.Topology, fail func(string, ...any)) {
	ports := map[string]string{}
	controllers := map[string]string{} // id -> service:port
	for _, b := range topo.Brokers {
		if b.Env["CLUSTER_ID"] == "" {
			fail("%s has no CLUSTER_ID", b.Service)
		}
		name := b.Env["KAFKA_CONTROLLER_LISTENER_NAMES"]
		for _, l := range topology.ParseListeners(b.Env["KAFKA_LISTENERS"]) {
			if l.Name != name {
				continue
			}
			_, port := topology.SplitHostPort(l.Addr)
			if other, dup := ports[strconv.Itoa(port)]; dup {
				fail("%s and %s share controller port %d", other, b.Service, port)
			}
			ports[strconv.Itoa(port)] = b.Service
			controllers[strconv.Itoa(int(b.ID))] = b.Service + ":" + strconv.Itoa(port)
		}
	}
	for _, b := range topo.Brokers {
		voters := map[string]string{}
		for _, v := range strings.Split(b.Env["KAFKA_CONTROLLER_QUORUM_VOTERS"], ",") {
			if id, addr, ok := strings.Cut(strings.TrimSpace(v), "@"); ok {
				voters[id] = addr
			}
		}
		if len(voters) != len(controllers) {
			fail("%s lists %d voters for %d controllers", b.Service, len(voters), len(controllers))
		}
		for id, addr := range controllers {
			if voters[id] != addr {
				fail("%s's voter %s is %q, want %s", b.Service, id, voters[id], addr)
			}
		}
	}
}
