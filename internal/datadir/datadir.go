// Package datadir holds the file chores the runtimes share: deleting only
// inside the repo's data folder, showing paths relative to the repo, and
// reading and following process logs.
package datadir

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// RemoveInside deletes dir, refusing unless it lies strictly inside root.
func RemoveInside(root, dir string) error {
	r, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	d, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if d == r || !strings.HasPrefix(d, r+string(filepath.Separator)) {
		return fmt.Errorf("refusing to delete %s: it is not inside %s", d, r)
	}
	return os.RemoveAll(d)
}

// Rel shows path relative to root where it can.
func Rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

// Tail returns the last n lines of a file.
func Tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log)"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// CopyLog writes the file to w and, with follow, new lines as they come
// until ctx ends.
func CopyLog(ctx context.Context, w io.Writer, path string, follow bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading log: no log yet at %s", path)
	}
	defer f.Close()
	rd := bufio.NewReader(f)
	for {
		line, err := rd.ReadString('\n')
		if line != "" {
			if _, werr := io.WriteString(w, line); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			if !follow {
				return nil
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(200 * time.Millisecond):
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("reading log: %w", err)
		}
	}
}
