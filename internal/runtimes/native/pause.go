package native

import (
	"context"
	"fmt"
	"syscall"

	"kafkastack/internal/cluster"
	"kafkastack/internal/proc"
)

var (
	_ cluster.Runtime       = (*Runtime)(nil)
	_ cluster.BrokerControl = (*Runtime)(nil)
	_ cluster.BrokerPauser  = (*Runtime)(nil)
	_ cluster.Services      = (*Runtime)(nil)
)

// PauseBroker freezes broker id with SIGSTOP: the JVM keeps its sockets
// and its ZooKeeper session or KRaft lease until they time out, and comes
// back with SIGCONT believing it still leads. It fails when the broker is
// not running.
func (r *Runtime) PauseBroker(ctx context.Context, id int32) error {
	return r.signalBroker(id, syscall.SIGSTOP, "pausing", "paused")
}

// ResumeBroker lets a paused broker id run again with SIGCONT. It fails
// when the broker is not running.
func (r *Runtime) ResumeBroker(ctx context.Context, id int32) error {
	return r.signalBroker(id, syscall.SIGCONT, "resuming", "resumed")
}

func (r *Runtime) signalBroker(id int32, sig syscall.Signal, verb, done string) error {
	p, err := r.broker(id)
	if err != nil {
		return err
	}
	pid, alive := proc.Alive(r.pidFile(p.service))
	if !alive {
		return fmt.Errorf("%s broker %d: %s is not running", verb, id, p.service)
	}
	if err := syscall.Kill(pid, sig); err != nil {
		return fmt.Errorf("%s broker %d (PID %d): %w", verb, id, pid, err)
	}
	r.env.Logf("%s broker %d (%s, PID %d)", done, id, p.service, pid)
	return nil
}

// KafkaLibs returns the folder of the Kafka jars the cluster runs
// (KAFKA_HOME's, or the ones fetched into .cache), fetching them first when
// needed. It fails when they cannot be had.
func (r *Runtime) KafkaLibs(ctx context.Context) (string, error) {
	j, err := Libs(ctx, r.env.Config, r.mode, r.version, r.env.Logf)
	if err != nil {
		return "", err
	}
	return j.Libs, nil
}
