package config

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// readVars lists every environment variable this package reads, from its
// own source: getenv("X") calls and the Env... name constants.
func readVars(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`getenv\("([A-Z_]+)"\)|Env[A-Za-z]+\s*=\s*"([A-Z_]+)"`)
	seen := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]+m[2]] = true
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
// tables in step with what config reads.
func TestREADMEDocumentsEveryVariable(t *testing.T) {
	vars := readVars(t)
	if len(vars) < 20 {
		t.Fatalf("found only %d variables in the source: %v", len(vars), vars)
	}
	readme, err := os.ReadFile(filepath.Join(root(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vars {
		if !strings.Contains(string(readme), "`"+v+"`") {
			t.Errorf("README.md does not document %s", v)
		}
	}
}
