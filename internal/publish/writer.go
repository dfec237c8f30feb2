package publish

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
)

// Writer writes one site file by file while it is being built, so the
// pages need not all be held in memory, into a temporary directory beside
// the target. Commit swaps it into place; Abort (or a failed Put) leaves
// the target as it was. Put may be called from many goroutines.
type Writer struct {
	target, tmp string
	link        *Writer // an earlier site whose identical files are linked

	mu   sync.Mutex
	dirs map[string]*dirOnce
	sums map[string]uint64 // hash of each file put, for linking
	// written holds each file put once its write is over: true if it
	// was written. settled (on mu) is signalled whenever a write is over,
	// for a writer linking to this one that waits for a file in flight.
	written map[string]bool
	settled sync.Cond
	seed    maphash.Seed
	err     error
	jobs    chan job
	wg      sync.WaitGroup
	done    bool
}

// dirOnce makes one directory once, whichever writer needs it first; the
// others wait for it, not for every mkdir in flight.
type dirOnce struct {
	once sync.Once
	err  error
}

type job struct {
	name string
	data []byte
	sum  uint64
	done func() // see PutOwned; nil for Put
	// read, when set, marks a file to link from the linked writer (see
	// PutLinked); data is nil.
	read func() ([]byte, error)
	// open, when set, marks a file to copy (see PutCopy); data is nil.
	open func() (fs.File, error)
}

// NewWriter starts writing a site that will replace target. With link
// set, a file whose name and bytes equal one that link was given is made
// a hard link to it where the file system allows (once link has written
// it, so both sites may be written at once); link must not be committed
// or aborted before this writer.
func NewWriter(target string, link *Writer) (*Writer, error) {
	target = filepath.Clean(target)
	parent := filepath.Dir(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(target)+".new-")
	if err != nil {
		return nil, err
	}
	// MkdirTemp makes the directory 0700; a published site is world-readable.
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	w := &Writer{target: target, tmp: tmp, link: link, dirs: map[string]*dirOnce{},
		sums: map[string]uint64{}, written: map[string]bool{}, seed: maphash.MakeSeed(), jobs: make(chan job, 4*writers)}
	w.settled.L = &w.mu
	if link != nil {
		w.seed = link.seed
	}
	for range writers {
		w.wg.Go(w.work)
	}
	return w, nil
}

// Put queues data to be written as name. The caller must not change data
// afterwards. An error is that of this or an earlier Put; Commit reports
// it too.
func (w *Writer) Put(name string, data []byte) error { return w.PutOwned(name, data, nil) }

// PutOwned is Put for data the caller wants back, e.g. a pooled buffer:
// the writer calls done, exactly once, when it no longer needs data
// (written, failed or refused). done may run on another goroutine, and
// before PutOwned returns.
func (w *Writer) PutOwned(name string, data []byte, done func()) error {
	queued := false
	if done != nil {
		defer func() {
			if !queued {
				done()
			}
		}()
	}
	if !validPath(name) {
		return w.fail(fmt.Errorf("publish: refusing to write %q: not a clean relative path", name))
	}
	sum := maphash.Bytes(w.seed, data)
	if err := w.register(name, sum); err != nil {
		return err
	}
	queued = true
	w.jobs <- job{name: name, data: data, sum: sum, done: done}
	return nil
}

// PutLinked puts as name the file of that name the linked writer was
// given, as a hard link to it, without the bytes in hand: the caller
// vouches that they are the ones it wants (the same source file, unchanged
// since). Where linking fails, or the linked writer has no such file, the
// writer writes what read returns instead.
func (w *Writer) PutLinked(name string, read func() ([]byte, error)) error {
	l := w.link
	if l == nil || !validPath(name) {
		data, err := read()
		if err != nil {
			return w.fail(err)
		}
		return w.Put(name, data)
	}
	l.mu.Lock()
	sum, ok := l.sums[name]
	l.mu.Unlock()
	if !ok {
		data, err := read()
		if err != nil {
			return w.fail(err)
		}
		return w.Put(name, data)
	}
	// The same bytes, as far as later writers go.
	if err := w.register(name, sum); err != nil {
		return err
	}
	w.jobs <- job{name: name, sum: sum, read: read}
	return nil
}

// PutCopy queues the file open returns to be copied as name. Its bytes
// need not pass through the process: a copy from an *os.File (what
// os.DirFS opens) is left to the kernel. A writer linking to this one may
// link the copy with PutLinked; a Put of the same name there writes its
// own file, as the copy's bytes are not known to compare with.
func (w *Writer) PutCopy(name string, open func() (fs.File, error)) error {
	if !validPath(name) {
		return w.fail(fmt.Errorf("publish: refusing to write %q: not a clean relative path", name))
	}
	if err := w.register(name, unknownSum); err != nil {
		return err
	}
	w.jobs <- job{name: name, open: open}
	return nil
}

// unknownSum stands for the hash of a copied file. A file put with bytes
// that happen to hash to it is compared byte for byte before it is linked
// (see write), so the stand-in can never link the wrong file.
const unknownSum = 0

// register records that name is being written with bytes of hash sum,
// unless the writer is finished or failed or name came before.
func (w *Writer) register(name string, sum uint64) error {
	w.mu.Lock()
	if w.err != nil || w.done {
		err := w.err
		w.mu.Unlock()
		return cmp.Or(err, errors.New("publish: Put after Commit or Abort"))
	}
	if _, dup := w.sums[name]; dup {
		w.mu.Unlock()
		return w.fail(fmt.Errorf("publish: %s written twice", name))
	}
	w.sums[name] = sum
	w.mu.Unlock()
	return nil
}

// Len is the number of files put.
func (w *Writer) Len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.sums)
}

// mkdir makes d and its parents under tmp. The writers make directories
// side by side: on a slow disk a mkdir costs as much as writing a page,
// and made one at a time under w.mu (as Put once did) they held up every
// page being put.
func (w *Writer) mkdir(d string) error {
	if d == "." {
		return nil
	}
	w.mu.Lock()
	o := w.dirs[d]
	if o == nil {
		o = &dirOnce{}
		w.dirs[d] = o
	}
	w.mu.Unlock()
	o.once.Do(func() {
		if o.err = w.mkdir(path.Dir(d)); o.err == nil {
			o.err = os.Mkdir(filepath.Join(w.tmp, filepath.FromSlash(d)), 0o755)
		}
	})
	return o.err
}

func (w *Writer) fail(err error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
	return w.err
}

func (w *Writer) work() {
	for j := range w.jobs {
		err := w.write(j)
		w.mu.Lock()
		w.written[j.name] = err == nil
		if err != nil && w.err == nil {
			w.err = err
		}
		w.mu.Unlock()
		w.settled.Broadcast()
		if j.done != nil {
			j.done()
		}
	}
}

func (w *Writer) write(j job) error {
	if err := w.mkdir(path.Dir(j.name)); err != nil {
		return err
	}
	full := filepath.Join(w.tmp, filepath.FromSlash(j.name))
	if j.open != nil {
		return copyFile(full, j.open)
	}
	if j.read != nil {
		if w.link.has(j.name, 0, false) && os.Link(filepath.Join(w.link.tmp, filepath.FromSlash(j.name)), full) == nil {
			return nil
		}
		data, err := j.read()
		if err != nil {
			return err
		}
		return createFile(full, data)
	}
	if l := w.link; l != nil {
		if l.has(j.name, j.sum, true) {
			src := filepath.Join(l.tmp, filepath.FromSlash(j.name))
			// The hash only says where to look: the bytes decide, so a
			// collision can never put another site's file here.
			if old, err := os.ReadFile(src); err == nil && bytes.Equal(old, j.data) && os.Link(src, full) == nil {
				return nil
			}
		}
	}
	return createFile(full, j.data)
}

// copyFile creates name with the bytes of the file open returns.
func copyFile(name string, open func() (fs.File, error)) error {
	src, err := open()
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	// From one *os.File to another, io.Copy is copy_file_range on Linux.
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return &os.PathError{Op: "copy", Path: name, Err: err}
	}
	return dst.Close()
}

// has reports whether w has written the file name (with bytes of hash sum
// when match is set), waiting for it while it is queued or being written.
func (w *Writer) has(name string, sum uint64, match bool) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	put, ok := w.sums[name]
	if !ok || match && put != sum {
		return false
	}
	for {
		if ok, over := w.written[name]; over {
			return ok
		}
		w.settled.Wait()
	}
}

// wait blocks until every queued file is written; no Put may follow.
func (w *Writer) wait() error {
	w.mu.Lock()
	if !w.done {
		w.done = true
		close(w.jobs)
	}
	w.mu.Unlock()
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Commit waits for the queued files and swaps the site into place. On an
// error nothing is swapped and the temporary directory is removed.
func (w *Writer) Commit() error { return CommitAll(w) }

// CommitAll waits for the queued files of every writer, then swaps each
// site into place, in order: when any failed, none is swapped. A writer
// linking to another must come before it.
func CommitAll(ws ...*Writer) error {
	var errs []error
	for _, w := range ws {
		errs = append(errs, w.wait())
	}
	if err := errors.Join(errs...); err != nil {
		for _, w := range ws {
			w.Abort()
		}
		return err
	}
	for i, w := range ws {
		if err := swap(w.tmp, w.target); err != nil {
			for _, rest := range ws[i:] {
				rest.Abort()
			}
			for _, done := range ws[:i] {
				os.RemoveAll(done.tmp)
			}
			return err
		}
	}
	// After the swaps the temporary directories hold the previous sites
	// (or nothing).
	errs = errs[:0]
	for _, w := range ws {
		errs = append(errs, os.RemoveAll(w.tmp))
	}
	return errors.Join(errs...)
}

// Abort discards everything written; the target stays as it was.
func (w *Writer) Abort() {
	w.wait()
	os.RemoveAll(w.tmp)
}
