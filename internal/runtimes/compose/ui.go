package compose

import (
	"strconv"

	"kafkastack/internal/cluster"
)

var _ cluster.BundledUI = (*Runtime)(nil)

// UIName is Kafdrop, the compose file's web console.
func (r *Runtime) UIName() string { return "Kafdrop" }

// UIURL is where the compose file publishes Kafdrop on the host.
func (r *Runtime) UIURL() string {
	return "http://127.0.0.1:" + strconv.Itoa(r.env.Topology.ConsolePort())
}
