package bench

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// jar writes a jar (a zip) holding the given class files.
func jar(t *testing.T, path string, classes ...string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, c := range classes {
		w, err := zw.Create(strings.ReplaceAll(c, ".", "/") + ".class")
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte{0xca, 0xfe})
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestFindKafkaJarsUnderTheCache(t *testing.T) {
	cache := t.TempDir()
	libs := filepath.Join(cache, "kafka", "3.9.1", "libs")
	jar(t, filepath.Join(libs, "kafka-clients-3.9.1.jar"))
	jar(t, filepath.Join(libs, "kafka-tools-api-3.9.1.jar"))
	jar(t, filepath.Join(libs, "kafka-tools-3.9.1.jar"), "org.apache.kafka.tools.ProducerPerformance", "org.apache.kafka.tools.ConsumerPerformance")
	jar(t, filepath.Join(libs, "kafka_2.13-3.9.1.jar"))
	// An older version elsewhere, and a tools jar without its
	// dependencies beside it, are not chosen.
	old := filepath.Join(cache, "kafka", "3.8.0", "libs")
	jar(t, filepath.Join(old, "kafka-clients-3.8.0.jar"))
	jar(t, filepath.Join(old, "kafka-tools-3.8.0.jar"))
	jar(t, filepath.Join(cache, "m2", "kafka-tools-4.0.0.jar"))

	j, err := FindKafkaJars(cache, "")
	if err != nil {
		t.Fatal(err)
	}
	if j.Dir != libs || j.Version != "3.9.1" || j.Classpath() != filepath.Join(libs, "*") {
		t.Fatalf("got %+v", j)
	}
	c, err := j.FindClass(consumerPerfClasses...)
	if err != nil || c != "org.apache.kafka.tools.ConsumerPerformance" {
		t.Fatalf("consumer class %q, %v", c, err)
	}
	if _, err := j.FindClass("org.example.Nothing"); err == nil || !strings.Contains(err.Error(), "org.example.Nothing") {
		t.Fatalf("err = %v", err)
	}
}

func TestFindKafkaJarsPrefersKafkaHome(t *testing.T) {
	home := t.TempDir()
	jar(t, filepath.Join(home, "libs", "kafka-clients-3.7.2.jar"))
	jar(t, filepath.Join(home, "libs", "kafka_2.13-3.7.2.jar"), "kafka.tools.ConsumerPerformance")
	cache := t.TempDir()
	jar(t, filepath.Join(cache, "libs", "kafka-clients-3.9.1.jar"))
	jar(t, filepath.Join(cache, "libs", "kafka-tools-3.9.1.jar"))
	j, err := FindKafkaJars(cache, home)
	if err != nil {
		t.Fatal(err)
	}
	if j.Dir != filepath.Join(home, "libs") || j.Version != "3.7.2" {
		t.Fatalf("got %+v", j)
	}
	if c, err := j.FindClass(consumerPerfClasses...); err != nil || c != "kafka.tools.ConsumerPerformance" {
		t.Fatalf("class %q, %v", c, err)
	}
}

func TestFindKafkaJarsSaysWhereItLooked(t *testing.T) {
	cache := t.TempDir()
	jar(t, filepath.Join(cache, "x", "kafka-tools-3.9.1-sources.jar"))
	_, err := FindKafkaJars(cache, "/nowhere/kafka")
	if err == nil || !strings.Contains(err.Error(), cache) || !strings.Contains(err.Error(), "/nowhere/kafka/libs") {
		t.Fatalf("err = %v", err)
	}
	if _, err := FindKafkaJars("", ""); err == nil {
		t.Fatal("found jars nowhere")
	}
}

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"3.9.1", "3.10.0", -1},
		{"4.0.0", "3.9.1", 1},
		{"3.9.1", "3.9.1", 0},
		{"3.9", "3.9.0", 0},
	} {
		if got := compareVersions(c.a, c.b); got != c.want {
			t.Errorf("compare(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
