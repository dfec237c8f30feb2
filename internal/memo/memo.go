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
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
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
const format = "marketplace-memo-3"

// shards is how many independent gob streams a table file holds, decoded
// in parallel: one stream of a large table took longer to decode than the
// caller's whole walk of the root, which waits for it.
const shards = 4

// Table is a cache of values of type V. A nil *Table is valid and never
// hits, so callers need no second code path when caching is off. Get and
// Put are safe for concurrent use.
type Table[V any] struct {
	path string
	salt string

	// ready is closed once old is read: Open reads the file in the
	// background, so that decoding it overlaps the caller's own reading.
	ready chan struct{}

	mu     sync.Mutex
	old    []map[Key]V // by shard, see shardOf
	oldLen int
	used   map[Key]V
	dirty  bool // a Put happened: Save has something new to write
	hits   int
}

// A table file is the length of its header (8 bytes, big-endian), the
// header as gob, then the shards, each a gob stream of one message per
// entry. One message per entry, not one map, lets Open decode through a
// small buffer: a single message of the whole table had gob hold it twice
// over in fresh memory, and on these machines fresh memory is dear.
type header struct {
	Format, Salt string
	Shards       []shardInfo
}

type shardInfo struct {
	Size    int64 // bytes
	Entries int
}

type entry[V any] struct {
	K Key
	V V
}

func shardOf(k Key, n int) int { return int(k[0]) % n }

// Open reads the table at path. salt names the program and the version of
// the work (see Salt); entries written under another salt are dropped.
func Open[V any](path, salt string) *Table[V] {
	t := &Table[V]{path: path, salt: salt, used: map[Key]V{}, ready: make(chan struct{})}
	go func() {
		defer close(t.ready)
		old, n := read[V](path, salt)
		t.old, t.oldLen = old, n
	}()
	return t
}

// read returns the shards of the table at path, or nil when the file is
// missing, foreign or corrupt in any part.
func read[V any](path, salt string) (old []map[Key]V, n int) {
	// gob reports corrupt input as errors; should a case slip through as
	// a panic, it must cost this run its cache, not its result.
	defer func() {
		if recover() != nil {
			old, n = nil, 0
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return nil, 0
	}
	defer f.Close()
	var size [8]byte
	if _, err := io.ReadFull(f, size[:]); err != nil {
		return nil, 0
	}
	hlen := int64(binary.BigEndian.Uint64(size[:]))
	var h header
	if hlen > 1<<20 || gob.NewDecoder(io.NewSectionReader(f, 8, hlen)).Decode(&h) != nil ||
		h.Format != format || h.Salt != salt || len(h.Shards) == 0 || len(h.Shards) > 256 {
		return nil, 0
	}
	old = make([]map[Key]V, len(h.Shards))
	ok := make([]bool, len(h.Shards))
	var wg sync.WaitGroup
	off := 8 + hlen
	for i, sh := range h.Shards {
		if sh.Size < 0 || sh.Entries < 0 {
			return nil, 0
		}
		r := io.NewSectionReader(f, off, sh.Size)
		off += sh.Size
		wg.Go(func() {
			defer func() {
				if recover() != nil {
					ok[i] = false
				}
			}()
			old[i], ok[i] = readShard[V](r, sh.Entries, len(h.Shards), i)
		})
	}
	wg.Wait()
	for i := range old {
		if !ok[i] {
			return nil, 0 // a torn or corrupt file is no table at all
		}
		n += len(old[i])
	}
	return old, n
}

func readShard[V any](r io.Reader, entries, shards, i int) (map[Key]V, bool) {
	dec := gob.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	m := make(map[Key]V, min(entries, 1<<20))
	for range entries {
		var e entry[V]
		if dec.Decode(&e) != nil || shardOf(e.K, shards) != i {
			return nil, false
		}
		m[e.K] = e.V
	}
	return m, true
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
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := t.used[k]; ok {
		t.hits++
		return v, true
	}
	var v V
	ok := false
	if len(t.old) > 0 {
		v, ok = t.old[shardOf(k, len(t.old))][k]
	}
	if ok {
		t.used[k] = v
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
	t.mu.Lock()
	t.used[k] = v
	t.dirty = true
	t.mu.Unlock()
}

// Len is the number of entries Save would write.
func (t *Table[V]) Len() int {
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.used)
}

// Save writes the entries used in this run, unless they are exactly the
// ones read. The file is replaced in one rename, so a concurrent run reads
// the old table or the new one, never a mix.
func (t *Table[V]) Save() error {
	if t == nil {
		return nil
	}
	<-t.ready
	t.mu.Lock()
	if !t.dirty && len(t.used) == t.oldLen {
		t.mu.Unlock()
		// Nothing new, but the table is in use: Trim goes by this time.
		now := time.Now()
		if err := os.Chtimes(t.path, now, now); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	data, err := encode(t.salt, t.used)
	t.mu.Unlock()
	if err != nil {
		return err
	}
	dir := filepath.Dir(t.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(t.path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	err = errors.Join(err, tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), t.path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// encode lays out a table file of the entries m.
func encode[V any](salt string, m map[Key]V) ([]byte, error) {
	bufs := make([]bytes.Buffer, shards)
	encs := make([]*gob.Encoder, shards)
	h := header{Format: format, Salt: salt, Shards: make([]shardInfo, shards)}
	for i := range encs {
		encs[i] = gob.NewEncoder(&bufs[i])
	}
	for k, v := range m {
		i := shardOf(k, shards)
		if err := encs[i].Encode(entry[V]{K: k, V: v}); err != nil {
			return nil, err
		}
		h.Shards[i].Entries++
	}
	var hb bytes.Buffer
	for i := range bufs {
		h.Shards[i].Size = int64(bufs[i].Len())
	}
	if err := gob.NewEncoder(&hb).Encode(h); err != nil {
		return nil, err
	}
	out := binary.BigEndian.AppendUint64(nil, uint64(hb.Len()))
	out = append(out, hb.Bytes()...)
	for i := range bufs {
		out = append(out, bufs[i].Bytes()...)
	}
	return out, nil
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
