package project

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/testroot"
)

// exampleCopy copies the repository's example root (partners, content,
// program.yaml, CODEOWNERS) into a temporary directory.
func exampleCopy(t testing.TB) string {
	t.Helper()
	root := t.TempDir()
	if err := testroot.CopyExample(root, "partners", "content", ".github"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "program.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "program.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestIncremental edits a copy of the example root step by step and holds
// every Update to the Project a fresh Open returns.
func TestIncremental(t *testing.T) {
	root := exampleCopy(t)
	asOf := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	write := func(name, data string) {
		t.Helper()
		if err := testroot.WriteFile(root, name, data); err != nil {
			t.Fatal(err)
		}
	}
	read := func(name string) string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	edit := func(name, old, new string) {
		t.Helper()
		s := read(name)
		if !strings.Contains(s, old) {
			t.Fatalf("%s does not contain %q", name, old)
		}
		write(name, strings.Replace(s, old, new, 1))
	}
	const art = "content/kestrel-backup/public/getting-started-with-kestrel-vault.md"
	const partner = "partners/kestrel-backup/partner.yaml"
	const dup = "content/kestrel-backup/public/getting_started_with_kestrel_vault.md"
	origArt, origPartner := read(art), read(partner)
	steps := []struct {
		name    string
		edit    func()
		changed []string
		hot     bool // the article checks of unchanged articles are reused
	}{
		{"body text", func() { write(art, origArt+"\nOne more paragraph.\n") }, []string{art}, true},
		{"a broken link", func() { write(art, origArt+"\n[gone](missing.md) and [anchor](#nope)\n") }, []string{art}, true},
		{"a new heading", func() { write(art, origArt+"\n## A brand new heading\n") }, []string{art}, false},
		{"back", func() { write(art, origArt) }, []string{art}, false},
		{"front matter typo", func() { edit(art, "title:", "title: [") }, []string{art}, true},
		{"fixed", func() { write(art, origArt) }, []string{art}, true},
		{"partner yaml typo", func() { write(partner, origPartner+"\nname: [\n") }, []string{partner}, true},
		{"unknown category", func() { edit(partner, "categories:", "categories:\n  - no-such-category") }, []string{partner}, true},
		{"partner fixed", func() { write(partner, origPartner) }, []string{partner}, true},
		{"new article in a new folder", func() {
			write("content/kestrel-backup/public/new/deep/x.md", "---\ntitle: \"X\"\ndate: \"2026-01-02\"\nauthor: \"A\"\n---\n\nSee [setup](../../getting-started-with-kestrel-vault.md).\n")
		}, []string{"content/kestrel-backup/public/new"}, false},
		{"folder removed", func() { os.RemoveAll(filepath.Join(root, "content/kestrel-backup/public/new")) }, []string{"content/kestrel-backup/public/new"}, false},
		{"raw HTML", func() { write(art, origArt+"\n<div>raw</div>\n") }, []string{art}, true},
		{"article of an unknown partner", func() {
			write("content/nosuch/public/a.md", "---\ntitle: \"A\"\ndate: \"2026-01-02\"\nauthor: \"A\"\n---\n\nText.\n")
		}, []string{"content/nosuch"}, false},
		{"edited", func() {
			write("content/nosuch/public/a.md", "---\ntitle: \"A\"\ndate: \"2026-01-02\"\nauthor: \"A\"\n---\n\nOther <b>text</b>.\n")
		}, []string{"content/nosuch/public/a.md"}, true},
		// Two articles at one URL: the second by path is not published,
		// and stays so, as a new value, when only its body changes.
		{"a duplicate URL", func() { write(dup, origArt) }, []string{dup}, false},
		{"duplicate edited", func() { write(dup, origArt+"\nMore.\n") }, []string{dup}, true},
		{"duplicate removed", func() { os.Remove(filepath.Join(root, dup)) }, []string{dup}, false},
		{"rules changed", func() { edit("program.yaml", "\n", "\n# a comment\n") }, []string{"program.yaml"}, false},
		{"nothing relevant", func() { write("README.md", "hi") }, []string{"README.md"}, true},
	}
	in, err := NewIncremental(os.DirFS(root), Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	p, err := in.Update(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Open(os.DirFS(root), Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	compareProjects(t, p, want)
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.edit()
			prev := p
			got, err := in.Update(s.changed, false)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Open(os.DirFS(root), Options{AsOf: asOf})
			if err != nil {
				t.Fatal(err)
			}
			compareProjects(t, got, want)
			if hot := reflect.ValueOf(got.articleByURL).UnsafePointer() == reflect.ValueOf(prev.articleByURL).UnsafePointer() ||
				in.linksUnchanged(prev, got); hot != s.hot {
				t.Errorf("article checks reused = %v, want %v", hot, s.hot)
			}
			p = got
		})
	}
}

func compareProjects(t *testing.T, got, want *Project) {
	t.Helper()
	if !reflect.DeepEqual(got.Diags, want.Diags) {
		t.Errorf("diagnostics differ:\ngot\n%s\nwant\n%s", list(got), list(want))
	}
	if !reflect.DeepEqual(got.Rules, want.Rules) {
		t.Error("rules differ")
	}
	if !reflect.DeepEqual(got.Partners, want.Partners) {
		t.Error("partners differ")
	}
	if !reflect.DeepEqual(got.Articles, want.Articles) {
		t.Error("articles differ")
	}
	for name, m := range map[string][2]map[string]*Article{
		"articleByPath": {got.articleByPath, want.articleByPath},
		"articleByURL":  {got.articleByURL, want.articleByURL},
		"articleBySlug": {got.articleBySlug, want.articleBySlug},
	} {
		if len(m[0]) != len(m[1]) {
			t.Errorf("%s: %d entries, want %d", name, len(m[0]), len(m[1]))
		}
		for k, a := range m[1] {
			if g, ok := m[0][k]; !ok || (a == nil) != (g == nil) || (a != nil && g.Path != a.Path) {
				t.Errorf("%s[%q] differs", name, k)
			}
		}
		// The values must be this project's own articles.
		own := map[*Article]bool{}
		for _, a := range got.Articles {
			own[a] = true
		}
		for k, a := range m[0] {
			if a != nil && !own[a] {
				t.Errorf("%s[%q] is an article of an earlier project", name, k)
			}
		}
	}
	if !reflect.DeepEqual(got.sectionURLs, want.sectionURLs) || !reflect.DeepEqual(got.sectionDirs, want.sectionDirs) ||
		!reflect.DeepEqual(got.pathFold, want.pathFold) || !reflect.DeepEqual(got.unparsed, want.unparsed) {
		t.Error("indexes differ")
	}
	for i, a := range got.Articles {
		if i < len(want.Articles) && got.Published(a) != want.Published(want.Articles[i]) {
			t.Errorf("%s: Published = %v, want %v", a.Path, got.Published(a), want.Published(want.Articles[i]))
		}
	}
	if !reflect.DeepEqual(got.Repo.Sources, want.Repo.Sources) {
		t.Error("sources differ")
	}
}

func list(p *Project) string {
	var b strings.Builder
	for _, d := range p.Diags {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}
