package native

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"kafkastack/internal/config"
)

// The Apache Kafka versions each mode runs: 3.9 is the last line with
// ZooKeeper; 4.x runs KRaft only.
const (
	VersionZK    = "3.9.1"
	VersionKRaft = "4.1.0"
)

// Version is the Kafka version the native runtime runs in mode.
func Version(mode config.Mode) string {
	if mode == config.ModeKRaft {
		return VersionKRaft
	}
	return VersionZK
}

// Libs returns the folder holding the Kafka jars for mode: KAFKA_HOME/libs
// when KAFKA_HOME is set, else a cache folder that it fills with Maven on
// first use (printing a progress line through logf). It fails when Maven is
// missing or cannot resolve the jars, with Maven's last lines.
func Libs(ctx context.Context, cfg *config.Config, mode config.Mode, logf func(string, ...any)) (string, error) {
	if home := os.Getenv("KAFKA_HOME"); home != "" {
		libs := filepath.Join(home, "libs")
		if m, _ := filepath.Glob(filepath.Join(libs, "kafka_2.13-*.jar")); len(m) == 0 {
			return "", fmt.Errorf("KAFKA_HOME=%s holds no libs/kafka_2.13-*.jar: point it at an Apache Kafka distribution", home)
		}
		return libs, nil
	}
	version := Version(mode)
	dir := filepath.Join(cfg.CacheDir, "kafka", version)
	libs := filepath.Join(dir, "libs")
	marker := filepath.Join(dir, "complete")
	if _, err := os.Stat(marker); err == nil {
		return libs, nil
	}
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		return "", errors.New("the native runtime needs Maven (mvn) to fetch the Kafka jars: install it (apt-get install maven) or set KAFKA_HOME to a Kafka distribution")
	}
	profile := "zk"
	if mode == config.ModeKRaft {
		profile = "kraft"
	}
	_ = os.RemoveAll(libs) // a half-finished copy is redone
	if logf != nil {
		logf("resolving Apache Kafka %s jars with Maven into %s (first run only)", version, libs)
	}
	start := time.Now()
	cmd := exec.CommandContext(ctx, mvn, "-q", "-B",
		"-f", filepath.Join(cfg.Root, "scripts", "kafka-jars", "pom.xml"),
		"-P", profile, "-Dkafka.version="+version,
		"dependency:copy-dependencies", "-DoutputDirectory="+libs)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("resolving Apache Kafka %s jars with Maven: %v: %s", version, err, lastLines(out.String(), 8))
	}
	if err := os.WriteFile(marker, []byte(version+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("resolving Apache Kafka %s jars: %w", version, err)
	}
	if logf != nil {
		logf("resolved Apache Kafka %s jars in %s", version, time.Since(start).Round(100*time.Millisecond))
	}
	return libs, nil
}

var javaVersionRe = regexp.MustCompile(`version "(\d+)(?:\.(\d+))?`)

// checkJava finds java and fails unless it is Java 17 or newer.
func checkJava(ctx context.Context) (string, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return "", errors.New("the native runtime needs Java 17 or newer: no java on PATH (install e.g. openjdk-17-jre-headless)")
	}
	out, err := exec.CommandContext(ctx, java, "-version").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("checking the Java version: %v: %s", err, lastLines(string(out), 3))
	}
	m := javaVersionRe.FindStringSubmatch(string(out))
	if m == nil {
		return "", fmt.Errorf("checking the Java version: cannot read %q", lastLines(string(out), 1))
	}
	major, _ := strconv.Atoi(m[1])
	if major == 1 && m[2] != "" { // 1.8 style
		major, _ = strconv.Atoi(m[2])
	}
	if major < 17 {
		return "", fmt.Errorf("the native runtime needs Java 17 or newer; java on PATH is version %d", major)
	}
	return java, nil
}

func lastLines(s string, n int) string {
	lines := bytes.Split(bytes.TrimRight([]byte(s), "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte(" | ")))
}
