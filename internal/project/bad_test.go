package project

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/tools/txtar"

	"github.com/marketplace-program/marketplace"
	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/load"
	"github.com/marketplace-program/marketplace/internal/schema"
	"github.com/marketplace-program/marketplace/internal/testroot"
)

const (
	badDir  = "../../testdata/bad"
	badAsOf = "2026-11-28"
)

func TestBadInputsBaseIsValid(t *testing.T) {
	base := readArchive(t, filepath.Join(badDir, "base.txtar"))
	if got := openBad(t, newSchemas(t), base, nil); len(got) > 0 {
		t.Errorf("base.txtar must be valid; got:\n%s", describe(got))
	}
}

// TestBadInputs runs the bad-input suite in testdata/bad at the module
// root. Each case must give exactly the diagnostics it lists, each at its
// place, and Open must not panic.
//
//   - base.txtar is a small valid content root (TestBadInputsBaseIsValid).
//   - Every other <nn>-<name>.txtar is one broken input. Its comment says in
//     one line what is broken and why it matters. Its files are laid over
//     the base: the same path replaces a base file. The section "want" is
//     not a file: it lists the exact diagnostics expected, one per line, as
//     "file:line:col: severity [rule]" ("file: severity [rule]" when the
//     problem concerns the whole file). An empty want means none.
//   - The optional section "hint" lists texts, one per line, that must
//     each appear in the hint of some diagnostic (a "did you mean"). It is
//     never rewritten.
//
// Bytes and files a txtar archive cannot hold are asked for by a suffix on
// the section name, which is stripped to give the path written:
//
//	<path>.delete   removes <path> from the base (the body is ignored)
//	<path>.bytes    the body with each \xNN replaced by that byte and \\ by
//	                one backslash: invalid UTF-8, NUL, BOM, CRLF
//	<path>.size     a valid article of exactly that many bytes (the body is
//	                a decimal number), made at test time, never committed
//	<path>.symlink  a symbolic link whose target is the body, trimmed;
//	                ../../../outside.md from content/X/ leads out of the
//	                root to a real file
//
// The root is written to <tmp>/root and read with os.DirFS, so symbolic
// links and sizes are real; <tmp>/outside.md exists as a link target.
//
// go test -run TestBadInputs -update -v rewrites every want section from
// the output and logs each one it changed. Read those: a want written by
// hand because the output is wrong must not be overwritten for good.
func TestBadInputs(t *testing.T) {
	v := newSchemas(t)
	base := readArchive(t, filepath.Join(badDir, "base.txtar"))
	names, err := filepath.Glob(filepath.Join(badDir, "[0-9]*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 45 {
		t.Errorf("the suite has %d cases; it must keep at least 45", len(names))
	}
	for _, name := range names {
		t.Run(strings.TrimSuffix(filepath.Base(name), ".txtar"), func(t *testing.T) {
			t.Parallel()
			c := readArchive(t, name)
			if strings.TrimSpace(string(c.Comment)) == "" {
				t.Errorf("%s: the comment must say what is broken and why it matters", name)
			}
			want, hasWant := section(c, "want")
			if !hasWant {
				t.Fatalf("%s has no want section", name)
			}
			diags := openBad(t, v, base, c)
			got := make([]string, len(diags))
			for i, d := range diags {
				got[i] = fmt.Sprintf("%s: %s [%s]", d.Pos, d.Severity, d.Rule)
			}
			hints, _ := section(c, "hint")
			for _, h := range hints {
				if !slices.ContainsFunc(diags, func(d diag.Diagnostic) bool { return strings.Contains(d.Hint, h) }) {
					t.Errorf("no diagnostic has a hint containing %q; got:\n%s", h, describe(diags))
				}
			}
			if *update {
				if !slices.Equal(got, want) {
					// A hand-written expectation may be the right one: say
					// what was replaced so a reviewer can judge.
					t.Logf("want rewritten (-old +new):\n%s", badDiff(want, got))
				}
				setSection(c, "want", got)
				if err := os.WriteFile(name, txtar.Format(c), 0o666); err != nil {
					t.Fatal(err)
				}
				return
			}
			if !slices.Equal(got, want) {
				t.Errorf("diagnostics differ (-want +got):\n%s\nall:\n%s", badDiff(want, got), describe(diags))
			}
		})
	}
}

func newSchemas(t *testing.T) *schema.Validator {
	t.Helper()
	v, err := schema.New(marketplace.Defaults)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func readArchive(t *testing.T, name string) *txtar.Archive {
	t.Helper()
	a, err := txtar.ParseFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// section returns the lines of the named section, without blank lines.
func section(a *txtar.Archive, name string) ([]string, bool) {
	for _, f := range a.Files {
		if f.Name == name {
			var lines []string
			for l := range strings.Lines(string(f.Data)) {
				if l = strings.TrimSpace(l); l != "" {
					lines = append(lines, l)
				}
			}
			return lines, true
		}
	}
	return nil, false
}

func setSection(a *txtar.Archive, name string, lines []string) {
	data := []byte(strings.Join(lines, "\n"))
	if len(lines) > 0 {
		data = append(data, '\n')
	}
	for i := range a.Files {
		if a.Files[i].Name == name {
			a.Files[i].Data = data
			return
		}
	}
	a.Files = append(a.Files, txtar.File{Name: name, Data: data})
}

// openBad writes base overlaid with c (nil for the base alone) into a
// temporary directory, opens it, and returns its diagnostics.
// A panic anywhere in Open fails the test instead of the whole run.
func openBad(t *testing.T, v *schema.Validator, base, c *txtar.Archive) diag.List {
	t.Helper()
	tmp := t.TempDir()
	root := filepath.Join(tmp, "root")
	if err := os.WriteFile(filepath.Join(tmp, "outside.md"), []byte("---\ntitle: Outside\n---\nsecret\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := testroot.Write(root, base, c); err != nil {
		if errors.Is(err, testroot.ErrSymlink) {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	asOf, _ := time.Parse(time.DateOnly, badAsOf)
	var p *Project
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("Open panicked: %v\n%s", r, debug.Stack())
			}
		}()
		var err error
		p, err = Open(os.DirFS(root), Options{AsOf: asOf, Schemas: v})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
	}()
	checkPositions(t, p)
	// Broken input most of all must come out the same through the cache:
	// load's errors are remembered with the rest.
	dir := t.TempDir()
	later := time.Now().Add(time.Hour) // so that stats vouch for the files
	for i, what := range []string{"cold cache", "warm cache", "warm cache, skipping unchanged files"} {
		c := OpenCache(dir, root)
		q, err := Open(load.DirFS(root), Options{AsOf: asOf, Schemas: v, Cache: c, SkipUnchanged: i == 2, began: later})
		if err != nil {
			t.Fatalf("Open with a %s: %v", what, err)
		}
		check(t, what, p, q)
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
	}
	return p.Diags
}

// describe prints diagnostics in full, messages and hints included, for
// failure output.
func describe(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		fmt.Fprintf(&b, "%v (hint: %q)\n", d, d.Hint)
	}
	return b.String()
}

// checkPositions holds every diagnostic to a place that exists: a file that
// was read, a line it has, and a column no further than just past the end
// of that line (where an unexpected end of input is reported).
func checkPositions(t *testing.T, p *Project) {
	t.Helper()
	for _, d := range p.Diags {
		if d.Line == 0 {
			continue
		}
		src, ok := p.Sources()[d.File]
		if !ok {
			t.Errorf("%s: [%s] has a line but %s was not read", d.Pos, d.Rule, d.File)
			continue
		}
		text, ok := src.LineText(d.Line)
		if !ok {
			t.Errorf("%s: [%s] line %d is past the end of the file", d.Pos, d.Rule, d.Line)
			continue
		}
		if d.Col < 1 || d.Col > utf8.RuneCountInString(text)+1 {
			t.Errorf("%s: [%s] column %d is outside line %d %q", d.Pos, d.Rule, d.Col, d.Line, text)
		}
	}
}

// badDiff lists the lines only in want (-) and only in got (+).
func badDiff(want, got []string) string {
	var b strings.Builder
	for _, w := range want {
		if !slices.Contains(got, w) {
			fmt.Fprintf(&b, "-%s\n", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			fmt.Fprintf(&b, "+%s\n", g)
		}
	}
	if b.Len() == 0 {
		return "(same lines, different order or count)\n" + "want:\n" + strings.Join(want, "\n") + "\ngot:\n" + strings.Join(got, "\n")
	}
	return b.String()
}
