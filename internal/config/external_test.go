package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testPassword = "pa55-W0rd_that-never=prints"

func extEnv(t *testing.T, vars map[string]string) (*Config, error) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	vars["KAFKASTACK_ROOT"] = filepath.Join(wd, "..", "..")
	return FromEnv(func(k string) string { return vars[k] })
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExternalDefaults(t *testing.T) {
	c, err := extEnv(t, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	e := c.External
	if e.TLS || e.SASL() || e.InsecureSkipVerify || len(e.Brokers) != 0 {
		t.Fatalf("defaults: %v", e)
	}
	if got := e.String(); got != "tls=off sasl=off" {
		t.Fatalf("String() = %q", got)
	}
}

func TestExternalEnv(t *testing.T) {
	dir := t.TempDir()
	ca := writeFile(t, dir, "ca.pem", "x")
	c, err := extEnv(t, map[string]string{
		"KAFKA_TLS_CA_FILE":     ca,
		"KAFKA_TLS_SERVER_NAME": "kafka.local",
		"KAFKA_SASL_MECHANISM":  "scram-sha-512",
		"KAFKA_SASL_USERNAME":   "alice",
		"KAFKA_SASL_PASSWORD":   testPassword,
	})
	if err != nil {
		t.Fatal(err)
	}
	e := c.External
	if !e.TLS || e.CAFile != ca || e.ServerName != "kafka.local" || e.InsecureSkipVerify {
		t.Fatalf("TLS settings: %v", e)
	}
	if e.SASLMechanism != SASLScramSHA512 || e.SASLUsername != "alice" || e.SASLPassword.Reveal() != testPassword {
		t.Fatalf("SASL settings: %v", e)
	}
	if e.Source(SettingCAFile) != EnvTLSCAFile {
		t.Fatalf("source of the CA: %q", e.Source(SettingCAFile))
	}
	c, err = extEnv(t, map[string]string{"KAFKA_TLS": "yes", "KAFKA_TLS_INSECURE_SKIP_VERIFY": "on"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.External.TLS || !c.External.InsecureSkipVerify {
		t.Fatalf("KAFKA_TLS=yes with skip verify: %v", c.External)
	}
}

func TestExternalEnvErrors(t *testing.T) {
	dir := t.TempDir()
	ca := writeFile(t, dir, "ca.pem", "x")
	cases := []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"KAFKA_TLS": "maybe"}, `KAFKA_TLS="maybe" is not a switch`},
		{map[string]string{"KAFKA_TLS_INSECURE_SKIP_VERIFY": "sure"}, "KAFKA_TLS_INSECURE_SKIP_VERIFY="},
		{map[string]string{"KAFKA_TLS": "off", "KAFKA_TLS_CA_FILE": ca}, "KAFKA_TLS=off but KAFKA_TLS_CA_FILE is set"},
		{map[string]string{"KAFKA_TLS_CA_FILE": filepath.Join(dir, "missing.pem")}, "KAFKA_TLS_CA_FILE=" + filepath.Join(dir, "missing.pem") + ": no such file"},
		{map[string]string{"KAFKA_TLS_CA_FILE": dir}, "is a folder"},
		{map[string]string{"KAFKA_TLS_CERT_FILE": ca}, "KAFKA_TLS_CERT_FILE is set without its key"},
		{map[string]string{"KAFKA_TLS_KEY_FILE": ca}, "KAFKA_TLS_KEY_FILE is set without a client certificate"},
		{map[string]string{"KAFKA_SASL_MECHANISM": "GSSAPI", "KAFKA_SASL_PASSWORD": testPassword}, `KAFKA_SASL_MECHANISM="GSSAPI" is not a mechanism`},
		{map[string]string{"KAFKA_SASL_MECHANISM": "PLAIN", "KAFKA_SASL_PASSWORD": testPassword}, "KAFKA_SASL_MECHANISM=PLAIN needs a user name; set KAFKA_SASL_USERNAME"},
		{map[string]string{"KAFKA_SASL_MECHANISM": "PLAIN", "KAFKA_SASL_USERNAME": "alice"}, "needs a password; set KAFKA_SASL_PASSWORD"},
		{map[string]string{"KAFKA_SASL_USERNAME": "alice"}, "KAFKA_SASL_USERNAME is set but KAFKA_SASL_MECHANISM is not"},
		{map[string]string{"KAFKA_SASL_PASSWORD": testPassword}, "KAFKA_SASL_PASSWORD is set but KAFKA_SASL_MECHANISM is not"},
		{map[string]string{"KAFKA_CLIENT_PROPERTIES": filepath.Join(dir, "nope.properties")}, "KAFKA_CLIENT_PROPERTIES=" + filepath.Join(dir, "nope.properties") + ": no such file"},
	}
	for _, tc := range cases {
		_, err := extEnv(t, tc.vars)
		if err == nil {
			t.Errorf("%v: no error, want %q", tc.vars, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %q, want it to contain %q", tc.vars, err, tc.want)
		}
		if strings.Contains(err.Error(), testPassword) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: error shows the password or has several lines: %q", tc.vars, err)
		}
	}
}

// TestExternalNeverPrintsPassword checks every fmt verb, Go syntax and
// JSON, on the settings alone and inside Config.
func TestExternalNeverPrintsPassword(t *testing.T) {
	c, err := extEnv(t, map[string]string{
		"KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
		"KAFKA_SASL_USERNAME":  "alice",
		"KAFKA_SASL_PASSWORD":  testPassword,
	})
	if err != nil {
		t.Fatal(err)
	}
	e := c.External
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%10.3v"} {
		outs = append(outs,
			fmt.Sprintf(verb, e), fmt.Sprintf(verb, &e), fmt.Sprintf(verb, c), fmt.Sprintf(verb, *c),
			fmt.Sprintf(verb, e.SASLPassword), fmt.Sprintf(verb, []External{e}))
	}
	outs = append(outs, fmt.Sprint(e), fmt.Sprintln(c), e.String(), e.GoString())
	for _, v := range []any{e, &e, c, map[string]External{"x": e}} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, string(b))
	}
	for _, o := range outs {
		if strings.Contains(o, testPassword) || strings.Contains(o, fmt.Sprintf("%x", testPassword)) {
			t.Fatalf("output shows the password: %s", o)
		}
	}
	// The redaction marker and the user are there, so the settings still
	// say what they are.
	if s := fmt.Sprintf("%+v", c); !strings.Contains(s, "password=***") || !strings.Contains(s, "user=alice") {
		t.Fatalf("%%+v of Config: %s", s)
	}
	if s := fmt.Sprintf("%#v", e); !strings.Contains(s, `SASLPassword:"***"`) || !strings.HasPrefix(s, "config.External{") {
		t.Fatalf("%%#v: %s", s)
	}
	b, _ := json.Marshal(e)
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back["sasl_password"] != Redacted || back["sasl_username"] != "alice" || back["sasl_mechanism"] != "SCRAM-SHA-256" {
		t.Fatalf("JSON: %s", b)
	}
	if e.SASLPassword.Reveal() != testPassword {
		t.Fatal("Reveal lost the password")
	}
	var empty Secret
	if fmt.Sprint(empty) != "" {
		t.Fatalf("an empty secret prints %q", fmt.Sprint(empty))
	}
}

func TestClientPropertiesSASLSSL(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "ca.pem", "x")
	props := writeFile(t, dir, "client.properties", `# a Java client file
bootstrap.servers = kafka1.example:9093, kafka2.example:9093
security.protocol=SASL_SSL
sasl.mechanism: SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \
    username="alice" \
    password="`+testPassword+`";
ssl.truststore.type=PEM
ssl.truststore.location=ca.pem
! another comment
ssl.endpoint.identification.algorithm=
unknown.key=kept out
`)
	e, err := ReadClientProperties(props)
	if err != nil {
		t.Fatal(err)
	}
	if !e.TLS || e.CAFile != filepath.Join(dir, "ca.pem") || !e.SkipHostnameVerify {
		t.Fatalf("TLS from the file: %v", e)
	}
	if e.SASLMechanism != SASLScramSHA512 || e.SASLUsername != "alice" || e.SASLPassword.Reveal() != testPassword {
		t.Fatalf("SASL from the file: %v (password %d chars)", e, len(e.SASLPassword.Reveal()))
	}
	if strings.Join(e.Brokers, ",") != "kafka1.example:9093,kafka2.example:9093" {
		t.Fatalf("brokers %v", e.Brokers)
	}
	if got := e.Source(SettingCAFile); got != "ssl.truststore.location in client.properties" {
		t.Fatalf("source of the CA: %q", got)
	}

	// The environment overrides the file, key by key.
	c, err := extEnv(t, map[string]string{
		"KAFKA_CLIENT_PROPERTIES": props,
		"KAFKA_SASL_USERNAME":     "bob",
		"KAFKA_SASL_PASSWORD":     "other",
		"KAFKA_SASL_MECHANISM":    "PLAIN",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.External.SASLUsername != "bob" || c.External.SASLPassword.Reveal() != "other" || c.External.SASLMechanism != SASLPlain || !c.External.TLS {
		t.Fatalf("env over file: %v", c.External)
	}
	c, err = extEnv(t, map[string]string{"KAFKA_CLIENT_PROPERTIES": props, "KAFKA_TLS": "off"})
	if err != nil {
		t.Fatal(err)
	}
	if c.External.TLS || c.External.CAFile != "" || c.External.SASLUsername != "alice" {
		t.Fatalf("KAFKA_TLS=off over the file: %v", c.External)
	}
}

func TestClientPropertiesShapes(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "ca.crt", "x")
	writeFile(t, dir, "client.pem", "x")

	// security.protocol unset: TLS and SASL follow from the keys; PLAIN
	// follows from the login module; librdkafka's keys are read.
	e, err := ReadClientProperties(writeFile(t, dir, "a.properties", `
ssl.ca.location=`+filepath.Join(dir, "ca.crt")+`
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=bob password=`+testPassword+`;
`))
	if err != nil {
		t.Fatal(err)
	}
	if !e.TLS || e.SASLMechanism != SASLPlain || e.SASLUsername != "bob" || e.SASLPassword.Reveal() != testPassword {
		t.Fatalf("inferred: %v", e)
	}
	e, err = ReadClientProperties(writeFile(t, dir, "b.properties", `
security.protocol=SASL_PLAINTEXT
sasl.mechanisms=SCRAM-SHA-256
sasl.username=carol
sasl.password=sec\=ret
ssl.ca.location=ignored-because-plaintext.pem
`))
	if err != nil {
		t.Fatal(err)
	}
	if e.TLS || e.SASLMechanism != SASLScramSHA256 || e.SASLUsername != "carol" || e.SASLPassword.Reveal() != "sec=ret" {
		t.Fatalf("librdkafka keys: %v", e)
	}
	e, err = ReadClientProperties(writeFile(t, dir, "c.properties", "security.protocol=SSL\nssl.keystore.type=PEM\nssl.keystore.location=client.pem\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !e.TLS || e.SASL() || e.CertFile != filepath.Join(dir, "client.pem") || e.KeyFile != e.CertFile {
		t.Fatalf("PEM keystore: %v", e)
	}
	// librdkafka's certificate and key files; the truststore wins over
	// ssl.ca.location; https keeps the host name check.
	writeFile(t, dir, "client.key", "x")
	e, err = ReadClientProperties(writeFile(t, dir, "e.properties", "ssl.certificate.location=client.pem\nssl.key.location=client.key\n"+
		"ssl.truststore.location=ca.crt\nssl.ca.location=other.pem\nssl.endpoint.identification.algorithm=HTTPS\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !e.TLS || e.CertFile != filepath.Join(dir, "client.pem") || e.KeyFile != filepath.Join(dir, "client.key") || e.CAFile != filepath.Join(dir, "ca.crt") || e.SkipHostnameVerify {
		t.Fatalf("certificate and key files: %v", e)
	}
	if e.Source(SettingKeyFile) != "ssl.key.location in e.properties" || e.Source(SettingCAFile) != "ssl.truststore.location in e.properties" || e.Source(SettingTLS) != EnvTLS {
		t.Fatalf("sources: key %q, CA %q, TLS %q", e.Source(SettingKeyFile), e.Source(SettingCAFile), e.Source(SettingTLS))
	}
	// The JAAS line's credentials win over sasl.username and sasl.password,
	// and the messages name it.
	e, err = ReadClientProperties(writeFile(t, dir, "f.properties", "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.username=x\nsasl.password=y\n"+
		"sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"dora\" password=\"z\";\n"))
	if err != nil {
		t.Fatal(err)
	}
	if e.SASLUsername != "dora" || e.SASLPassword.Reveal() != "z" || e.Source(SettingUsername) != "sasl.jaas.config in f.properties" || e.Source(SettingSASL) != "sasl.mechanism in f.properties" {
		t.Fatalf("JAAS over the keys: %v, user from %q", e, e.Source(SettingUsername))
	}
	e, err = ReadClientProperties(writeFile(t, dir, "d.properties", "security.protocol=PLAINTEXT\nsasl.mechanism=PLAIN\n"))
	if err != nil || e.TLS || e.SASL() {
		t.Fatalf("PLAINTEXT: %v %v", e, err)
	}
}

func TestClientPropertiesErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "truststore.jks", "x")
	cases := []struct{ body, want string }{
		{"security.protocol=SASL_SSLX\n", "line 1: security.protocol=SASL_SSLX is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"},
		{"security.protocol=SSL\nssl.truststore.location=truststore.jks\n", "line 2: ssl.truststore.location is a JKS (the default type) truststore"},
		{"security.protocol=SSL\nssl.truststore.location=nope.pem\n", "ssl.truststore.location in x.properties=" + filepath.Join(dir, "nope.pem") + ": no such file"},
		{"security.protocol=SASL_SSL\nsasl.mechanism=GSSAPI\n", "line 2: sasl.mechanism=GSSAPI is not supported"},
		{"security.protocol=SASL_SSL\nsasl.jaas.config=ScramLoginModule required username=\"a\" password=\"x\";\n", "sasl.mechanism is not set"},
		{"security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=PlainLoginModule username=\"a\" password=\"" + testPassword + "\";\n", "line 3: sasl.jaas.config is not"},
		{"security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=PlainLoginModule required username=\"a\" password=\"" + testPassword + ";\n", "line 3: sasl.jaas.config is not"},
		{"bootstrap.servers=kafka-without-port\n", "line 1: bootstrap.servers: \"kafka-without-port\" is not host:port"},
		{"key=\\u12\n", "line 1: key: a \\u escape needs four hex digits"},
		{"security.protocol=SSL\nssl.keystore.location=client.p12\nssl.keystore.type=PKCS12\n", "line 2: ssl.keystore.location is a PKCS12 keystore; only PEM"},
		{"security.protocol=SSL\nssl.keystore.location=client.jks\n", "line 2: ssl.keystore.location is a JKS (the default type) keystore"},
		{"security.protocol=SSL\nssl.keystore.location=client.pem\nssl.key.password=" + testPassword + "\n", "line 2: ssl.keystore.location: encrypted keys are not supported"},
		{"security.protocol=SSL\nssl.truststore.certificates=-----BEGIN CERTIFICATE-----\n", "line 2: ssl.truststore.certificates (inline certificates) is not supported"},
		{"security.protocol=SSL\nssl.endpoint.identification.algorithm=ldap\n", "line 2: ssl.endpoint.identification.algorithm=ldap is not https or empty"},
		{"ssl.certificate.location=missing.crt\nssl.key.location=missing.key\n", "ssl.certificate.location in x.properties=" + filepath.Join(dir, "missing.crt") + ": no such file"},
	}
	for i, tc := range cases {
		p := writeFile(t, dir, "x.properties", tc.body)
		_, err := ReadClientProperties(p)
		if err == nil {
			t.Errorf("case %d: no error, want %q", i, tc.want)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.want) || !strings.HasPrefix(msg, "KAFKA_CLIENT_PROPERTIES="+p+": ") {
			t.Errorf("case %d: error %q, want it to name the file and contain %q", i, msg, tc.want)
		}
		if strings.Contains(msg, testPassword) || strings.Contains(msg, "\n") {
			t.Errorf("case %d: error shows the password or has several lines: %q", i, msg)
		}
	}
}
