package project

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/gen"
	"github.com/marketplace-program/marketplace/internal/load"
)

// BenchmarkValidate opens a generated root of 2,000 partners and 10,000
// articles: the whole checking pipeline, as validate runs it. The target is
// under a second per run on a 2-core machine.
func BenchmarkValidate(b *testing.B) {
	root := genRoot(b)
	fsys := os.DirFS(root)
	// The generator promises a root that validates at gen.AsOf; a
	// benchmark of a root full of errors would measure the wrong thing.
	p, err := Open(fsys, Options{AsOf: gen.AsOf})
	if err != nil {
		b.Fatal(err)
	}
	if errs := p.Diags.Errors(); len(errs) > 0 {
		for i, d := range errs {
			if i == 20 {
				b.Logf("... and %d more", len(errs)-i)
				break
			}
			b.Log(d)
		}
		b.Fatalf("generated root has %d errors at %s", len(errs), gen.AsOf.Format(time.DateOnly))
	}
	benchOpen(b, fsys, gen.AsOf)
}

// BenchmarkValidateWarmCache is BenchmarkValidate for a rerun: every
// file's results come from the cache a first run filled. "read" reads and
// hashes every file, as build does; "skip" leaves unread the files whose
// stat is as recorded, as validate, points and report do.
func BenchmarkValidateWarmCache(b *testing.B) {
	root := genRoot(b)
	fsys := load.DirFS(root)
	// The generated files are seconds old: a run that began an hour from
	// now records their stats, where a real one would wait for them to age.
	began := time.Now().Add(time.Hour)
	for _, skip := range []bool{false, true} {
		name := map[bool]string{false: "read", true: "skip"}[skip]
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			c := OpenCache(dir, root)
			if _, err := Open(fsys, Options{AsOf: gen.AsOf, Cache: c, began: began}); err != nil {
				b.Fatal(err)
			}
			if err := c.Save(); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				// Opening the table is part of a run: it reads and decodes the file.
				c := OpenCache(dir, root)
				p, err := Open(fsys, Options{AsOf: gen.AsOf, Cache: c, SkipUnchanged: skip, began: began})
				if err != nil {
					b.Fatal(err)
				}
				if c.Hits() < 10000 {
					b.Fatalf("%d hits", c.Hits())
				}
				if skip && !p.Articles[0].Unread {
					b.Fatal("an unchanged article was read")
				}
			}
		})
	}
}

// BenchmarkValidateCorpus opens the real knowledge base (744 articles).
func BenchmarkValidateCorpus(b *testing.B) {
	benchOpen(b, os.DirFS(corpusRoot(b)), corpusAsOf)
}

// benchOpen times Open over fsys, schema compilation included, as one run
// of validate pays it.
func benchOpen(b *testing.B, fsys fs.FS, asOf time.Time) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Open(fsys, Options{AsOf: asOf}); err != nil {
			b.Fatal(err)
		}
	}
}

// genRoot returns the generated root of 2,000 partners and 10,000 articles.
func genRoot(tb testing.TB) string {
	tb.Helper()
	generated.once.Do(func() {
		dir := filepath.Join(fixtureDir, "gen")
		if generated.err = os.Mkdir(dir, 0o755); generated.err != nil {
			return
		}
		generated.err = gen.Write(dir, gen.Options{Partners: 2000, Articles: 10000, Seed: 1})
		generated.root = dir
	})
	if generated.err != nil {
		tb.Fatal(generated.err)
	}
	return generated.root
}

// generated is the root genRoot writes, once per test binary.
var generated struct {
	once sync.Once
	root string
	err  error
}

// BenchmarkIncrementalEdit is serve's project update after one save on the
// 10,000-article root: a body edit and a title edit (which other pages
// show, so more is checked again).
func BenchmarkIncrementalEdit(b *testing.B) {
	root := genRoot(b)
	fsys := os.DirFS(root)
	in, err := NewIncremental(fsys, Options{AsOf: gen.AsOf})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := in.Update(nil, true); err != nil {
		b.Fatal(err)
	}
	a := in.Project().Articles[len(in.Project().Articles)/2]
	file := filepath.Join(root, filepath.FromSlash(a.Path))
	orig, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.WriteFile(file, orig, 0o644) })
	// A word typed at the start of a paragraph of the body: what follows
	// moves, as in most real edits.
	para := regexp.MustCompile(`\n\n[A-Z]`).FindIndex(orig[a.BodyOffset:])
	if para == nil {
		b.Fatalf("%s has no paragraph", a.Path)
	}
	bodyAt := a.BodyOffset + para[0] + 2
	for _, c := range []struct {
		name string
		edit func([]byte) []byte
	}{
		{"body", func(d []byte) []byte { return slices.Concat(d[:bodyAt], []byte("Edited. "), d[bodyAt:]) }},
		{"title", func(d []byte) []byte { return bytes.Replace(d, []byte("title: "), []byte("title: Edited "), 1) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			edited := c.edit(orig)
			n := 0
			for b.Loop() {
				data := orig
				if n%2 == 0 {
					data = edited
				}
				n++
				b.StopTimer()
				if err := os.WriteFile(file, data, 0o644); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := in.Update([]string{a.Path}, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
