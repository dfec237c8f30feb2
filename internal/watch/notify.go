package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/fsnotify/fsnotify"
)

// notify is the fsnotify source. fsnotify watches single directories, so
// it adds one watch per directory and follows new ones.
type notify struct {
	w  *Watcher
	fw *fsnotify.Watcher
	mu sync.Mutex
	// dirs are the watched directories, relative slash paths.
	dirs map[string]bool
}

func startNotify(w *Watcher) (*notify, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, limitError(err)
	}
	n := &notify{w: w, fw: fw, dirs: map[string]bool{}}
	if err := n.addTree(".", false); err != nil {
		fw.Close()
		return nil, err
	}
	w.wg.Go(n.loop)
	return n, nil
}

func (n *notify) close() error { return n.fw.Close() }

// addTree watches start and every directory under it. With report set
// (a directory that just appeared) the files already in it are reported
// as changed, since they were written before the watch existed.
func (n *notify) addTree(start string, report bool) error {
	var g func(string, fs.FileInfo)
	if report {
		g = func(rel string, _ fs.FileInfo) { n.w.changed(rel) }
	}
	return n.w.walkDirs(start, func(rel string) error {
		n.mu.Lock()
		known := n.dirs[rel]
		n.mu.Unlock()
		if known {
			return nil
		}
		if err := n.fw.Add(filepath.Join(n.w.root, filepath.FromSlash(rel))); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fs.SkipDir
			}
			if le := limitError(err); le != err {
				return le
			}
			n.w.report(fmt.Errorf("watch %s: %w", rel, err))
			return fs.SkipDir
		}
		n.mu.Lock()
		n.dirs[rel] = true
		n.mu.Unlock()
		if report && rel != start {
			n.w.changed(rel)
		}
		return nil
	}, g)
}

// forget drops a directory that went away, and those under it; the kernel
// has dropped their watches, or they now report under another name.
func (n *notify) forget(rel string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for d := range n.dirs {
		if d == rel || strings.HasPrefix(d, rel+"/") {
			delete(n.dirs, d)
			_ = n.fw.Remove(filepath.Join(n.w.root, filepath.FromSlash(d)))
		}
	}
}

func (n *notify) loop() {
	for {
		select {
		case <-n.w.done:
			return
		case ev, ok := <-n.fw.Events:
			if !ok {
				return
			}
			n.event(ev)
		case err, ok := <-n.fw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: directories made meanwhile may be
				// unwatched, and anything may have changed.
				if err := n.addTree(".", false); err != nil {
					n.w.report(err)
				}
				n.w.changed("")
				continue
			}
			n.w.report(err)
		}
	}
}

func (n *notify) event(ev fsnotify.Event) {
	rel, ok := n.w.rel(ev.Name)
	if !ok || rel == "." {
		return
	}
	if !ev.Has(fsnotify.Create) && !ev.Has(fsnotify.Write) && !ev.Has(fsnotify.Remove) && !ev.Has(fsnotify.Rename) {
		return // chmod only: touch, chmod, VS Code's attribute writes
	}
	if n.w.ignoredPath(rel) {
		return
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		n.forget(rel)
	}
	if ev.Has(fsnotify.Create) {
		if info, err := os.Lstat(ev.Name); err == nil && info.IsDir() {
			if n.w.skipDir(rel) {
				return
			}
			if err := n.addTree(rel, true); err != nil {
				n.w.report(err)
			}
		}
	}
	n.w.changed(rel)
}

// limitError names the inotify limit behind an error, if it is one.
func limitError(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return &LimitError{Setting: "fs.inotify.max_user_watches", Value: "524288", Err: err}
	case errors.Is(err, syscall.EMFILE):
		return &LimitError{Setting: "fs.inotify.max_user_instances", Value: "1024", Err: err}
	}
	return err
}
