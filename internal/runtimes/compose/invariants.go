package compose

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"kafkastack/internal/topology"
)

// CheckFile loads a compose file (with the .env beside it) the way the
// runtimes do and returns every way it breaks the topology's invariants:
//
//   - three brokers with unique ids, all on one pinned image;
//   - per broker, a protocol for every listener, the inter-broker listener
//     advertised on the service name, advertised ports equal to listening
//     ports, the external listener advertised as 127.0.0.1:<published port>
//     and published from that same port in the container, internal
//     listeners on the service name with ports unique across brokers, and a
//     healthcheck that asks the broker's own internal listener;
//   - replication settings the brokers can meet, min ISRs below their
//     replication factors;
//   - ZooKeeper mode: brokers connect to the zookeeper service's client
//     port and wait for it healthy; KRaft: combined roles, one cluster id,
//     unique and unpublished controller ports, voters matching node ids;
//   - Kafdrop pointed at exactly the internal listeners, waiting for every
//     broker healthy;
//   - every image pinned to an exact version, every service with a
//     healthcheck, every depends_on waiting for service_healthy, every port
//     published on 127.0.0.1, data in named volumes that no two services
//     share, and no top-level name (docker-compose v1 rejects it).
//
// It returns one error when the file does not load.
func CheckFile(ctx context.Context, path string) []error {
	topo, err := topology.Load(ctx, path)
	if err != nil {
		return []error{err}
	}
	c := &checker{topo: topo}
	if raw, err := os.ReadFile(path); err == nil && topLevelName.Match(raw) {
		c.fail("the file sets a top-level name, which docker-compose v1 rejects; the runtime passes -p %s", Project)
	}
	c.brokers()
	c.services()
	c.kafdrop()
	if c.kraft {
		c.checkKRaft()
	} else {
		c.zookeeper()
	}
	return c.errs
}

var topLevelName = regexp.MustCompile(`(?m)^name\s*:`)

type checker struct {
	topo  *topology.Topology
	errs  []error
	kraft bool
	// internals are the brokers' internal advertised addresses, in id order.
	internals []string
}

func (c *checker) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf(format, args...))
}

// protocolMap reads KAFKA_LISTENER_SECURITY_PROTOCOL_MAP.
func protocolMap(v string) map[string]string {
	m := map[string]string{}
	for _, kv := range strings.Split(v, ",") {
		if k, p, ok := strings.Cut(strings.TrimSpace(kv), ":"); ok {
			m[k] = p
		}
	}
	return m
}

func (c *checker) brokers() {
	n := len(c.topo.Brokers)
	if n != 3 {
		c.fail("%d brokers, want 3", n)
	}
	internalPorts := map[int]string{}
	images := map[string]bool{}
	for _, b := range c.topo.Brokers {
		svc := c.topo.Project.Services[b.Service]
		images[b.Image] = true
		if b.Env["KAFKA_PROCESS_ROLES"] != "" {
			c.kraft = true
		}
		listen, internalName, externalName := c.listeners(b)
		c.external(b, svc, listen, externalName)
		c.internal(b, svc, internalName, internalPorts)
		logDir := b.Env["KAFKA_LOG_DIRS"]
		if logDir == "" {
			c.fail("%s does not set KAFKA_LOG_DIRS", b.Service)
		} else if !mountsNamedVolume(svc, logDir) {
			c.fail("%s keeps its data (%s) outside a named volume", b.Service, logDir)
		}
		c.replication(b, n)
	}
	if len(images) > 1 {
		c.fail("the brokers run on different images")
	}
}

// listeners checks that b has a protocol for every listener and
// advertises only listeners it listens on, on the same ports. It returns
// the listening port of each listener, and the names of the listeners
// advertised on the service name (internal) and on b.External.
func (c *checker) listeners(b topology.Broker) (listen map[string]int, internalName, externalName string) {
	protocols := protocolMap(b.Env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"])
	listen = map[string]int{}
	for _, l := range topology.ParseListeners(b.Env["KAFKA_LISTENERS"]) {
		_, port := topology.SplitHostPort(l.Addr)
		listen[l.Name] = port
		if protocols[l.Name] == "" {
			c.fail("%s's listener %s has no protocol in KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", b.Service, l.Name)
		}
	}
	for _, l := range topology.ParseListeners(b.Env["KAFKA_ADVERTISED_LISTENERS"]) {
		host, port := topology.SplitHostPort(l.Addr)
		if lp, ok := listen[l.Name]; !ok {
			c.fail("%s advertises listener %s that it does not listen on", b.Service, l.Name)
		} else if lp != port {
			c.fail("%s advertises %s on port %d but listens on %d", b.Service, l.Name, port, lp)
		}
		if host == b.Service {
			internalName = l.Name
		}
		if l.Addr == b.External {
			externalName = l.Name
		}
	}
	return listen, internalName, externalName
}

// external checks that b's external listener is advertised on 127.0.0.1
// at the host port it publishes, from the port that listener listens on.
func (c *checker) external(b topology.Broker, svc types.ServiceConfig, listen map[string]int, externalName string) {
	host, port := topology.SplitHostPort(b.External)
	if host != "127.0.0.1" {
		c.fail("%s advertises its external listener on %s, want 127.0.0.1", b.Service, host)
	}
	if port != b.HostPort {
		c.fail("%s advertises port %d but publishes %d", b.Service, port, b.HostPort)
	}
	for _, p := range svc.Ports {
		if p.Published == strconv.Itoa(b.HostPort) && int(p.Target) != listen[externalName] {
			c.fail("%s publishes host port %s to container port %d, but its %s listener listens on %d", b.Service, p.Published, p.Target, externalName, listen[externalName])
		}
	}
}

// internal checks b's internal listener: advertised on its service name,
// on a port no other broker uses (internalPorts maps the ports seen so far
// to their broker), the inter-broker listener, and asked by the
// healthcheck.
func (c *checker) internal(b topology.Broker, svc types.ServiceConfig, internalName string, internalPorts map[int]string) {
	if b.Internal == "" {
		c.fail("%s has no internal listener advertised on its service name", b.Service)
		return
	}
	_, ip := topology.SplitHostPort(b.Internal)
	if other, dup := internalPorts[ip]; dup {
		c.fail("%s and %s share internal port %d", other, b.Service, ip)
	}
	internalPorts[ip] = b.Service
	c.internals = append(c.internals, b.Internal)
	if ib := b.Env["KAFKA_INTER_BROKER_LISTENER_NAME"]; ib != internalName {
		c.fail("%s's KAFKA_INTER_BROKER_LISTENER_NAME is %q, want its internal listener %s", b.Service, ib, internalName)
	}
	if hc := svc.HealthCheck; hc != nil && !strings.Contains(strings.Join(hc.Test, " "), b.Internal) {
		c.fail("%s's healthcheck does not ask its internal listener %s", b.Service, b.Internal)
	}
}

// mountsNamedVolume reports whether svc mounts a named volume at dir.
func mountsNamedVolume(svc types.ServiceConfig, dir string) bool {
	for _, v := range svc.Volumes {
		if v.Type == types.VolumeTypeVolume && v.Source != "" && v.Target == dir {
			return true
		}
	}
	return false
}

func (c *checker) services() {
	volumeOwner := map[string]string{}
	names := make([]string, 0, len(c.topo.Project.Services))
	for name := range c.topo.Project.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		svc := c.topo.Project.Services[name]
		if msg := imageProblem(svc.Image); msg != "" {
			c.fail("service %s: %s", name, msg)
		}
		if svc.HealthCheck == nil || len(svc.HealthCheck.Test) == 0 || svc.HealthCheck.Disable {
			c.fail("service %s has no healthcheck", name)
		}
		for _, p := range svc.Ports {
			if p.HostIP != "127.0.0.1" {
				c.fail("service %s publishes port %s on %q, want 127.0.0.1", name, p.Published, p.HostIP)
			}
		}
		for dep, d := range svc.DependsOn {
			if d.Condition != types.ServiceConditionHealthy {
				c.fail("service %s depends on %s with condition %q, want service_healthy", name, dep, d.Condition)
			}
		}
		for _, v := range svc.Volumes {
			if v.Type != types.VolumeTypeVolume || v.Source == "" {
				c.fail("service %s mounts %s from %q, want a named volume", name, v.Target, v.Source)
				continue
			}
			if other, dup := volumeOwner[v.Source]; dup {
				c.fail("services %s and %s share volume %s", other, name, v.Source)
			}
			volumeOwner[v.Source] = name
		}
	}
}

// imageProblem says why an image is not pinned to an exact version, or "".
func imageProblem(img string) string {
	i := strings.LastIndex(img, ":")
	if img == "" || i < 0 || strings.Contains(img[i:], "/") {
		return fmt.Sprintf("image %q has no tag; pin an exact version", img)
	}
	tag := img[i+1:]
	if _, _, _, ok := parseVersion(tag); !ok || tag == "latest" || strings.Count(tag, ".") < 2 {
		return fmt.Sprintf("image %q is not pinned to an exact version", img)
	}
	return ""
}

// replication fails replication settings above the broker count, and min
// ISRs that leave no room for a broker to fail.
func (c *checker) replication(b topology.Broker, n int) {
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
			c.fail("%s does not set %s", b.Service, k)
		} else if v > n || v < 1 {
			c.fail("%s sets %s=%d with %d brokers", b.Service, k, v, n)
		}
	}
	for _, pair := range [][2]string{
		{"KAFKA_MIN_INSYNC_REPLICAS", "KAFKA_DEFAULT_REPLICATION_FACTOR"},
		{"KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"},
	} {
		rf, _ := num(pair[1])
		if v, ok := num(pair[0]); !ok || v < 1 || rf > 1 && v >= rf {
			c.fail("%s sets %s=%q, want at least 1 and below %s=%d", b.Service, pair[0], b.Env[pair[0]], pair[1], rf)
		}
	}
}

func (c *checker) zookeeper() {
	zk, ok := c.topo.Project.Services["zookeeper"]
	if !ok {
		c.fail("no zookeeper service (and no KAFKA_PROCESS_ROLES for KRaft)")
		return
	}
	port := "2181"
	if v := zk.Environment["ZOOKEEPER_CLIENT_PORT"]; v != nil {
		port = *v
	}
	for _, b := range c.topo.Brokers {
		if got := b.Env["KAFKA_ZOOKEEPER_CONNECT"]; got != "zookeeper:"+port {
			c.fail("%s's KAFKA_ZOOKEEPER_CONNECT is %q, want zookeeper:%s", b.Service, got, port)
		}
		if d, ok := c.topo.Project.Services[b.Service].DependsOn["zookeeper"]; !ok || d.Condition != types.ServiceConditionHealthy {
			c.fail("%s does not wait for a healthy zookeeper", b.Service)
		}
	}
}

func (c *checker) kafdrop() {
	kd, ok := c.topo.Project.Services["kafdrop"]
	if !ok {
		c.fail("no kafdrop service")
		return
	}
	got := ""
	if v := kd.Environment["KAFKA_BROKERCONNECT"]; v != nil {
		got = *v
	}
	have := strings.Split(got, ",")
	want := append([]string(nil), c.internals...)
	sort.Strings(have)
	sort.Strings(want)
	if strings.Join(have, ",") != strings.Join(want, ",") {
		c.fail("kafdrop's KAFKA_BROKERCONNECT is %q, want exactly the internal listeners %s", got, strings.Join(c.internals, ","))
	}
	for _, b := range c.topo.Brokers {
		if d, ok := kd.DependsOn[b.Service]; !ok || d.Condition != types.ServiceConditionHealthy {
			c.fail("kafdrop does not wait for a healthy %s", b.Service)
		}
	}
}

// checkKRaft checks the quorum: combined roles, one cluster id, unique and
// unpublished controller ports, and voters that match the node ids and
// controller listeners.
func (c *checker) checkKRaft() {
	ports := map[int]string{}
	controllers := map[string]string{} // id -> service:port
	clusterIDs := map[string]bool{}
	for _, b := range c.topo.Brokers {
		roles := b.Env["KAFKA_PROCESS_ROLES"]
		if !strings.Contains(roles, "broker") || !strings.Contains(roles, "controller") {
			c.fail("%s has KAFKA_PROCESS_ROLES=%q, want broker,controller", b.Service, roles)
		}
		if b.Env["CLUSTER_ID"] == "" {
			c.fail("%s has no CLUSTER_ID", b.Service)
		}
		clusterIDs[b.Env["CLUSTER_ID"]] = true
		name := b.Env["KAFKA_CONTROLLER_LISTENER_NAMES"]
		if name == "" {
			c.fail("%s has no KAFKA_CONTROLLER_LISTENER_NAMES", b.Service)
		}
		for _, l := range topology.ParseListeners(b.Env["KAFKA_LISTENERS"]) {
			if l.Name != name {
				continue
			}
			_, port := topology.SplitHostPort(l.Addr)
			if other, dup := ports[port]; dup {
				c.fail("%s and %s share controller port %d", other, b.Service, port)
			}
			ports[port] = b.Service
			controllers[strconv.Itoa(int(b.ID))] = b.Service + ":" + strconv.Itoa(port)
			for _, p := range c.topo.Project.Services[b.Service].Ports {
				if int(p.Target) == port {
					c.fail("%s publishes its controller port %d", b.Service, port)
				}
			}
		}
	}
	if len(clusterIDs) > 1 {
		c.fail("the nodes have different CLUSTER_IDs")
	}
	for _, b := range c.topo.Brokers {
		voters := map[string]string{}
		for _, v := range strings.Split(b.Env["KAFKA_CONTROLLER_QUORUM_VOTERS"], ",") {
			if id, addr, ok := strings.Cut(strings.TrimSpace(v), "@"); ok {
				voters[id] = addr
			}
		}
		if len(voters) != len(controllers) {
			c.fail("%s lists %d voters for %d controllers", b.Service, len(voters), len(controllers))
		}
		for id, addr := range controllers {
			if voters[id] != addr {
				c.fail("%s's voter %s is %q, want %s", b.Service, id, voters[id], addr)
			}
		}
	}
}

// CheckModes checks that the ZooKeeper and KRaft files describe the same
// cluster from the outside, so that switching KAFKA_MODE changes nothing a
// client sees: the same broker ids, host ports and internal listeners, the
// same Kafdrop image and port; and that their named volumes differ, so that
// a KRaft node never starts on a ZooKeeper broker's data. It returns one
// error when a file does not load.
func CheckModes(ctx context.Context, zkPath, kraftPath string) []error {
	zk, err := topology.Load(ctx, zkPath)
	if err != nil {
		return []error{err}
	}
	kr, err := topology.Load(ctx, kraftPath)
	if err != nil {
		return []error{err}
	}
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	shape := func(t *topology.Topology) string {
		var parts []string
		for _, b := range t.Brokers {
			parts = append(parts, fmt.Sprintf("%d=%s/%s/%s", b.ID, b.Service, b.External, b.Internal))
		}
		return strings.Join(parts, " ")
	}
	if a, b := shape(zk), shape(kr); a != b {
		fail("the brokers differ between modes: zk %s, kraft %s", a, b)
	}
	kz, kk := zk.Project.Services["kafdrop"], kr.Project.Services["kafdrop"]
	if kz.Image != kk.Image {
		fail("kafdrop runs %s in zk mode but %s in kraft mode", kz.Image, kk.Image)
	}
	portsOf := func(s types.ServiceConfig) string {
		var out []string
		for _, p := range s.Ports {
			out = append(out, p.HostIP+":"+p.Published)
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	if portsOf(kz) != portsOf(kk) {
		fail("kafdrop publishes %s in zk mode but %s in kraft mode", portsOf(kz), portsOf(kk))
	}
	for name := range zk.Project.Volumes {
		if _, dup := kr.Project.Volumes[name]; dup {
			fail("volume %s is in both modes' files", name)
		}
	}
	return errs
}
