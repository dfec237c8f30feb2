// Package watch reports changes under a directory tree in batches, one
// batch per save: editors save in bursts of events (vim renames the old
// file away and writes a new one, JetBrains IDEs write a temporary file
// and rename it over the original, others write and then chmod), and a
// rebuild per event would waste work and show half-saved states.
//
// Two sources feed the same batching: inotify and friends through
// fsnotify (the default), and a polling walker (Options.Poll) for file
// systems without change notification (network mounts, some containers)
// or when inotify limits are exhausted.
//
// # Batching
//
// Events are collected until none has arrived for Options.Quiet (20 ms by
// default), then delivered as one Batch of distinct paths. A batch is held
// while the receiver is busy and merges with the next, so a consumer that
// rebuilds on each batch runs one build at a time with at most one
// waiting. A stream of events that never pauses is still cut after
// Options.MaxDelay.
//
// # What is watched
//
// Every directory under the root, recursively, including ones created
// later (a new directory is walked at once: files written right after
// mkdir -p produce no events of their own), except .git, the output
// directories named in Options.Skip, node_modules and other dot-folders
// (.github is watched: validation reads its CODEOWNERS). Chmod-only events
// are dropped, and so are editors' temporary files (see Ignored).
package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Batch is the changes of one quiet period.
type Batch struct {
	// Paths are slash paths relative to the root of files and folders
	// created, written, renamed or removed; sorted, without repeats.
	Paths []string
	// Rescan is set when events were lost (a kernel queue overflowed):
	// anything may have changed.
	Rescan bool
}

// Options configure a Watcher.
type Options struct {
	// Quiet is how long no event must arrive before a batch is cut;
	// default 20ms.
	Quiet time.Duration
	// MaxDelay cuts a batch even while events keep coming; default 1s.
	MaxDelay time.Duration
	// Poll walks the tree every Interval (default 500ms) comparing
	// modification times and sizes, instead of asking the kernel.
	Poll     bool
	Interval time.Duration
	// Skip lists more directories (slash paths relative to the root) not
	// to watch, such as build output.
	Skip []string
}

// Watcher delivers batches of changes under a root.
type Watcher struct {
	root    string
	opts    Options
	skip    map[string]bool
	raw     chan string // changed paths, "" for a rescan
	batches chan Batch
	errs    chan error
	done    chan struct{}
	src     interface{ close() error }
	wg      sync.WaitGroup
	once    sync.Once
	held    atomic.Int64 // paths in the batch waiting for the receiver
}

// New starts watching root. An error here (an inotify limit, say) is
// worth showing as is: it names the setting to raise.
func New(root string, opts Options) (*Watcher, error) {
	if opts.Quiet <= 0 {
		opts.Quiet = 20 * time.Millisecond
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = time.Second
	}
	if opts.Interval <= 0 {
		opts.Interval = 500 * time.Millisecond
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	w := &Watcher{root: abs, opts: opts, skip: map[string]bool{}, raw: make(chan string, 256),
		batches: make(chan Batch), errs: make(chan error, 16), done: make(chan struct{})}
	for _, s := range opts.Skip {
		w.skip[path.Clean(filepath.ToSlash(s))] = true
	}
	if opts.Poll {
		w.src, err = startPoll(w)
	} else {
		w.src, err = startNotify(w)
	}
	if err != nil {
		return nil, err
	}
	w.wg.Go(w.batch)
	return w, nil
}

// Batches delivers the changes; it is closed by Close.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// Errors delivers problems that do not stop the watcher (a directory that
// could not be watched). It is never closed; stop reading at Close.
func (w *Watcher) Errors() <-chan error { return w.errs }

// Close stops watching and waits for the watcher's goroutines.
func (w *Watcher) Close() error {
	var err error
	w.once.Do(func() {
		close(w.done)
		err = w.src.close()
		w.wg.Wait()
		close(w.batches)
	})
	return err
}

// changed hands a path (relative slash path; "" asks for a rescan) to the
// batcher.
func (w *Watcher) changed(rel string) {
	select {
	case w.raw <- rel:
	case <-w.done:
	}
}

func (w *Watcher) report(err error) {
	select {
	case w.errs <- err:
	default: // nobody reads: do not block watching on it
	}
}

// batch collects raw changes into batches.
func (w *Watcher) batch() {
	pending := map[string]bool{}
	rescan := false
	var ready *Batch
	quiet := time.NewTimer(time.Hour)
	quiet.Stop()
	var first time.Time
	cut := func() {
		if len(pending) == 0 && !rescan {
			return
		}
		b := Batch{Rescan: rescan}
		if ready != nil {
			b.Rescan = b.Rescan || ready.Rescan
			for _, p := range ready.Paths {
				pending[p] = true
			}
		}
		for p := range pending {
			b.Paths = append(b.Paths, p)
		}
		slices.Sort(b.Paths)
		ready = &b
		w.held.Store(int64(len(b.Paths)))
		pending, rescan, first = map[string]bool{}, false, time.Time{}
	}
	for {
		var out chan Batch
		var next Batch
		if ready != nil {
			out, next = w.batches, *ready
		}
		select {
		case <-w.done:
			quiet.Stop()
			return
		case rel := <-w.raw:
			if rel == "" {
				rescan = true
			} else {
				pending[rel] = true
			}
			now := time.Now()
			if first.IsZero() {
				first = now
			}
			wait := min(w.opts.Quiet, w.opts.MaxDelay-now.Sub(first))
			if wait <= 0 {
				cut()
				quiet.Stop()
				continue
			}
			quiet.Reset(wait)
		case <-quiet.C:
			cut()
		case out <- next:
			ready = nil
			w.held.Store(0)
		}
	}
}

// skipDir reports whether a directory is left unwatched.
func (w *Watcher) skipDir(rel string) bool {
	if rel == "." {
		return false
	}
	base := path.Base(rel)
	switch {
	case w.skip[rel], base == "node_modules":
		return true
	case rel == ".github":
		return false
	case strings.HasPrefix(base, "."):
		return true
	}
	return false
}

func (w *Watcher) heldLen() int { return int(w.held.Load()) }

// rel turns an absolute path under the root into a slash path; ok is false
// outside the root.
func (w *Watcher) rel(abs string) (string, bool) {
	r, err := filepath.Rel(w.root, abs)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// ignoredPath reports whether a change to rel can matter: editors'
// temporary files and anything in a skipped folder cannot.
func (w *Watcher) ignoredPath(rel string) bool {
	if Ignored(path.Base(rel)) {
		return true
	}
	for d := path.Dir(rel); d != "."; d = path.Dir(d) {
		if w.skipDir(d) {
			return true
		}
	}
	return false
}

// Ignored reports whether a file name is an editor's temporary, swap,
// lock or backup file, whose changes never matter.
func Ignored(name string) bool {
	for _, p := range ignoredPatterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

// ignoredPatterns are the editors' scratch files, by editor.
var ignoredPatterns = []string{
	// vim: swap files (.name.swp, .swo, .swn, … .swx while probing),
	// the "4913" file it writes to test that a folder is writable, and
	// backups (name~) it renames the old file to with backupcopy=no.
	"*.sw[a-p]", "*.sw[x-z]", "4913", "*~",
	// emacs: auto-save files (#name#) and lock links (.#name).
	"#*#", ".#*",
	// JetBrains IDEs' safe write: name___jb_tmp___ is written, the
	// original renamed to name___jb_old___, the temporary renamed over it.
	"*___jb_tmp___", "*___jb_old___",
	// Kate swap files; GNOME's (gedit) atomic-save temporaries; Chrome's
	// File System Access writes (web editors); temporary files of
	// atomic-save helpers (write x.tmp, rename over x).
	"*.kate-swp", ".goutputstream-*", "*.crswap", "*.tmp",
	// macOS Finder metadata.
	".DS_Store",
}

// LimitError is an inotify limit that stops watching; it says which
// setting to raise.
type LimitError struct {
	Setting string // e.g. fs.inotify.max_user_watches
	Value   string // a value to raise it to
	Err     error
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%v: the inotify limit %s is exhausted; raise it with\n"+
		"    sudo sysctl %s=%s\n"+
		"(add the line %s=%s to /etc/sysctl.conf to keep it), or watch by polling with --poll",
		e.Err, e.Setting, e.Setting, e.Value, e.Setting, e.Value)
}

func (e *LimitError) Unwrap() error { return e.Err }

// walkDirs calls f for every directory to watch under (and including)
// start, a slash path relative to the root, and g (when set) for every
// file in them.
func (w *Watcher) walkDirs(start string, f func(rel string) error, g func(rel string, info fs.FileInfo)) error {
	return filepath.WalkDir(filepath.Join(w.root, filepath.FromSlash(start)), func(p string, d fs.DirEntry, err error) error {
		rel, ok := w.rel(p)
		if !ok {
			return nil
		}
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // gone already: its removal is reported
			}
			if d != nil && d.IsDir() {
				w.report(fmt.Errorf("watch %s: %w", rel, err))
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if w.skipDir(rel) {
				return fs.SkipDir
			}
			return f(rel)
		}
		if g != nil && !Ignored(d.Name()) {
			if info, err := d.Info(); err == nil {
				g(rel, info)
			}
		}
		return nil
	})
}
