package compose

import (
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strings"

	"kafkastack/internal/cluster"
)

// KillBroker kills broker id's container with SIGKILL (`kill -s SIGKILL
// <service>`). A killed container stays down (Docker does not apply the
// restart policy to a container it was told to kill) until StartBroker. It
// fails for an id the topology does not have, and when docker does not
// answer.
func (r *Runtime) KillBroker(ctx context.Context, id int32) error {
	b, ok := r.env.Topology.Broker(id)
	if !ok {
		return fmt.Errorf("killing broker %d: no such broker in the topology (ids %v)", id, r.env.Topology.IDs())
	}
	if _, err := r.compose(ctx, startTimeout, nil, r.env.Config.ComposeFile(), "kill", "-s", "SIGKILL", b.Service); err != nil {
		return fmt.Errorf("killing broker %d: %w", id, err)
	}
	r.env.Logf("killed broker %d (%s)", id, b.Service)
	return nil
}

// StartBroker starts broker id's container again (`start <service>`) and
// returns once it is started; readiness is the caller's wait. It fails for
// an id the topology does not have, and when docker does not answer.
func (r *Runtime) StartBroker(ctx context.Context, id int32) error {
	b, ok := r.env.Topology.Broker(id)
	if !ok {
		return fmt.Errorf("starting broker %d: no such broker in the topology (ids %v)", id, r.env.Topology.IDs())
	}
	if _, err := r.compose(ctx, startTimeout, nil, r.env.Config.ComposeFile(), "start", b.Service); err != nil {
		return fmt.Errorf("starting broker %d: %w", id, err)
	}
	r.env.Logf("started broker %d (%s)", id, b.Service)
	return nil
}

var (
	_ cluster.BrokerControl  = (*Runtime)(nil)
	_ cluster.BrokerPauser   = (*Runtime)(nil)
	_ cluster.BrokerIsolator = (*Runtime)(nil)
)

// PauseBroker freezes broker id's container (`pause <service>`, the
// cgroup freezer: the JVM stops, its sockets stay open). It fails for an id
// the topology does not have, when the container is not running, and when
// docker does not answer.
func (r *Runtime) PauseBroker(ctx context.Context, id int32) error {
	b, ok := r.env.Topology.Broker(id)
	if !ok {
		return fmt.Errorf("pausing broker %d: no such broker in the topology (ids %v)", id, r.env.Topology.IDs())
	}
	if _, err := r.compose(ctx, startTimeout, nil, r.env.Config.ComposeFile(), "pause", b.Service); err != nil {
		return fmt.Errorf("pausing broker %d: %w", id, err)
	}
	r.env.Logf("paused broker %d (%s)", id, b.Service)
	return nil
}

// ResumeBroker lets broker id's paused container run again (`unpause
// <service>`). It fails for an id the topology does not have, when the
// container is not paused, and when docker does not answer.
func (r *Runtime) ResumeBroker(ctx context.Context, id int32) error {
	b, ok := r.env.Topology.Broker(id)
	if !ok {
		return fmt.Errorf("resuming broker %d: no such broker in the topology (ids %v)", id, r.env.Topology.IDs())
	}
	if _, err := r.compose(ctx, startTimeout, nil, r.env.Config.ComposeFile(), "unpause", b.Service); err != nil {
		return fmt.Errorf("resuming broker %d: %w", id, err)
	}
	r.env.Logf("resumed broker %d (%s)", id, b.Service)
	return nil
}

// serviceNetwork is one compose network a service is attached to: its name
// on the engine and the aliases the service has on it.
type serviceNetwork struct {
	Name    string
	Aliases []string
}

// networksOf lists the networks of service as Compose creates them: the
// file's network keys (default when none), named <project>_<key> unless
// the file names them, with the service name as an alias (how the other
// containers find it) and the aliases the file adds.
func (r *Runtime) networksOf(service string) []serviceNetwork {
	p := r.env.Topology.Project
	svc := p.Services[service]
	keys := make([]string, 0, len(svc.Networks))
	for k := range svc.Networks {
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		keys = []string{"default"}
	}
	sort.Strings(keys)
	var out []serviceNetwork
	for _, k := range keys {
		name := Project + "_" + k
		if n, ok := p.Networks[k]; ok && n.Name != "" && n.Name != p.Name+"_"+k {
			name = n.Name
		}
		sn := serviceNetwork{Name: name, Aliases: []string{service}}
		if cfg := svc.Networks[k]; cfg != nil {
			sn.Aliases = append(sn.Aliases, cfg.Aliases...)
		}
		out = append(out, sn)
	}
	return out
}

// brokerContainer is the name of broker id's running container, with the
// broker's service name. It fails for an id the topology does not have and
// when the container is not running.
func (r *Runtime) brokerContainer(ctx context.Context, id int32) (string, string, error) {
	b, ok := r.env.Topology.Broker(id)
	if !ok {
		return "", "", fmt.Errorf("no such broker in the topology (ids %v)", r.env.Topology.IDs())
	}
	cs, err := r.containers(ctx)
	if err != nil {
		return "", "", err
	}
	for _, c := range cs {
		if c.Service == b.Service && r.ours(c) {
			if c.State != "running" {
				return "", "", fmt.Errorf("its container %s is %s, not running", c.Name, c.State)
			}
			return c.Name, b.Service, nil
		}
	}
	return "", "", fmt.Errorf("it has no container (is the cluster up?)")
}

// IsolateBroker cuts broker id's container off the compose network (`docker
// network disconnect`): the other brokers, Kafdrop and the host's clients
// can no longer reach it, and it reaches none of them. It fails for an id
// the topology does not have, when the container is not running, and when
// docker does not answer.
func (r *Runtime) IsolateBroker(ctx context.Context, id int32) error {
	docker, err := exec.LookPath("docker")
	if err != nil {
		return errNoDocker
	}
	name, service, err := r.brokerContainer(ctx, id)
	if err != nil {
		return fmt.Errorf("isolating broker %d: %w", id, err)
	}
	for _, n := range r.networksOf(service) {
		if _, err := output(ctx, startTimeout, docker, "network", "disconnect", n.Name, name); err != nil {
			return fmt.Errorf("isolating broker %d: %w", id, engineGone(err))
		}
	}
	r.env.Logf("isolated broker %d (%s) from the compose network", id, service)
	return nil
}

// ReconnectBroker attaches broker id's container to its compose networks
// again (`docker network connect` with the service's aliases, so that the
// other containers find it by name again). A container already attached is
// not an error. It fails for an id the topology does not have, when the
// container is not running, and when docker does not answer.
func (r *Runtime) ReconnectBroker(ctx context.Context, id int32) error {
	docker, err := exec.LookPath("docker")
	if err != nil {
		return errNoDocker
	}
	name, service, err := r.brokerContainer(ctx, id)
	if err != nil {
		return fmt.Errorf("reconnecting broker %d: %w", id, err)
	}
	for _, n := range r.networksOf(service) {
		args := []string{"network", "connect"}
		for _, a := range n.Aliases {
			args = append(args, "--alias", a)
		}
		args = append(args, n.Name, name)
		if _, err := output(ctx, startTimeout, docker, args...); err != nil {
			if strings.Contains(err.Error(), "already exists in network") {
				continue
			}
			return fmt.Errorf("reconnecting broker %d: %w", id, engineGone(err))
		}
	}
	r.env.Logf("reconnected broker %d (%s) to the compose network", id, service)
	return nil
}
