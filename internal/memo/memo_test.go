package memo

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

type val struct {
	N    int
	Strs []string
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "t.gob")
	tb := Open[val](path, "salt")
	k1, k2 := tb.Key([]byte("a"), []byte("b")), tb.Key([]byte("ab"))
	if k1 == k2 {
		t.Fatal("parts are not length-prefixed: (a, b) and (ab) share a key")
	}
	if _, ok := tb.Get(k1); ok {
		t.Fatal("hit in a table that does not exist yet")
	}
	tb.Put(k1, val{1, []string{"x"}})
	tb.Put(k2, val{2, nil})
	if err := tb.Save(); err != nil {
		t.Fatal(err)
	}

	again := Open[val](path, "salt")
	v, ok := again.Get(k1)
	if !ok || v.N != 1 || len(v.Strs) != 1 || v.Strs[0] != "x" {
		t.Fatalf("Get(k1) = %+v, %v after reopening", v, ok)
	}
	// Only k1 was used: saving drops k2, as a deleted file's entry.
	if err := again.Save(); err != nil {
		t.Fatal(err)
	}
	third := Open[val](path, "salt")
	if _, ok := third.Get(k2); ok {
		t.Error("an entry not used in the last run survived its Save")
	}
	if _, ok := third.Get(k1); !ok {
		t.Error("the used entry was dropped")
	}
}

func TestForeignOrBrokenFileIsEmpty(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.gob")
	tb := Open[val](path, "v1")
	k := tb.Key([]byte("f"))
	tb.Put(k, val{N: 7})
	if err := tb.Save(); err != nil {
		t.Fatal(err)
	}
	if _, ok := Open[val](path, "v2").Get(k); ok {
		t.Error("an entry written under another salt (another binary) was used")
	}
	for name, data := range map[string][]byte{"empty": nil, "garbage": []byte("not gob"), "truncated": readHalf(t, shardPath(path, shardOf(k)))} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(shardPath(p, shardOf(k)), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, ok := Open[val](p, "v1").Get(k); ok {
			t.Errorf("%s file: hit", name)
		}
	}
	// A shard copied under another shard's name is not taken for it.
	p := filepath.Join(dir, "moved")
	other := (shardOf(k) + 1) % shards
	if err := os.WriteFile(shardPath(p, other), readAll(t, shardPath(path, shardOf(k))), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(shardPath(p, shardOf(k)), readAll(t, shardPath(path, shardOf(k))), 0o644); err != nil {
		t.Fatal(err)
	}
	tb = Open[val](p, "v1")
	if _, ok := tb.Get(k); !ok {
		t.Error("the shard in its place was not read")
	}
	if tb.Len() != 1 {
		t.Errorf("Len = %d after one hit: the misplaced shard was read too", tb.Len())
	}
}

func readAll(t *testing.T, p string) []byte {
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func readHalf(t *testing.T, p string) []byte {
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data[:len(data)/2]
}

func TestSaveSkipsUnchangedTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.gob")
	tb := Open[val](path, "s")
	k := tb.Key([]byte("f"))
	tb.Put(k, val{N: 1})
	if err := tb.Save(); err != nil {
		t.Fatal(err)
	}
	again := Open[val](path, "s")
	if _, ok := again.Get(k); !ok {
		t.Fatal("miss")
	}
	if err := os.Remove(shardPath(path, shardOf(k))); err != nil {
		t.Fatal(err)
	}
	if err := again.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(shardPath(path, shardOf(k))); !os.IsNotExist(err) {
		t.Error("a run that only hit rewrote the table")
	}
}

// TestSaveRewritesChangedShards: after one new entry, Save replaces only
// the shard that holds it.
func TestSaveRewritesChangedShards(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.gob")
	tb := Open[val](path, "s")
	var keys []Key
	for i := range 200 {
		k := tb.Key([]byte{byte(i)})
		keys = append(keys, k)
		tb.Put(k, val{N: i})
	}
	if err := tb.Save(); err != nil {
		t.Fatal(err)
	}
	inode := func(i int) os.FileInfo {
		fi, err := os.Stat(shardPath(path, i))
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	before := make([]os.FileInfo, shards)
	for i := range shards {
		before[i] = inode(i)
	}
	again := Open[val](path, "s")
	for _, k := range keys {
		if _, ok := again.Get(k); !ok {
			t.Fatal("miss")
		}
	}
	k := again.Key([]byte("new"))
	again.Put(k, val{N: -1})
	if err := again.Save(); err != nil {
		t.Fatal(err)
	}
	for i := range shards {
		if rewritten := !os.SameFile(inode(i), before[i]); rewritten != (i == shardOf(k)) {
			t.Errorf("shard %d rewritten = %v; only shard %d changed", i, rewritten, shardOf(k))
		}
	}
	third := Open[val](path, "s")
	if third.Len() != 0 {
		t.Fatal("a table just opened has used entries")
	}
	for _, k := range append(keys, k) {
		if _, ok := third.Get(k); !ok {
			t.Fatal("an entry was lost")
		}
	}
}

func TestNilTable(t *testing.T) {
	var tb *Table[val]
	k := tb.Key([]byte("x"))
	tb.Put(k, val{})
	if _, ok := tb.Get(k); ok {
		t.Error("nil table hit")
	}
	if tb.Save() != nil || tb.Len() != 0 {
		t.Error("nil table is not inert")
	}
}

func TestConcurrentUse(t *testing.T) {
	tb := Open[val](filepath.Join(t.TempDir(), "t.gob"), "s")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				k := tb.Key([]byte{byte(i), byte(j)})
				tb.Put(k, val{N: j})
				if v, ok := tb.Get(k); !ok || v.N != j {
					t.Errorf("Get after Put = %v, %v", v, ok)
				}
			}
		})
	}
	wg.Wait()
	if tb.Len() != 800 {
		t.Errorf("Len = %d, want 800", tb.Len())
	}
	if err := tb.Save(); err != nil {
		t.Fatal(err)
	}
}

func TestTrim(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-48 * time.Hour)
	for _, name := range []string{"a-1.gob.03", "a-2.gob.03", "other.gob.03"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	// A table used today, though not rewritten, is kept: Save touches it.
	tb := Open[val](filepath.Join(dir, "a-2.gob"), "s")
	if err := tb.Save(); err != nil {
		t.Fatal(err)
	}
	if err := Trim(dir, "a-*.gob.*", 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"a-1.gob.03": false, "a-2.gob.03": true, "other.gob.03": true} {
		_, err := os.Stat(filepath.Join(dir, name))
		if got := err == nil; got != want {
			t.Errorf("%s exists = %v, want %v", name, got, want)
		}
	}
}

// FuzzOpen: whatever the file holds, Open yields a usable table.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	good := filepath.Join(dir, "good.gob")
	tb := Open[val](good, "s")
	tb.Put(tb.Key([]byte("k")), val{N: 1, Strs: []string{"a", "b"}})
	if err := tb.Save(); err != nil {
		f.Fatal(err)
	}
	k := tb.Key([]byte("k"))
	data, err := os.ReadFile(shardPath(good, shardOf(k)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte{})
	f.Add(data[:len(data)/3])
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "t.gob")
		if err := os.WriteFile(shardPath(p, shardOf(k)), data, 0o644); err != nil {
			t.Fatal(err)
		}
		tb := Open[val](p, "s")
		tb.Get(k)
		tb.Put(k, val{N: 2})
		if v, ok := tb.Get(k); !ok || v.N != 2 {
			t.Fatalf("Get after Put = %v, %v", v, ok)
		}
	})
}

// Close saves what Save would, then the table holds nothing: later Gets
// miss, Puts are dropped and a later Save leaves the files as Close wrote
// them.
func TestClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.gob")
	tb := Open[val](path, "salt")
	k1, k2 := tb.Key([]byte("one")), tb.Key([]byte("two"))
	tb.Put(k1, val{1, nil})
	if _, ok := tb.Get(k1); !ok {
		t.Fatal("miss before Close")
	}
	if err := tb.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := tb.Get(k1); ok {
		t.Error("hit after Close")
	}
	tb.Put(k2, val{2, nil})
	if n := tb.Len(); n != 0 {
		t.Errorf("Len() = %d after Close", n)
	}
	if h := tb.Hits(); h != 1 {
		t.Errorf("Hits() = %d after Close, want the 1 before it", h)
	}
	if err := tb.Save(); err != nil {
		t.Fatal(err)
	}
	if err := tb.Close(); err != nil {
		t.Fatal(err)
	}
	again := Open[val](path, "salt")
	if v, ok := again.Get(k1); !ok || v.N != 1 {
		t.Errorf("Get(k1) = %+v, %v: Close did not save", v, ok)
	}
	if _, ok := again.Get(k2); ok {
		t.Error("a Put after Close was saved")
	}
}
