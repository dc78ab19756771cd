// Package testkit helps tests run clusters on free ports: it copies the
// repo's compose file with every published and listener port moved to a
// free one, so tests never touch the user's 9091-9093.
package testkit

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"kafkastack/internal/cluster"
	"kafkastack/internal/config"
	"kafkastack/internal/proc"
	"kafkastack/internal/topology"
)

// Root returns the repository root, found from this file's location.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// portRe matches a whole port-like number in the compose file.
var portRe = regexp.MustCompile(`\b(2181|9000|9091|9092|9093|19091|19092|19093|29091|29092|29093)\b`)

// ComposeCopy copies compose/<name> (and compose/.env) into a fresh folder
// (for config.Config.ComposeDir) with every known port replaced by a free
// one. It returns the folder and the port mapping.
func ComposeCopy(t testing.TB, name string) (string, map[int]int) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(Root(), "compose", name))
	if err != nil {
		t.Fatal(err)
	}
	found := map[int]bool{}
	for _, m := range portRe.FindAllString(string(src), -1) {
		n, _ := strconv.Atoi(m)
		found[n] = true
	}
	free, err := proc.FreePorts(len(found))
	if err != nil {
		t.Fatal(err)
	}
	mapping := map[int]int{}
	i := 0
	for p := range found {
		mapping[p] = free[i]
		i++
	}
	out := portRe.ReplaceAllStringFunc(string(src), func(m string) string {
		n, _ := strconv.Atoi(m)
		return strconv.Itoa(mapping[n])
	})
	dir := t.TempDir()
	write := func(rel, body string) {
		if err := os.WriteFile(filepath.Join(dir, rel), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(name, out)
	if env, err := os.ReadFile(filepath.Join(Root(), "compose", ".env")); err == nil {
		write(".env", string(env))
	}
	return dir, mapping
}

// Config returns the default configuration rooted at the repo, with its
// compose files from composeDir and its data in a fresh temporary folder.
func Config(t testing.TB, composeDir string, vars map[string]string) *config.Config {
	t.Helper()
	if vars == nil {
		vars = map[string]string{}
	}
	vars["KAFKASTACK_ROOT"] = Root()
	cfg, err := config.FromEnv(Getenv(vars))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ComposeDir = composeDir
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	return cfg
}

// Env copies compose/<file> with free ports, and returns a runtime
// environment on it (settings from vars, data in a temporary folder,
// progress into the returned buffer) and the port mapping.
func Env(t testing.TB, file string, vars map[string]string) (*cluster.Env, *bytes.Buffer, map[int]int) {
	t.Helper()
	dir, ports := ComposeCopy(t, file)
	cfg := Config(t, dir, vars)
	topo, err := topology.Load(context.Background(), cfg.ComposeFile())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	return &cluster.Env{Config: cfg, Topology: topo, Out: &out}, &out, ports
}

// Getenv returns a getenv for config.FromEnv over vars (nothing else from
// the process environment leaks in).
func Getenv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// Must fails the test on err.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Bootstrap returns 127.0.0.1:port for each port.
func Bootstrap(ports ...int) []string {
	var out []string
	for _, p := range ports {
		out = append(out, fmt.Sprintf("127.0.0.1:%d", p))
	}
	return out
}

// FakeCluster starts a kfake cluster of n brokers on free ports, with opts
// on top, and closes it when the test ends.
func FakeCluster(t testing.TB, n int, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	ports, err := proc.FreePorts(n)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(n), kfake.Ports(ports...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}
