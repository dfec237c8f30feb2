package publish

import (
	"os"
	"path/filepath"
	"testing"
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
