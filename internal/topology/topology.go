// Package topology reads the cluster's shape from the compose file, the
// single source of the topology for every runtime: which services are
// brokers, their ids, their listeners and the host ports they publish.
package topology

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// Broker is one Kafka broker (or KRaft node) of the topology.
type Broker struct {
	// Service is the compose service name, e.g. kafka1.
	Service string
	// ID is KAFKA_BROKER_ID (ZooKeeper mode) or KAFKA_NODE_ID (KRaft).
	ID int32
	// HostPort is the published port a program on the host connects to.
	HostPort int
	// External is the advertised address for the host, e.g. 127.0.0.1:9091.
	External string
	// Internal is the advertised address inside the compose network,
	// e.g. kafka1:19091.
	Internal string
	// Env is the service's environment, with the .env file applied.
	Env map[string]string
	// Image is the pinned image.
	Image string
}

// Topology is the cluster described by one compose file.
type Topology struct {
	// File is the compose file it was read from.
	File string
	// Project is the loaded compose project.
	Project *types.Project
	// Brokers are sorted by ID.
	Brokers []Broker
}

// Load reads the compose file at path (with the .env file beside it) and
// returns its topology. It fails when the file cannot be loaded, when it holds
// no broker, or when a broker lacks an id, an external listener or a
// published port that matches it.
func Load(ctx context.Context, path string) (*Topology, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("loading topology: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("loading topology: %w", err)
	}
	opts, err := cli.NewProjectOptions([]string{abs},
		cli.WithWorkingDirectory(filepath.Dir(abs)),
		cli.WithEnvFiles(),
		cli.WithDotEnv,
		cli.WithName("kafkastack"),
		cli.WithoutEnvironmentResolution,
	)
	if err != nil {
		return nil, fmt.Errorf("loading topology %s: %w", abs, err)
	}
	proj, err := opts.LoadProject(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading topology %s: %w", abs, err)
	}
	t := &Topology{File: abs, Project: proj}
	for name, svc := range proj.Services {
		env := map[string]string{}
		for k, v := range svc.Environment {
			if v != nil {
				env[k] = *v
			}
		}
		idStr, ok := env["KAFKA_BROKER_ID"]
		if !ok {
			idStr, ok = env["KAFKA_NODE_ID"]
		}
		if !ok {
			continue
		}
		if roles, has := env["KAFKA_PROCESS_ROLES"]; has && !strings.Contains(roles, "broker") {
			continue // a controller-only KRaft node serves no clients
		}
		id, err := strconv.Atoi(idStr)
		if err != nil {
			return nil, fmt.Errorf("loading topology: service %s: id %q is not a number", name, idStr)
		}
		b := Broker{Service: name, ID: int32(id), Env: env, Image: svc.Image}
		adv := ParseListeners(env["KAFKA_ADVERTISED_LISTENERS"])
		for _, l := range adv {
			host, port := SplitHostPort(l.Addr)
			if host == name {
				b.Internal = l.Addr
				continue
			}
			for _, p := range svc.Ports {
				if p.Published == strconv.Itoa(port) {
					b.External = l.Addr
					b.HostPort = port
				}
			}
		}
		if b.External == "" {
			return nil, fmt.Errorf("loading topology: service %s advertises no listener on a published port", name)
		}
		t.Brokers = append(t.Brokers, b)
	}
	if len(t.Brokers) == 0 {
		return nil, errors.New("loading topology: the compose file names no broker (no service sets KAFKA_BROKER_ID or KAFKA_NODE_ID)")
	}
	sort.Slice(t.Brokers, func(i, j int) bool { return t.Brokers[i].ID < t.Brokers[j].ID })
	for i := 1; i < len(t.Brokers); i++ {
		if t.Brokers[i].ID == t.Brokers[i-1].ID {
			return nil, fmt.Errorf("loading topology: brokers %s and %s share id %d", t.Brokers[i-1].Service, t.Brokers[i].Service, t.Brokers[i].ID)
		}
	}
	return t, nil
}

// Bootstrap returns the external addresses of every broker, the default
// bootstrap list for programs on the host.
func (t *Topology) Bootstrap() []string {
	out := make([]string, len(t.Brokers))
	for i, b := range t.Brokers {
		out[i] = b.External
	}
	return out
}

// IDs returns the broker ids in order.
func (t *Topology) IDs() []int32 {
	out := make([]int32, len(t.Brokers))
	for i, b := range t.Brokers {
		out[i] = b.ID
	}
	return out
}

// HostPorts returns every port the topology publishes on the host, brokers
// and other services alike, sorted.
func (t *Topology) HostPorts() []int {
	var out []int
	for _, svc := range t.Project.Services {
		for _, p := range svc.Ports {
			if n, err := strconv.Atoi(p.Published); err == nil {
				out = append(out, n)
			}
		}
	}
	sort.Ints(out)
	return out
}

// DefaultConsolePort is the web console's port when the compose file
// publishes none: the tutorial's Kafdrop port.
const DefaultConsolePort = 9000

// ConsolePort is the host port of the compose file's web console, its
// kafdrop service: Kafdrop's on compose, kafkastack's own console's on the
// native and embedded runtimes.
func (t *Topology) ConsolePort() int {
	if svc, ok := t.Project.Services["kafdrop"]; ok {
		for _, p := range svc.Ports {
			if n, err := strconv.Atoi(p.Published); err == nil && n > 0 {
				return n
			}
		}
	}
	return DefaultConsolePort
}

// Broker returns the broker with the given id, or false.
func (t *Topology) Broker(id int32) (Broker, bool) {
	for _, b := range t.Brokers {
		if b.ID == id {
			return b, true
		}
	}
	return Broker{}, false
}

// Listener is one NAME://host:port entry of a listeners setting.
type Listener struct {
	Name string
	Addr string
}

// ParseListeners splits a KAFKA_LISTENERS / KAFKA_ADVERTISED_LISTENERS value.
func ParseListeners(s string) []Listener {
	var out []Listener
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, addr, ok := strings.Cut(part, "://")
		if !ok {
			continue
		}
		out = append(out, Listener{Name: name, Addr: addr})
	}
	return out
}

// SplitHostPort splits host:port; the port is 0 when missing or not a
// number.
func SplitHostPort(addr string) (string, int) {
	i := strings.LastIndex(addr, ":")
	if i < 0 {
		return addr, 0
	}
	p, _ := strconv.Atoi(addr[i+1:])
	return addr[:i], p
}

// QuorumVoters are the node ids of the KRaft controller quorum, from the
// first broker's KAFKA_CONTROLLER_QUORUM_VOTERS ("1@kafka1:29091,..."),
// sorted; nil in ZooKeeper mode or when the setting cannot be read.
func (t *Topology) QuorumVoters() []int32 {
	for _, b := range t.Brokers {
		v := strings.TrimSpace(b.Env["KAFKA_CONTROLLER_QUORUM_VOTERS"])
		if v == "" {
			continue
		}
		var ids []int32
		for _, voter := range strings.Split(v, ",") {
			id, _, ok := strings.Cut(strings.TrimSpace(voter), "@")
			n, err := strconv.ParseInt(id, 10, 32)
			if !ok || err != nil {
				return nil
			}
			ids = append(ids, int32(n))
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		return ids
	}
	return nil
}
