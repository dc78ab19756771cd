package native

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
)

// devJVMFlags fit a JVM of a cluster on a laptop rather than a server: the
// client compiler only (-XX:TieredStopAtLevel=1), which starts a broker in
// a fraction of the CPU time the optimizing compiler spends warming up and
// costs a small part of its peak throughput; the serial collector, which
// starts no GC threads and suits heaps of a few hundred MiB; and no
// hsperfdata file.
var devJVMFlags = []string{
	"-XX:TieredStopAtLevel=1",
	"-XX:+UseSerialGC",
	"-XX:-UsePerfData",
	"-XX:+ExitOnOutOfMemoryError",
	"-Djava.awt.headless=true",
}

// cdsRole names the class-data-sharing archive of process p: brokers (and
// KRaft nodes) load the same classes, ZooKeeper others.
func cdsRole(p process) string {
	if p.id < 0 {
		return "zookeeper"
	}
	return "broker"
}

// cdsDir is the folder of the class-data-sharing archives for the jars in
// libs run by java (its `java -version` text in javaID): one per jars and
// JVM, since an archive matches only the class path and JVM that made it.
func cdsDir(cacheDir string, jars Jars, javaID string) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s\x00%s", jars.Libs, javaID)
	return filepath.Join(cacheDir, "cds", fmt.Sprintf("kafka-%s-%08x", jars.Version, h.Sum32()))
}

// cdsArgs are the JVM options that use the archive of p's role when it
// exists. When it does not, the first process of that role to start
// (dump true) writes it when it exits: into a file of its own, which
// adoptCDSArchive renames into place once that process is gone, so that
// no JVM ever maps a half-written archive.
func cdsArgs(dir string, p process, dump bool) []string {
	archive := filepath.Join(dir, cdsRole(p)+".jsa")
	if fi, err := os.Stat(archive); err == nil && fi.Size() > 0 {
		return []string{"-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"}
	}
	if !dump {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil
	}
	return []string{"-XX:ArchiveClassesAtExit=" + cdsPending(dir, p), "-Xlog:cds=off", "-Xlog:cds+dynamic=off"}
}

// cdsPending is the file process p writes its archive to at exit.
func cdsPending(dir string, p process) string {
	return filepath.Join(dir, cdsRole(p)+"."+p.service+".jsa.part")
}

// adoptCDSArchive moves the archive process p wrote at exit into place as
// its role's archive, unless one is there already. p must be gone.
func adoptCDSArchive(dir string, p process) {
	if dir == "" {
		return
	}
	part := cdsPending(dir, p)
	fi, err := os.Stat(part)
	if err != nil {
		return
	}
	archive := filepath.Join(dir, cdsRole(p)+".jsa")
	if _, err := os.Stat(archive); err == nil || fi.Size() == 0 {
		_ = os.Remove(part)
		return
	}
	_ = os.Rename(part, archive)
}

// javaID is the version text of java, for cdsDir.
func javaID(java, versionOutput string) string {
	return java + "\x00" + strings.TrimSpace(versionOutput)
}
