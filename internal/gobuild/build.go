// Package gobuild builds the module's own programs (the console, the
// embedded cluster, the mage targets) only when what they are built from
// has changed: Stamp hashes the module's files, the go command and the
// build environment, and Build skips the go command when a binary's stamp
// matches.
package gobuild

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// ErrNoGo is returned when the go command is not on PATH.
var ErrNoGo = errors.New("the go command is not on PATH")

// Build compiles the Go package pkg (e.g. ./internal/embedded/cmd/x) of
// the module at root into out, for a background process to run. It skips
// the go command altogether when out was built from exactly the module's
// files of now with the same go command and Go environment (a stamp file
// next to out records Stamp): even a build that Go's cache answers costs
// about 0.4s of CPU, on every `up`. It fails with ErrNoGo, or when the
// build fails, with the compiler's output.
func Build(ctx context.Context, root, pkg, out string) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return ErrNoGo
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	stamp, stampErr := Stamp(root, goBin)
	if stampErr == nil {
		stamp = pkg + " " + stamp
	}
	if stampErr == nil && upToDate(out, stamp) {
		return nil
	}
	_ = os.Remove(stampFile(out))
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", out, pkg)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(b)))
	}
	if stampErr == nil {
		_ = os.WriteFile(stampFile(out), []byte(stamp+"\n"), 0o644)
	}
	return nil
}

// stampFile is where Build records what out was built from.
func stampFile(out string) string { return out + ".stamp" }

// upToDate reports whether out exists and was built from stamp.
func upToDate(out, stamp string) bool {
	if _, err := os.Stat(out); err != nil {
		return false
	}
	b, err := os.ReadFile(stampFile(out))
	return err == nil && strings.TrimSpace(string(b)) == stamp
}

// buildEnv are the environment variables that change what go build makes.
var buildEnv = []string{"GOFLAGS", "GOWORK", "GOOS", "GOARCH", "GOAMD64", "GOARM64", "CGO_ENABLED", "GOEXPERIMENT", "GOTOOLCHAIN", "CC", "CGO_CFLAGS", "CGO_LDFLAGS"}

// Stamp hashes what a build of a package of the module at root depends
// on: the go command goBin (its path, size and time), the build
// environment, and the path and contents of every file of the module
// outside hidden folders (.git, .cache, .data), which covers go.mod,
// go.sum, the sources and embedded files; third-party modules are pinned
// by go.sum. It fails when a file cannot be read.
func Stamp(root, goBin string) (string, error) {
	h := sha256.New()
	fi, err := os.Stat(goBin)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "go %s %d %d\n", goBin, fi.Size(), fi.ModTime().UnixNano())
	for _, k := range buildEnv {
		fmt.Fprintf(h, "env %s=%s\n", k, os.Getenv(k))
	}
	var files []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	for _, f := range files {
		sum, err := hashFile(f)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(root, f)
		fmt.Fprintf(h, "file %s %s\n", rel, sum)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashFile is the SHA-256 of the file at path, in hex.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
