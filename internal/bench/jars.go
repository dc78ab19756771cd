package bench

import (
	"archive/zip"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// KafkaJars is a folder of Apache Kafka jars with every dependency beside
// them, as in a Kafka distribution's libs/ folder.
type KafkaJars struct {
	// Dir holds the jars.
	Dir string `json:"dir"`
	// Version is Kafka's version, from the jar names (e.g. 3.9.1).
	Version string `json:"version"`
	// ToolsJar is the jar that holds the perf tools.
	ToolsJar string `json:"-"`
}

// Classpath is the java -cp value for the jars: Dir/*.
func (j KafkaJars) Classpath() string { return filepath.Join(j.Dir, "*") }

// toolJarRe matches the jars that hold the perf tools: kafka-tools (Kafka
// 3.5 and later) and the core jar kafka_2.13 (older releases), never their
// -sources, -javadoc or -test jars.
var toolJarRe = regexp.MustCompile(`^(kafka-tools|kafka_2\.1[23])-(\d+\.\d+\.\d+[A-Za-z0-9.\-]*?)\.jar$`)

// maxJarDepth bounds the walk under the cache folder.
const maxJarDepth = 6

// FindKafkaJars looks for Apache Kafka jars: first in kafkaHome/libs when
// kafkaHome is set, then anywhere under cacheDir (where the native runtime
// keeps the jars it resolves). A folder counts only when it holds
// kafka-tools*.jar or kafka_2.13*.jar together with kafka-clients*.jar,
// so that Dir/* is a whole classpath. It fails with an error that says
// where it looked.
func FindKafkaJars(cacheDir, kafkaHome string) (KafkaJars, error) {
	var looked []string
	if kafkaHome != "" {
		libs := filepath.Join(kafkaHome, "libs")
		looked = append(looked, libs+" (KAFKA_HOME)")
		if j, ok := jarsIn(libs); ok {
			return j, nil
		}
	}
	if cacheDir != "" {
		looked = append(looked, cacheDir)
		var found []KafkaJars
		root := filepath.Clean(cacheDir)
		_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				rel, _ := filepath.Rel(root, path)
				if rel != "." && strings.Count(rel, string(filepath.Separator)) >= maxJarDepth {
					return filepath.SkipDir
				}
				if rel == "m2" || rel == "cds" { // Maven's repository, class-data archives
					return filepath.SkipDir
				}
				return nil
			}
			if toolJarRe.MatchString(d.Name()) {
				if j, ok := jarsIn(filepath.Dir(path)); ok {
					found = append(found, j)
					return filepath.SkipDir
				}
			}
			return nil
		})
		if len(found) > 0 {
			// Newest version first, then the shortest path.
			sort.SliceStable(found, func(a, b int) bool {
				if c := compareVersions(found[a].Version, found[b].Version); c != 0 {
					return c > 0
				}
				return len(found[a].Dir) < len(found[b].Dir)
			})
			return found[0], nil
		}
	}
	if len(looked) == 0 {
		return KafkaJars{}, errors.New("finding the Kafka jars: neither KAFKA_HOME nor a cache folder is set")
	}
	return KafkaJars{}, fmt.Errorf("finding the Kafka jars: no kafka-tools*.jar or kafka_2.13*.jar with kafka-clients*.jar beside it in %s", strings.Join(looked, " or "))
}

// jarsIn reports whether dir holds a tools jar and kafka-clients, and
// which version they are.
func jarsIn(dir string) (KafkaJars, bool) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return KafkaJars{}, false
	}
	var tools, core, version string
	clients := false
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, "kafka-clients-") && strings.HasSuffix(n, ".jar") && !isSideJar(n) {
			clients = true
		}
		if m := toolJarRe.FindStringSubmatch(n); m != nil && !isSideJar(n) {
			if m[1] == "kafka-tools" {
				tools, version = n, m[2]
			} else if core == "" {
				core = n
				if version == "" {
					version = m[2]
				}
			}
		}
	}
	if !clients || (tools == "" && core == "") {
		return KafkaJars{}, false
	}
	j := KafkaJars{Dir: dir, Version: version, ToolsJar: filepath.Join(dir, tools)}
	if tools == "" {
		j.ToolsJar = filepath.Join(dir, core)
	}
	return j, true
}

func isSideJar(name string) bool {
	for _, s := range []string{"-sources.jar", "-javadoc.jar", "-test.jar", "-tests.jar", "-test-sources.jar"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// compareVersions compares dotted numeric versions (3.9.1 > 3.10.0 is
// false); non-numeric parts compare as text.
func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		x, y := "0", "0"
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		var nx, ny int
		_, ex := fmt.Sscanf(x, "%d", &nx)
		_, ey := fmt.Sscanf(y, "%d", &ny)
		switch {
		case ex == nil && ey == nil && nx != ny:
			if nx < ny {
				return -1
			}
			return 1
		case (ex != nil || ey != nil) && x != y:
			return strings.Compare(x, y)
		}
	}
	return 0
}

// The perf tools' main classes: in kafka-tools from Kafka 3.5 (consumer:
// 3.6), in the core jar before.
var (
	producerPerfClasses = []string{"org.apache.kafka.tools.ProducerPerformance"}
	consumerPerfClasses = []string{"org.apache.kafka.tools.ConsumerPerformance", "kafka.tools.ConsumerPerformance"}
)

// FindClass returns the first of classes that one of the jars in the
// folder holds. It fails, naming the classes, when none is there.
func (j KafkaJars) FindClass(classes ...string) (string, error) {
	entries, err := os.ReadDir(j.Dir)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", j.Dir, err)
	}
	want := map[string]string{}
	for _, c := range classes {
		want[strings.ReplaceAll(c, ".", "/")+".class"] = c
	}
	have := map[string]bool{}
	for _, e := range entries {
		n := e.Name()
		if !strings.HasPrefix(n, "kafka") || !strings.HasSuffix(n, ".jar") || isSideJar(n) {
			continue
		}
		zr, err := zip.OpenReader(filepath.Join(j.Dir, n))
		if err != nil {
			continue
		}
		for _, f := range zr.File {
			if c, ok := want[f.Name]; ok {
				have[c] = true
			}
		}
		zr.Close()
	}
	for _, c := range classes {
		if have[c] {
			return c, nil
		}
	}
	return "", fmt.Errorf("no jar in %s holds %s", j.Dir, strings.Join(classes, " or "))
}
