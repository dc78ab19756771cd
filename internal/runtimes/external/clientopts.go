package external

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"kafkastack/internal/config"
)

// ClientOpts returns the kgo options for ext: kgo.DialTLSConfig when TLS is
// on and kgo.SASL when a mechanism is set. It fails, naming the setting's
// variable, when the CA, the certificate or the key cannot be read; the
// error never shows the password.
func ClientOpts(ext config.External) ([]kgo.Opt, error) {
	var opts []kgo.Opt
	cfg, err := TLSConfig(ext)
	if err != nil {
		return nil, err
	}
	if cfg != nil {
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	mech, err := Mechanism(ext)
	if err != nil {
		return nil, err
	}
	if mech != nil {
		opts = append(opts, kgo.SASL(mech))
	}
	return opts, nil
}

// TLSConfig builds the TLS client configuration for ext, or nil when TLS is
// off: the CA file's certificates as the only roots (the system's when it
// is unset), the client certificate, the server name, and verification on
// unless KAFKA_TLS_INSECURE_SKIP_VERIFY. With an empty
// ssl.endpoint.identification.algorithm the chain is still checked, the
// host name is not. It fails, naming the setting's source, when a file
// holds no usable PEM.
func TLSConfig(ext config.External) (*tls.Config, error) {
	if !ext.TLS {
		return nil, nil
	}
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         ext.ServerName,
		InsecureSkipVerify: ext.InsecureSkipVerify,
	}
	if ext.CAFile != "" {
		pem, err := os.ReadFile(ext.CAFile)
		if err != nil {
			return nil, fmt.Errorf("reading %s=%s: %w", ext.Source(config.SettingCAFile), ext.CAFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s=%s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", ext.Source(config.SettingCAFile), ext.CAFile)
		}
		cfg.RootCAs = pool
	}
	if ext.CertFile != "" || ext.KeyFile != "" {
		if ext.CertFile == "" || ext.KeyFile == "" {
			return nil, fmt.Errorf("%s and %s must be set together", config.EnvTLSCertFile, config.EnvTLSKeyFile)
		}
		pair, err := tls.LoadX509KeyPair(ext.CertFile, ext.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("loading the client certificate %s=%s with its key %s=%s: %w",
				ext.Source(config.SettingCertFile), ext.CertFile, ext.Source(config.SettingKeyFile), ext.KeyFile, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if ext.SkipHostnameVerify && !ext.InsecureSkipVerify {
		roots := cfg.RootCAs
		cfg.InsecureSkipVerify = true // the chain is verified below
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("tls: the broker sent no certificate")
			}
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
			return err
		}
	}
	return cfg, nil
}

// Mechanism returns the SASL mechanism for ext (franz-go's plain or scram),
// or nil when SASL is off. It fails on a mechanism it does not know.
func Mechanism(ext config.External) (sasl.Mechanism, error) {
	user, pass := ext.SASLUsername, ext.SASLPassword.Reveal()
	switch ext.SASLMechanism {
	case "":
		return nil, nil
	case config.SASLPlain:
		return plain.Auth{User: user, Pass: pass}.AsMechanism(), nil
	case config.SASLScramSHA256:
		return scram.Auth{User: user, Pass: pass}.AsSha256Mechanism(), nil
	case config.SASLScramSHA512:
		return scram.Auth{User: user, Pass: pass}.AsSha512Mechanism(), nil
	}
	return nil, fmt.Errorf("%s=%q is not a mechanism; use one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512", ext.Source(config.SettingSASL), ext.SASLMechanism)
}
