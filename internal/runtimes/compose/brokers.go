package compose

import (
	"context"
	"fmt"
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
