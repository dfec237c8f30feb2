package publish

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

func TestWriteReplacesWholeTree(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "public")
	if err := Write(target, Files{"index.html": []byte("v1"), "old/page.html": []byte("old")}); err != nil {
		t.Fatal(err)
	}
	if err := Write(target, Files{"index.html": []byte("v2"), "kb/a/index.html": []byte("a")}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(target, "index.html")); string(got) != "v2" {
		t.Errorf("index.html = %q, want v2", got)
	}
	if _, err := os.Stat(filepath.Join(target, "old/page.html")); !os.IsNotExist(err) {
		t.Errorf("a file of the previous build survived: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("temporary directories left beside the target: %v", names)
	}
	st, _ := os.Stat(target)
	if st.Mode().Perm() != 0o755 {
		t.Errorf("target mode %v, want 0755", st.Mode().Perm())
	}
}

func TestWriteRejectsEscapingPathsAndKeepsPreviousOutput(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "public")
	if err := Write(target, Files{"index.html": []byte("good")}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"../evil.html", "/abs.html", "a/../../b", "a\\b", ""} {
		if err := Write(target, Files{"index.html": []byte("bad"), bad: []byte("x")}); err == nil {
			t.Errorf("Write accepted %q", bad)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(target, "index.html")); string(got) != "good" {
		t.Errorf("previous output was touched: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "evil.html")); !os.IsNotExist(err) {
		t.Error("a file was written outside the target")
	}
}

// writeBoth publishes two sites as the build command does: the internal
// one first, the public one linking to it, both swapped or neither.
func writeBoth(pubDir, inDir string, pub, in Files) error {
	iw, err := NewWriter(inDir, nil)
	if err != nil {
		return err
	}
	pw, err := NewWriter(pubDir, iw)
	if err != nil {
		iw.Abort()
		return err
	}
	for _, s := range []struct {
		w     *Writer
		files Files
	}{{iw, in}, {pw, pub}} {
		for name, data := range s.files {
			if err := s.w.Put(name, data); err != nil {
				pw.Abort()
				iw.Abort()
				return err
			}
		}
	}
	return CommitAll(pw, iw)
}

func TestWritersLinkSharedFilesAndSwapAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	pub, in := filepath.Join(dir, "public"), filepath.Join(dir, "internal")
	img := []byte("PNG bytes")
	err := writeBoth(pub, in,
		Files{"index.html": []byte("public home"), "files/a.png": img},
		Files{"index.html": []byte("internal home"), "files/a.png": img, "files/b.png": []byte("internal only")},
	)
	if err != nil {
		t.Fatal(err)
	}
	stat := func(p string) os.FileInfo {
		t.Helper()
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if !os.SameFile(stat(filepath.Join(pub, "files/a.png")), stat(filepath.Join(in, "files/a.png"))) {
		t.Error("files/a.png, the same bytes in both sites, was written twice rather than linked")
	}
	if os.SameFile(stat(filepath.Join(pub, "index.html")), stat(filepath.Join(in, "index.html"))) {
		t.Error("index.html differs between the sites but is one file")
	}
	for p, want := range map[string]string{
		filepath.Join(pub, "index.html"): "public home", filepath.Join(in, "index.html"): "internal home",
		filepath.Join(in, "files/a.png"): "PNG bytes", filepath.Join(in, "files/b.png"): "internal only",
	} {
		if got, _ := os.ReadFile(p); string(got) != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}

	// A bad file in one site: neither target changes.
	err = writeBoth(pub, in,
		Files{"index.html": []byte("public v2"), "../escape": []byte("x")},
		Files{"index.html": []byte("internal v2")},
	)
	if err == nil {
		t.Fatal("an escaping path was accepted")
	}
	if got, _ := os.ReadFile(filepath.Join(pub, "index.html")); string(got) != "public home" {
		t.Errorf("the public site was swapped although writing failed: %q", got)
	}
	if got, _ := os.ReadFile(filepath.Join(in, "index.html")); string(got) != "internal home" {
		t.Errorf("the internal site was swapped although writing failed: %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("temporary directories left beside the targets: %d entries", len(entries))
	}
}

func TestWriterStreamsFromManyGoroutinesAndAbortKeepsTarget(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "site")
	if err := Write(target, Files{"index.html": []byte("v1")}); err != nil {
		t.Fatal(err)
	}
	put := func(w *Writer) {
		t.Helper()
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := range 50 {
					if err := w.Put(fmt.Sprintf("kb/s%d/p%d/index.html", g, i), []byte("page")); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
	}

	w, err := NewWriter(target, nil)
	if err != nil {
		t.Fatal(err)
	}
	put(w)
	w.Abort()
	if got, _ := os.ReadFile(filepath.Join(target, "index.html")); string(got) != "v1" {
		t.Errorf("after Abort index.html = %q, want the previous v1", got)
	}
	if _, err := os.Stat(filepath.Join(target, "kb")); !os.IsNotExist(err) {
		t.Errorf("aborted files reached the target: %v", err)
	}

	w, err = NewWriter(target, nil)
	if err != nil {
		t.Fatal(err)
	}
	put(w)
	if err := w.Put("kb/s0/p0/index.html", []byte("again")); err == nil {
		t.Error("a second Put of one name was accepted")
	}
	if err := w.Commit(); err == nil {
		t.Error("Commit succeeded after a failed Put")
	}
	if got, _ := os.ReadFile(filepath.Join(target, "index.html")); string(got) != "v1" {
		t.Errorf("a failed Commit replaced the site: index.html = %q", got)
	}

	w, err = NewWriter(target, nil)
	if err != nil {
		t.Fatal(err)
	}
	put(w)
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if w.Len() != 200 {
		t.Errorf("Len = %d, want 200", w.Len())
	}
	if got, _ := os.ReadFile(filepath.Join(target, "kb/s3/p49/index.html")); string(got) != "page" {
		t.Errorf("kb/s3/p49/index.html = %q", got)
	}
	if _, err := os.Stat(filepath.Join(target, "index.html")); !os.IsNotExist(err) {
		t.Errorf("a file of the previous site survived the swap: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d entries beside the target, want only it", len(entries))
	}
}

// TestPutOwnedHandsDataBack checks that the writer calls done exactly once
// for every PutOwned, written or refused, and only once it has finished
// with the bytes: a written file holds them as they were when put.
func TestPutOwnedHandsDataBack(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(filepath.Join(dir, "site"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	calls := map[string]int{}
	put := func(key, name, data string) error {
		buf := []byte(data)
		return w.PutOwned(name, buf, func() {
			mu.Lock()
			calls[key]++
			mu.Unlock()
			// The caller reuses its buffer now: the file must be written.
			copy(buf, make([]byte, len(buf)))
		})
	}
	for i := range 50 {
		if err := put(fmt.Sprint("page", i), fmt.Sprintf("kb/p%d/index.html", i), fmt.Sprint("page ", i)); err != nil {
			t.Fatal(err)
		}
	}
	if put("escaping", "../x", "x") == nil {
		t.Error("an escaping path was accepted")
	}
	_ = put("again", "kb/p1/index.html", "twice") // fails the writer: Commit reports it
	if err := CommitAll(w); err == nil {
		t.Fatal("Commit after a name put twice succeeded")
	}
	if put("late", "late.html", "late") == nil {
		t.Error("PutOwned after Commit succeeded")
	}
	for _, key := range []string{"page0", "page49", "escaping", "again", "late"} {
		if calls[key] != 1 {
			t.Errorf("%s: done called %d times, want once", key, calls[key])
		}
	}
	if len(calls) != 53 {
		t.Errorf("done called for %d puts, want 53", len(calls))
	}

	// A writer that succeeds wrote the bytes as put.
	w, err = NewWriter(filepath.Join(dir, "site2"), nil)
	if err != nil {
		t.Fatal(err)
	}
	calls = map[string]int{}
	for i := range 50 {
		if err := put(fmt.Sprint("page", i), fmt.Sprintf("kb/p%d/index.html", i), fmt.Sprint("page ", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := CommitAll(w); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		got, err := os.ReadFile(filepath.Join(dir, "site2", "kb", fmt.Sprint("p", i), "index.html"))
		if want := fmt.Sprint("page ", i); err != nil || string(got) != want {
			t.Errorf("p%d: %q, %v; want %q", i, got, err, want)
		}
	}
	if len(calls) != 50 {
		t.Errorf("done called for %d puts, want 50", len(calls))
	}
}

// linkedWriters starts writers of an internal and a public site in dir,
// the public one linking to the internal one.
func linkedWriters(t *testing.T, dir string) (in, pub *Writer) {
	t.Helper()
	in, err := NewWriter(filepath.Join(dir, "internal"), nil)
	if err != nil {
		t.Fatal(err)
	}
	pub, err = NewWriter(filepath.Join(dir, "public"), in)
	if err != nil {
		t.Fatal(err)
	}
	return in, pub
}

// TestPutLinked checks that PutLinked links the linked writer's file
// without reading, and writes what read gives where there is nothing to
// link to.
func TestPutLinked(t *testing.T) {
	dir := t.TempDir()
	in, pub := linkedWriters(t, dir)
	if err := in.Put("files/a.png", []byte("A")); err != nil {
		t.Fatal(err)
	}
	reads := map[string]int{}
	var mu sync.Mutex
	reader := func(name, data string) func() ([]byte, error) {
		return func() ([]byte, error) {
			mu.Lock()
			reads[name]++
			mu.Unlock()
			return []byte(data), nil
		}
	}
	if err := pub.PutLinked("files/a.png", reader("a", "A")); err != nil {
		t.Fatal(err)
	}
	if err := pub.PutLinked("files/c.png", reader("c", "C")); err != nil {
		t.Fatal(err)
	}
	if pub.PutLinked("files/a.png", reader("a2", "A")) == nil {
		t.Error("a name linked twice was accepted")
	}
	if err := CommitAll(pub); err == nil {
		t.Fatal("the public writer committed after a failed PutLinked")
	}
	if err := CommitAll(in); err != nil {
		t.Fatal(err)
	}
	if reads["a"] != 0 || reads["c"] != 1 {
		t.Errorf("reads %v: want none for a (linked), one for c (not in the linked site)", reads)
	}

	// Again without the failure, to see the files.
	in, _ = NewWriter(filepath.Join(dir, "internal"), nil)
	pub, _ = NewWriter(filepath.Join(dir, "public"), in)
	if err := in.Put("files/a.png", []byte("A")); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "c"} {
		if err := pub.PutLinked("files/"+n+".png", reader(n, strings.ToUpper(n))); err != nil {
			t.Fatal(err)
		}
	}
	if err := CommitAll(pub, in); err != nil {
		t.Fatal(err)
	}
	a1, err1 := os.Stat(filepath.Join(dir, "public/files/a.png"))
	a2, err2 := os.Stat(filepath.Join(dir, "internal/files/a.png"))
	if err1 != nil || err2 != nil || !os.SameFile(a1, a2) {
		t.Errorf("files/a.png is not one file in both sites (%v, %v)", err1, err2)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "public/files/c.png")); err != nil || string(got) != "C" {
		t.Errorf("files/c.png = %q, %v; want the bytes read", got, err)
	}
}

// The two sites of a build are written at once (a page of each as soon
// as an article is rendered): a file the public writer shares with the
// internal one is linked even when the internal one has not written it
// yet, and the internal writer still takes files after the public one
// has started.
func TestWritersLinkWhileBothWrite(t *testing.T) {
	dir := t.TempDir()
	in, pub := linkedWriters(t, dir)
	const n = 300
	for i := range n {
		shared := fmt.Sprintf("kb/a%d/index.html", i)
		data := []byte(fmt.Sprintf("page %d", i))
		for _, put := range []func() error{
			func() error { return in.Put(shared, data) },
			func() error { return pub.Put(shared, bytes.Clone(data)) },
			func() error { return in.Put(fmt.Sprintf("internal/a%d/index.html", i), data) },
			func() error { return pub.Put(fmt.Sprintf("own/a%d/index.html", i), []byte("public")) },
		} {
			if err := put(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := CommitAll(pub, in); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		name := fmt.Sprintf("kb/a%d/index.html", i)
		p, err1 := os.Stat(filepath.Join(dir, "public", name))
		q, err2 := os.Stat(filepath.Join(dir, "internal", name))
		if err1 != nil || err2 != nil || !os.SameFile(p, q) {
			t.Fatalf("%s: not one file in both sites (%v, %v)", name, err1, err2)
		}
	}
	if got, err := os.ReadFile(filepath.Join(dir, "internal", "internal/a7/index.html")); err != nil || string(got) != "page 7" {
		t.Errorf("a file put to the internal site after the public one started: %q, %v", got, err)
	}
}

// TestPutCopy copies files from a directory and from an fs.FS that is not
// one, lets a linking writer link a copy, and fails the commit, leaving
// the target alone, when a file cannot be opened.
func TestPutCopy(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<14) // 256 KiB, more than one read
	if err := os.WriteFile(filepath.Join(src, "big.png"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	open := func(fsys fs.FS, name string) func() (fs.File, error) {
		return func() (fs.File, error) { return fsys.Open(name) }
	}
	mem := fstest.MapFS{"mem.svg": {Data: []byte("<svg/>")}}

	in, pub := linkedWriters(t, dir)
	if err := in.PutCopy("img/big.png", open(os.DirFS(src), "big.png")); err != nil {
		t.Fatal(err)
	}
	if err := in.PutCopy("img/mem.svg", open(mem, "mem.svg")); err != nil {
		t.Fatal(err)
	}
	if in.PutCopy("../out.png", open(mem, "mem.svg")) == nil {
		t.Error("PutCopy took a path outside the site")
	}
	if CommitAll(pub, in) == nil {
		t.Fatal("a writer committed after refusing a path")
	}
	in, pub = linkedWriters(t, dir)
	if err := in.PutCopy("img/big.png", open(os.DirFS(src), "big.png")); err != nil {
		t.Fatal(err)
	}
	if err := in.PutCopy("img/mem.svg", open(mem, "mem.svg")); err != nil {
		t.Fatal(err)
	}
	if err := pub.PutLinked("img/big.png", func() ([]byte, error) { return nil, errors.New("read: the copy should have been linked") }); err != nil {
		t.Fatal(err)
	}
	if err := CommitAll(pub, in); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]byte{"internal/img/big.png": big, "internal/img/mem.svg": []byte("<svg/>"), "public/img/big.png": big} {
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes, %v; want the %d bytes of the source", name, len(got), err, len(want))
		}
	}
	a, err1 := os.Stat(filepath.Join(dir, "internal/img/big.png"))
	b, err2 := os.Stat(filepath.Join(dir, "public/img/big.png"))
	if err1 != nil || err2 != nil || !os.SameFile(a, b) {
		t.Errorf("img/big.png is not one file in both sites (%v, %v)", err1, err2)
	}

	// A source that cannot be opened fails the commit; the site stays.
	in, err := NewWriter(filepath.Join(dir, "internal"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.PutCopy("img/gone.png", open(os.DirFS(src), "gone.png")); err != nil {
		t.Fatal(err)
	}
	if err := in.Commit(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Commit = %v, want the open error", err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "internal/img/big.png")); err != nil || !bytes.Equal(got, big) {
		t.Errorf("after the failed commit internal/img/big.png = %d bytes, %v; want the last site kept", len(got), err)
	}
}
