package external

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/config"
	"kafkastack/internal/proc"
	"kafkastack/internal/testkit"
)

const (
	testUser     = "alice"
	testPassword = "s3cret-Pa55word-never-shown"
	// failBound is how long any failing case may take.
	failBound = 8 * time.Second
)

// secureCluster is a one-broker kfake cluster with TLS (a CA made here)
// and SASL users for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512.
type secureCluster struct {
	addr   string
	caFile string
	dir    string
	ca     *testkit.CA
}

func startSecure(t *testing.T) *secureCluster {
	t.Helper()
	ca := testkit.NewCA(t, "kafkastack test CA")
	ports, err := proc.FreePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.Ports(ports...),
		kfake.TLS(ca.ServerTLS(t)),
		kfake.EnableSASL(),
		kfake.Superuser(config.SASLScramSHA256, testUser, testPassword),
		kfake.Superuser(config.SASLScramSHA512, testUser, testPassword),
		kfake.Superuser(config.SASLPlain, testUser, testPassword),
	)
	if err != nil {
		t.Fatalf("starting kfake: %v", err)
	}
	t.Cleanup(c.Close)
	dir := t.TempDir()
	return &secureCluster{addr: c.ListenAddrs()[0], caFile: ca.File(t, dir, "ca.pem"), dir: dir, ca: ca}
}

// vars are the settings that reach the secure cluster.
func (s *secureCluster) vars(mech string) map[string]string {
	return map[string]string{
		"KAFKA_RUNTIME":        "external",
		"KAFKA_BROKERS":        s.addr,
		"KAFKA_TLS_CA_FILE":    s.caFile,
		"KAFKA_SASL_MECHANISM": mech,
		"KAFKA_SASL_USERNAME":  testUser,
		"KAFKA_SASL_PASSWORD":  testPassword,
	}
}

func loadConfig(t *testing.T, vars map[string]string) *config.Config {
	t.Helper()
	vars["KAFKASTACK_ROOT"] = testkit.Root()
	cfg, err := config.FromEnv(testkit.Getenv(vars))
	if err != nil {
		t.Fatalf("loading the settings: %v", err)
	}
	return cfg
}

func newRuntime(t *testing.T, vars map[string]string) *Runtime {
	t.Helper()
	r, err := New(&cluster.Env{Config: loadConfig(t, vars)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

func client(t *testing.T, r *Runtime, extra ...kgo.Opt) *kgo.Client {
	t.Helper()
	opts, err := r.ClientOpts()
	if err != nil {
		t.Fatal(err)
	}
	opts = append(opts, kgo.SeedBrokers(r.Bootstrap()...))
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// noSecret fails when s shows a password.
func noSecret(t *testing.T, what, s string, secrets ...string) {
	t.Helper()
	for _, sec := range append(secrets, testPassword) {
		if strings.Contains(s, sec) {
			t.Fatalf("%s shows a password: %s", what, s)
		}
	}
}

// produceConsume creates topic, produces n records and reads them back
// through clients built from the runtime's options.
func produceConsume(t *testing.T, r *Runtime, topic string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	adm := kadm.NewClient(client(t, r))
	resp, err := adm.CreateTopic(ctx, 3, 1, nil, topic)
	if err != nil || resp.Err != nil {
		t.Fatalf("creating %s: %v %v", topic, err, resp.Err)
	}
	prod := client(t, r, kgo.DefaultProduceTopic(topic))
	var recs []*kgo.Record
	for i := 0; i < n; i++ {
		recs = append(recs, &kgo.Record{Key: []byte(fmt.Sprint(i)), Value: []byte(fmt.Sprintf("value-%d", i))})
	}
	if err := prod.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("producing to %s: %v", topic, err)
	}
	cons := client(t, r, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	seen := map[string]bool{}
	for len(seen) < n {
		fs := cons.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("consumed %d/%d records of %s before the timeout", len(seen), n, topic)
		}
		fs.EachError(func(_ string, _ int32, err error) { t.Fatalf("consuming %s: %v", topic, err) })
		fs.EachRecord(func(rec *kgo.Record) {
			if string(rec.Value) != "value-"+string(rec.Key) {
				t.Fatalf("record %s has value %s", rec.Key, rec.Value)
			}
			seen[string(rec.Key)] = true
		})
	}
}

// TestTLSAndSASLWork reaches the TLS + SASL cluster with every mechanism:
// a topic is created, records go in and come back.
func TestTLSAndSASLWork(t *testing.T) {
	s := startSecure(t)
	for _, mech := range config.SASLMechanisms {
		t.Run(mech, func(t *testing.T) {
			r := newRuntime(t, s.vars(mech))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := r.Diagnose(ctx); err != nil {
				t.Fatalf("Diagnose: %v", err)
			}
			running, err := r.Running(ctx)
			if !running || err != nil {
				t.Fatalf("Running = %v, %v", running, err)
			}
			svcs, err := r.Services(ctx)
			if err != nil || len(svcs) != 1 || svcs[0].State != "running" || svcs[0].Service != s.addr {
				t.Fatalf("Services = %+v, %v", svcs, err)
			}
			if want := "TLS, SASL " + mech + " as alice"; svcs[0].Detail != want {
				t.Fatalf("service detail %q, want %q", svcs[0].Detail, want)
			}
			produceConsume(t, r, "ext-"+strings.ToLower(mech), 20)
		})
	}
}

// TestClientPropertiesFile reaches the cluster from a client.properties
// file alone: bootstrap.servers, SASL_SSL, SCRAM, a PEM truststore.
func TestClientPropertiesFile(t *testing.T) {
	s := startSecure(t)
	props := filepath.Join(s.dir, "client.properties")
	body := fmt.Sprintf(`bootstrap.servers=%s
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";
ssl.truststore.type=PEM
ssl.truststore.location=ca.pem
`, s.addr, testUser, testPassword)
	if err := os.WriteFile(props, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := newRuntime(t, map[string]string{"KAFKA_RUNTIME": "external", "KAFKA_CLIENT_PROPERTIES": props})
	if got := strings.Join(r.Bootstrap(), ","); got != s.addr {
		t.Fatalf("Bootstrap = %s, want %s", got, s.addr)
	}
	produceConsume(t, r, "from-properties", 5)
	noSecret(t, "the settings", fmt.Sprintf("%v %+v %#v", r.Settings(), r.Settings(), r.Settings()))
}

// TestVerificationSwitches checks that an empty
// ssl.endpoint.identification.algorithm still checks the chain but not the
// name, and that KAFKA_TLS_INSECURE_SKIP_VERIFY checks neither.
func TestVerificationSwitches(t *testing.T) {
	s := startSecure(t)
	otherCA := testkit.NewCA(t, "some other CA").File(t, s.dir, "other-ca.pem")
	props := filepath.Join(s.dir, "client.properties")
	write := func(ca string) {
		body := fmt.Sprintf("security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=%s\nssl.endpoint.identification.algorithm=\n", ca)
		if err := os.WriteFile(props, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	diagnose := func(vars map[string]string) error {
		ctx, cancel := context.WithTimeout(context.Background(), failBound)
		defer cancel()
		return newRuntime(t, vars).Diagnose(ctx)
	}
	sasl := s.vars(config.SASLScramSHA256)
	base := func() map[string]string {
		return map[string]string{
			"KAFKA_BROKERS": s.addr, "KAFKA_CLIENT_PROPERTIES": props, "KAFKA_TLS_SERVER_NAME": "kafka.example.com",
			"KAFKA_SASL_MECHANISM": sasl["KAFKA_SASL_MECHANISM"], "KAFKA_SASL_USERNAME": testUser, "KAFKA_SASL_PASSWORD": testPassword,
		}
	}
	write("ca.pem")
	if err := diagnose(base()); err != nil {
		t.Fatalf("chain checked, name not: %v", err)
	}
	write(otherCA)
	var pe *ProbeError
	if err := diagnose(base()); !errors.As(err, &pe) || pe.Kind != KindTLSUntrusted {
		t.Fatalf("an untrusted chain with the name unchecked: %v", err)
	}
	v := s.vars(config.SASLScramSHA256)
	v["KAFKA_TLS_CA_FILE"] = otherCA
	v["KAFKA_TLS_INSECURE_SKIP_VERIFY"] = "on"
	if err := diagnose(v); err != nil {
		t.Fatalf("verification off: %v", err)
	}
}

// failure is one misconfiguration and what the diagnosis must say.
type failure struct {
	name string
	edit func(v map[string]string)
	kind Kind
	want string
	// slow marks a case whose probe waits out HandshakeTimeout; Running
	// and Services are not probed again for it.
	slow bool
}

// TestMisconfigurationsFailFast checks that each misconfiguration fails
// within a few seconds with one line that names the cause, that a client
// built from ClientOpts fails too within its bound, and that no error
// shows the password.
func TestMisconfigurationsFailFast(t *testing.T) {
	s := startSecure(t)
	otherCA := testkit.NewCA(t, "some other CA").File(t, s.dir, "other-ca.pem")
	plainPorts, err := proc.FreePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(plainPorts[0]))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(plain.Close)
	const wrong = "not-the-Pa55word"
	var cases []failure
	for _, mech := range config.SASLMechanisms {
		cases = append(cases, failure{
			name: "wrong password " + mech,
			edit: func(v map[string]string) { v["KAFKA_SASL_MECHANISM"] = mech; v["KAFKA_SASL_PASSWORD"] = wrong },
			kind: KindSASLAuth,
			want: "SASL authentication failed for user alice (" + mech,
		})
	}
	cases = append(cases,
		failure{"unknown user", func(v map[string]string) { v["KAFKA_SASL_USERNAME"] = "mallory" }, KindSASLAuth,
			"SASL authentication failed for user mallory (SCRAM-SHA-256", false},
		failure{"untrusted CA", func(v map[string]string) { v["KAFKA_TLS_CA_FILE"] = otherCA }, KindTLSUntrusted,
			"TLS: the broker's certificate is not trusted by KAFKA_TLS_CA_FILE=" + otherCA, false},
		failure{"wrong server name", func(v map[string]string) { v["KAFKA_TLS_SERVER_NAME"] = "kafka.example.com" }, KindTLSName,
			"TLS: the broker's certificate does not name kafka.example.com", false},
		failure{"TLS missing", func(v map[string]string) { delete(v, "KAFKA_TLS_CA_FILE") }, KindTLSRequired,
			"the broker expects TLS (or speaks TLS and we did not)", false},
		failure{"SASL missing", func(v map[string]string) {
			delete(v, "KAFKA_SASL_MECHANISM")
			delete(v, "KAFKA_SASL_USERNAME")
			delete(v, "KAFKA_SASL_PASSWORD")
		}, KindSASLRequired, "the broker requires SASL authentication", false},
		failure{"TLS against a plaintext listener", func(v map[string]string) {
			v["KAFKA_BROKERS"] = plain.ListenAddrs()[0]
		}, KindTLSNotSpoken, "does not seem to speak TLS on this port", true},
		failure{"nothing listens", func(v map[string]string) {
			v["KAFKA_BROKERS"] = fmt.Sprintf("127.0.0.1:%d", plainPorts[1])
		}, KindUnreachable, "connection refused: nothing listens there", false},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vars := s.vars(config.SASLScramSHA256)
			tc.edit(vars)
			r := newRuntime(t, vars)
			ctx, cancel := context.WithTimeout(context.Background(), failBound)
			defer cancel()
			start := time.Now()
			err := r.Diagnose(ctx)
			took := time.Since(start)
			if err == nil {
				t.Fatal("Diagnose passed")
			}
			if took > failBound/2 {
				t.Fatalf("Diagnose took %s", took)
			}
			var pe *ProbeError
			if !errors.As(err, &pe) || pe.Kind != tc.kind {
				t.Fatalf("Diagnose = %v (%T), want kind %s", err, err, tc.kind)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, r.Bootstrap()[0]+": ") {
				t.Fatalf("Diagnose = %q, want one line with the broker and %q", msg, tc.want)
			}
			noSecret(t, "the diagnosis", msg, wrong)
			if got := Explain(err); got != msg {
				t.Fatalf("Explain(diagnosis) = %q", got)
			}
			if !tc.slow {
				running, rerr := r.Running(ctx)
				if running {
					t.Fatal("Running = true")
				}
				if (tc.kind == KindUnreachable) != (rerr == nil) {
					t.Fatalf("Running error = %v; want none only when unreachable", rerr)
				}
				svcs, _ := r.Services(ctx)
				if len(svcs) != 1 || svcs[0].State == "running" || !strings.Contains(svcs[0].Detail, tc.want) {
					t.Fatalf("Services = %+v", svcs)
				}
			}

			// A client built from ClientOpts fails too, within its bound,
			// and its error does not show the password.
			cctx, ccancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer ccancel()
			cstart := time.Now()
			adm := kadm.NewClient(client(t, r, kgo.RequestRetries(1)))
			_, cerr := adm.BrokerMetadata(cctx)
			if cerr == nil {
				t.Fatal("a client got metadata")
			}
			if took := time.Since(cstart); took > 3*time.Second {
				t.Fatalf("the client took %s to fail", took)
			}
			noSecret(t, "the client's error", cerr.Error(), wrong)
			hint := r.Explain(cerr)
			noSecret(t, "Explain", hint, wrong)
			if hint == "" || strings.Contains(hint, "\n") {
				t.Fatalf("r.Explain(%v) = %q, want one line", cerr, hint)
			}
			if tc.kind == KindSASLAuth && !strings.Contains(hint, "check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD") {
				t.Fatalf("r.Explain(%v) = %q, want the credentials named", cerr, hint)
			}
			t.Logf("diagnosis: %s | client: %v | explained: %s", msg, cerr, r.Explain(cerr))
		})
	}
}

// TestExplainText classifies errors that reach it as text only, as a
// wait's timeout error does.
func TestExplainText(t *testing.T) {
	cases := map[string]string{
		"cluster not ready after 2s: no controller elected; last error: tls: failed to verify certificate: x509: certificate signed by unknown authority":                                           "TLS: the broker's certificate is not trusted by KAFKA_TLS_CA_FILE",
		"last error: broker closed the connection immediately during api versions negotiation, which often happens when the broker requires TLS but the client is using plaintext: is TLS missing?": "the broker expects TLS (or speaks TLS and we did not)",
		"last error: broker closed the connection immediately after a request was issued, which often happens when SASL is required but not provided: is SASL missing?":                             "the broker requires SASL authentication",
		"last error: SASL_AUTHENTICATION_FAILED: SASL Authentication failed.":                                                                                                                       "SASL authentication failed: check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD",
		"last error: dial tcp 127.0.0.1:9: connect: connection refused":                                                                                                                             "connection refused: nothing listens",
		"last error: dial tcp: lookup kafka.invalid: no such host":                                                                                                                                  "cannot resolve the broker's host name",
		"tls: failed to verify certificate: x509: certificate is valid for localhost, not kafka.example.com":                                                                                        "does not name the broker's host name (certificate is valid for localhost, not kafka.example.com)",
		"remote error: tls: certificate required":                                                                                                                                                   "TLS: the broker refused our client certificate",
		"last error: UNSUPPORTED_SASL_MECHANISM: The broker does not support the requested SASL mechanism.":                                                                                         "the broker does not enable this SASL mechanism",
		"tls: first record does not look like a TLS handshake":                                                                                                                                      "does not speak TLS on this port",
		"something nobody has seen": "",
	}
	for text, want := range cases {
		got := Explain(errors.New(text))
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("Explain(%q) = %q, want %q", text, got, want)
		}
	}
	if Explain(nil) != "" {
		t.Error("Explain(nil) is not empty")
	}
}

func TestRedact(t *testing.T) {
	if got := Redact("user alice pass hunter2 and hunter2x", "hunter2", "hunter2x", ""); got != "user alice pass *** and ***" {
		t.Fatalf("Redact = %q", got)
	}
	if got := Redact("nothing to hide"); got != "nothing to hide" {
		t.Fatalf("Redact without secrets = %q", got)
	}
	base := fmt.Errorf("authenticating with %s: %w", "hunter2", context.DeadlineExceeded)
	err := RedactError(base, "hunter2")
	if err.Error() != "authenticating with ***: context deadline exceeded" || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("RedactError = %q (is deadline: %v)", err, errors.Is(err, context.DeadlineExceeded))
	}
	if RedactError(nil, "x") != nil || RedactError(base, "absent") != base {
		t.Fatal("RedactError changed an error with nothing to hide")
	}
}

func TestRefusedTargets(t *testing.T) {
	r := newRuntime(t, map[string]string{"KAFKA_RUNTIME": "external", "KAFKA_BROKERS": "127.0.0.1:1"})
	ctx := context.Background()
	want := "the external runtime does not manage the cluster: up/down/clean are refused; point KAFKA_BROKERS at a running cluster"
	for name, fn := range map[string]func(context.Context) error{"up": r.Up, "down": r.Down, "clean": r.Clean} {
		err := fn(ctx)
		if !errors.Is(err, cluster.ErrNotSupported) || err.Error() != want {
			t.Errorf("%s = %v", name, err)
		}
	}
	var buf bytes.Buffer
	if err := r.Logs(ctx, &buf, "", false); !errors.Is(err, cluster.ErrNotSupported) || !strings.Contains(err.Error(), "no logs") {
		t.Errorf("Logs = %v", err)
	}
	if r.Name() != "external" {
		t.Errorf("Name = %s", r.Name())
	}
	var _ cluster.Runtime = r
	var _ cluster.Services = r
}

func TestNewFailures(t *testing.T) {
	_, err := New(&cluster.Env{Config: loadConfig(t, map[string]string{"KAFKA_RUNTIME": "external"})})
	if err == nil || !strings.Contains(err.Error(), "the external runtime needs KAFKA_BROKERS") {
		t.Fatalf("New without brokers = %v", err)
	}
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = New(&cluster.Env{Config: loadConfig(t, map[string]string{
		"KAFKA_BROKERS": "127.0.0.1:1", "KAFKA_TLS_CA_FILE": notPEM,
		"KAFKA_SASL_MECHANISM": "PLAIN", "KAFKA_SASL_USERNAME": "u", "KAFKA_SASL_PASSWORD": testPassword,
	})})
	if err == nil || err.Error() != "KAFKA_TLS_CA_FILE="+notPEM+" holds no PEM certificate (-----BEGIN CERTIFICATE-----)" {
		t.Fatalf("New with a bad CA = %v", err)
	}
	_, err = New(&cluster.Env{Config: loadConfig(t, map[string]string{
		"KAFKA_BROKERS": "127.0.0.1:1", "KAFKA_TLS_CERT_FILE": notPEM, "KAFKA_TLS_KEY_FILE": notPEM,
	})})
	if err == nil || !strings.HasPrefix(err.Error(), "loading the client certificate KAFKA_TLS_CERT_FILE=") {
		t.Fatalf("New with a bad client certificate = %v", err)
	}
}

// TestSettingsNeverShowPassword checks the runtime's settings in every
// printed form and in JSON.
func TestSettingsNeverShowPassword(t *testing.T) {
	r := newRuntime(t, map[string]string{
		"KAFKA_BROKERS": "127.0.0.1:1", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
		"KAFKA_SASL_USERNAME": testUser, "KAFKA_SASL_PASSWORD": testPassword,
	})
	b, err := json.Marshal(r.Settings())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprintf("%v|%+v|%#v|%s", r.Settings(), r.Settings(), r.Settings(), r.Settings()), string(b), fmt.Sprintf("%+v", *r.env.Config)} {
		noSecret(t, "the settings", s)
		if !strings.Contains(s, "***") {
			t.Fatalf("no redaction marker in %s", s)
		}
	}
}

// TestSeveralBootstrapBrokers checks that one answering broker is enough,
// and that when none answers the line says how many failed.
func TestSeveralBootstrapBrokers(t *testing.T) {
	s := startSecure(t)
	dead, err := proc.FreePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	dead1, dead2 := fmt.Sprintf("127.0.0.1:%d", dead[0]), fmt.Sprintf("127.0.0.1:%d", dead[1])
	ctx, cancel := context.WithTimeout(context.Background(), failBound)
	defer cancel()

	v := s.vars(config.SASLScramSHA512)
	v["KAFKA_BROKERS"] = dead1 + "," + s.addr
	r := newRuntime(t, v)
	if err := r.Diagnose(ctx); err != nil {
		t.Fatalf("Diagnose with one live broker: %v", err)
	}
	svcs, _ := r.Services(ctx)
	if len(svcs) != 2 || svcs[0].Service != dead1 || svcs[0].State != "unreachable" || svcs[1].State != "running" {
		t.Fatalf("Services = %+v", svcs)
	}

	v["KAFKA_BROKERS"] = dead1 + "," + dead2
	r = newRuntime(t, v)
	err = r.Diagnose(ctx)
	if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.HasSuffix(err.Error(), "(and 1 more bootstrap brokers failed)") {
		t.Fatalf("Diagnose with no live broker: %v", err)
	}
	if running, err := r.Running(ctx); running || err != nil {
		t.Fatalf("Running = %v, %v; want false and no error", running, err)
	}
}
