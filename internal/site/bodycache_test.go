package site_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/publish"
	"github.com/marketplace-program/marketplace/internal/site"
)

// TestBodyCache builds a root again and again with one body cache, as
// successive runs of the build command do, changing between builds what
// the cached bodies' links point at but not the articles holding them.
// Every build must equal a build without the cache; the second must
// render nothing.
func TestBodyCache(t *testing.T) {
	root, dir := exampleRoot(t), t.TempDir()
	const base = "https://marketplace.example.com/"
	const restore = "kb/partners/kestrel-backup/restore-basics/index.html"
	steps := []struct {
		name      string
		base      string
		change    func()
		allCached bool
		check     func(pub publish.Files) // that the change shows

	}{
		{name: "first build", base: base},
		{name: "nothing changed", base: base, allCached: true},
		// Every link's URL changes: no body may be reused.
		{name: "other base URL", base: "https://partners.example.org/docs/", check: func(pub publish.Files) {
			if !bytes.Contains(pub[restore], []byte(`href="/docs/kb/partners/kestrel-backup/getting-started-with-kestrel-vault/"`)) {
				t.Errorf("other base URL: %s lacks the link with the new path", restore)
			}
		}},
		// restore-basics.md links to the article removed, and is the same
		// bytes: its body must not be the cached one.
		{name: "link target removed", base: "https://partners.example.org/docs/", change: func() {
			if err := os.Remove(filepath.Join(root, "content/kestrel-backup/public/getting-started-with-kestrel-vault.md")); err != nil {
				t.Fatal(err)
			}
		}, check: func(pub publish.Files) {
			if bytes.Contains(pub[restore], []byte(`getting-started-with-kestrel-vault/"`)) {
				t.Errorf("link target removed: %s still links to it", restore)
			}
		}},
	}
	entries := 0
	for _, step := range steps {
		if step.change != nil {
			step.change()
		}
		p, err := project.Open(os.DirFS(root), project.Options{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		opts := site.Options{BaseURL: step.base, RepoURL: "https://github.com/example/marketplace/edit/main/"}
		plain, err := site.NewBuilder(opts)
		if err != nil {
			t.Fatal(err)
		}
		wantPub, wantIn, err := plain.BuildBoth(p)
		if err != nil {
			t.Fatal(err)
		}

		opts.Bodies = site.OpenBodyCache(dir, root)
		cached, err := site.NewBuilder(opts)
		if err != nil {
			t.Fatal(err)
		}
		pub, _ := buildBothToMaps(t, step.name+", against a build without the cache", cached, p, wantPub, wantIn)
		if hits := opts.Bodies.Hits(); step.allCached && (hits != entries || hits == 0) {
			t.Errorf("%s: %d bodies from the cache, want all %d", step.name, hits, entries)
		}
		if step.check != nil {
			step.check(pub)
		}
		if err := opts.Bodies.Save(); err != nil {
			t.Fatal(err)
		}
		entries = opts.Bodies.Len()
	}
}

// TestCloseBodies builds with CloseBodies, as the build command does: the
// table is saved and emptied by the time BuildBothTo returns, the sites
// are those built without a cache, and the next build renders nothing.
func TestCloseBodies(t *testing.T) {
	root, dir := exampleRoot(t), t.TempDir()
	p, wantPub, wantIn := buildBoth(t, root)
	opts := site.Options{BaseURL: "https://marketplace.example.com/", RepoURL: "https://github.com/example/marketplace/edit/main/"}
	for i, closing := range []bool{true, false} {
		opts.Bodies, opts.CloseBodies = site.OpenBodyCache(dir, root), closing
		b, err := site.NewBuilder(opts)
		if err != nil {
			t.Fatal(err)
		}
		buildBothToMaps(t, fmt.Sprintf("build %d, against a build without the cache", i), b, p, wantPub, wantIn)
		switch hits, held := opts.Bodies.Hits(), opts.Bodies.Len(); {
		case i == 0 && (hits != 0 || held != 0):
			t.Errorf("first build: %d hits, %d bodies still held after BuildBothTo; want none", hits, held)
		case i == 1 && (hits == 0 || hits != held):
			t.Errorf("second build: %d bodies from the cache the first closed, %d used; want all", hits, held)
		}
	}
}
