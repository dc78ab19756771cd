//go:build ignore

// The zero-install entry point: `go run magefile.go <target>` runs the
// targets in magefiles/ without an installed mage. `go run magefile.go -l`
// lists them.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/magefile/mage/mage"

	"kafkastack/internal/gobuild"
)

// helpAliases are the aliases of magefiles/e2e.go: mage runs an alias but
// its -h does not know it, so help for what users type is rewritten here.
var helpAliases = map[string]string{"e2e": "e2e:run"}

func main() {
	help := false
	for i, a := range os.Args[1:] {
		switch {
		case a == "-h" || a == "-help" || a == "--help":
			help = true
		case help && !strings.HasPrefix(a, "-"):
			if t, ok := helpAliases[strings.ToLower(a)]; ok {
				os.Args[i+1] = t
			}
		}
	}
	done := cacheByModule()
	code := mage.Main()
	done()
	os.Exit(code)
}

// cacheByModule keeps mage's compiled targets in .cache/mage, in a folder
// named for gobuild.Stamp of the module, and tells mage (hash-fast mode)
// to run the binary it finds there without asking the go command first.
// Mage's default asks `go build` on every run to catch a changed package
// under magefiles/, which costs about 0.3s before any target starts (more
// on a busy machine); a changed file anywhere in the module changes the
// stamp instead, and so the folder, and mage compiles afresh.
//
// A run that finds no folder for the stamp has mage compile into a folder
// of its own, which done moves into place once the target has finished:
// runs started together never run a binary another is still writing.
// Folders of other stamps are removed after an hour. A MAGEFILE_CACHE or
// MAGEFILE_HASHFAST of the user's own is left alone, and so is any
// failure here, which leaves mage's default.
func cacheByModule() (done func()) {
	done = func() {}
	const marker = "KAFKASTACK_MAGE_CACHE" // ours: a nested run recomputes it
	if c := os.Getenv("MAGEFILE_CACHE"); c != "" && c != os.Getenv(marker) {
		return done
	}
	if os.Getenv("MAGEFILE_HASHFAST") != "" && os.Getenv(marker) == "" {
		return done
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return done
	}
	root, err := os.Getwd()
	if err != nil {
		return done
	}
	stamp, err := gobuild.Stamp(root, goBin)
	if err != nil {
		return done
	}
	base := filepath.Join(root, ".cache", "mage")
	dir := filepath.Join(base, stamp[:16])
	if entries, err := os.ReadDir(base); err == nil {
		for _, e := range entries {
			if fi, err := e.Info(); err == nil && e.Name() != filepath.Base(dir) && time.Since(fi.ModTime()) > time.Hour {
				_ = os.RemoveAll(filepath.Join(base, e.Name()))
			}
		}
	}
	use := dir
	if _, err := os.Stat(dir); err != nil {
		use = fmt.Sprintf("%s.%d", dir, os.Getpid())
		done = func() {
			if os.Rename(use, dir) != nil {
				_ = os.RemoveAll(use)
			}
		}
	}
	os.Setenv("MAGEFILE_CACHE", use)
	os.Setenv("MAGEFILE_HASHFAST", "1")
	os.Setenv(marker, use)
	return done
}
