package load

import (
	"bytes"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

func TestDirFSReadsAsOSDirFS(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<13) // 128 KiB
	for name, data := range map[string][]byte{
		"a.md": []byte("---\ntitle: x\n---\n"), "empty.md": nil, "sub/big.bin": big, "sub/ünï cøde.md": []byte("ü"),
	} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.md", filepath.Join(dir, "link.md")); err != nil {
		t.Fatal(err)
	}
	fast, std := DirFS(dir), os.DirFS(dir)
	for _, name := range []string{"a.md", "empty.md", "sub/big.bin", "sub/ünï cøde.md", "link.md", "sub", "missing.md", "../a.md", "/a.md", "sub/../a.md", ""} {
		got, gerr := fs.ReadFile(fast, name)
		want, werr := fs.ReadFile(std, name)
		if !bytes.Equal(got, want) || (gerr == nil) != (werr == nil) {
			t.Errorf("ReadFile(%q) = %d bytes, %v; os.DirFS: %d bytes, %v", name, len(got), gerr, len(want), werr)
			continue
		}
		if gerr != nil {
			var gp, wp *fs.PathError
			if !errors.As(gerr, &gp) || !errors.As(werr, &wp) || gp.Path != wp.Path || !errors.Is(gerr, errors.Unwrap(werr)) && !errors.Is(werr, errors.Unwrap(gerr)) {
				t.Errorf("ReadFile(%q) error %v, os.DirFS %v", name, gerr, werr)
			}
		}
	}
	if err := fstest.TestFS(fast, "a.md", "empty.md", "sub/big.bin", "link.md"); err != nil {
		t.Error(err)
	}
}

// TestDirFSSymlinks: DirFS answers ReadLink as os.DirFS does, so that Load
// over it (as the commands load) tells a link out of the root, an error,
// from one inside it, a warning.
func TestDirFSSymlinks(t *testing.T) {
	outer := t.TempDir()
	dir := filepath.Join(outer, "root")
	if err := os.MkdirAll(filepath.Join(dir, "content", "guides"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"content/guides/in.md": "../other.md", "content/guides/out.md": "../../../secret.md"} {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Skip(err)
		}
	}
	if _, ok := DirFS(dir).(fs.ReadLinkFS); !ok {
		t.Fatal("DirFS does not implement fs.ReadLinkFS")
	}
	_, diags := Load(DirFS(dir), Options{})
	got := map[string]string{}
	for _, d := range diags {
		got[d.File] = d.Rule + " " + d.Severity.String()
	}
	want := map[string]string{"content/guides/in.md": "load.symlink warning", "content/guides/out.md": "load.symlink-escape error"}
	if !maps.Equal(got, want) {
		t.Errorf("diagnostics %v, want %v", got, want)
	}
}
