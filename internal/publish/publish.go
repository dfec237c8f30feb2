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
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Files is a site: slash-separated relative paths to contents.
type Files map[string][]byte

// Write replaces the directory target with exactly files.
func Write(target string, files Files) error {
	return WriteSites(Site{Dir: target, Files: files})
}

// Site is one tree for WriteSites.
type Site struct {
	Dir   string
	Files Files
}

// WriteSites replaces each site's directory with exactly its files. All
// are written before any is swapped in, so an error leaves every target
// as it was. A file whose name and bytes are those of a file of an
// earlier site is made a hard link to it where the file system allows:
// the public and internal sites share thousands of images, and writing
// each twice was a third of a large build's disk traffic.
func WriteSites(sites ...Site) error {
	tmps := make([]string, 0, len(sites))
	cleanup := func() {
		for _, t := range tmps {
			os.RemoveAll(t)
		}
	}
	for i, site := range sites {
		target := filepath.Clean(site.Dir)
		parent := filepath.Dir(target)
		if err := os.MkdirAll(parent, 0o755); err != nil {
			cleanup()
			return err
		}
		tmp, err := os.MkdirTemp(parent, "."+filepath.Base(target)+".new-")
		if err != nil {
			cleanup()
			return err
		}
		tmps = append(tmps, tmp)
		var from []Site
		for j := range i {
			from = append(from, Site{Dir: tmps[j], Files: sites[j].Files})
		}
		if err := writeAll(tmp, site.Files, from); err != nil {
			cleanup()
			return err
		}
		// MkdirTemp makes the directory 0700; a published site is world-readable.
		if err := os.Chmod(tmp, 0o755); err != nil {
			cleanup()
			return err
		}
	}
	for i, site := range sites {
		if err := swap(tmps[i], filepath.Clean(site.Dir)); err != nil {
			cleanup()
			return err
		}
	}
	// After the swaps the temporary directories hold the previous sites
	// (or nothing).
	var errs []error
	for _, t := range tmps {
		errs = append(errs, os.RemoveAll(t))
	}
	return errors.Join(errs...)
}

// writeAll writes files under dir, linking those equal to a file of a site
// in from.
func writeAll(dir string, files Files, from []Site) error {
	names := make([]string, 0, len(files))
	for name := range files {
		if !validPath(name) {
			return fmt.Errorf("publish: refusing to write %q: not a clean relative path", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	// Directories first, parents before children, so the writers need no
	// locking; then the files from several goroutines: each write is a
	// few system calls that block in the kernel, and tens of thousands of
	// them in a row were the longest serial stretch of a build.
	made := map[string]bool{".": true}
	var mkdir func(d string) error
	mkdir = func(d string) error {
		if made[d] {
			return nil
		}
		if err := mkdir(path.Dir(d)); err != nil {
			return err
		}
		made[d] = true
		return os.Mkdir(filepath.Join(dir, filepath.FromSlash(d)), 0o755)
	}
	for _, name := range names {
		if err := mkdir(path.Dir(name)); err != nil {
			return err
		}
	}
	var (
		next   atomic.Int64
		failed atomic.Bool
		wg     sync.WaitGroup
		errs   = make([]error, len(names))
	)
	for range writers {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(names) {
					return
				}
				if errs[i] = writeFile(dir, names[i], files[names[i]], from); errs[i] != nil {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// writers is how many files are written at once.
const writers = 8

func writeFile(dir, name string, data []byte, from []Site) error {
	full := filepath.Join(dir, filepath.FromSlash(name))
	for _, s := range from {
		if old, ok := s.Files[name]; ok && bytes.Equal(old, data) {
			if os.Link(filepath.Join(s.Dir, filepath.FromSlash(name)), full) == nil {
				return nil
			}
			break // another file system, or no hard links: write it
		}
	}
	return os.WriteFile(full, data, 0o644)
}

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
