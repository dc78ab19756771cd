// Package external is the external runtime: any Kafka cluster that is
// already running somewhere (KAFKA_BROKERS), reached over TLS and SASL as
// configured by the KAFKA_TLS_* and KAFKA_SASL_* variables or a
// client.properties file. It never starts, stops or deletes anything: up,
// down, clean and logs are refused.
package external

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/config"
)

// Runtime reaches an existing cluster.
type Runtime struct {
	env     *cluster.Env
	ext     config.External
	brokers []string
}

// New returns the external runtime for env. It fails when no broker is
// given (neither KAFKA_BROKERS nor bootstrap.servers in the
// KAFKA_CLIENT_PROPERTIES file) and when the TLS files cannot be used.
func New(env *cluster.Env) (*Runtime, error) {
	if env == nil || env.Config == nil {
		return nil, errors.New("the external runtime needs a configuration")
	}
	cfg := env.Config
	r := &Runtime{env: env, ext: cfg.External}
	switch {
	case cfg.BrokersSet && len(cfg.Brokers) > 0:
		r.brokers = cfg.Brokers
	case len(cfg.External.Brokers) > 0:
		r.brokers = cfg.External.Brokers
	default:
		return nil, errors.New("the external runtime needs KAFKA_BROKERS (or bootstrap.servers in the KAFKA_CLIENT_PROPERTIES file): point it at a running cluster")
	}
	// Fail now, with the variable's name, rather than at the first dial.
	if _, err := r.ClientOpts(); err != nil {
		return nil, err
	}
	return r, nil
}

// Name is "external".
func (r *Runtime) Name() string { return string(config.RuntimeExternal) }

// Unmanaged marks the external cluster as one kafkastack does not start,
// stop or clean.
func (r *Runtime) Unmanaged() {}

var (
	_ cluster.Runtime   = (*Runtime)(nil)
	_ cluster.Unmanaged = (*Runtime)(nil)
	_ cluster.Services  = (*Runtime)(nil)
)

// Settings returns the connection settings in use; printing them never
// shows the password.
func (r *Runtime) Settings() config.External { return r.ext }

// Bootstrap is KAFKA_BROKERS, or bootstrap.servers from the properties
// file.
func (r *Runtime) Bootstrap() []string { return append([]string(nil), r.brokers...) }

// ClientOpts returns the TLS and SASL options the cluster needs (the seed
// brokers are the caller's). It fails, naming the variable, when the CA,
// the client certificate or its key cannot be read; the error never shows
// the password.
func (r *Runtime) ClientOpts() ([]kgo.Opt, error) {
	opts, err := ClientOpts(r.ext)
	if err != nil {
		return nil, r.scrub(err)
	}
	return opts, nil
}

// refusedError says why the external runtime refuses a target; it wraps
// cluster.ErrNotSupported.
type refusedError struct{ msg string }

func (e *refusedError) Error() string { return e.msg }
func (e *refusedError) Unwrap() error { return cluster.ErrNotSupported }

var errManaged = &refusedError{"the external runtime does not manage the cluster: up/down/clean are refused; point KAFKA_BROKERS at a running cluster"}

// Up refuses: the cluster is not this runtime's to start. The error wraps
// cluster.ErrNotSupported.
func (r *Runtime) Up(context.Context) error { return errManaged }

// Down refuses: the cluster is not this runtime's to stop. The error wraps
// cluster.ErrNotSupported.
func (r *Runtime) Down(context.Context) error { return errManaged }

// Clean refuses: the cluster's data is not this runtime's to delete. The
// error wraps cluster.ErrNotSupported.
func (r *Runtime) Clean(context.Context) error { return errManaged }

// Logs refuses: an external cluster's logs are on its own hosts. The error
// wraps cluster.ErrNotSupported.
func (r *Runtime) Logs(context.Context, io.Writer, string, bool) error {
	return &refusedError{"the external runtime has no logs to show: read them where the cluster runs"}
}

// Running reports whether a broker answers a metadata request over the
// configured TLS and SASL. It returns false and no error when no broker
// can be reached, and false with a one-line *ProbeError when a broker
// answers but refuses the connection (TLS or SASL do not match).
func (r *Runtime) Running(ctx context.Context) (bool, error) {
	err := r.Diagnose(ctx)
	if err == nil {
		return true, nil
	}
	var pe *ProbeError
	if errors.As(err, &pe) && (pe.Kind == KindUnreachable || pe.Kind == KindTimeout) {
		return false, nil
	}
	return false, err
}

// Diagnose connects to the bootstrap brokers one at a time, step by step
// (TCP, TLS, ApiVersions, SASL, Metadata), each bounded by ctx and at most
// ProbeTimeout, and returns nil as soon as one answers a metadata request.
// Otherwise it returns the most telling *ProbeError: one line saying what
// is wrong and which setting to change, e.g. "SASL authentication failed
// for user alice (SCRAM-SHA-256): check KAFKA_SASL_USERNAME and
// KAFKA_SASL_PASSWORD". It is what to call when a wait times out.
func (r *Runtime) Diagnose(ctx context.Context) error {
	var best *ProbeError
	failed := 0
	for _, b := range r.brokers {
		err := Probe(ctx, b, r.ext)
		if err == nil {
			return nil
		}
		failed++
		pe := asProbeError(b, err)
		if best == nil || (isReachKind(best.Kind) && !isReachKind(pe.Kind)) {
			best = pe
		}
		if ctx.Err() != nil {
			break
		}
	}
	if best == nil {
		return nil
	}
	if failed > 1 && isReachKind(best.Kind) {
		return &ProbeError{Broker: best.Broker, Kind: best.Kind, Err: best.Err,
			Msg: fmt.Sprintf("%s (and %d more bootstrap brokers failed)", best.Msg, failed-1)}
	}
	return best
}

// Services lists each bootstrap broker with "running" when it answers,
// "unreachable" when it cannot be reached and "refused" when TLS or SASL
// do not match, and the reason in Detail. The brokers are probed at the
// same time, each within ProbeTimeout. It does not fail.
func (r *Runtime) Services(ctx context.Context) ([]cluster.ServiceState, error) {
	out := make([]cluster.ServiceState, len(r.brokers))
	var wg sync.WaitGroup
	for i, b := range r.brokers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := cluster.ServiceState{Service: b, State: "running", Detail: r.describeAuth()}
			if err := Probe(ctx, b, r.ext); err != nil {
				pe := asProbeError(b, err)
				st.State = "refused"
				if isReachKind(pe.Kind) {
					st.State = "unreachable"
				}
				st.Detail = pe.Msg
			}
			out[i] = st
		}()
	}
	wg.Wait()
	return out, nil
}

func (r *Runtime) describeAuth() string {
	var parts []string
	if r.ext.TLS {
		parts = append(parts, "TLS")
	} else {
		parts = append(parts, "plaintext")
	}
	if r.ext.SASL() {
		parts = append(parts, fmt.Sprintf("SASL %s as %s", r.ext.SASLMechanism, r.ext.SASLUsername))
	}
	return strings.Join(parts, ", ")
}

// scrub redacts the password from err's text, keeping err to unwrap.
func (r *Runtime) scrub(err error) error { return RedactError(err, r.ext.SASLPassword.Reveal()) }

func isReachKind(k Kind) bool { return k == KindUnreachable || k == KindTimeout }
