// Package testroot writes content roots described as txtar archives into
// real directories, for tests that need real files: the bad-input suite
// (testdata/bad), the leak test that builds every case of it, and any test
// that wants bytes or files an archive cannot hold. CopyExample gives tests
// that edit the repository's example root a copy of it.
//
// An archive may be laid over a base archive: a section with the same path
// replaces the base's file. The sections "want" and "hint" are test data,
// never written. A suffix on a section name asks for something txtar cannot
// hold; it is stripped to give the path written:
//
//	<path>.delete   removes <path> from the base (the body is ignored)
//	<path>.bytes    the body with each \xNN replaced by that byte and \\ by
//	                one backslash: invalid UTF-8, NUL, BOM, CRLF
//	<path>.size     a valid article of exactly that many bytes (the body is
//	                a decimal number), made at test time, never committed
//	<path>.symlink  a symbolic link whose target is the body, trimmed
package testroot

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/tools/txtar"
)

// ErrSymlink is returned (wrapped) when the system cannot make a symbolic
// link; a test may skip on it.
var ErrSymlink = errors.New("cannot make a symbolic link here")

// notFiles are the sections that hold expectations, not files.
var notFiles = map[string]bool{"want": true, "hint": true}

// Write lays over (which may be nil) on base and writes the result into
// root, creating it.
func Write(root string, base, over *txtar.Archive) error {
	files := map[string]txtar.File{}
	if base != nil {
		for _, f := range base.Files {
			if !notFiles[f.Name] {
				p, _ := splitKind(f.Name)
				files[p] = f
			}
		}
	}
	if over != nil {
		for _, f := range over.Files {
			if notFiles[f.Name] {
				continue
			}
			if p, ok := strings.CutSuffix(f.Name, ".delete"); ok {
				if _, ok := files[p]; !ok {
					return fmt.Errorf("%s: no %s in the base to delete", f.Name, p)
				}
				delete(files, p)
				continue
			}
			p, _ := splitKind(f.Name)
			files[p] = f
		}
	}
	if err := os.MkdirAll(root, 0o777); err != nil {
		return err
	}
	for _, f := range files {
		if err := writeFile(root, f.Name, f.Data); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(root, name string, data []byte) error {
	p, kind := splitKind(name)
	full := filepath.Join(root, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o777); err != nil {
		return err
	}
	switch kind {
	case ".bytes":
		b, err := unescapeBytes(data)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		data = b
	case ".size":
		n, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		data = BigArticle(n)
	case ".symlink":
		if err := os.Symlink(strings.TrimSpace(string(data)), full); err != nil {
			return fmt.Errorf("%w: %v", ErrSymlink, err)
		}
		return nil
	}
	return os.WriteFile(full, data, 0o666)
}

// splitKind splits a section name into the path it writes and the suffix
// that says how, "" for a plain file.
func splitKind(name string) (p, kind string) {
	for _, k := range []string{".bytes", ".size", ".symlink"} {
		if q, ok := strings.CutSuffix(name, k); ok {
			return q, k
		}
	}
	return name, ""
}

// unescapeBytes replaces \xNN by the byte 0xNN and \\ by a backslash.
func unescapeBytes(data []byte) ([]byte, error) {
	var out []byte
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' {
			out = append(out, data[i])
			continue
		}
		switch {
		case i+1 < len(data) && data[i+1] == '\\':
			out = append(out, '\\')
			i++
		case i+3 < len(data) && data[i+1] == 'x':
			b, err := strconv.ParseUint(string(data[i+2:i+4]), 16, 8)
			if err != nil {
				return nil, fmt.Errorf("bad escape at byte %d: %v", i, err)
			}
			out = append(out, byte(b))
			i += 3
		default:
			return nil, fmt.Errorf("lone backslash at byte %d: write \\\\", i)
		}
	}
	return out, nil
}

// BigArticle is a well-formed article of exactly n bytes (n ≥ its header),
// so that its size is the only thing wrong with it.
func BigArticle(n int) []byte {
	head := "---\ntitle: \"Big\"\ndate: \"2026-01-10\"\nauthor: \"Ecosystem Team\"\n---\n\n"
	line := "All work and no play makes a very large article.\n"
	k := max(0, n-len(head)) / len(line)
	b := make([]byte, 0, n)
	b = append(b, head...)
	b = append(b, strings.Repeat(line, k)...)
	return append(b, strings.Repeat("x", max(0, n-len(b)))...)
}

// CopyExample copies the named top-level files and folders of the
// repository's own example root (partners, content, program.yaml, ...) into
// dst; names the repository lacks are skipped. Tests that edit the example
// work on such a copy.
func CopyExample(dst string, names ...string) error {
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return errors.New("testroot: cannot find the repository")
	}
	repo := filepath.Join(filepath.Dir(self), "..", "..")
	for _, name := range names {
		src := filepath.Join(repo, name)
		fi, err := os.Stat(src)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if fi.IsDir() {
			err = os.CopyFS(filepath.Join(dst, name), os.DirFS(src))
		} else {
			var data []byte
			if data, err = os.ReadFile(src); err == nil {
				err = os.WriteFile(filepath.Join(dst, name), data, 0o644)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// WriteFile writes data as the slash path name under root, making the
// folders it needs: how tests that edit a root put a file in it.
func WriteFile(root, name, data string) error {
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(data), 0o644)
}
