// Package publish is the only package that writes a built site to disk.
//
// A site is written in full into a temporary directory beside the target,
// then swapped into place, so a reader (a web server, a deploy step) sees
// either the previous site or the new one, never a half-written mix, and a
// build that fails before the swap leaves the previous output untouched.
// On Linux the swap is one renameat2(RENAME_EXCHANGE) call; elsewhere it is
// two renames with a moment in between where the target is absent.
package publish

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Files is a site: slash-separated relative paths to contents.
type Files map[string][]byte

// Write replaces the directory target with exactly files.
func Write(target string, files Files) error {
	target = filepath.Clean(target)
	parent := filepath.Dir(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(target)+".new-")
	if err != nil {
		return err
	}
	if err := writeAll(tmp, files); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	// MkdirTemp makes the directory 0700; a published site is world-readable.
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := swap(tmp, target); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	// After the swap tmp holds the previous site (or nothing).
	return os.RemoveAll(tmp)
}

func writeAll(dir string, files Files) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	made := map[string]bool{}
	for _, name := range names {
		if !validPath(name) {
			return fmt.Errorf("publish: refusing to write %q: not a clean relative path", name)
		}
		full := filepath.Join(dir, filepath.FromSlash(name))
		if d := filepath.Dir(full); !made[d] {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
			made[d] = true
		}
		if err := os.WriteFile(full, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// validPath rejects anything that could land outside the output directory.
func validPath(name string) bool {
	return name != "" && path.Clean(name) == name && !path.IsAbs(name) &&
		name != ".." && !strings.HasPrefix(name, "../") && !strings.Contains(name, "\\")
}

// swap moves the new tree at tmp to target and leaves the old target (if
// any) at tmp.
func swap(tmp, target string) error {
	if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(tmp, target); err != nil {
			return err
		}
		return os.Mkdir(tmp, 0o700)
	}
	if err := exchange(tmp, target); err == nil {
		return nil
	}
	old := tmp + ".old"
	if err := os.Rename(target, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, target); err != nil {
		// Put the previous site back rather than leave nothing.
		os.Rename(old, target)
		return err
	}
	return os.Rename(old, tmp)
}
