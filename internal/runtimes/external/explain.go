package external

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"

	"kafkastack/internal/config"
)

// Explain turns an error seen while talking to a cluster (a client's, a
// wait's, or a *ProbeError) into one line that says what is wrong and
// which setting to change: an unreachable broker, a wrong password, an
// untrusted CA, TLS missing on one side, SASL missing on one side. It
// matches the error's types and, for errors that were flattened to text,
// its words. It returns "" when err is nil or matches no known cause.
func Explain(err error) string {
	_, msg := explain(err, config.External{})
	return msg
}

// Explain is the package's Explain with this runtime's settings, so the
// line names the user, the CA file and where each setting came from. The
// line never shows the password.
func (r *Runtime) Explain(err error) string {
	_, msg := explain(err, r.ext)
	return Redact(msg, r.ext.SASLPassword.Reveal())
}

// explain classifies err; ext only makes the wording precise.
func explain(err error, ext config.External) (Kind, string) {
	if err == nil {
		return "", ""
	}
	var pe *ProbeError
	if errors.As(err, &pe) {
		return pe.Kind, pe.Error()
	}
	if k, msg := explainTLS(err, ext, ""); k != "" {
		return k, msg
	}
	text := err.Error()
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(text, w) {
				return true
			}
		}
		return false
	}
	user := ""
	if ext.SASLUsername != "" {
		user = " for user " + ext.SASLUsername
	}
	switch {
	case errors.Is(err, kerr.SaslAuthenticationFailed) || has("SASL_AUTHENTICATION_FAILED"):
		return KindSASLAuth, fmt.Sprintf("SASL authentication failed%s: check %s and %s",
			user, ext.Source(config.SettingUsername), ext.Source(config.SettingPassword))
	case errors.Is(err, kerr.UnsupportedSaslMechanism) || has("UNSUPPORTED_SASL_MECHANISM"):
		return KindSASLMechanism, fmt.Sprintf("the broker does not enable this SASL mechanism: set %s to one it offers", ext.Source(config.SettingSASL))
	case errors.Is(err, kerr.IllegalSaslState) || has("ILLEGAL_SASL_STATE"):
		return KindSASLNotEnabled, fmt.Sprintf("the broker's listener does not use SASL: unset %s or use its SASL listener", ext.Source(config.SettingSASL))
	case has("is SASL missing?"):
		return KindSASLRequired, "the broker requires SASL authentication: set KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"
	case has("is TLS missing?"):
		return KindTLSRequired, "the broker expects TLS (or speaks TLS and we did not): set KAFKA_TLS=on and KAFKA_TLS_CA_FILE"
	case has("is TLS misconfigured"):
		return KindTLSNotSpoken, "TLS: the broker closed the connection right after it opened: it may not speak TLS on this port; set KAFKA_TLS=off or use its TLS listener"
	case has("no such host"):
		return KindUnreachable, "cannot resolve the broker's host name: check KAFKA_BROKERS"
	case has("connection refused"):
		return KindUnreachable, "connection refused: nothing listens at the broker's address; check KAFKA_BROKERS and that the cluster is running"
	case has("i/o timeout", "no route to host", "network is unreachable") && ext.TLS:
		return KindTimeout, "the broker does not answer (host down, firewall, wrong port, or a plaintext listener that does not speak TLS): check KAFKA_BROKERS and KAFKA_TLS"
	case has("i/o timeout", "no route to host", "network is unreachable"):
		return KindTimeout, "the broker does not answer (host down, firewall or wrong port): check KAFKA_BROKERS"
	case ext.SASL() && (text == "EOF" || text == "unexpected EOF" || strings.HasSuffix(text, ": EOF")):
		// Some brokers (kfake among them) close the connection instead of
		// answering SASL_AUTHENTICATION_FAILED.
		return KindSASLAuth, fmt.Sprintf("the broker closed the connection: with SASL %s on, the likely cause is a wrong user name (%s) or password; check %s and %s",
			ext.SASLMechanism, ext.SASLUsername, ext.Source(config.SettingUsername), ext.Source(config.SettingPassword))
	}
	return "", ""
}

// explainTLS classifies TLS handshake failures. serverName is the name
// checked, when known.
func explainTLS(err error, ext config.External, serverName string) (Kind, string) {
	var unknown x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	text := err.Error()
	switch {
	case errors.As(err, &unknown) || strings.Contains(text, "certificate signed by unknown authority"):
		if ext.CAFile != "" {
			return KindTLSUntrusted, fmt.Sprintf("TLS: the broker's certificate is not trusted by %s=%s: set it to the CA that signed the broker's certificate",
				ext.Source(config.SettingCAFile), ext.CAFile)
		}
		return KindTLSUntrusted, "TLS: the broker's certificate is not trusted by KAFKA_TLS_CA_FILE (or, unset, the system's CAs): set it to the CA that signed the broker's certificate"
	case errors.As(err, &hostErr) || strings.Contains(text, "certificate is valid for") || strings.Contains(text, "certificate is not valid for any names"):
		name := serverName
		if name == "" {
			name = "the broker's host name"
		}
		detail := text
		if i := strings.Index(detail, "x509: "); i >= 0 {
			detail = detail[i+len("x509: "):]
		}
		return KindTLSName, fmt.Sprintf("TLS: the broker's certificate does not name %s (%s): set KAFKA_TLS_SERVER_NAME to a name it holds", name, detail)
	case errors.As(err, &invalid) || strings.Contains(text, "certificate has expired or is not yet valid"):
		if invalid.Reason == x509.Expired || strings.Contains(text, "expired") {
			return KindTLSCertificate, "TLS: the broker's certificate has expired or is not yet valid (check the clocks too)"
		}
		return KindTLSCertificate, fmt.Sprintf("TLS: the broker's certificate is not valid: %v", err)
	case strings.Contains(text, "remote error: tls: certificate required"),
		strings.Contains(text, "remote error: tls: bad certificate"),
		strings.Contains(text, "remote error: tls: unknown certificate authority"),
		strings.Contains(text, "remote error: tls: certificate unknown"):
		return KindTLSClientCert, "TLS: the broker refused our client certificate (or requires one): check KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE"
	case strings.Contains(text, "first record does not look like a TLS handshake"):
		return KindTLSNotSpoken, "TLS: the broker does not speak TLS on this port: set KAFKA_TLS=off or use its TLS listener"
	}
	return "", ""
}
