package native

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kafkastack/internal/config"
)

// A java that formats as Kafka's StorageTool does: meta.properties and a
// bootstrap checkpoint in the log.dirs of the -c file; it counts its runs.
const fakeStorageTool = `props=""
while [ $# -gt 0 ]; do [ "$1" = "-c" ] && props="$2"; shift; done
dir=$(/bin/sed -n 's/^log.dirs=//p' "$props")
node=$(/bin/sed -n 's/^node.id=//p' "$props")
/bin/mkdir -p "$dir/__cluster_metadata-0"
printf 'node.id=%s\ndirectory.id=fromtool\nversion=1\ncluster.id=x\n' "$node" > "$dir/meta.properties"
printf 'bootstrap' > "$dir/__cluster_metadata-0/00000000000000000000-0000000000.checkpoint"
echo run >> "$COUNT"`

// kraftRuntime is runtimeFor's KRaft runtime with a cache of its own.
func kraftRuntime(t *testing.T) *Runtime {
	t.Helper()
	r := runtimeFor(t, config.ModeKRaft)
	r.env.Config.CacheDir = t.TempDir()
	return r
}

func TestEveryNodeIsFormattedFromOneTemplate(t *testing.T) {
	r := kraftRuntime(t)
	count := filepath.Join(t.TempDir(), "count")
	t.Setenv("COUNT", count)
	fakePath(t, map[string]string{"java": fakeStorageTool})
	ps, err := r.processes()
	if err != nil {
		t.Fatal(err)
	}
	l := launcher{java: "java", jars: Jars{Version: "4.4.0"}}
	if err := r.writeFiles(ps, l.jars); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, p := range ps {
		if err := r.format(context.Background(), l, p); err != nil {
			t.Fatal(err)
		}
		dir := logDirs(p)[0]
		meta, err := os.ReadFile(filepath.Join(dir, "meta.properties"))
		if err != nil {
			t.Fatal(err)
		}
		m := string(meta)
		if !strings.Contains(m, "\nnode.id="+itoa(p.id)+"\n") || !strings.Contains(m, "\ncluster.id=MkU3OEVBNTcwNTJENDM2Qk\n") || !strings.Contains(m, "\nversion=1\n") {
			t.Fatalf("%s meta.properties:\n%s", p.service, m)
		}
		id := between(m, "directory.id=", "\n")
		if len(id) != 22 || strings.HasPrefix(id, "-") || ids[id] {
			t.Fatalf("%s directory.id %q: want 22 characters, unique, not starting with '-'", p.service, id)
		}
		ids[id] = true
		cp, err := os.ReadFile(filepath.Join(dir, "__cluster_metadata-0", "00000000000000000000-0000000000.checkpoint"))
		if err != nil || string(cp) != "bootstrap" {
			t.Fatalf("%s checkpoint %q, %v", p.service, cp, err)
		}
	}
	runs, _ := os.ReadFile(count)
	if n := strings.Count(string(runs), "run"); n != 1 {
		t.Fatalf("the storage tool ran %d times for three nodes, want once", n)
	}
	// A node formatted once is not formatted again; a new cluster reuses the
	// template from the cache.
	if err := r.format(context.Background(), l, ps[0]); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(r.dir); err != nil {
		t.Fatal(err)
	}
	if err := r.writeFiles(ps, l.jars); err != nil {
		t.Fatal(err)
	}
	if err := r.format(context.Background(), l, ps[1]); err != nil {
		t.Fatal(err)
	}
	runs, _ = os.ReadFile(count)
	if n := strings.Count(string(runs), "run"); n != 1 {
		t.Fatalf("the storage tool ran %d times, want once: the template is kept in the cache", n)
	}
}

func TestAFailingStorageToolIsNamed(t *testing.T) {
	r := kraftRuntime(t)
	fakePath(t, map[string]string{"java": `echo "no such metadata.version" >&2; exit 1`})
	ps, _ := r.processes()
	l := launcher{java: "java", jars: Jars{Version: "4.4.0"}}
	if err := r.writeFiles(ps, l.jars); err != nil {
		t.Fatal(err)
	}
	err := r.format(context.Background(), l, ps[0])
	if err == nil || !strings.Contains(err.Error(), "formatting "+ps[0].service+" storage") || !strings.Contains(err.Error(), "no such metadata.version") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(r.dir, ps[0].service, "formatted")); err == nil {
		t.Fatal("a failed format left the formatted marker")
	}
}

func TestTemplateKeyIgnoresWhatDiffersBetweenNodes(t *testing.T) {
	a := process{props: map[string]string{"node.id": "1", "log.dirs": "/a", "listeners": "X://:1", "process.roles": "broker,controller"}}
	b := process{props: map[string]string{"node.id": "2", "log.dirs": "/b", "listeners": "X://:2", "process.roles": "broker,controller"}}
	c := process{props: map[string]string{"node.id": "3", "log.dirs": "/c", "listeners": "X://:3", "process.roles": "broker"}}
	if templateKey(a, "4.4.0", "id") != templateKey(b, "4.4.0", "id") {
		t.Fatal("nodes that differ only in id, folder and listeners get different templates")
	}
	for _, other := range []string{templateKey(c, "4.4.0", "id"), templateKey(a, "4.1.0", "id"), templateKey(a, "4.4.0", "other")} {
		if other == templateKey(a, "4.4.0", "id") {
			t.Fatal("a different setting, release or cluster id shares a template")
		}
	}
}

func itoa(id int32) string { return strconv.Itoa(int(id)) }

// between returns the text of s after start up to end.
func between(s, start, end string) string {
	_, after, _ := strings.Cut(s, start)
	v, _, _ := strings.Cut(after, end)
	return v
}
