package compose

import "kafkastack/internal/cluster"

var _ cluster.BundledUI = (*Runtime)(nil)

// UIName is Kafdrop, the compose file's web console.
func (r *Runtime) UIName() string { return "Kafdrop" }

// UIURL is where the compose file publishes Kafdrop on the host.
func (r *Runtime) UIURL() string {
	port := "9000"
	if kd, ok := r.env.Topology.Project.Services["kafdrop"]; ok && len(kd.Ports) > 0 && kd.Ports[0].Published != "" {
		port = kd.Ports[0].Published
	}
	return "http://127.0.0.1:" + port
}
