package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// editors are scripted after what real editors do on save.
var editors = []struct {
	name string
	save func(t *testing.T, root, rel string, data []byte)
}{
	{"in-place write", func(t *testing.T, root, rel string, data []byte) {
		mustWrite(t, filepath.Join(root, rel), data)
	}},
	{"vim backupcopy=no", func(t *testing.T, root, rel string, data []byte) {
		p := filepath.Join(root, rel)
		dir, base := filepath.Dir(p), filepath.Base(p)
		swp := filepath.Join(dir, "."+base+".swp")
		mustWrite(t, swp, []byte("swap"))
		mustWrite(t, filepath.Join(dir, "4913"), nil)
		must(t, os.Remove(filepath.Join(dir, "4913")))
		must(t, os.Rename(p, p+"~"))
		mustWrite(t, p, data)
		must(t, os.Chmod(p, 0o644))
		must(t, os.Remove(p+"~"))
		must(t, os.Remove(swp))
	}},
	{"JetBrains safe write", func(t *testing.T, root, rel string, data []byte) {
		p := filepath.Join(root, rel)
		mustWrite(t, p+"___jb_tmp___", data)
		must(t, os.Rename(p, p+"___jb_old___"))
		must(t, os.Rename(p+"___jb_tmp___", p))
		must(t, os.Remove(p+"___jb_old___"))
	}},
	{"write then chmod", func(t *testing.T, root, rel string, data []byte) {
		p := filepath.Join(root, rel)
		mustWrite(t, p, data)
		must(t, os.Chmod(p, 0o600))
		must(t, os.Chmod(p, 0o644))
	}},
	{"200 writes in a burst", func(t *testing.T, root, rel string, data []byte) {
		p := filepath.Join(root, rel)
		for i := range 200 {
			mustWrite(t, p, fmt.Appendf(nil, "%s %d", data, i))
		}
	}},
}

func TestEditors(t *testing.T) {
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "content", "a", "x.md"), []byte("x"))
	mustWrite(t, filepath.Join(root, "content", "sentinel.md"), []byte("s"))
	// What is tested is that one save is one batch, whatever the editor
	// does in between; not the default quiet period, which a loaded CI
	// machine can exceed between two writes of a burst (it split the 200
	// writes into two batches once).
	w := start(t, root, Options{Quiet: 200 * time.Millisecond})
	for _, e := range editors {
		t.Run(e.name, func(t *testing.T) {
			e.save(t, root, filepath.Join("content", "a", "x.md"), []byte(e.name))
			b := next(t, w)
			if !slices.Equal(b.Paths, []string{"content/a/x.md"}) {
				t.Errorf("batch %v, want just content/a/x.md", b.Paths)
			}
			onlySentinel(t, w, root)
		})
	}
}

// TestSwapChurn: vim's swap file coming and going is no change at all.
func TestSwapChurn(t *testing.T) {
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "content", "x.md"), []byte("x"))
	mustWrite(t, filepath.Join(root, "content", "sentinel.md"), []byte("s"))
	w := start(t, root, Options{})
	swp := filepath.Join(root, "content", ".x.md.swp")
	for i := range 20 {
		mustWrite(t, swp, fmt.Appendf(nil, "swap %d", i))
	}
	mustWrite(t, filepath.Join(root, "content", ".x.md.swx"), nil)
	must(t, os.Remove(filepath.Join(root, "content", ".x.md.swx")))
	must(t, os.Remove(swp))
	mustWrite(t, filepath.Join(root, "content", "#x.md#"), nil)
	must(t, os.Remove(filepath.Join(root, "content", "#x.md#")))
	onlySentinel(t, w, root)
}

// TestNewFolders: files written right after mkdir -p, before any watch on
// the new folders can exist, are reported, and later writes in them too.
func TestNewFolders(t *testing.T) {
	for _, poll := range []bool{false, true} {
		t.Run(fmt.Sprintf("poll=%v", poll), func(t *testing.T) {
			root := t.TempDir()
			mustWrite(t, filepath.Join(root, "content", "sentinel.md"), []byte("s"))
			w := start(t, root, Options{Poll: poll, Interval: 50 * time.Millisecond})
			deep := filepath.Join(root, "content", "acme", "public", "new", "deep")
			must(t, os.MkdirAll(deep, 0o755))
			mustWrite(t, filepath.Join(deep, "a.md"), []byte("a"))
			b := next(t, w)
			if poll && !slices.Contains(b.Paths, "content/acme/public/new/deep/a.md") {
				b = next(t, w)
			}
			if !slices.Contains(b.Paths, "content/acme/public/new/deep/a.md") {
				t.Errorf("batch %v lacks the new article", b.Paths)
			}
			onlySentinel(t, w, root)
			mustWrite(t, filepath.Join(deep, "a.md"), []byte("again"))
			if b := next(t, w); !slices.Equal(b.Paths, []string{"content/acme/public/new/deep/a.md"}) {
				t.Errorf("second write: batch %v", b.Paths)
			}
			// Removing the folder reports it; a folder of the same name
			// made again is watched again.
			must(t, os.RemoveAll(filepath.Join(root, "content", "acme")))
			if b := next(t, w); !slices.Contains(b.Paths, "content/acme") && !slices.Contains(b.Paths, "content/acme/public/new/deep/a.md") {
				t.Errorf("removal: batch %v", b.Paths)
			}
			must(t, os.MkdirAll(deep, 0o755))
			mustWrite(t, filepath.Join(deep, "b.md"), []byte("b"))
			// A poll may fall between the mkdir and the write.
			b = next(t, w)
			if poll && !slices.Contains(b.Paths, "content/acme/public/new/deep/b.md") {
				b = next(t, w)
			}
			if !slices.Contains(b.Paths, "content/acme/public/new/deep/b.md") {
				t.Errorf("re-made folder: batch %v", b.Paths)
			}
		})
	}
}

// TestRenamedFolder: a folder renamed inside the tree reports under its
// new name afterwards, not the old one.
func TestRenamedFolder(t *testing.T) {
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "content", "old", "a.md"), []byte("a"))
	w := start(t, root, Options{})
	must(t, os.Rename(filepath.Join(root, "content", "old"), filepath.Join(root, "content", "new")))
	b := next(t, w)
	if !slices.Contains(b.Paths, "content/old") || !slices.Contains(b.Paths, "content/new") {
		t.Errorf("rename: batch %v", b.Paths)
	}
	mustWrite(t, filepath.Join(root, "content", "new", "a.md"), []byte("b"))
	if b := next(t, w); !slices.Equal(b.Paths, []string{"content/new/a.md"}) {
		t.Errorf("write after rename: batch %v", b.Paths)
	}
}

// TestSkipped: output folders, .git and dot-folders are not watched.
func TestSkipped(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"public", ".git", "node_modules", ".cache", "content"} {
		must(t, os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	mustWrite(t, filepath.Join(root, "content", "sentinel.md"), []byte("s"))
	w := start(t, root, Options{Skip: []string{"public"}})
	for _, d := range []string{"public", ".git", "node_modules", ".cache"} {
		mustWrite(t, filepath.Join(root, d, "x"), []byte("x"))
	}
	onlySentinel(t, w, root)
	mustWrite(t, filepath.Join(root, ".github", "CODEOWNERS"), []byte("* @team"))
	if b := next(t, w); !slices.Contains(b.Paths, ".github/CODEOWNERS") {
		t.Errorf(".github: batch %v", b.Paths)
	}
}

// TestBusyReceiver: batches that arrive while the receiver is busy merge
// into one.
func TestBusyReceiver(t *testing.T) {
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "content"), 0o755))
	w := start(t, root, Options{Quiet: 5 * time.Millisecond})
	for i := range 3 {
		mustWrite(t, filepath.Join(root, "content", fmt.Sprintf("%d.md", i)), nil)
		// Each write is its own batch: wait until the batcher holds it.
		waitHeld(t, w, i+1)
	}
	b := next(t, w)
	if !slices.Equal(b.Paths, []string{"content/0.md", "content/1.md", "content/2.md"}) {
		t.Errorf("merged batch %v", b.Paths)
	}
}

// waitHeld waits until the batch held for the receiver has n paths.
func waitHeld(t *testing.T, w *Watcher, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if w.heldLen() >= n {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("batcher never held %d paths", n)
}

func TestLimitError(t *testing.T) {
	err := limitError(fmt.Errorf("add: %w", syscall.ENOSPC))
	var le *LimitError
	if !errors.As(err, &le) || le.Setting != "fs.inotify.max_user_watches" {
		t.Fatalf("ENOSPC: %v", err)
	}
	for _, want := range []string{"sudo sysctl fs.inotify.max_user_watches=", "--poll"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if !errors.As(limitError(syscall.EMFILE), &le) || le.Setting != "fs.inotify.max_user_instances" {
		t.Errorf("EMFILE: %v", le)
	}
}

func TestIgnored(t *testing.T) {
	for name, want := range map[string]bool{
		".x.md.swp": true, ".x.md.swo": true, ".x.md.swx": true, "4913": true, "x.md~": true,
		"#x.md#": true, ".#x.md": true, "x.md___jb_tmp___": true, "x.md___jb_old___": true,
		"x.md.tmp": true, ".goutputstream-AB12": true, "x.md.kate-swp": true, ".DS_Store": true,
		"x.md": false, "partner.yaml": false, "swap.md": false, "logo.svg": false, "4914": false,
	} {
		if got := Ignored(name); got != want {
			t.Errorf("Ignored(%q) = %v, want %v", name, got, want)
		}
	}
}

func start(t *testing.T, root string, opts Options) *Watcher {
	t.Helper()
	w, err := New(root, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// next waits for the next batch, with a deadline.
func next(t *testing.T, w *Watcher) Batch {
	t.Helper()
	select {
	case b := <-w.Batches():
		return b
	case <-time.After(10 * time.Second):
		t.Fatal("no batch within 10s")
	}
	return Batch{}
}

// onlySentinel writes content/sentinel.md and expects the next batch to
// hold it alone: any batch before it would be an extra one.
func onlySentinel(t *testing.T, w *Watcher, root string) {
	t.Helper()
	mustWrite(t, filepath.Join(root, "content", "sentinel.md"), []byte(time.Now().String()))
	if b := next(t, w); !slices.Equal(b.Paths, []string{"content/sentinel.md"}) {
		t.Errorf("expected only the sentinel, got batch %v", b.Paths)
	}
}

func mustWrite(t *testing.T, p string, data []byte) {
	t.Helper()
	must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	must(t, os.WriteFile(p, data, 0o644))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
