package e2e

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"kafkastack/internal/config"
	"kafkastack/internal/proc"
	"kafkastack/internal/stack"
	"kafkastack/internal/testkit"
)

const (
	extUser     = "alice"
	extPassword = "s3cr3t-Pa55word"
)

// secureStack starts a three-broker kfake cluster with TLS (a CA made here)
// and SASL/SCRAM, and opens the external runtime on it with vars.
func secureStack(t *testing.T, override map[string]string) (*stack.Stack, *bytes.Buffer) {
	t.Helper()
	ca := testkit.NewCA(t, "kafkastack e2e CA")
	ports, err := proc.FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kfake.NewCluster(
		kfake.Ports(ports...),
		kfake.TLS(ca.ServerTLS(t)),
		kfake.EnableSASL(),
		kfake.Superuser(config.SASLScramSHA512, extUser, extPassword),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	vars := map[string]string{
		"KAFKA_RUNTIME":        "external",
		"KAFKA_BROKERS":        strings.Join(c.ListenAddrs(), ","),
		"KAFKA_TLS_CA_FILE":    ca.File(t, t.TempDir(), "ca.pem"),
		"KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
		"KAFKA_SASL_USERNAME":  extUser,
		"KAFKA_SASL_PASSWORD":  extPassword,
		"KAFKA_READY_TIMEOUT":  "5s",
		"KAFKA_RECORDS":        "300",
	}
	for k, v := range override {
		vars[k] = v
	}
	var out bytes.Buffer
	s, err := stack.OpenConfig(context.Background(), testkit.Config(t, filepath.Join(testkit.Root(), "compose"), vars), &out)
	if err != nil {
		t.Fatal(err)
	}
	return s, &out
}

func TestE2EOnTheExternalRuntimeWithTLSAndSCRAM(t *testing.T) {
	s, _ := secureStack(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out bytes.Buffer
	rep, err := Run(ctx, s, Options{}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if rep.Result.Read != 300 {
		t.Fatalf("read %d", rep.Result.Read)
	}
	// It used a run-unique topic and deleted it; it never started anything.
	if !strings.Contains(out.String(), "kafkastack-e2e-"+rep.Run) || strings.Contains(out.String(), "up ") {
		t.Fatalf("output:\n%s", out.String())
	}
	adm, cl, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	topics, err := adm.ListTopics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if topics.Has("kafkastack-e2e-" + rep.Run) {
		t.Fatal("the run-unique topic was left behind")
	}
	if strings.Contains(out.String(), extPassword) {
		t.Fatal("the password appeared in the output")
	}
}

func TestE2EOnTheExternalRuntimeFailsOnAWrongPassword(t *testing.T) {
	s, _ := secureStack(t, map[string]string{"KAFKA_SASL_PASSWORD": "wrong-password", "KAFKA_READY_TIMEOUT": "2s"})
	start := time.Now()
	var out bytes.Buffer
	_, err := Run(context.Background(), s, Options{}, &out)
	if err == nil {
		t.Fatal("e2e passed with a wrong password")
	}
	if time.Since(start) > 20*time.Second {
		t.Fatalf("took %s", time.Since(start))
	}
	msg := err.Error()
	if !strings.Contains(strings.ToLower(msg), "sasl") || strings.Contains(msg, "wrong-password") || strings.Contains(out.String(), "wrong-password") {
		t.Fatalf("err = %v", err)
	}
}
