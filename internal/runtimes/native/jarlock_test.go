package native

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"kafkastack/internal/config"
	"kafkastack/internal/testkit"
)

// Unit tests never fetch from the real Maven Central; the real-Kafka tests
// (KAFKASTACK_NATIVE_TESTS=1) fetch the pinned jars as the runtime does.
func init() {
	if os.Getenv("KAFKASTACK_NATIVE_TESTS") == "" {
		mavenCentral = "http://127.0.0.1:1/maven2" // nothing listens on port 1
	}
}

// pinnedRepo serves jars at their repository paths and returns the lock
// lines for them; corrupt names a jar served with other bytes than its
// lock line says.
func pinnedRepo(t *testing.T, jars map[string]string, corrupt string) (url string, lock string, hits *atomic.Int64) {
	t.Helper()
	hits = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		body, ok := jars[strings.TrimPrefix(r.URL.Path, "/maven2/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(r.URL.Path, corrupt) && corrupt != "" {
			body += "tampered"
		}
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	var lines []string
	for p, body := range jars {
		sum := sha256.Sum256([]byte(body))
		lines = append(lines, p+" "+hex.EncodeToString(sum[:]))
	}
	sort.Strings(lines)
	return srv.URL + "/maven2", strings.Join(lines, "\n") + "\n", hits
}

// pinnedConfig is a native config whose repo root holds lock for version
// and whose Maven Central is url.
func pinnedConfig(t *testing.T, version, lock, url string) (*config.Config, string) {
	t.Helper()
	dir, _ := testkit.ComposeCopy(t, "docker-compose.yml")
	cfg := testkit.Config(t, dir, map[string]string{"KAFKA_RUNTIME": "native"})
	cfg.Root = t.TempDir()
	cfg.CacheDir = t.TempDir()
	file := lockFile(cfg.Root, version)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(lock), 0o644); err != nil {
		t.Fatal(err)
	}
	old := mavenCentral
	mavenCentral = url
	t.Cleanup(func() { mavenCentral = old })
	return cfg, file
}

var threeJars = map[string]string{
	"org/apache/kafka/kafka-clients/4.4.0/kafka-clients-4.4.0.jar":   "clients",
	"org/apache/kafka/kafka_2.13/4.4.0/kafka_2.13-4.4.0.jar":         "broker",
	"org/scala-lang/scala-library/2.13.16/scala-library-2.13.16.jar": "scala",
}

func TestLibsFetchesAPinnedVersionWithoutMaven(t *testing.T) {
	url, lock, hits := pinnedRepo(t, threeJars, "")
	cfg, _ := pinnedConfig(t, "4.4.0", lock, url)
	fakePath(t, map[string]string{"mvn": "echo mvn must not run >&2; exit 1"})
	var lines []string
	logf := func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) }
	j, err := Libs(context.Background(), cfg, cfg.Mode, "4.4.0", logf)
	if err != nil {
		t.Fatalf("%v\n%q", err, lines)
	}
	for p, body := range threeJars {
		b, err := os.ReadFile(filepath.Join(j.Libs, filepath.Base(p)))
		if err != nil || string(b) != body {
			t.Fatalf("%s: %q %v", p, b, err)
		}
	}
	entries, _ := os.ReadDir(j.Libs)
	if len(entries) != len(threeJars) {
		t.Fatalf("libs holds %d files, want %d (no temporary ones)", len(entries), len(threeJars))
	}
	if !strings.Contains(lines[0], "3 jars pinned in scripts/kafka-jars/4.4.0.lock") || !strings.Contains(lines[len(lines)-1], "(3 files,") {
		t.Fatalf("lines %q", lines)
	}
	// Cached now: nothing fetched again.
	before := hits.Load()
	if _, err := Libs(context.Background(), cfg, cfg.Mode, "4.4.0", logf); err != nil || hits.Load() != before {
		t.Fatalf("second call: %v, %d more requests", err, hits.Load()-before)
	}
}

func TestLibsFallsBackToMavenWhenAPinnedJarDoesNotMatch(t *testing.T) {
	url, lock, _ := pinnedRepo(t, threeJars, "scala-library-2.13.16.jar")
	cfg, _ := pinnedConfig(t, "4.4.0", lock, url)
	fakePath(t, map[string]string{"mvn": `for a in "$@"; do case "$a" in -DoutputDirectory=*) /bin/mkdir -p "${a#-DoutputDirectory=}" && echo maven > "${a#-DoutputDirectory=}/from-maven.jar";; esac; done`})
	var lines []string
	logf := func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) }
	j, err := Libs(context.Background(), cfg, cfg.Mode, "4.4.0", logf)
	if err != nil {
		t.Fatalf("%v\n%q", err, lines)
	}
	all := strings.Join(lines, "\n")
	if !strings.Contains(all, "scala-library-2.13.16.jar: SHA-256") || !strings.Contains(all, "resolving them with Maven instead") {
		t.Fatalf("lines %q", lines)
	}
	entries, _ := os.ReadDir(j.Libs)
	if len(entries) != 1 || entries[0].Name() != "from-maven.jar" {
		t.Fatalf("libs after the fallback: %v (the pinned fetch's jars must be gone)", entries)
	}
}

func TestReadJarLockRejectsAMalformedLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "x.lock")
	for _, body := range []string{
		"a/b.jar 123\n",
		"a/b.pom " + strings.Repeat("0", 64) + "\n",
		"../b.jar " + strings.Repeat("0", 64) + "\n",
		"# nothing\n",
	} {
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readJarLock(file); err == nil {
			t.Errorf("%q: no error", body)
		}
	}
}

// TestTheLockFilesMatchThePinnedVersions keeps a lock file for each
// version the native runtime runs by default, each naming the broker jar
// of its version.
func TestTheLockFilesMatchThePinnedVersions(t *testing.T) {
	for _, v := range []string{VersionZK, VersionKRaft} {
		lock, err := readJarLock(lockFile(testkit.Root(), v))
		if err != nil {
			t.Fatalf("%s: %v (write it with: bash scripts/kafka-jars/lock.sh %s)", v, err, v)
		}
		found := false
		for _, j := range lock {
			found = found || strings.HasSuffix(j.Path, "/kafka_2.13-"+v+".jar")
		}
		if !found {
			t.Errorf("the lock file of %s has no kafka_2.13-%s.jar", v, v)
		}
	}
}
