package native

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"kafkastack/internal/config"
	"kafkastack/internal/topology"
)

// The Apache Kafka versions the native runtime runs when the compose file's
// brokers do not name an apache/kafka image: 3.9 is the last line with
// ZooKeeper (3.9.2 its newest patch on Maven Central); 4.x runs KRaft only
// (4.4.0 the newest release on Maven Central).
const (
	VersionZK    = "3.9.2"
	VersionKRaft = "4.4.0"
)

// apacheImageRe matches the official image with a release tag, e.g.
// apache/kafka:4.1.0 or apache/kafka-native:4.1.0.
var apacheImageRe = regexp.MustCompile(`^(?:docker\.io/)?apache/kafka(?:-native)?:(\d+\.\d+\.\d+)$`)

// Version is the Kafka version the native runtime runs for topo in mode:
// the release of the brokers' apache/kafka image when they all name the
// same one (so that the compose and native runtimes run the same Kafka),
// else VersionZK or VersionKRaft. It fails when that version cannot run the
// mode (ZooKeeper mode on Kafka 4 or newer).
func Version(mode config.Mode, topo *topology.Topology) (string, error) {
	v := VersionZK
	if mode == config.ModeKRaft {
		v = VersionKRaft
	}
	var tags []string
	for _, b := range topo.Brokers {
		if m := apacheImageRe.FindStringSubmatch(b.Image); m != nil {
			tags = append(tags, m[1])
		}
	}
	if len(tags) > 0 && len(tags) == len(topo.Brokers) {
		same := true
		for _, t := range tags {
			same = same && t == tags[0]
		}
		if same {
			v = tags[0]
		}
	}
	if err := checkModeVersion(mode, v, "the compose file's image"); err != nil {
		return "", err
	}
	return v, nil
}

// checkModeVersion fails when Kafka version v cannot run mode; from names
// where v came from.
func checkModeVersion(mode config.Mode, v, from string) error {
	if mode == config.ModeZK && major(v) >= 4 {
		return fmt.Errorf("KAFKA_MODE=zk needs Apache Kafka 3.x (4.0 removed ZooKeeper), but %s is Kafka %s; use KAFKA_MODE=kraft or a 3.9 release", from, v)
	}
	return nil
}

// major returns the major number of a dotted version, or 0.
func major(v string) int {
	n, _ := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	return n
}

// Jars is a folder of Apache Kafka jars with every dependency beside them
// (a classpath of Libs/*), and the Kafka version they hold.
type Jars struct {
	Libs    string
	Version string
}

// coreJarRe matches the broker jar of a Kafka distribution's libs/ folder,
// never its -sources, -javadoc or -test jars.
var coreJarRe = regexp.MustCompile(`^kafka_2\.1[23]-(\d+\.\d+\.\d+)\.jar$`)

// Libs returns the Kafka jars the native runtime runs: cfg.KafkaHome/libs
// when KAFKA_HOME is set, else .cache/kafka/<version>/libs, which it fills
// on first use: straight from Maven Central when the version has a lock
// file (see jarlock.go), else with Maven (the ordinary client), whose own
// downloads go to .cache/m2 inside the repo, never to ~/.m2. Either way
// logf gets a progress line every few seconds. It fails when KAFKA_HOME
// holds no Kafka jars or a release that cannot run mode, when Maven is
// missing, and when Maven cannot resolve the jars (with Maven's last
// lines).
func Libs(ctx context.Context, cfg *config.Config, mode config.Mode, version string, logf func(string, ...any)) (Jars, error) {
	if cfg.KafkaHome != "" {
		libs := filepath.Join(cfg.KafkaHome, "libs")
		entries, _ := os.ReadDir(libs)
		for _, e := range entries {
			if m := coreJarRe.FindStringSubmatch(e.Name()); m != nil {
				if err := checkModeVersion(mode, m[1], "KAFKA_HOME="+cfg.KafkaHome); err != nil {
					return Jars{}, err
				}
				return Jars{Libs: libs, Version: m[1]}, nil
			}
		}
		return Jars{}, fmt.Errorf("KAFKA_HOME=%s holds no libs/kafka_2.13-<version>.jar: point it at an Apache Kafka distribution", cfg.KafkaHome)
	}
	dir := filepath.Join(cfg.CacheDir, "kafka", version)
	j := Jars{Libs: filepath.Join(dir, "libs"), Version: version}
	marker := filepath.Join(dir, "complete")
	if _, err := os.Stat(marker); err == nil {
		return j, nil
	}
	// One fetch at a time per version, across processes: another one's
	// half-finished copy is not ours to redo.
	unlock, err := lockCache(ctx, dir+".lock", logf)
	if err != nil {
		return Jars{}, fmt.Errorf("fetching the Apache Kafka %s jars: %w", version, err)
	}
	defer unlock()
	if _, err := os.Stat(marker); err == nil {
		return j, nil
	}
	if logf == nil {
		logf = func(string, ...any) {}
	}
	_ = os.RemoveAll(j.Libs) // a half-finished copy is redone
	pinned, err := fetchPinned(ctx, cfg.Root, version, j.Libs, logf)
	if err != nil {
		return Jars{}, err
	}
	if !pinned {
		if err := fetchWithMaven(ctx, cfg, version, j.Libs, logf); err != nil {
			return Jars{}, err
		}
	}
	if err := os.WriteFile(marker, []byte(version+"\n"), 0o644); err != nil {
		return Jars{}, fmt.Errorf("fetching the Apache Kafka %s jars: %w", version, err)
	}
	return j, nil
}

// fetchWithMaven resolves the jars of Kafka version with Maven into libs,
// with its downloads in .cache/m2 and a progress line every few seconds.
// It fails when Maven is missing or cannot resolve them, with its last
// lines.
func fetchWithMaven(ctx context.Context, cfg *config.Config, version, libs string, logf func(string, ...any)) error {
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		return errors.New("the native runtime needs Maven (mvn) to fetch the Kafka jars: install it (apt-get install maven) or set KAFKA_HOME to an Apache Kafka distribution")
	}
	repo := filepath.Join(cfg.CacheDir, "m2")
	logf("fetching the Apache Kafka %s jars from Maven Central into %s (first run only; Maven's downloads in %s)", version, libs, repo)
	start := time.Now()
	cmd := exec.CommandContext(ctx, mvn, "-B",
		"-f", filepath.Join(cfg.Root, "scripts", "kafka-jars", "pom.xml"),
		"-Dmaven.repo.local="+repo,
		"-P", logProfile(version), "-Dkafka.version="+version,
		"dependency:copy-dependencies", "-DoutputDirectory="+libs)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("fetching the Apache Kafka %s jars with Maven: %w", version, err)
	}
	watched := make(chan mavenProgress, 1)
	go func() { watched <- watchMaven(pr, start, logf) }()
	err = cmd.Wait()
	pw.Close()
	mp := <-watched
	if err != nil {
		return fmt.Errorf("fetching the Apache Kafka %s jars with Maven: %v: %s", version, err, strings.Join(mp.last, " | "))
	}
	logf("fetched the Apache Kafka %s jars in %s (%d files downloaded, %s)", version, time.Since(start).Round(100*time.Millisecond), mp.files, formatBytes(mp.bytes))
	return nil
}

// mavenProgressEvery is how often Libs reports Maven's progress.
const mavenProgressEvery = 3 * time.Second

// mavenProgress is what watchMaven saw of a Maven run.
type mavenProgress struct {
	files int
	bytes int64
	// last are Maven's [ERROR] lines, or else its last lines.
	last []string
}

// mavenDownloadedRe matches Maven's "Downloaded from central:
// https://.../kafka_2.13-3.9.2.jar (6.4 MB at 2.1 MB/s)".
var mavenDownloadedRe = regexp.MustCompile(`Downloaded from \S+: \S+ \(([\d.]+) (B|kB|KB|MB|GB)`)

// watchMaven reads Maven's output from r until it ends, counting the files
// it downloaded, and calls logf with the count at most every
// mavenProgressEvery.
func watchMaven(r io.Reader, start time.Time, logf func(string, ...any)) mavenProgress {
	var mp mavenProgress
	var errs, tail []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	next := start.Add(mavenProgressEvery)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if m := mavenDownloadedRe.FindStringSubmatch(line); m != nil {
			mp.files++
			mp.bytes += parseMavenSize(m[1], m[2])
		}
		switch {
		case strings.HasPrefix(line, "[ERROR]"):
			errs = append(errs, line)
		case line != "" && !strings.HasPrefix(line, "Download"):
			tail = append(tail, line)
			if len(tail) > 8 {
				tail = tail[1:]
			}
		}
		if now := time.Now(); now.After(next) {
			logf("  still resolving: %d files downloaded (%s) in %s", mp.files, formatBytes(mp.bytes), now.Sub(start).Round(time.Second))
			next = now.Add(mavenProgressEvery)
		}
	}
	_, _ = io.Copy(io.Discard, r)
	mp.last = tail
	if len(errs) > 0 {
		mp.last = errs[:min(len(errs), 8)]
	}
	return mp
}

// parseMavenSize turns Maven's "6.4" "MB" into bytes.
func parseMavenSize(num, unit string) int64 {
	f, _ := strconv.ParseFloat(num, 64)
	switch strings.ToUpper(unit) {
	case "KB":
		f *= 1 << 10
	case "MB":
		f *= 1 << 20
	case "GB":
		f *= 1 << 30
	}
	return int64(f)
}

// formatBytes writes n as e.g. "12.3 MB".
func formatBytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// logProfile is the pom's profile with the log binding of Kafka version:
// reload4j for 3.x, log4j2 for 4.x.
func logProfile(version string) string {
	if major(version) >= 4 {
		return "log4j2"
	}
	return "reload4j"
}

var javaVersionRe = regexp.MustCompile(`version "(\d+)(?:\.(\d+))?`)

// checkJava finds java and fails unless it is Java 17 or newer.
func checkJava(ctx context.Context) (string, error) {
	java, _, err := checkJavaVersion(ctx)
	return java, err
}

// checkJavaVersion is checkJava that also returns `java -version`'s text.
func checkJavaVersion(ctx context.Context) (string, string, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return "", "", errors.New("the native runtime needs Java 17 or newer: no java on PATH (install e.g. openjdk-17-jre-headless)")
	}
	out, err := exec.CommandContext(ctx, java, "-version").CombinedOutput()
	if err != nil {
		return "", "", fmt.Errorf("checking the Java version: %v: %s", err, lastLines(string(out), 3))
	}
	m := javaVersionRe.FindStringSubmatch(string(out))
	if m == nil {
		return "", "", fmt.Errorf("checking the Java version: cannot read %q", lastLines(string(out), 1))
	}
	major, _ := strconv.Atoi(m[1])
	if major == 1 && m[2] != "" { // 1.8 style
		major, _ = strconv.Atoi(m[2])
	}
	if major < 17 {
		return "", "", fmt.Errorf("the native runtime needs Java 17 or newer; java on PATH is version %d", major)
	}
	return java, string(out), nil
}

func lastLines(s string, n int) string {
	lines := bytes.Split(bytes.TrimRight([]byte(s), "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte(" | ")))
}

// lockCache takes an exclusive lock on the file path (made if missing),
// waiting while another process holds it (said once through logf, which
// may be nil) until ctx ends; it returns the unlock.
func lockCache(ctx context.Context, path string, logf func(string, ...any)) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	said := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if !said && logf != nil {
			logf("another process is fetching these jars; waiting for it")
			said = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for another fetch of the jars: %w", ctx.Err())
		case <-t.C:
		}
	}
}
