package config

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// readVars lists every environment variable this package reads: each
// name FromEnv asks getenv for, and each variable name written as a string
// of its own in the package's source (reads behind a condition, such as
// the properties file's, are found there).
func readVars(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	vars := map[string]string{"KAFKASTACK_ROOT": root(t)}
	if _, err := FromEnv(func(k string) string { seen[k] = true; return vars[k] }); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`"(KAFKA[A-Z_]*)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
	}
	var out []string
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// TestREADMEDocumentsEveryVariable keeps the README's configuration
// tables in step with what config reads: every variable has a row.
func TestREADMEDocumentsEveryVariable(t *testing.T) {
	vars := readVars(t)
	for _, v := range []string{"KAFKA_RUNTIME", "KAFKA_TLS", "KAFKA_BENCH_RECORDS", "KAFKA_BENCH_MAX_IN_FLIGHT", "KAFKA_BIND_ADDRESS", "KAFKASTACK_ROOT"} {
		if !slices.Contains(vars, v) {
			t.Fatalf("%s is not among the variables found: %v", v, vars)
		}
	}
	readme, err := os.ReadFile(filepath.Join(root(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var rows strings.Builder
	for _, l := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(l, "| `") {
			rows.WriteString(l + "\n")
		}
	}
	for _, v := range vars {
		if !strings.Contains(rows.String(), "`"+v+"`") {
			t.Errorf("README.md has no table row for %s", v)
		}
	}
}
