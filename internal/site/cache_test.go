package site

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/marketplace-program/marketplace/internal/gen"
	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/publish"
	"github.com/marketplace-program/marketplace/internal/testroot"
)

// exampleTree copies the repository's partners and content into a
// temporary root and returns it with the bytes of program.yaml, which each
// test writes (or edits) itself.
func exampleTree(t *testing.T) (root string, prog []byte) {
	t.Helper()
	root = t.TempDir()
	if err := testroot.CopyExample(root, "partners", "content"); err != nil {
		t.Fatal(err)
	}
	prog, err := os.ReadFile(filepath.Join("..", "..", "program.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return root, prog
}

// TestIncrementalIdentical edits a copy of the example root step by step
// and holds each incremental build of both sites to a cold build of the
// same tree, byte for byte.
func TestIncrementalIdentical(t *testing.T) {
	root, prog := exampleTree(t)
	write := func(name, data string) {
		t.Helper()
		if err := testroot.WriteFile(root, name, data); err != nil {
			t.Fatal(err)
		}
	}
	write("program.yaml", string(prog))
	read := func(name string) string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	replace := func(name, old, new string) {
		t.Helper()
		s := read(name)
		if !strings.Contains(s, old) {
			t.Fatalf("%s does not contain %q", name, old)
		}
		write(name, strings.Replace(s, old, new, 1))
	}
	const art = "content/kestrel-backup/public/getting-started-with-kestrel-vault.md"
	const internalArt = "content/kestrel-backup/internal/kestrel-vault-support-runbook.md"
	const partner = "partners/kestrel-backup/partner.yaml"
	orig := read(art)
	asOf := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		name    string
		edit    func()
		changed []string
		want    []string // files that must be among the changed ones
	}{
		{"body text", func() { write(art, orig+"\nOne more paragraph.\n") }, []string{art},
			[]string{"kb/partners/kestrel-backup/getting-started-with-kestrel-vault/index.html"}},
		{"title", func() { replace(art, "title:", "title: Renamed —") }, []string{art},
			[]string{"kb/partners/kestrel-backup/index.html", "partners/kestrel-backup/index.html", "feed.xml"}},
		{"a link to the runbook", func() {
			write(internalArt, read(internalArt)+"\nSee [setup](../public/getting-started-with-kestrel-vault.md).\n")
		},
			[]string{internalArt}, nil},
		{"partner summary", func() { replace(partner, "summary:", "summary: New summary.") }, []string{partner},
			[]string{"index.html", "partners/kestrel-backup/index.html"}},
		{"new article in a new folder", func() {
			write("content/Program/new/deep/x.md", "---\ntitle: \"X\"\ndate: \"2026-01-02\"\nauthor: \"A\"\n---\n\nSee [the runbook](../../../kestrel-backup/public/getting-started-with-kestrel-vault.md).\n")
		}, []string{"content/Program/new"}, []string{"kb/program/new/deep/x/index.html", "sitemap.xml"}},
		{"an image", func() {
			write("content/Program/new/deep/img.png", "png")
			write("content/Program/new/deep/x.md", read("content/Program/new/deep/x.md")+"\n![i](img.png)\n")
		}, []string{"content/Program/new/deep/img.png", "content/Program/new/deep/x.md"}, []string{"files/Program/new/deep/img.png"}},
		{"image rewritten", func() { write("content/Program/new/deep/img.png", "png2") }, []string{"content/Program/new/deep/img.png"},
			[]string{"files/Program/new/deep/img.png"}},
		{"folder removed", func() { os.RemoveAll(filepath.Join(root, "content/Program/new")) }, []string{"content/Program/new"},
			[]string{"kb/program/new/deep/x/index.html"}},
		{"rules", func() { write("program.yaml", string(prog)+"\n# comment\n") }, []string{"program.yaml"}, nil},
		{"back to the start", func() { write(art, orig) }, []string{art}, nil},
	}

	b, err := NewBuilder(Options{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := project.NewIncremental(os.DirFS(root), project.Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	sites := []*Incremental{b.Incremental(Public), b.Incremental(Internal)}
	sites[1].DeferSearch = true
	check := func(t *testing.T, p *project.Project, want []string) {
		t.Helper()
		cold, err := project.Open(os.DirFS(root), project.Options{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		for i, aud := range []Audience{Public, Internal} {
			ch, err := sites[i].Build(p)
			if err != nil {
				t.Fatal(err)
			}
			got := ch.Files
			if ch.Search != nil {
				if got, err = ch.Search(); err != nil {
					t.Fatal(err)
				}
			}
			wantFiles, err := b.Build(cold, aud)
			if err != nil {
				t.Fatal(err)
			}
			compareFiles(t, aud.String(), got.Files(), wantFiles)
			for _, name := range want {
				if _, ok := wantFiles[name]; ok || aud == Public {
					if !slices.Contains(ch.Changed, name) && (aud == Public || !strings.HasPrefix(name, "sitemap")) {
						t.Errorf("%s: %s is not among the changed files %v", aud, name, ch.Changed)
					}
				}
			}
			t.Logf("%s: %d rendered, %d pages, %d changed, full %v", aud, ch.Rendered, ch.Pages, len(ch.Changed), ch.Full)
		}
	}
	p, err := in.Update(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	check(t, p, nil)
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.edit()
			p, err := in.Update(s.changed, false)
			if err != nil {
				t.Fatal(err)
			}
			check(t, p, s.want)
		})
	}
}

func compareFiles(t *testing.T, what string, got, want publish.Files) {
	t.Helper()
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: %s missing", what, name)
		case !bytes.Equal(g, w):
			t.Errorf("%s: %s differs from a cold build", what, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s should not be there", what, name)
		}
	}
}

// TestIncrementalGenerated does the same on a generated root, whose
// sections hold many articles, some with raw HTML and links between them.
func TestIncrementalGenerated(t *testing.T) {
	root := t.TempDir()
	if err := gen.Write(root, gen.Options{Partners: 20, Articles: 200, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	b, err := NewBuilder(Options{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := project.NewIncremental(os.DirFS(root), project.Options{AsOf: gen.AsOf})
	if err != nil {
		t.Fatal(err)
	}
	sites := []*Incremental{b.Incremental(Public), b.Incremental(Internal)}
	sites[0].DeferSearch = true
	build := func(t *testing.T, changed []string) {
		t.Helper()
		p, err := in.Update(changed, false)
		if err != nil {
			t.Fatal(err)
		}
		cold, err := project.Open(os.DirFS(root), project.Options{AsOf: gen.AsOf})
		if err != nil {
			t.Fatal(err)
		}
		for i, aud := range []Audience{Public, Internal} {
			ch, err := sites[i].Build(p)
			if err != nil {
				t.Fatal(err)
			}
			got := ch.Files
			if ch.Search != nil {
				if got, err = ch.Search(); err != nil {
					t.Fatal(err)
				}
			}
			want, err := b.Build(cold, aud)
			if err != nil {
				t.Fatal(err)
			}
			compareFiles(t, aud.String(), got.Files(), want)
		}
	}
	build(t, nil)
	rel := func(p string) string {
		r, _ := filepath.Rel(root, p)
		return filepath.ToSlash(r)
	}
	list := func(glob string) []string {
		m, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(glob)))
		slices.Sort(m)
		if len(m) == 0 {
			t.Fatalf("nothing matches %s", glob)
		}
		return m
	}
	section := list("content/Servers/*.md")
	partnerArts := list("content/partner-0000[0-9]/public/*.md")
	ledgers := list("partners/partner-0000[0-9]/ledger.yaml")
	appendTo := func(p, s string) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, append(data, s...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	replaceIn := func(p, old, new string) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			t.Fatalf("%s lacks %q", p, old)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name string
		edit func() []string
	}{
		{"section article body", func() []string { appendTo(section[3], "\nMore words.\n"); return []string{rel(section[3])} }},
		{"two at once", func() []string {
			appendTo(section[4], "\n<b>raw</b>\n")
			appendTo(partnerArts[0], "\nSee [this](#nowhere).\n")
			return []string{rel(section[4]), rel(partnerArts[0])}
		}},
		{"title", func() []string { replaceIn(section[5], "title: ", "title: Zz "); return []string{rel(section[5])} }},
		{"sticky", func() []string {
			replaceIn(section[6], "title: ", "sticky: true\ntitle: ")
			return []string{rel(section[6])}
		}},
		{"ledger", func() []string { appendTo(ledgers[1], "\n# reviewed\n"); return []string{rel(ledgers[1])} }},
		{"article removed", func() []string { os.Remove(section[7]); return []string{rel(section[7])} }},
		{"article added", func() []string {
			p := filepath.Join(root, "content", "Servers", "Sub", "new.md")
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, []byte("---\ntitle: \"New\"\ndate: \"2026-02-03\"\nauthor: \"B\"\n---\n\nLinks to [a](../"+filepath.Base(section[8])+").\n"), 0o644)
			return []string{"content/Servers/Sub"}
		}},
		{"partner folder removed", func() []string {
			os.RemoveAll(filepath.Dir(partnerArts[0]))
			return []string{rel(filepath.Dir(partnerArts[0]))}
		}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) { build(t, s.edit()) })
	}
}

// TestIncrementalDashboardPages holds the dashboard of an incremental build
// to a cold build after partner edits, and checks it redraws no more than
// it must: the overview when what it shows changed, and the edited
// partner's own page, never the other partners' pages. A page left alone
// keeps the very bytes of the last build.
func TestIncrementalDashboardPages(t *testing.T) {
	root, prog := exampleTree(t)
	if err := os.WriteFile(filepath.Join(root, "program.yaml"), prog, 0o644); err != nil {
		t.Fatal(err)
	}
	appendTo := func(name, s string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(name))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, append(data, s...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	asOf := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	b, err := NewBuilder(Options{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := project.NewIncremental(os.DirFS(root), project.Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	internal, public := b.Incremental(Internal), b.Incremental(Public)
	var last *Tree
	build := func(t *testing.T, changed []string) (*Change, publish.Files) {
		t.Helper()
		p, err := in.Update(changed, false)
		if err != nil {
			t.Fatal(err)
		}
		cold, err := project.Open(os.DirFS(root), project.Options{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		ch, err := internal.Build(p)
		if err != nil {
			t.Fatal(err)
		}
		want, err := b.Build(cold, Internal)
		if err != nil {
			t.Fatal(err)
		}
		compareFiles(t, "internal", ch.Files.Files(), want)
		pch, err := public.Build(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range pch.Files.names("") {
			if strings.HasPrefix(name, "dashboard") {
				t.Errorf("public site has %s", name)
			}
		}
		return ch, want
	}
	// dashboardChanges checks which dashboard pages the build changed, and
	// that every other one but those in redrawn is the last build's slice,
	// not a page executed again to the same bytes.
	dashboardChanges := func(t *testing.T, ch *Change, redrawn []string, changed ...string) {
		t.Helper()
		var got []string
		for _, name := range ch.Changed {
			if strings.HasPrefix(name, "dashboard/") {
				got = append(got, name)
			}
		}
		slices.Sort(changed)
		if !slices.Equal(got, changed) {
			t.Errorf("changed dashboard pages %v, want %v", got, changed)
		}
		for _, name := range last.names("dashboard/") {
			now, ok := ch.Files.Get(name)
			old, _ := last.Get(name)
			if ok && !slices.Contains(changed, name) && !slices.Contains(redrawn, name) && unsafe.SliceData(now) != unsafe.SliceData(old) {
				t.Errorf("%s was made again", name)
			}
		}
		last = ch.Files
	}

	ch, _ := build(t, nil)
	last = ch.Files
	var pages []string
	for _, name := range last.names("dashboard/") {
		pages = append(pages, name)
	}
	if len(pages) != 12 {
		t.Fatalf("dashboard pages %v, want the overview and 11 partners", pages)
	}

	t.Run("award", func(t *testing.T) {
		appendTo("partners/kestrel-backup/ledger.yaml",
			`  - {date: "2026-11-03", activity: customer-deployment, ref: Oakridge Shipping, evidence: "https://ecosystem.marketplace.example/deployments/kestrel-backup/oakridge"}`+"\n")
		ch, want := build(t, []string{"partners/kestrel-backup/ledger.yaml"})
		dashboardChanges(t, ch, nil, "dashboard/index.html", "dashboard/kestrel-backup/index.html")
		if page := string(want["dashboard/kestrel-backup/index.html"]); !strings.Contains(page, "Oakridge Shipping") {
			t.Error("the new award is not on kestrel-backup's page")
		}
	})
	t.Run("article title", func(t *testing.T) {
		// Redraws KB pages but not the dashboard, which must still be
		// known as it was for the next edit.
		const art = "content/kestrel-backup/public/getting-started-with-kestrel-vault.md"
		data, err := os.ReadFile(filepath.Join(root, art))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, art), []byte(strings.Replace(string(data), "title:", "title: Renamed —", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		ch, _ := build(t, []string{art})
		dashboardChanges(t, ch, nil)
	})
	t.Run("partner comment", func(t *testing.T) {
		// A new partner.yaml value that shows the same: the partner's page
		// may be made again (to the same bytes), the overview is kept.
		appendTo("partners/tidewater-db/partner.yaml", "\n# reviewed\n")
		ch, _ := build(t, []string{"partners/tidewater-db/partner.yaml"})
		dashboardChanges(t, ch, []string{"dashboard/tidewater-db/index.html"})
	})
	t.Run("partner removed", func(t *testing.T) {
		if err := os.RemoveAll(filepath.Join(root, "partners", "palisade-waf")); err != nil {
			t.Fatal(err)
		}
		ch, want := build(t, []string{"partners/palisade-waf"})
		dashboardChanges(t, ch, nil, "dashboard/index.html", "dashboard/palisade-waf/index.html")
		if _, ok := ch.Files.Get("dashboard/palisade-waf/index.html"); ok || want["dashboard/palisade-waf/index.html"] != nil {
			t.Error("the removed partner's dashboard page is still there")
		}
	})
	t.Run("partner added", func(t *testing.T) {
		if err := os.CopyFS(filepath.Join(root, "partners", "palisade-waf"), os.DirFS(filepath.Join("..", "..", "partners", "palisade-waf"))); err != nil {
			t.Fatal(err)
		}
		ch, _ := build(t, []string{"partners/palisade-waf"})
		dashboardChanges(t, ch, nil, "dashboard/index.html", "dashboard/palisade-waf/index.html")
	})
}
