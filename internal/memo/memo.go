// Package memo remembers the results of pure per-file work between runs of
// the command line, so that checking a root again after editing a few files
// costs little more than reading it: the idea of Go's build cache and
// ESLint's --cache, for one table of results.
//
// A Table maps a Key (a SHA-256 of everything the work read, salted with
// the identity of the program that did it) to a value. Open loads the
// table from a file; Save writes back the entries looked up or added in
// this run, so entries of deleted or edited files do not pile up. A missing,
// unreadable, corrupt or foreign file is an empty table: the cache can only
// make a run faster, never change its result.
package memo

import (
	"bufio"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"
)

// Key identifies one result.
type Key [sha256.Size]byte

// format is bumped when the file layout changes.
const format = "marketplace-memo-4"

// shards is how many files a table is kept in. They are decoded in
// parallel (one stream of a large table took longer to decode than the
// caller's walk of the root, which waits for it), and Save rewrites only
// those whose entries changed: after an edit, two or three of sixteen.
const shards = 16

// Table is a cache of values of type V. A nil *Table is valid and never
// hits, so callers need no second code path when caching is off. Get and
// Put are safe for concurrent use.
type Table[V any] struct {
	path string
	salt string

	// ready is closed once old is read: Open reads the files in the
	// background, so that decoding them overlaps the caller's own reading.
	ready chan struct{}

	mu     sync.Mutex
	old    [shards]map[Key]V // as read, by shard (see shardOf)
	used   [shards]map[Key]V // looked up or put in this run
	dirty  [shards]bool      // a Put happened: Save has something new to write
	hits   int
	closed bool
}

// A shard file is a gob stream: a header, then one message per entry. One
// message per entry, not one map, lets Open decode through a small buffer:
// a single message of a whole table had gob hold it twice over in fresh
// memory, and on these machines fresh memory is dear.
type header struct {
	Format, Salt string
	Shard, Of    int
	Entries      int
}

type entry[V any] struct {
	K Key
	V V
}

func shardOf(k Key) int { return int(k[0]) % shards }

// shardPath names the file of shard i of the table at path.
func shardPath(path string, i int) string { return fmt.Sprintf("%s.%02d", path, i) }

// Open reads the table at path (its shards are path.00, path.01, ...).
// salt names the program and the version of the work (see Salt); entries
// written under another salt are dropped.
func Open[V any](path, salt string) *Table[V] {
	t := &Table[V]{path: path, salt: salt, ready: make(chan struct{})}
	for i := range t.used {
		t.used[i] = map[Key]V{}
	}
	go func() {
		defer close(t.ready)
		var wg sync.WaitGroup
		for i := range t.old {
			wg.Go(func() { t.old[i] = readShard[V](shardPath(path, i), salt, i) })
		}
		wg.Wait()
	}()
	return t
}

// readShard returns the entries of shard i in the file at name, or nil
// when the file is missing, foreign or corrupt in any part: a torn or
// corrupt file is no shard at all.
func readShard[V any](name, salt string, i int) (m map[Key]V) {
	// gob reports corrupt input as errors; should a case slip through as
	// a panic, it must cost this run that shard, not its result.
	defer func() {
		if recover() != nil {
			m = nil
		}
	}()
	f, err := os.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	dec := gob.NewDecoder(bufio.NewReaderSize(f, 64<<10))
	var h header
	if dec.Decode(&h) != nil || h.Format != format || h.Salt != salt || h.Shard != i || h.Of != shards || h.Entries < 0 {
		return nil
	}
	m = make(map[Key]V, min(h.Entries, 1<<20))
	for range h.Entries {
		var e entry[V]
		if dec.Decode(&e) != nil || shardOf(e.K) != i {
			return nil
		}
		m[e.K] = e.V
	}
	return m
}

// Key digests the parts that determine a result. Each part is
// length-prefixed, so ("ab", "c") and ("a", "bc") differ.
// On a nil table it digests nothing: the key would never be used.
func (t *Table[V]) Key(parts ...[]byte) Key {
	if t == nil {
		return Key{}
	}
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:", len(p))
		h.Write(p)
	}
	var k Key
	h.Sum(k[:0])
	return k
}

// Get returns the value stored under k.
func (t *Table[V]) Get(k Key) (V, bool) {
	var zero V
	if t == nil {
		return zero, false
	}
	<-t.ready
	i := shardOf(k)
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := t.used[i][k]; ok {
		t.hits++
		return v, true
	}
	v, ok := t.old[i][k]
	if ok {
		t.used[i][k] = v
		t.hits++
	}
	return v, ok
}

// Hits is how many Gets found their entry.
func (t *Table[V]) Hits() int {
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.hits
}

// Put stores v under k.
func (t *Table[V]) Put(k Key, v V) {
	if t == nil {
		return
	}
	i := shardOf(k)
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	t.used[i][k] = v
	t.dirty[i] = true
	t.mu.Unlock()
}

// Len is the number of entries Save would write.
func (t *Table[V]) Len() int {
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, m := range t.used {
		n += len(m)
	}
	return n
}

// Save writes the entries used in this run, shard by shard, skipping the
// shards whose entries are exactly the ones read. Each shard file is
// replaced in one rename, so a concurrent run reads each shard old or new,
// never a mix within one; a mix of shards is harmless, as every entry
// stands on its own.
func (t *Table[V]) Save() error {
	if t == nil {
		return nil
	}
	<-t.ready
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(t.path), 0o755); err != nil {
		return err
	}
	errs := make([]error, shards)
	var wg sync.WaitGroup
	for i := range shards {
		if !t.dirty[i] && len(t.used[i]) == len(t.old[i]) {
			// Nothing new, but the table is in use: Trim goes by this time.
			now := time.Now()
			if err := os.Chtimes(shardPath(t.path, i), now, now); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs[i] = err
			}
			continue
		}
		wg.Go(func() { errs[i] = writeShard(shardPath(t.path, i), t.salt, i, t.used[i]) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Close saves the table, then lets go of its entries: Get finds nothing
// after it, Put keeps nothing and Save writes nothing; Hits still counts
// the run's hits. A build closes its table once no Get can hit any more,
// so that the entries (every rendered body, in a table of pages) are not
// held to its end.
func (t *Table[V]) Close() error {
	if t == nil {
		return nil
	}
	err := t.Save()
	t.mu.Lock()
	t.old, t.used, t.dirty = [shards]map[Key]V{}, [shards]map[Key]V{}, [shards]bool{}
	t.closed = true
	t.mu.Unlock()
	return err
}

// writeShard replaces the file at name with shard i holding m. It encodes
// straight into the file: a table of rendered pages is hundreds of
// megabytes, which a buffer would add to the peak memory of the build
// that saves it.
func writeShard[V any](name, salt string, i int, m map[Key]V) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(name), filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 64<<10)
	enc := gob.NewEncoder(w)
	err = enc.Encode(header{Format: format, Salt: salt, Shard: i, Of: shards, Entries: len(m)})
	for k, v := range m {
		if err != nil {
			break
		}
		err = enc.Encode(entry[V]{K: k, V: v})
	}
	if err == nil {
		err = w.Flush()
	}
	if err = errors.Join(err, tmp.Close()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// Trim removes the tables in dir whose names match pattern (as
// filepath.Match) and that no run has saved or used for maxAge: a table per
// content root, and roots come and go (clones, temporary checkouts).
func Trim(dir, pattern string, maxAge time.Duration) error {
	names, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range names {
		if fi, err := os.Stat(name); err == nil && time.Since(fi.ModTime()) > maxAge {
			errs = append(errs, os.Remove(name))
		}
	}
	return errors.Join(errs...)
}

// Salt identifies the running program: its module version and VCS
// revision, and the size and modification time of its executable, which
// tell apart the builds of a working tree with uncommitted changes (and
// every `go run` of different sources). work names the cached computation
// and its own version.
func Salt(work string) string {
	s := work
	if bi, ok := debug.ReadBuildInfo(); ok {
		s += "|" + bi.Main.Path + "@" + bi.Main.Version + "|" + bi.GoVersion
		for _, kv := range bi.Settings {
			if kv.Key == "vcs.revision" || kv.Key == "vcs.modified" {
				s += "|" + kv.Value
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			s += fmt.Sprintf("|%s|%d|%d", exe, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return s
}
