package external

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kbin"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"kafkastack/internal/config"
)

// ProbeTimeout bounds one Probe (ctx may end it sooner).
const ProbeTimeout = 5 * time.Second

// HandshakeTimeout bounds the TLS handshake within a probe: a TLS listener
// answers a ClientHello at once, while a plaintext one may wait for the
// rest of what it takes for a huge Kafka request.
const HandshakeTimeout = 3 * time.Second

// Kind is what stopped a probe.
type Kind string

// The kinds of probe failure.
const (
	// KindUnreachable: nothing accepts a TCP connection (or the name does
	// not resolve).
	KindUnreachable Kind = "unreachable"
	// KindTimeout: a step got no answer in time.
	KindTimeout Kind = "timeout"
	// KindTLSUntrusted: the broker's certificate is not signed by a
	// trusted CA.
	KindTLSUntrusted Kind = "tls-untrusted"
	// KindTLSName: the certificate does not name the host dialed.
	KindTLSName Kind = "tls-name"
	// KindTLSCertificate: the certificate is expired or otherwise invalid.
	KindTLSCertificate Kind = "tls-certificate"
	// KindTLSClientCert: the broker refused our client certificate or
	// wants one.
	KindTLSClientCert Kind = "tls-client-cert"
	// KindTLSNotSpoken: we speak TLS and the broker does not (it closed
	// the connection or did not answer the handshake).
	KindTLSNotSpoken Kind = "tls-not-spoken"
	// KindTLSRequired: the broker speaks TLS and we do not.
	KindTLSRequired Kind = "tls-required"
	// KindTLS: another TLS handshake failure.
	KindTLS Kind = "tls"
	// KindSASLAuth: the broker rejected the user name or password.
	KindSASLAuth Kind = "sasl-auth"
	// KindSASLMechanism: the broker does not enable our mechanism.
	KindSASLMechanism Kind = "sasl-mechanism"
	// KindSASLRequired: the broker wants SASL and we sent none.
	KindSASLRequired Kind = "sasl-required"
	// KindSASLNotEnabled: we sent SASL to a listener without it.
	KindSASLNotEnabled Kind = "sasl-not-enabled"
	// KindProtocol: the broker answered something unexpected.
	KindProtocol Kind = "protocol"
)

// ProbeError is why one broker could not be used: its Error is one line,
// "<broker>: <what is wrong and what to change>", and never holds the
// password. It unwraps to the underlying network, TLS or Kafka error.
type ProbeError struct {
	Broker string
	Kind   Kind
	// Msg is the explanation without the broker's address.
	Msg string
	Err error
}

// Error is "<broker>: <Msg>".
func (e *ProbeError) Error() string {
	if e.Broker == "" {
		return e.Msg
	}
	return e.Broker + ": " + e.Msg
}

// Unwrap returns the underlying error.
func (e *ProbeError) Unwrap() error { return e.Err }

func asProbeError(broker string, err error) *ProbeError {
	var pe *ProbeError
	if errors.As(err, &pe) {
		return pe
	}
	return &ProbeError{Broker: broker, Kind: KindProtocol, Msg: err.Error(), Err: err}
}

// Probe connects to one broker the way a client would (TCP, TLS,
// ApiVersions, SASL handshake and authentication, Metadata), each step
// bounded by ctx and ProbeTimeout, and returns nil when the broker answers
// the metadata request. Otherwise it returns a *ProbeError naming the step
// that failed and the setting to change; its text never shows the
// password.
func Probe(ctx context.Context, broker string, ext config.External) error {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	p := &prober{broker: broker, ext: ext}
	err := p.run(ctx)
	if err == nil {
		return nil
	}
	pe := asProbeError(broker, err)
	pe.Msg = Redact(pe.Msg, ext.SASLPassword.Reveal())
	if pe.Err != nil {
		pe.Err = RedactError(pe.Err, ext.SASLPassword.Reveal())
	}
	return pe
}

type prober struct {
	broker   string
	ext      config.External
	conn     net.Conn
	corr     int32
	fmtr     *kmsg.RequestFormatter
	versions map[int16][2]int16
	// step names what was being done, for timeouts.
	step string
}

func (p *prober) fail(kind Kind, err error, format string, args ...any) error {
	return &ProbeError{Broker: p.broker, Kind: kind, Msg: fmt.Sprintf(format, args...), Err: err}
}

func (p *prober) run(ctx context.Context) error {
	p.fmtr = kmsg.NewRequestFormatter(kmsg.FormatterClientID("kafkastack-probe"))
	host, _, err := net.SplitHostPort(p.broker)
	if err != nil {
		return p.fail(KindUnreachable, err, "%q is not host:port: check KAFKA_BROKERS", p.broker)
	}

	p.step = "connecting"
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", p.broker)
	if err != nil {
		return p.dialError(ctx, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	p.conn = conn

	if p.ext.TLS {
		p.step = "the TLS handshake"
		cfg, err := TLSConfig(p.ext)
		if err != nil {
			return p.fail(KindTLS, err, "%v", err)
		}
		if cfg.ServerName == "" {
			cfg.ServerName = host
		}
		tc := tls.Client(conn, cfg)
		hctx, hcancel := context.WithTimeout(ctx, HandshakeTimeout)
		err = tc.HandshakeContext(hctx)
		hcancel()
		if err != nil {
			return p.tlsError(ctx, hctx, err, cfg.ServerName)
		}
		p.conn = tc
	}

	p.step = "an ApiVersions request"
	av := kmsg.NewPtrApiVersionsRequest()
	av.Version = 2
	raw, err := p.roundTrip(ctx, av)
	if err != nil {
		if !p.ext.TLS && (errors.Is(err, errTLSRecord) || isClosed(err)) {
			return p.fail(KindTLSRequired, err, "the broker expects TLS (or speaks TLS and we did not): set KAFKA_TLS=on and KAFKA_TLS_CA_FILE to the CA that signed its certificate")
		}
		return p.ioError(ctx, err)
	}
	avr := raw.(*kmsg.ApiVersionsResponse)
	if e := kerr.ErrorForCode(avr.ErrorCode); e != nil {
		return p.fail(KindProtocol, e, "the broker refused ApiVersions: %v", e)
	}
	p.versions = map[int16][2]int16{}
	for _, k := range avr.ApiKeys {
		p.versions[k.ApiKey] = [2]int16{k.MinVersion, k.MaxVersion}
	}

	if p.ext.SASL() {
		if err := p.sasl(ctx, host); err != nil {
			return err
		}
	}

	p.step = "a Metadata request"
	md := kmsg.NewPtrMetadataRequest()
	md.Version = p.version(kmsg.Metadata.Int16(), 12)
	md.Topics = []kmsg.MetadataRequestTopic{} // none: only the brokers
	raw, err = p.roundTrip(ctx, md)
	if err != nil {
		if isClosed(err) && !p.ext.SASL() {
			return p.fail(KindSASLRequired, err, "the broker requires SASL authentication (it closed the connection on an unauthenticated request): set KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD")
		}
		return p.ioError(ctx, err)
	}
	if len(raw.(*kmsg.MetadataResponse).Brokers) == 0 {
		return p.fail(KindProtocol, nil, "the broker answered metadata with no brokers: the cluster is not ready")
	}
	return nil
}

// sasl runs SaslHandshake and SaslAuthenticate with franz-go's mechanism.
func (p *prober) sasl(ctx context.Context, host string) error {
	mechName := p.ext.SASLMechanism
	user := p.ext.SASLUsername
	authFailed := func(err error, why string) error {
		return p.fail(KindSASLAuth, err, "SASL authentication failed for user %s (%s%s): check %s and %s",
			user, mechName, why, p.ext.Source(config.SettingUsername), p.ext.Source(config.SettingPassword))
	}

	p.step = "the SASL handshake"
	hs := kmsg.NewPtrSASLHandshakeRequest()
	hs.Version = 1
	hs.Mechanism = mechName
	raw, err := p.roundTrip(ctx, hs)
	if err != nil {
		if isClosed(err) {
			return p.fail(KindSASLNotEnabled, err, "the broker closed the connection at the SASL handshake: its listener may not use SASL; unset %s or use its SASL listener", p.ext.Source(config.SettingSASL))
		}
		return p.ioError(ctx, err)
	}
	hsr := raw.(*kmsg.SASLHandshakeResponse)
	switch e := kerr.ErrorForCode(hsr.ErrorCode); {
	case e == nil:
	case errors.Is(e, kerr.UnsupportedSaslMechanism):
		return p.fail(KindSASLMechanism, e, "the broker does not enable SASL %s (it offers %s): set %s", mechName, strings.Join(hsr.SupportedMechanisms, ", "), p.ext.Source(config.SettingSASL))
	case errors.Is(e, kerr.IllegalSaslState):
		return p.fail(KindSASLNotEnabled, e, "the broker's listener does not use SASL: unset %s or use its SASL listener", p.ext.Source(config.SettingSASL))
	default:
		return p.fail(KindProtocol, e, "the SASL handshake failed: %v", e)
	}

	mech, err := Mechanism(p.ext)
	if err != nil {
		return p.fail(KindSASLMechanism, err, "%v", err)
	}
	session, clientWrite, err := mech.Authenticate(ctx, host)
	if err != nil {
		return p.fail(KindSASLAuth, err, "starting SASL %s: %v", mechName, err)
	}
	p.step = "SASL authentication"
	for done := false; !done || len(clientWrite) > 0; {
		req := kmsg.NewPtrSASLAuthenticateRequest()
		req.Version = p.version(kmsg.SASLAuthenticate.Int16(), 2)
		req.SASLAuthBytes = clientWrite
		raw, err := p.roundTrip(ctx, req)
		if err != nil {
			if isClosed(err) {
				return authFailed(err, ", the broker closed the connection")
			}
			return p.ioError(ctx, err)
		}
		resp := raw.(*kmsg.SASLAuthenticateResponse)
		if e := kerr.ErrorForCode(resp.ErrorCode); e != nil {
			if errors.Is(e, kerr.SaslAuthenticationFailed) {
				return authFailed(e, "")
			}
			return p.fail(KindSASLAuth, e, "SASL %s for user %s failed: %v", mechName, user, e)
		}
		clientWrite = nil
		if !done {
			if done, clientWrite, err = session.Challenge(resp.SASLAuthBytes); err != nil {
				return authFailed(err, ", the broker's answer did not check out")
			}
		}
	}
	return nil
}

// version picks the highest version of key the broker takes, at most ours.
func (p *prober) version(key int16, ours int16) int16 {
	v, ok := p.versions[key]
	if !ok {
		return ours
	}
	if v[1] < ours {
		ours = v[1]
	}
	if ours < v[0] {
		ours = v[0]
	}
	return ours
}

// errTLSRecord is returned when a plaintext read gets a TLS record.
var errTLSRecord = errors.New("the broker answered with a TLS record")

// maxResponse bounds a response's size; anything larger is not Kafka.
const maxResponse = 64 << 20

func (p *prober) roundTrip(ctx context.Context, req kmsg.Request) (kmsg.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.corr++
	buf := p.fmtr.AppendRequest(nil, req, p.corr)
	if _, err := p.conn.Write(buf); err != nil {
		return nil, err
	}
	var head [4]byte
	if _, err := io.ReadFull(p.conn, head[:]); err != nil {
		return nil, err
	}
	if (head[0] == 0x15 || head[0] == 0x16) && head[1] == 0x03 {
		return nil, errTLSRecord
	}
	size := int32(binary.BigEndian.Uint32(head[:]))
	if size < 4 || size > maxResponse {
		return nil, fmt.Errorf("a response of %d bytes is not Kafka", size)
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(p.conn, body); err != nil {
		return nil, err
	}
	r := kbin.Reader{Src: body}
	if corr := r.Int32(); corr != p.corr {
		return nil, fmt.Errorf("the response's correlation id %d is not %d", corr, p.corr)
	}
	// ApiVersions' response header is never flexible.
	if req.IsFlexible() && req.Key() != kmsg.ApiVersions.Int16() {
		kmsg.SkipTags(&r)
	}
	if err := r.Complete(); err != nil {
		return nil, err
	}
	resp := req.ResponseKind()
	resp.SetVersion(req.GetVersion())
	if err := resp.ReadFrom(r.Src); err != nil {
		return nil, fmt.Errorf("reading the %s response: %w", kmsg.NameForKey(req.Key()), err)
	}
	return resp, nil
}

func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "connection reset by peer") ||
		strings.Contains(err.Error(), "broken pipe")
}

func isTimeout(ctx context.Context, err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) || ctx.Err() != nil
}

func (p *prober) dialError(ctx context.Context, err error) error {
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return p.fail(KindUnreachable, err, "cannot resolve the host name %s: check KAFKA_BROKERS", dnsErr.Name)
	case isTimeout(ctx, err):
		return p.fail(KindTimeout, err, "no TCP connection within the time allowed: the host is down or a firewall drops the packets; check KAFKA_BROKERS")
	case strings.Contains(err.Error(), "connection refused"):
		return p.fail(KindUnreachable, err, "connection refused: nothing listens there; check KAFKA_BROKERS and that the cluster is running")
	}
	return p.fail(KindUnreachable, err, "cannot connect: %v", err)
}

func (p *prober) ioError(ctx context.Context, err error) error {
	switch {
	case isTimeout(ctx, err):
		hint := ""
		if !p.ext.TLS {
			hint = ": the listener may expect TLS (KAFKA_TLS=on)"
		}
		return p.fail(KindTimeout, err, "no answer to %s within the time allowed%s", p.step, hint)
	case isClosed(err):
		return p.fail(KindProtocol, err, "the broker closed the connection during %s", p.step)
	}
	return p.fail(KindProtocol, err, "%s failed: %v", p.step, err)
}

// tlsError classifies a failed handshake; hctx is the handshake's own
// bound inside ctx, the probe's.
func (p *prober) tlsError(ctx, hctx context.Context, err error, serverName string) error {
	if k, msg := explainTLS(err, p.ext, serverName); k != "" {
		return p.fail(k, err, "%s", msg)
	}
	if isClosed(err) {
		return p.fail(KindTLSNotSpoken, err, "TLS: the broker closed the connection during the handshake: it does not speak TLS on this port; set KAFKA_TLS=off or use its TLS listener")
	}
	if ctx.Err() != nil {
		return p.fail(KindTimeout, err, "ran out of time during the TLS handshake")
	}
	if isTimeout(hctx, err) {
		return p.fail(KindTLSNotSpoken, err, "TLS: no answer to the TLS handshake: the broker does not seem to speak TLS on this port; set KAFKA_TLS=off or use its TLS listener")
	}
	return p.fail(KindTLS, err, "TLS handshake failed: %v", err)
}
