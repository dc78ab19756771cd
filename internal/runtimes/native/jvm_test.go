package native

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCDSArchiveIsWrittenOnceAndAdoptedOnlyWhenComplete: with no archive
// the dumping process writes a file of its own, others run without; once
// it is gone the file becomes the role's archive, which every process
// then maps.
func TestCDSArchiveIsWrittenOnceAndAdoptedOnlyWhenComplete(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cds", "kafka-3.9.2-x")
	kafka1 := process{service: "kafka1", id: 1}
	kafka2 := process{service: "kafka2", id: 2}
	zk := process{service: "zookeeper", id: -1}

	if got := cdsArgs(dir, kafka2, false); got != nil {
		t.Fatalf("no archive, not dumping: %v", got)
	}
	got := strings.Join(cdsArgs(dir, kafka1, true), " ")
	if !strings.Contains(got, "-XX:ArchiveClassesAtExit="+filepath.Join(dir, "broker.kafka1.jsa.part")) {
		t.Fatalf("dumping args %s", got)
	}
	// An empty file (a JVM that died before writing) is not adopted.
	part := cdsPending(dir, kafka1)
	if err := os.WriteFile(part, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	adoptCDSArchive(dir, kafka1)
	if _, err := os.Stat(filepath.Join(dir, "broker.jsa")); err == nil {
		t.Fatal("an empty archive was adopted")
	}
	if err := os.WriteFile(part, []byte("archive"), 0o644); err != nil {
		t.Fatal(err)
	}
	adoptCDSArchive(dir, kafka1)
	if _, err := os.Stat(part); err == nil {
		t.Fatal("the written file is still pending")
	}
	for _, p := range []process{kafka1, kafka2} {
		if got := strings.Join(cdsArgs(dir, p, true), " "); !strings.Contains(got, "-XX:SharedArchiveFile="+filepath.Join(dir, "broker.jsa")) {
			t.Fatalf("%s args %s", p.service, got)
		}
	}
	if got := strings.Join(cdsArgs(dir, zk, false), " "); got != "" {
		t.Fatalf("ZooKeeper has an archive of its own: %s", got)
	}
}

func TestCDSDirDependsOnJarsAndJVM(t *testing.T) {
	j := Jars{Libs: "/a/libs", Version: "3.9.2"}
	a := cdsDir("/c", j, javaID("/usr/bin/java", "17.0.15"))
	if a != cdsDir("/c", j, javaID("/usr/bin/java", "17.0.15")) || !strings.HasPrefix(a, "/c/cds/kafka-3.9.2-") {
		t.Fatalf("dir %s", a)
	}
	if a == cdsDir("/c", j, javaID("/usr/bin/java", "21.0.2")) || a == cdsDir("/c", Jars{Libs: "/b/libs", Version: "3.9.2"}, javaID("/usr/bin/java", "17.0.15")) {
		t.Fatal("another JVM or other jars share an archive")
	}
}
