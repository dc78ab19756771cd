package native

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"kafkastack/internal/topology"
)

// imageOnly are KAFKA_* variables the container images use for the JVM or
// the image itself, not broker settings.
var imageOnly = map[string]bool{
	"KAFKA_OPTS": true, "KAFKA_HEAP_OPTS": true, "KAFKA_JVM_PERFORMANCE_OPTS": true,
	"KAFKA_VERSION": true, "KAFKA_LOG4J_OPTS": true, "KAFKA_GC_LOG_OPTS": true,
}

// hostKeys are the settings whose values name hosts; container host names
// in them become 127.0.0.1.
var hostKeys = map[string]bool{
	"listeners": true, "advertised.listeners": true, "zookeeper.connect": true,
	"controller.quorum.voters": true, "controller.quorum.bootstrap.servers": true,
}

// PropertyName turns an image environment variable into a Kafka setting by
// the Confluent and Apache images' convention: drop the KAFKA_ prefix,
// lower-case, "___" becomes "-", "__" becomes "_" and "_" becomes ".".
func PropertyName(env string) string {
	s := strings.ToLower(strings.TrimPrefix(env, "KAFKA_"))
	s = strings.ReplaceAll(s, "___", "\x00")
	s = strings.ReplaceAll(s, "__", "\x01")
	s = strings.ReplaceAll(s, "_", ".")
	s = strings.ReplaceAll(s, "\x00", "-")
	return strings.ReplaceAll(s, "\x01", "_")
}

// localHosts rewrites every service name and 0.0.0.0 used as a host in v
// to 127.0.0.1.
func localHosts(v string, services []string) string {
	v = strings.ReplaceAll(v, "0.0.0.0:", "127.0.0.1:")
	for _, s := range services {
		for _, sep := range []string{"//", "@", ",", ""} {
			if sep == "" {
				if strings.HasPrefix(v, s+":") {
					v = "127.0.0.1:" + strings.TrimPrefix(v, s+":")
				}
				continue
			}
			v = strings.ReplaceAll(v, sep+s+":", sep+"127.0.0.1:")
		}
	}
	return v
}

// BrokerProperties translates one broker's compose environment into its
// server.properties: container host names become 127.0.0.1 and its log
// directory becomes dataDir. It fails when the broker has no id.
func BrokerProperties(b topology.Broker, services []string, dataDir string) (map[string]string, error) {
	props := map[string]string{}
	for k, v := range b.Env {
		if !strings.HasPrefix(k, "KAFKA_") || imageOnly[k] || strings.HasPrefix(k, "KAFKA_JMX_") {
			continue
		}
		name := PropertyName(k)
		if hostKeys[name] {
			v = localHosts(v, services)
		}
		props[name] = v
	}
	if props["broker.id"] == "" && props["node.id"] == "" {
		return nil, fmt.Errorf("broker %s has no KAFKA_BROKER_ID or KAFKA_NODE_ID", b.Service)
	}
	props["log.dirs"] = dataDir
	return props, nil
}

// ZooKeeperProperties translates the zookeeper service's environment
// (ZOOKEEPER_CLIENT_PORT becomes clientPort, and so on) into
// zookeeper.properties, with its data in dataDir.
func ZooKeeperProperties(env map[string]string, dataDir string) map[string]string {
	props := map[string]string{}
	for k, v := range env {
		if !strings.HasPrefix(k, "ZOOKEEPER_") {
			continue
		}
		parts := strings.Split(strings.ToLower(strings.TrimPrefix(k, "ZOOKEEPER_")), "_")
		for i := 1; i < len(parts); i++ {
			if parts[i] != "" {
				parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
			}
		}
		props[strings.Join(parts, "")] = v
	}
	props["dataDir"] = filepath.Join(dataDir, "data")
	props["dataLogDir"] = filepath.Join(dataDir, "log")
	if props["clientPort"] == "" {
		props["clientPort"] = "2181"
	}
	props["clientPortAddress"] = "127.0.0.1"
	props["admin.enableServer"] = "false"
	props["4lw.commands.whitelist"] = "ruok,srvr," + zkDumpCommand
	return props
}

// renderProperties writes props sorted by key, one key=value a line.
func renderProperties(props map[string]string) string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("# Written by kafkastack's native runtime from the compose file; rewritten on every up.\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", k, props[k])
	}
	return b.String()
}

// listenerPorts returns the ports of a listeners value
// (NAME://host:port,...).
func listenerPorts(v string) []int {
	var out []int
	for _, l := range topology.ParseListeners(v) {
		i := strings.LastIndex(l.Addr, ":")
		var p int
		if _, err := fmt.Sscanf(l.Addr[i+1:], "%d", &p); err == nil && p > 0 {
			out = append(out, p)
		}
	}
	return out
}
