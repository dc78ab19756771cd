// Package cluster defines what every runtime (embedded, compose, native,
// external) provides, so that lifecycle, readiness, topics and checks are
// written once and run on all of them.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/config"
	"kafkastack/internal/topology"
)

// Env is what a runtime is built from.
type Env struct {
	Config   *config.Config
	Topology *topology.Topology
	// Out receives progress lines meant for the user.
	Out io.Writer
}

// Logf writes one progress line to Out.
func (e *Env) Logf(format string, args ...any) {
	if e.Out != nil {
		fmt.Fprintf(e.Out, format+"\n", args...)
	}
}

// Runtime runs a cluster somewhere. Up returns once the processes or
// containers are started; readiness is checked by the caller.
type Runtime interface {
	// Name is the runtime's KAFKA_RUNTIME name.
	Name() string
	// Up starts the cluster. It returns ErrAlreadyRunning when it is up.
	Up(ctx context.Context) error
	// Down stops the cluster and keeps its data. Stopping a stopped
	// cluster is not an error.
	Down(ctx context.Context) error
	// Clean stops the cluster and deletes its data, only inside the repo's
	// data folder. Cleaning twice is not an error.
	Clean(ctx context.Context) error
	// Running reports whether the cluster's processes or containers are up.
	Running(ctx context.Context) (bool, error)
	// Logs writes the runtime's logs for one service (all when empty).
	Logs(ctx context.Context, w io.Writer, service string, follow bool) error
	// Bootstrap is the seed broker list for clients on the host.
	Bootstrap() []string
	// ClientOpts are extra client options (TLS, SASL) the runtime needs.
	ClientOpts() ([]kgo.Opt, error)
}

// BrokerControl is implemented by runtimes that can stop and restart one
// broker on its own, which the failover checks need.
type BrokerControl interface {
	// KillBroker stops broker id hard (SIGKILL, docker kill, node removal).
	KillBroker(ctx context.Context, id int32) error
	// StartBroker starts broker id again and returns once it is started.
	StartBroker(ctx context.Context, id int32) error
}

// BrokerPauser is implemented by runtimes that can freeze one broker
// without stopping it (SIGSTOP, docker pause) and let it go again, which
// the pause fault needs. A frozen broker keeps its sockets open and comes
// back believing it still leads.
type BrokerPauser interface {
	// PauseBroker freezes broker id. It fails when the broker is not running.
	PauseBroker(ctx context.Context, id int32) error
	// ResumeBroker lets broker id run again.
	ResumeBroker(ctx context.Context, id int32) error
}

// BrokerIsolator is implemented by runtimes that can cut one broker off
// the network between brokers and give it back (docker network
// disconnect/connect), which the partition fault needs.
type BrokerIsolator interface {
	// IsolateBroker cuts broker id off the other brokers.
	IsolateBroker(ctx context.Context, id int32) error
	// ReconnectBroker gives broker id its network back.
	ReconnectBroker(ctx context.Context, id int32) error
}

// Simulation is implemented by runtimes whose replication is simulated
// (kfake): a stopped broker's partitions move at once and
// min.insync.replicas is not enforced, so the fault proofs report
// refusals instead of asserting them.
type Simulation interface {
	// SimulatedReplication reports whether replication is simulated.
	SimulatedReplication() bool
}

// Simulated reports whether rt's replication is simulated.
func Simulated(rt Runtime) bool {
	s, ok := rt.(Simulation)
	return ok && s.SimulatedReplication()
}

// Unmanaged is implemented by runtimes whose cluster kafkastack neither
// starts nor stops nor cleans (external): targets that would must refuse,
// and e2e keeps to topics of its own there.
type Unmanaged interface {
	// Unmanaged marks the runtime.
	Unmanaged()
}

// Managed reports whether kafkastack starts, stops and cleans rt's cluster.
func Managed(rt Runtime) bool {
	_, ok := rt.(Unmanaged)
	return !ok
}

// KafkaDistribution is implemented by runtimes that run the Apache Kafka
// jars on this machine (native), so that Kafka's own tools can run from
// the very jars, and so the version, the cluster runs.
type KafkaDistribution interface {
	// KafkaLibs returns the folder of the cluster's Kafka jars, fetching
	// them first when needed. It fails when they cannot be had.
	KafkaLibs(ctx context.Context) (string, error)
}

// ServiceState is one process or container and how it is doing.
type ServiceState struct {
	Service string `json:"service"`
	State   string `json:"state"`
	PID     int    `json:"pid,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// Services is implemented by runtimes that can list their processes or
// containers for status.
type Services interface {
	Services(ctx context.Context) ([]ServiceState, error)
}

// ErrAlreadyRunning is returned by Up when the cluster is already up.
var ErrAlreadyRunning = errors.New("already running")

// ErrNotSupported is returned by runtimes for targets they refuse, such as
// up, down and clean on the external runtime.
var ErrNotSupported = errors.New("not supported by this runtime")

// BundledUI is implemented by runtimes that bring their own web console
// (compose runs Kafdrop): up does not start kafkastack's console there,
// and says where the bundled one is.
type BundledUI interface {
	// UIURL is the bundled console's address, e.g. http://127.0.0.1:9000.
	UIURL() string
	// UIName names it, e.g. Kafdrop.
	UIName() string
}
