package native

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"kafkastack/internal/datadir"
)

// A Kafka version with a lock file (scripts/kafka-jars/VERSION.lock,
// written by scripts/kafka-jars/lock.sh from what Maven resolves) has its
// jars fetched straight from Maven Central, several at a time, each checked
// against its SHA-256: about 4s here where Maven, which resolves some 400
// POMs one after another first, takes 30-60s. Any other version, or a
// locked one that cannot be fetched so, is resolved with Maven.

// mavenCentral is where locked jars are fetched from (a variable for the
// tests' stand-in repository).
var mavenCentral = "https://repo.maven.apache.org/maven2"

// lockedFetchers is how many jars are fetched at once.
const lockedFetchers = 8

// jarClient bounds each jar's download: a stalled one fails (and the
// fetch falls back to Maven) instead of waiting for ever.
var jarClient = &http.Client{Timeout: 2 * time.Minute}

// lockedJar is one line of a lock file: the jar's path in a Maven
// repository and its SHA-256 in hex.
type lockedJar struct {
	Path   string
	SHA256 string
}

// lockFile is the lock file of Kafka version in the repo at root.
func lockFile(root, version string) string {
	return filepath.Join(root, "scripts", "kafka-jars", version+".lock")
}

// readJarLock reads a lock file. It fails when the file is missing or a
// line is not "<path>.jar <sha256>".
func readJarLock(file string) ([]lockedJar, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var jars []lockedJar
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 || !strings.HasSuffix(fields[0], ".jar") || strings.Contains(fields[0], "..") || len(fields[1]) != 64 {
			return nil, fmt.Errorf("%s:%d: want \"<path>.jar <sha256>\", got %q", file, n, line)
		}
		jars = append(jars, lockedJar{Path: fields[0], SHA256: strings.ToLower(fields[1])})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(jars) == 0 {
		return nil, fmt.Errorf("%s lists no jars", file)
	}
	return jars, nil
}

// fetchPinned fetches the jars of Kafka version into libs when the repo
// at root has a lock file for it, and reports whether it did. A lock file
// that cannot be read, or jars that cannot be fetched or do not match,
// leave libs empty and the fetch to Maven, saying why; only a cancelled
// ctx fails.
func fetchPinned(ctx context.Context, root, version, libs string, logf func(string, ...any)) (bool, error) {
	file := lockFile(root, version)
	lock, err := readJarLock(file)
	if err != nil {
		if !os.IsNotExist(err) {
			logf("reading %s: %v; resolving the jars with Maven instead", datadir.Rel(root, file), err)
		}
		return false, nil
	}
	logf("fetching the Apache Kafka %s jars from Maven Central into %s (first run only; %d jars pinned in %s)", version, libs, len(lock), datadir.Rel(root, file))
	start := time.Now()
	files, bytes, err := fetchLocked(ctx, mavenCentral, lock, libs, logf)
	if err != nil {
		_ = os.RemoveAll(libs)
		if ctx.Err() != nil {
			return false, fmt.Errorf("fetching the Apache Kafka %s jars: %w", version, ctx.Err())
		}
		logf("fetching the pinned jars failed (%v); resolving them with Maven instead", err)
		return false, nil
	}
	logf("fetched the Apache Kafka %s jars in %s (%d files, %s)", version, time.Since(start).Round(100*time.Millisecond), files, formatBytes(bytes))
	return true, nil
}

// fetchLocked downloads every jar of lock from the Maven repository at
// base into dir (created, flat, by file name), lockedFetchers at a time,
// and calls logf with the count at most every mavenProgressEvery. A jar is
// written under a temporary name and renamed once its SHA-256 matches. It
// fails with the first jar that cannot be fetched or does not match.
func fetchLocked(ctx context.Context, base string, lock []lockedJar, dir string, logf func(string, ...any)) (files int, bytes int64, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, err
	}
	var done, total atomic.Int64
	start := time.Now()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		t := time.NewTicker(mavenProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				logf("  still fetching: %d of %d jars (%s) in %s", done.Load(), len(lock), formatBytes(total.Load()), time.Since(start).Round(time.Second))
			}
		}
	}()
	// The first failure cancels the rest and is the one returned.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(lockedFetchers)
	for _, j := range lock {
		g.Go(func() error {
			n, err := fetchJar(gctx, base, j, dir)
			if err == nil {
				total.Add(n)
				done.Add(1)
			}
			return err
		})
	}
	err = g.Wait()
	return int(done.Load()), total.Load(), err
}

// fetchJar downloads one jar into dir and checks its SHA-256.
func fetchJar(ctx context.Context, base string, j lockedJar, dir string) (int64, error) {
	name := path.Base(j.Path)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/"+j.Path, nil)
	if err != nil {
		return 0, err
	}
	resp, err := jarClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("fetching %s: %w", name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("fetching %s: %s", name, resp.Status)
	}
	tmp, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), resp.Body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("fetching %s: %w", name, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != j.SHA256 {
		return 0, fmt.Errorf("fetching %s: SHA-256 %s, the lock file says %s", name, got, j.SHA256)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return 0, err
	}
	return n, nil
}
