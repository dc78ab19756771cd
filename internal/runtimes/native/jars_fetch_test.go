package native

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kafkastack/internal/testkit"
)

// TestLibsKeepsMavensDownloadsInTheCacheAndCountsThem runs Libs for a
// version with no lock file with a fake mvn that prints Maven's download
// lines: Maven is pointed at .cache/m2, and the final line counts the
// files and bytes.
func TestLibsKeepsMavensDownloadsInTheCacheAndCountsThem(t *testing.T) {
	const version = "3.9.1" // no lock file
	if _, err := os.Stat(lockFile(testkit.Root(), version)); err == nil {
		t.Fatalf("%s has a lock file; pick a version without one", version)
	}
	dir, _ := testkit.ComposeCopy(t, "docker-compose.yml")
	cfg := testkit.Config(t, dir, map[string]string{"KAFKA_RUNTIME": "native"})
	cfg.CacheDir = t.TempDir()
	argsFile := filepath.Join(t.TempDir(), "args")
	fakePath(t, map[string]string{"mvn": fmt.Sprintf(`echo "$@" > %s
for a in "$@"; do case "$a" in -DoutputDirectory=*) /bin/mkdir -p "${a#-DoutputDirectory=}";; esac; done
echo "[INFO] Scanning for projects..."
echo "Downloading from central: https://repo/a.jar"
echo "Downloaded from central: https://repo/a.jar (1.5 MB at 2.0 MB/s)"
echo "Downloaded from central: https://repo/b.pom (512 B at 9 kB/s)"
echo "Downloaded from central: https://repo/c.jar (512 kB at 1 MB/s)"`, argsFile)})
	var lines []string
	logf := func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) }
	j, err := Libs(context.Background(), cfg, cfg.Mode, version, logf)
	if err != nil {
		t.Fatal(err)
	}
	args, _ := os.ReadFile(argsFile)
	if !strings.Contains(string(args), "-Dmaven.repo.local="+filepath.Join(cfg.CacheDir, "m2")) || strings.Contains(string(args), " -q ") {
		t.Fatalf("mvn args %s", args)
	}
	if j.Libs != filepath.Join(cfg.CacheDir, "kafka", version, "libs") {
		t.Fatalf("libs %s", j.Libs)
	}
	last := lines[len(lines)-1]
	if !strings.Contains(last, "3 files downloaded, 2.0 MB") {
		t.Fatalf("lines %q", lines)
	}
	// Cached now: no Maven, no lines.
	lines = nil
	fakePath(t, nil)
	if _, err := Libs(context.Background(), cfg, cfg.Mode, version, logf); err != nil || len(lines) != 0 {
		t.Fatalf("second call: %v %q", err, lines)
	}
}

// TestLibsNamesMavensErrors has mvn fail: the error carries Maven's
// [ERROR] lines in one line.
func TestLibsNamesMavensErrors(t *testing.T) {
	dir, _ := testkit.ComposeCopy(t, "docker-compose.yml")
	cfg := testkit.Config(t, dir, map[string]string{"KAFKA_RUNTIME": "native"})
	cfg.CacheDir = t.TempDir()
	fakePath(t, map[string]string{"mvn": `echo "[INFO] BUILD FAILURE"
echo "[ERROR] Could not resolve dependencies for kafka_2.13:9.9.9"
exit 1`})
	_, err := Libs(context.Background(), cfg, cfg.Mode, "9.9.9", nil)
	if err == nil || !strings.Contains(err.Error(), "Could not resolve dependencies") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v", err)
	}
}

// TestWatchMavenReportsProgressWhileDownloading feeds Maven lines with a
// start long ago: each line past the interval gives a progress line.
func TestWatchMavenReportsProgressWhileDownloading(t *testing.T) {
	var lines []string
	in := strings.NewReader("Downloaded from central: https://r/x.jar (1.0 MB at 1 MB/s)\nDownloaded from central: https://r/y.jar (1.0 MB at 1 MB/s)\n")
	mp := watchMaven(in, time.Now().Add(-time.Minute), func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) })
	if mp.files != 2 || mp.bytes != 2<<20 {
		t.Fatalf("progress %+v", mp)
	}
	if len(lines) == 0 || !strings.Contains(lines[0], "still resolving: 1 files downloaded (1.0 MB)") {
		t.Fatalf("lines %q", lines)
	}
}
