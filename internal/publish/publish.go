// Package publish is the only package that writes a built site to disk.
//
// A site is written in full into a temporary directory beside the target,
// then swapped into place, so a reader (a web server, a deploy step) sees
// either the previous site or the new one, never a half-written mix, and a
// build that fails before the swap leaves the previous output untouched.
// On Linux the swap is one renameat2(RENAME_EXCHANGE) call; elsewhere it is
// two renames with a moment in between where the target is absent.
//
// A [Writer] takes the files as a build makes them, so a large site is
// never held in memory whole; [CommitAll] swaps several sites in together
// or none of them. [Write] publishes a site already in memory.
package publish

import (
	"errors"
	"os"
	"path"
	"sort"
	"strings"
)

// Files is a site: slash-separated relative paths to contents.
type Files map[string][]byte

// Write replaces the directory target with exactly files.
func Write(target string, files Files) error {
	w, err := NewWriter(target, nil)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := w.Put(name, files[name]); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Commit()
}

// writers is how many files are written at once: each write is a few
// system calls that block in the kernel.
const writers = 8

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
