package config

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The external runtime's settings, read by externalFromEnv. Each variable
// overrides what the KAFKA_CLIENT_PROPERTIES file says.
const (
	// EnvTLS is KAFKA_TLS: on or off (also true/false, yes/no, 1/0).
	// Unset, TLS is on when any of the TLS files, the server name or the
	// skip-verify switch is set, or when the properties file says SSL or
	// SASL_SSL. KAFKA_TLS=off with a TLS variable set is an error.
	EnvTLS = "KAFKA_TLS"
	// EnvTLSCAFile is KAFKA_TLS_CA_FILE: the PEM file of the CA(s) that
	// signed the brokers' certificates. Unset, the system's roots are used.
	EnvTLSCAFile = "KAFKA_TLS_CA_FILE"
	// EnvTLSCertFile is KAFKA_TLS_CERT_FILE: the PEM client certificate
	// for mutual TLS; needs KAFKA_TLS_KEY_FILE.
	EnvTLSCertFile = "KAFKA_TLS_CERT_FILE"
	// EnvTLSKeyFile is KAFKA_TLS_KEY_FILE: the client certificate's PEM
	// key (unencrypted); needs KAFKA_TLS_CERT_FILE.
	EnvTLSKeyFile = "KAFKA_TLS_KEY_FILE"
	// EnvTLSServerName is KAFKA_TLS_SERVER_NAME: the name the brokers'
	// certificates are checked against. Unset, each broker's host name.
	EnvTLSServerName = "KAFKA_TLS_SERVER_NAME"
	// EnvTLSInsecureSkipVerify is KAFKA_TLS_INSECURE_SKIP_VERIFY: on turns
	// certificate verification off (it is on by default); for throwaway
	// test clusters only.
	EnvTLSInsecureSkipVerify = "KAFKA_TLS_INSECURE_SKIP_VERIFY"
	// EnvSASLMechanism is KAFKA_SASL_MECHANISM: PLAIN, SCRAM-SHA-256 or
	// SCRAM-SHA-512 (any case). Unset, no SASL.
	EnvSASLMechanism = "KAFKA_SASL_MECHANISM"
	// EnvSASLUsername is KAFKA_SASL_USERNAME, the SASL user.
	EnvSASLUsername = "KAFKA_SASL_USERNAME"
	// EnvSASLPassword is KAFKA_SASL_PASSWORD, the SASL password, taken as
	// given (spaces included) and never printed.
	EnvSASLPassword = "KAFKA_SASL_PASSWORD"
	// EnvClientProperties is KAFKA_CLIENT_PROPERTIES: the path of a Java
	// client.properties file (security.protocol, sasl.mechanism,
	// sasl.jaas.config, ssl.truststore.location with
	// ssl.truststore.type=PEM, ssl.keystore.location with
	// ssl.keystore.type=PEM, ssl.endpoint.identification.algorithm,
	// bootstrap.servers), also librdkafka's sasl.username, sasl.password,
	// ssl.ca.location, ssl.certificate.location and ssl.key.location.
	EnvClientProperties = "KAFKA_CLIENT_PROPERTIES"
)

// ExternalEnvVars lists every variable the external runtime reads, in the
// order the README documents them.
var ExternalEnvVars = []string{
	EnvTLS, EnvTLSCAFile, EnvTLSCertFile, EnvTLSKeyFile, EnvTLSServerName,
	EnvTLSInsecureSkipVerify, EnvSASLMechanism, EnvSASLUsername,
	EnvSASLPassword, EnvClientProperties,
}

// The SASL mechanisms the external runtime speaks.
const (
	// SASLPlain is SASL/PLAIN: the password travels as is (use TLS).
	SASLPlain = "PLAIN"
	// SASLScramSHA256 is SASL/SCRAM with SHA-256.
	SASLScramSHA256 = "SCRAM-SHA-256"
	// SASLScramSHA512 is SASL/SCRAM with SHA-512.
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// SASLMechanisms lists every accepted KAFKA_SASL_MECHANISM value.
var SASLMechanisms = []string{SASLPlain, SASLScramSHA256, SASLScramSHA512}

// Redacted is what every printed or marshalled form shows instead of a
// secret.
const Redacted = "***"

// Secret is a string that never prints: String, GoString, Format (every
// verb) and MarshalJSON all show Redacted, or "" when it is empty. Reveal
// returns the value. It cannot fail.
type Secret string

// Reveal returns the secret's value, for the one place that sends it.
func (s Secret) Reveal() string { return string(s) }

// String shows Redacted (or "" for an empty secret).
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// GoString shows Redacted quoted, for %#v.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// Format prints the redacted form for every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprint(f, s.String())
}

// MarshalJSON writes the redacted form as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// External is the connection settings of the external runtime: TLS, SASL
// and the seed brokers of a client.properties file. Printed with any fmt
// verb or marshalled to JSON, the password shows as Redacted.
type External struct {
	// TLS reports whether connections use TLS.
	TLS bool
	// CAFile is the PEM file of trusted CAs; empty means the system roots.
	CAFile string
	// CertFile and KeyFile are the PEM client certificate and key.
	CertFile string
	KeyFile  string
	// ServerName overrides the name the certificate is checked against.
	ServerName string
	// InsecureSkipVerify turns certificate verification off.
	InsecureSkipVerify bool
	// SkipHostnameVerify checks the certificate chain but not the host
	// name, from ssl.endpoint.identification.algorithm= (empty).
	SkipHostnameVerify bool
	// SASLMechanism is one of SASLMechanisms, or empty for no SASL.
	SASLMechanism string
	// SASLUsername and SASLPassword are the SASL credentials.
	SASLUsername string
	SASLPassword Secret
	// PropertiesFile is KAFKA_CLIENT_PROPERTIES, when set.
	PropertiesFile string
	// Brokers is bootstrap.servers from the properties file.
	Brokers []string
	// sources maps a setting's name (e.g. "CAFile") to where it came from
	// (e.g. "KAFKA_TLS_CA_FILE"), for error messages.
	sources map[string]string
}

// The names Source takes, one per External field.
const (
	// SettingTLS names External.TLS.
	SettingTLS = "TLS"
	// SettingCAFile names External.CAFile.
	SettingCAFile = "CAFile"
	// SettingCertFile names External.CertFile.
	SettingCertFile = "CertFile"
	// SettingKeyFile names External.KeyFile.
	SettingKeyFile = "KeyFile"
	// SettingServerName names External.ServerName.
	SettingServerName = "ServerName"
	// SettingSASL names External.SASLMechanism.
	SettingSASL = "SASLMechanism"
	// SettingUsername names External.SASLUsername.
	SettingUsername = "SASLUsername"
	// SettingPassword names External.SASLPassword.
	SettingPassword = "SASLPassword"
	// SettingBrokers names External.Brokers.
	SettingBrokers = "Brokers"
)

// Source names where a setting (one of the Setting* names) came from, such
// as "KAFKA_TLS_CA_FILE" or "ssl.truststore.location in client.properties",
// for messages that tell the user what to change. It returns the
// environment variable's name when the setting was not set at all.
func (e External) Source(setting string) string {
	if s, ok := e.sources[setting]; ok {
		return s
	}
	switch setting {
	case SettingTLS:
		return EnvTLS
	case SettingCAFile:
		return EnvTLSCAFile
	case SettingCertFile:
		return EnvTLSCertFile
	case SettingKeyFile:
		return EnvTLSKeyFile
	case SettingServerName:
		return EnvTLSServerName
	case SettingSASL:
		return EnvSASLMechanism
	case SettingUsername:
		return EnvSASLUsername
	case SettingPassword:
		return EnvSASLPassword
	case SettingBrokers:
		return "KAFKA_BROKERS"
	}
	return setting
}

// SASL reports whether a SASL mechanism is configured.
func (e External) SASL() bool { return e.SASLMechanism != "" }

// String is a one-line summary with the password redacted, e.g.
// "tls=on ca=/x/ca.pem sasl=SCRAM-SHA-256 user=alice password=***".
func (e External) String() string {
	var b strings.Builder
	onoff := func(v bool) string {
		if v {
			return "on"
		}
		return "off"
	}
	fmt.Fprintf(&b, "tls=%s", onoff(e.TLS))
	if e.CAFile != "" {
		fmt.Fprintf(&b, " ca=%s", e.CAFile)
	}
	if e.CertFile != "" {
		fmt.Fprintf(&b, " cert=%s key=%s", e.CertFile, e.KeyFile)
	}
	if e.ServerName != "" {
		fmt.Fprintf(&b, " server_name=%s", e.ServerName)
	}
	if e.InsecureSkipVerify {
		b.WriteString(" insecure_skip_verify=on")
	}
	if e.SkipHostnameVerify {
		b.WriteString(" hostname_verify=off")
	}
	if e.SASLMechanism == "" {
		b.WriteString(" sasl=off")
	} else {
		fmt.Fprintf(&b, " sasl=%s user=%s password=%s", e.SASLMechanism, e.SASLUsername, e.SASLPassword.String())
	}
	if e.PropertiesFile != "" {
		fmt.Fprintf(&b, " properties=%s", e.PropertiesFile)
	}
	if len(e.Brokers) > 0 {
		fmt.Fprintf(&b, " brokers=%s", strings.Join(e.Brokers, ","))
	}
	return b.String()
}

// externalView is External without its methods and with the password
// already redacted, for GoString and MarshalJSON.
type externalView struct {
	TLS                bool     `json:"tls"`
	CAFile             string   `json:"ca_file,omitempty"`
	CertFile           string   `json:"cert_file,omitempty"`
	KeyFile            string   `json:"key_file,omitempty"`
	ServerName         string   `json:"server_name,omitempty"`
	InsecureSkipVerify bool     `json:"insecure_skip_verify"`
	SkipHostnameVerify bool     `json:"skip_hostname_verify,omitempty"`
	SASLMechanism      string   `json:"sasl_mechanism,omitempty"`
	SASLUsername       string   `json:"sasl_username,omitempty"`
	SASLPassword       string   `json:"sasl_password,omitempty"`
	PropertiesFile     string   `json:"properties_file,omitempty"`
	Brokers            []string `json:"brokers,omitempty"`
}

func (e External) view() externalView {
	return externalView{
		TLS: e.TLS, CAFile: e.CAFile, CertFile: e.CertFile, KeyFile: e.KeyFile,
		ServerName: e.ServerName, InsecureSkipVerify: e.InsecureSkipVerify,
		SkipHostnameVerify: e.SkipHostnameVerify, SASLMechanism: e.SASLMechanism,
		SASLUsername: e.SASLUsername, SASLPassword: e.SASLPassword.String(),
		PropertiesFile: e.PropertiesFile, Brokers: e.Brokers,
	}
}

// GoString is the Go-syntax form for %#v, with the password redacted.
func (e External) GoString() string {
	s := fmt.Sprintf("%#v", e.view())
	return strings.Replace(s, "config.externalView", "config.External", 1)
}

// Format prints External for every verb: %#v as GoString, anything else
// as String. The password is always redacted.
func (e External) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, e.GoString())
		return
	}
	fmt.Fprint(f, e.String())
}

// MarshalJSON writes the settings with lower_snake keys and the password
// redacted. It cannot fail.
func (e External) MarshalJSON() ([]byte, error) { return json.Marshal(e.view()) }

// externalFromEnv reads the external runtime's settings: first the
// KAFKA_CLIENT_PROPERTIES file, then the KAFKA_TLS_* and KAFKA_SASL_*
// variables over it. It fails with an error naming the variable (or the
// file and its key) when a value is not valid; no error shows the password.
func externalFromEnv(getenv func(string) string) (External, error) {
	e := External{sources: map[string]string{}}
	if path := strings.TrimSpace(getenv(EnvClientProperties)); path != "" {
		props, err := ReadClientProperties(path)
		if err != nil {
			return External{}, err
		}
		e = props
	}
	r := &reader{getenv: getenv}
	for _, step := range []func(*reader) error{e.tlsFromEnv, e.saslFromEnv} {
		if err := step(r); err != nil {
			return External{}, err
		}
	}
	return e, nil
}

// tlsEnvFiles are the TLS variables that name a file or a name, each
// overriding the properties file and naming itself in messages.
var tlsEnvFiles = []struct {
	env, setting string
	isFile       bool
}{
	{EnvTLSCAFile, SettingCAFile, true},
	{EnvTLSCertFile, SettingCertFile, true},
	{EnvTLSKeyFile, SettingKeyFile, true},
	{EnvTLSServerName, SettingServerName, false},
}

// tlsField is the field of e a Setting* name of tlsEnvFiles stands for.
func (e *External) tlsField(setting string) *string {
	switch setting {
	case SettingCAFile:
		return &e.CAFile
	case SettingCertFile:
		return &e.CertFile
	case SettingKeyFile:
		return &e.KeyFile
	}
	return &e.ServerName
}

// tlsFromEnv applies KAFKA_TLS and the KAFKA_TLS_* variables over what the
// properties file said: a TLS variable turns TLS on, KAFKA_TLS=off turns
// the file's TLS off, and both at once is an error.
func (e *External) tlsFromEnv(r *reader) error {
	on, tlsExplicit := r.onOff(EnvTLS)
	if tlsExplicit {
		e.TLS = on
		e.sources[SettingTLS] = EnvTLS
	}
	var tlsEnvSet []string
	for _, tv := range tlsEnvFiles {
		v := r.str(tv.env)
		if v == "" {
			continue
		}
		if tv.isFile {
			if err := checkFile(v); err != nil {
				r.fail("%s=%s: %w", tv.env, v, err)
			}
		}
		*e.tlsField(tv.setting) = v
		e.sources[tv.setting] = tv.env
		tlsEnvSet = append(tlsEnvSet, tv.env)
	}
	if on, ok := r.onOff(EnvTLSInsecureSkipVerify); ok {
		e.InsecureSkipVerify = on
		if on {
			tlsEnvSet = append(tlsEnvSet, EnvTLSInsecureSkipVerify)
		}
	}
	if !r.ok() {
		return r.err
	}
	switch {
	case tlsExplicit && !e.TLS && len(tlsEnvSet) > 0:
		return fmt.Errorf("%s=off but %s is set; drop one of them", EnvTLS, tlsEnvSet[0])
	case tlsExplicit && !e.TLS:
		// TLS off from the environment wins over the file's TLS settings.
		e.CAFile, e.CertFile, e.KeyFile, e.ServerName = "", "", "", ""
		e.InsecureSkipVerify, e.SkipHostnameVerify = false, false
	case len(tlsEnvSet) > 0:
		e.TLS = true
	}
	if (e.CertFile == "") != (e.KeyFile == "") {
		if e.CertFile == "" {
			return fmt.Errorf("%s is set without a client certificate; set %s too", e.Source(SettingKeyFile), EnvTLSCertFile)
		}
		return fmt.Errorf("%s is set without its key; set %s too", e.Source(SettingCertFile), EnvTLSKeyFile)
	}
	return nil
}

// saslFromEnv applies the KAFKA_SASL_* variables over what the properties
// file said, and checks that a mechanism comes with a user and a password
// and that credentials come with a mechanism.
func (e *External) saslFromEnv(r *reader) error {
	if v := r.str(EnvSASLMechanism); v != "" {
		m, ok := parseMechanism(v)
		if !ok {
			return fmt.Errorf("%s=%q is not a mechanism; use one of %s", EnvSASLMechanism, v, strings.Join(SASLMechanisms, ", "))
		}
		e.SASLMechanism = m
		e.sources[SettingSASL] = EnvSASLMechanism
	}
	if v := r.str(EnvSASLUsername); v != "" {
		e.SASLUsername = v
		e.sources[SettingUsername] = EnvSASLUsername
	}
	// The password is taken as given: spaces may be part of it.
	if v := r.getenv(EnvSASLPassword); v != "" {
		e.SASLPassword = Secret(v)
		e.sources[SettingPassword] = EnvSASLPassword
	}
	switch {
	case e.SASLMechanism == "" && (e.SASLUsername != "" || e.SASLPassword != ""):
		which := EnvSASLUsername
		if e.SASLUsername == "" {
			which = EnvSASLPassword
		}
		return fmt.Errorf("%s is set but %s is not; set it to one of %s", which, EnvSASLMechanism, strings.Join(SASLMechanisms, ", "))
	case e.SASLMechanism != "" && e.SASLUsername == "":
		return fmt.Errorf("%s=%s needs a user name; set %s", e.Source(SettingSASL), e.SASLMechanism, EnvSASLUsername)
	case e.SASLMechanism != "" && e.SASLPassword == "":
		return fmt.Errorf("%s=%s needs a password; set %s", e.Source(SettingSASL), e.SASLMechanism, EnvSASLPassword)
	}
	return nil
}

// ReadClientProperties reads a Java client.properties file into External
// settings: security.protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL;
// unset, TLS and SASL follow from the keys present), sasl.mechanism,
// sasl.jaas.config (username="..." password="..."), sasl.username and
// sasl.password, ssl.truststore.location (PEM) or ssl.ca.location,
// ssl.keystore.location (PEM, certificate and key in one file) or
// ssl.certificate.location with ssl.key.location,
// ssl.endpoint.identification.algorithm and bootstrap.servers. Other keys
// are ignored. It fails with an error naming KAFKA_CLIENT_PROPERTIES, the
// line and the key when the file cannot be read or a value is not
// supported (a JKS or PKCS12 store, GSSAPI, an encrypted key); the error
// never shows a password or the JAAS line.
func ReadClientProperties(path string) (External, error) {
	p, err := openProperties(path)
	if err != nil {
		return External{}, err
	}
	e := External{PropertiesFile: path, sources: map[string]string{}}
	wantTLS, wantSASL, err := p.security(&e)
	if err != nil {
		return External{}, err
	}
	steps := []func(*External) error{p.bootstrap}
	if wantTLS {
		steps = append(steps, p.trustStore, p.keyStore, p.hostnameVerify, p.checkTLSFiles)
	}
	if wantSASL {
		steps = append(steps, p.sasl)
	}
	for _, step := range steps {
		if err := step(&e); err != nil {
			return External{}, err
		}
	}
	return e, nil
}

// propertiesFile is a read client.properties file: its values, the line of
// each key, and where it is (relative paths in it are from its folder).
type propertiesFile struct {
	path  string
	props map[string]string
	lines map[string]int
}

// openProperties reads the file at path.
func openProperties(path string) (*propertiesFile, error) {
	p := &propertiesFile{path: path}
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, p.fail("no such file")
		}
		return nil, p.fail("%v", err)
	}
	defer f.Close()
	if p.props, p.lines, err = parseProperties(f); err != nil {
		return nil, p.fail("%v", err)
	}
	return p, nil
}

// fail is an error naming KAFKA_CLIENT_PROPERTIES and the file.
func (p *propertiesFile) fail(format string, args ...any) error {
	return fmt.Errorf("%s=%s: %s", EnvClientProperties, p.path, fmt.Sprintf(format, args...))
}

// at names a key and its line, for messages.
func (p *propertiesFile) at(key string) string { return fmt.Sprintf("line %d: %s", p.lines[key], key) }

// from names a key of the file, for External.Source.
func (p *propertiesFile) from(key string) string {
	return fmt.Sprintf("%s in %s", key, filepath.Base(p.path))
}

// value is a key's value, trimmed.
func (p *propertiesFile) value(key string) string { return strings.TrimSpace(p.props[key]) }

// location is a key's path, from the file's folder when relative.
func (p *propertiesFile) location(key string) string {
	loc := p.value(key)
	if loc == "" || filepath.IsAbs(loc) {
		return loc
	}
	return filepath.Join(filepath.Dir(p.path), loc)
}

// security reads which of TLS and SASL the file asks for: from
// security.protocol, else from the TLS and SASL keys present.
func (p *propertiesFile) security(e *External) (wantTLS, wantSASL bool, err error) {
	proto := strings.ToUpper(p.value("security.protocol"))
	switch proto {
	case "PLAINTEXT":
	case "SSL":
		wantTLS = true
	case "SASL_PLAINTEXT":
		wantSASL = true
	case "SASL_SSL":
		wantTLS, wantSASL = true, true
	case "":
		wantTLS = p.anySet("ssl.truststore.location", "ssl.ca.location", "ssl.keystore.location", "ssl.certificate.location")
		wantSASL = p.anySet("sasl.mechanism", "sasl.mechanisms", "sasl.jaas.config", "sasl.username")
	default:
		return false, false, p.fail("%s=%s is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL", p.at("security.protocol"), p.props["security.protocol"])
	}
	if proto != "" {
		e.sources[SettingTLS] = p.from("security.protocol")
	}
	e.TLS = wantTLS
	return wantTLS, wantSASL, nil
}

// anySet reports whether any of keys has a value.
func (p *propertiesFile) anySet(keys ...string) bool {
	for _, k := range keys {
		if p.props[k] != "" {
			return true
		}
	}
	return false
}

// bootstrap reads bootstrap.servers.
func (p *propertiesFile) bootstrap(e *External) error {
	v := p.value("bootstrap.servers")
	if v == "" {
		return nil
	}
	b, err := ParseBrokers(v)
	if err != nil {
		return p.fail("%s: %v", p.at("bootstrap.servers"), err)
	}
	e.Brokers = b
	e.sources[SettingBrokers] = p.from("bootstrap.servers")
	return nil
}

// pemStore checks that the store at key is PEM: by its type key, or, with
// no type, by its file name. It returns the type it found otherwise.
func (p *propertiesFile) pemStore(key, typeKey string) (string, bool) {
	typ := strings.ToUpper(p.value(typeKey))
	if typ == "PEM" || (typ == "" && pemName(p.value(key))) {
		return "", true
	}
	if typ == "" {
		typ = "JKS (the default type)"
	}
	return typ, false
}

// trustStore reads the CA file: ssl.truststore.location (PEM), else
// librdkafka's ssl.ca.location.
func (p *propertiesFile) trustStore(e *External) error {
	if loc := p.location("ssl.truststore.location"); loc != "" {
		if typ, ok := p.pemStore("ssl.truststore.location", "ssl.truststore.type"); !ok {
			return p.fail("%s is a %s truststore; only PEM is read here: export the CA with `keytool -exportcert -rfc` and set ssl.truststore.type=PEM (or set %s)", p.at("ssl.truststore.location"), typ, EnvTLSCAFile)
		}
		e.CAFile = loc
		e.sources[SettingCAFile] = p.from("ssl.truststore.location")
	}
	if loc := p.location("ssl.ca.location"); loc != "" && e.CAFile == "" {
		e.CAFile = loc
		e.sources[SettingCAFile] = p.from("ssl.ca.location")
	}
	if p.props["ssl.truststore.certificates"] != "" && e.CAFile == "" {
		return p.fail("%s (inline certificates) is not supported; put the CA in a PEM file and set ssl.truststore.location with ssl.truststore.type=PEM", p.at("ssl.truststore.certificates"))
	}
	return nil
}

// keyStore reads the client certificate and key: ssl.keystore.location
// (PEM, both in one unencrypted file), else librdkafka's
// ssl.certificate.location and ssl.key.location.
func (p *propertiesFile) keyStore(e *External) error {
	if loc := p.location("ssl.keystore.location"); loc != "" {
		if typ, ok := p.pemStore("ssl.keystore.location", "ssl.keystore.type"); !ok {
			return p.fail("%s is a %s keystore; only PEM (certificate and key in one file) is read here, or set %s and %s", p.at("ssl.keystore.location"), typ, EnvTLSCertFile, EnvTLSKeyFile)
		}
		if p.props["ssl.key.password"] != "" || p.props["ssl.keystore.password"] != "" {
			return p.fail("%s: encrypted keys are not supported; use an unencrypted PEM key", p.at("ssl.keystore.location"))
		}
		e.CertFile, e.KeyFile = loc, loc
		e.sources[SettingCertFile] = p.from("ssl.keystore.location")
		e.sources[SettingKeyFile] = p.from("ssl.keystore.location")
	}
	if loc := p.location("ssl.certificate.location"); loc != "" && e.CertFile == "" {
		e.CertFile = loc
		e.sources[SettingCertFile] = p.from("ssl.certificate.location")
	}
	if loc := p.location("ssl.key.location"); loc != "" && e.KeyFile == "" {
		e.KeyFile = loc
		e.sources[SettingKeyFile] = p.from("ssl.key.location")
	}
	return nil
}

// hostnameVerify reads ssl.endpoint.identification.algorithm: empty (or
// none) checks the chain but not the host name; https is the default.
func (p *propertiesFile) hostnameVerify(e *External) error {
	alg, ok := p.props["ssl.endpoint.identification.algorithm"]
	if !ok {
		return nil
	}
	switch strings.ToLower(strings.TrimSpace(alg)) {
	case "", "none":
		e.SkipHostnameVerify = true
	case "https":
	default:
		return p.fail("%s=%s is not https or empty", p.at("ssl.endpoint.identification.algorithm"), alg)
	}
	return nil
}

// checkTLSFiles fails when a TLS file the properties name is not there.
func (p *propertiesFile) checkTLSFiles(e *External) error {
	for _, s := range []struct{ setting, file string }{{SettingCAFile, e.CAFile}, {SettingCertFile, e.CertFile}, {SettingKeyFile, e.KeyFile}} {
		if s.file == "" {
			continue
		}
		if err := checkFile(s.file); err != nil {
			return p.fail("%s=%s: %v", e.sources[s.setting], s.file, err)
		}
	}
	return nil
}

// sasl reads the mechanism (sasl.mechanism, or librdkafka's
// sasl.mechanisms; PLAIN from a PlainLoginModule) and the credentials
// (sasl.username and sasl.password, overridden by sasl.jaas.config).
func (p *propertiesFile) sasl(e *External) error {
	mechKey := "sasl.mechanism"
	if p.value(mechKey) == "" && p.props["sasl.mechanisms"] != "" {
		mechKey = "sasl.mechanisms"
	}
	user, pass := p.value("sasl.username"), p.props["sasl.password"]
	userFrom, passFrom := p.from("sasl.username"), p.from("sasl.password")
	module := ""
	if jaas := p.props["sasl.jaas.config"]; strings.TrimSpace(jaas) != "" {
		var opts map[string]string
		var ok bool
		if module, opts, ok = parseJAAS(jaas); !ok {
			// The line holds the password: never echo it.
			return p.fail("line %d: sasl.jaas.config is not `<LoginModule> required username=\"...\" password=\"...\";`", p.lines["sasl.jaas.config"])
		}
		if u, ok := opts["username"]; ok {
			user, userFrom = u, p.from("sasl.jaas.config")
		}
		if pw, ok := opts["password"]; ok {
			pass, passFrom = pw, p.from("sasl.jaas.config")
		}
	}
	mech, err := p.mechanism(mechKey, module)
	if err != nil {
		return err
	}
	e.SASLMechanism, e.SASLUsername, e.SASLPassword = mech, user, Secret(pass)
	e.sources[SettingSASL] = p.from(mechKey)
	if user != "" {
		e.sources[SettingUsername] = userFrom
	}
	if pass != "" {
		e.sources[SettingPassword] = passFrom
	}
	return nil
}

// mechanism is the SASL mechanism at mechKey, or PLAIN when the key is
// unset and the JAAS login module is PLAIN's.
func (p *propertiesFile) mechanism(mechKey, module string) (string, error) {
	mech := p.value(mechKey)
	if mech == "" {
		if strings.HasSuffix(module, ".PlainLoginModule") {
			return SASLPlain, nil
		}
		return "", p.fail("security.protocol asks for SASL but sasl.mechanism is not set; set it to one of %s", strings.Join(SASLMechanisms, ", "))
	}
	m, ok := parseMechanism(mech)
	if !ok {
		return "", p.fail("%s=%s is not supported; use one of %s", p.at(mechKey), mech, strings.Join(SASLMechanisms, ", "))
	}
	return m, nil
}

// parseProperties reads the Java properties format: key=value, key: value
// or key value; # and ! comments; a trailing backslash continues a line;
// \t \n \r \f \uXXXX and \<char> escapes. It returns the values and the
// line each key is on; it fails on a line it cannot read.
func parseProperties(f *os.File) (map[string]string, map[string]int, error) {
	props, lines := map[string]string{}, map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		start := n
		line := strings.TrimLeft(sc.Text(), " \t\f")
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		for endsWithOddBackslashes(line) && sc.Scan() {
			n++
			line = line[:len(line)-1] + strings.TrimLeft(sc.Text(), " \t\f")
		}
		line = strings.TrimSuffix(line, "\\")
		key, value := splitProperty(line)
		k, err := unescapeProperty(key)
		if err != nil {
			return nil, nil, fmt.Errorf("line %d: %v", start, err)
		}
		v, err := unescapeProperty(value)
		if err != nil {
			return nil, nil, fmt.Errorf("line %d: %s: %v", start, k, err)
		}
		props[k] = v
		lines[k] = start
	}
	if err := sc.Err(); err != nil {
		return nil, nil, err
	}
	return props, lines, nil
}

func endsWithOddBackslashes(s string) bool {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// splitProperty splits at the first unescaped =, : or whitespace, and
// skips the separator and the blanks around it.
func splitProperty(line string) (string, string) {
	i := 0
	for i < len(line) {
		c := line[i]
		if c == '\\' {
			i += 2
			continue
		}
		if c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f' {
			break
		}
		i++
	}
	if i >= len(line) {
		return line, ""
	}
	key, rest := line[:i], line[i:]
	rest = strings.TrimLeft(rest, " \t\f")
	if rest != "" && (rest[0] == '=' || rest[0] == ':') {
		rest = strings.TrimLeft(rest[1:], " \t\f")
	}
	return key, rest
}

func unescapeProperty(s string) (string, error) {
	if !strings.Contains(s, "\\") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i == len(s)-1 {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			if i+5 > len(s) {
				return "", fmt.Errorf("a \\u escape needs four hex digits")
			}
			r, err := strconv.ParseUint(s[i+1:i+5], 16, 32)
			if err != nil {
				return "", fmt.Errorf("a \\u escape needs four hex digits")
			}
			b.WriteRune(rune(r))
			i += 4
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			b.WriteRune(r)
			i += size - 1
		}
	}
	return b.String(), nil
}

// parseJAAS reads `<module> <flag> key=value ...;` where values are quoted
// ("..." with \" and \\ escapes) or bare. It returns the module and the
// options, and false when the text does not have that shape.
func parseJAAS(s string) (string, map[string]string, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ";")
	fields := strings.Fields(s)
	if len(fields) < 2 {
		return "", nil, false
	}
	module := fields[0]
	switch strings.ToLower(fields[1]) {
	case "required", "requisite", "sufficient", "optional":
	default:
		return "", nil, false
	}
	// Skip the module and the flag.
	rest := strings.TrimSpace(s[strings.Index(s, fields[1])+len(fields[1]):])
	opts := map[string]string{}
	for rest != "" {
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return "", nil, false
		}
		key := strings.TrimSpace(rest[:eq])
		if key == "" || strings.ContainsAny(key, " \t\"") {
			return "", nil, false
		}
		rest = strings.TrimLeft(rest[eq+1:], " \t")
		var val strings.Builder
		if strings.HasPrefix(rest, "\"") {
			i, closed := 1, false
			for i < len(rest) {
				c := rest[i]
				if c == '\\' && i+1 < len(rest) {
					val.WriteByte(rest[i+1])
					i += 2
					continue
				}
				if c == '"' {
					closed = true
					i++
					break
				}
				val.WriteByte(c)
				i++
			}
			if !closed {
				return "", nil, false
			}
			rest = rest[i:]
		} else {
			end := strings.IndexAny(rest, " \t")
			if end < 0 {
				end = len(rest)
			}
			val.WriteString(rest[:end])
			rest = rest[end:]
		}
		opts[key] = val.String()
		rest = strings.TrimLeft(rest, " \t")
	}
	return module, opts, true
}

func parseMechanism(v string) (string, bool) {
	m := strings.ToUpper(strings.TrimSpace(v))
	for _, x := range SASLMechanisms {
		if m == x {
			return m, true
		}
	}
	return "", false
}

func pemName(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".pem", ".crt", ".cer", ".key":
		return true
	}
	return false
}

// checkFile fails when p is not a readable regular file.
func checkFile(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		if os.IsNotExist(err) {
			return fmt.Errorf("no such file")
		}
		return err
	}
	if st.IsDir() {
		return fmt.Errorf("is a folder, not a file")
	}
	return nil
}
