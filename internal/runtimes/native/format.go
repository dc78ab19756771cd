package native

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// KRaft storage is formatted once per node, before its first start. Kafka's
// StorageTool is a JVM of its own (about 2 CPU-seconds, three at once on a
// fresh cluster); what it writes is the same for every node and every run
// but for meta.properties (node.id, a random directory.id) and the
// timestamps of the bootstrap checkpoint. So the tool formats a template
// once, kept in the cache, and each node's storage is a copy of it with
// meta.properties of its own.

// nodeSpecific are the settings that differ between the nodes of a
// topology and do not change what formatting writes.
var nodeSpecific = map[string]bool{
	"node.id": true, "broker.id": true, "log.dirs": true, "metadata.log.dir": true,
	"listeners": true, "advertised.listeners": true,
}

// format formats KRaft node p's storage once, with the topology's
// CLUSTER_ID (or a fixed one), from the template for its settings. It
// fails naming the node when the tool or a copy fails.
func (r *Runtime) format(ctx context.Context, l launcher, p process) error {
	marker := filepath.Join(r.dir, p.service, "formatted")
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	b, _ := r.env.Topology.Broker(p.id)
	id := b.Env["CLUSTER_ID"]
	if id == "" {
		id = "a2Fma2FzdGFjay1uYXRpdmU" // fixed, so that re-formatting one node matches the others
	}
	dirs := logDirs(p)
	if len(dirs) != 1 || p.props["metadata.log.dir"] != "" {
		// Several folders: only the tool knows which gets what.
		if err := r.runStorageTool(ctx, l, p, id, r.propsFile(p.service)); err != nil {
			return fmt.Errorf("formatting %s storage: %w", p.service, err)
		}
	} else {
		tmpl, err := r.formatTemplate(ctx, l, p, id)
		if err != nil {
			return fmt.Errorf("formatting %s storage: %w", p.service, err)
		}
		if err := applyTemplate(tmpl, dirs[0], p.id, id); err != nil {
			return fmt.Errorf("formatting %s storage: %w", p.service, err)
		}
	}
	if err := os.WriteFile(marker, []byte(id+"\n"), 0o644); err != nil {
		return fmt.Errorf("formatting %s storage: %w", p.service, err)
	}
	return nil
}

// templateKey names the template for node p's settings, Kafka release and
// cluster id: settings in nodeSpecific aside, so that every node of a
// topology shares one.
func templateKey(p process, version, clusterID string) string {
	keys := make([]string, 0, len(p.props))
	for k := range p.props {
		if !nodeSpecific[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	h := fnv.New32a()
	fmt.Fprintf(h, "%s\x00", clusterID)
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%s\x00", k, p.props[k])
	}
	return fmt.Sprintf("kafka-%s-%08x", version, h.Sum32())
}

// formatTemplate returns the folder of the formatted template for p,
// running Kafka's StorageTool into the cache when there is none yet.
func (r *Runtime) formatTemplate(ctx context.Context, l launcher, p process, clusterID string) (string, error) {
	r.formatMu.Lock()
	defer r.formatMu.Unlock()
	dir := filepath.Join(r.env.Config.CacheDir, "kraft-format", templateKey(p, l.jars.Version, clusterID))
	if _, err := os.Stat(filepath.Join(dir, "meta.properties")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".making-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	props := map[string]string{}
	for k, v := range p.props {
		props[k] = v
	}
	props["log.dirs"] = filepath.Join(tmp, "data")
	propsFile := filepath.Join(tmp, "format.properties")
	if err := os.WriteFile(propsFile, []byte(renderProperties(props)), 0o644); err != nil {
		return "", err
	}
	if err := r.runStorageTool(ctx, l, p, clusterID, propsFile); err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(tmp, "data", "meta.properties")); err != nil {
		return "", fmt.Errorf("the storage tool wrote no meta.properties: %w", err)
	}
	if err := os.Rename(filepath.Join(tmp, "data"), dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, "meta.properties")); serr == nil {
			return dir, nil // another up made it meanwhile
		}
		return "", err
	}
	return dir, nil
}

// runStorageTool runs Kafka's StorageTool format for p with the settings
// in propsFile.
func (r *Runtime) runStorageTool(ctx context.Context, l launcher, p process, clusterID, propsFile string) error {
	args := append(r.jvmArgs(l, p, false), "kafka.tools.StorageTool", "format",
		"-t", clusterID, "-c", propsFile, "--ignore-formatted")
	out, err := exec.CommandContext(ctx, l.java, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, lastLines(string(out), 5))
	}
	return nil
}

// applyTemplate copies the template tmpl into the empty (or missing) log
// folder dir, but for meta.properties, which it writes for node id of
// cluster clusterID with a directory id of its own.
func applyTemplate(tmpl, dir string, node int32, clusterID string) error {
	err := filepath.WalkDir(tmpl, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(tmpl, path)
		to := filepath.Join(dir, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		case rel == "meta.properties":
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		return err
	}
	dirID, err := newDirectoryID()
	if err != nil {
		return err
	}
	meta := fmt.Sprintf("#\n#%s\nnode.id=%d\ndirectory.id=%s\nversion=1\ncluster.id=%s\n",
		time.Now().UTC().Format("Mon Jan 02 15:04:05 MST 2006"), node, dirID, clusterID)
	return os.WriteFile(filepath.Join(dir, "meta.properties"), []byte(meta), 0o644)
}

// newDirectoryID is a random log-folder id as Kafka makes one: a version 4
// UUID in URL-safe base64 without padding, never starting with '-'.
func newDirectoryID() (string, error) {
	for {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("making a directory id: %w", err)
		}
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		if s := base64.RawURLEncoding.EncodeToString(b[:]); !strings.HasPrefix(s, "-") {
			return s, nil
		}
	}
}
