package load

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/testroot"
)

// TestUpdate applies edits to a copy of the example root and checks that
// Update after each one returns exactly what a fresh Load does.
func TestUpdate(t *testing.T) {
	root := t.TempDir()
	if err := testroot.CopyExample(root, "partners", "content"); err != nil {
		t.Fatal(err)
	}
	write := func(name, data string) {
		t.Helper()
		if err := testroot.WriteFile(root, name, data); err != nil {
			t.Fatal(err)
		}
	}
	remove := func(name string) {
		t.Helper()
		if err := os.RemoveAll(filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	const article = "---\ntitle: \"New\"\ndate: \"2026-01-02\"\nauthor: \"A\"\n---\n\n# Body\n\n[x](../x.md)\n"
	steps := []struct {
		name    string
		edit    func()
		changed []string
	}{
		{"edit an article", func() { write("content/kestrel-backup/public/getting-started-with-kestrel-vault.md", article) },
			[]string{"content/kestrel-backup/public/getting-started-with-kestrel-vault.md"}},
		{"break front matter", func() {
			write("content/kestrel-backup/public/getting-started-with-kestrel-vault.md", "---\ntitle: [\n---\n")
		},
			[]string{"content/kestrel-backup/public/getting-started-with-kestrel-vault.md"}},
		{"new deep folder", func() {
			write("content/Program/new/deep/a.md", article)
			write("content/Program/new/deep/img.png", "png")
		},
			[]string{"content/Program/new"}},
		{"remove the folder", func() { remove("content/Program/new") }, []string{"content/Program/new"}},
		{"break partner.yaml", func() { write("partners/kestrel-backup/partner.yaml", "name: [\n") },
			[]string{"partners/kestrel-backup/partner.yaml"}},
		{"new partner", func() {
			write("partners/new-one/partner.yaml", "name: New\n")
			write("partners/new-one/logo.svg", "<svg/>")
		},
			[]string{"partners/new-one"}},
		{"bad partner id", func() { write("partners/Bad_ID/partner.yaml", "name: Bad\n") }, []string{"partners/Bad_ID/partner.yaml"}},
		{"remove a partner", func() { remove("partners/new-one") }, []string{"partners/new-one"}},
		{"program.yaml appears", func() { write("program.yaml", "tiers: [\n") }, []string{"program.yaml"}},
		{"program.yaml goes", func() { remove("program.yaml") }, []string{"program.yaml"}},
		{"ignored paths", func() { write("README.md", "x"); write("content/.hidden/a.md", "x") },
			[]string{"README.md", "content/.hidden/a.md", "partners/.git/x"}},
		{"binary article", func() { write("content/Program/bin.md", "a\x00b") }, []string{"content/Program/bin.md"}},
		{"symlink", func() {
			if err := os.Symlink("../../../etc/passwd", filepath.Join(root, "content", "Program", "link.md")); err != nil {
				t.Skip(err)
			}
		}, []string{"content/Program/link.md"}},
		{"rename a folder", func() {
			if err := os.Rename(filepath.Join(root, "content", "Program"), filepath.Join(root, "content", "Program2")); err != nil {
				t.Fatal(err)
			}
		}, []string{"content/Program", "content/Program2"}},
		{"whole content folder", func() { remove("content/Program2") }, []string{"content"}},
	}
	fsys := os.DirFS(root)
	repo, diags := Load(fsys, Options{})
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.edit()
			got, gotDiags := Update(repo, diags, fsys, s.changed, Options{})
			want, wantDiags := Load(fsys, Options{})
			compareRepos(t, got, want)
			if !reflect.DeepEqual(gotDiags, wantDiags) {
				t.Errorf("diagnostics differ:\ngot  %v\nwant %v", gotDiags, wantDiags)
			}
			repo, diags = got, gotDiags
		})
	}
}

func compareRepos(t *testing.T, got, want *Repo) {
	t.Helper()
	if !reflect.DeepEqual(got.Program, want.Program) {
		t.Errorf("Program differs")
	}
	names := func(r *Repo) (ps, as, fs []string) {
		for _, p := range r.Partners {
			ps = append(ps, p.ID+":"+strings.Join(p.Files, ","))
		}
		for _, a := range r.Articles {
			as = append(as, a.Path)
		}
		for _, a := range r.Assets {
			fs = append(fs, a.Path)
		}
		return
	}
	gp, ga, gf := names(got)
	wp, wa, wf := names(want)
	if !reflect.DeepEqual(gp, wp) || !reflect.DeepEqual(ga, wa) || !reflect.DeepEqual(gf, wf) {
		t.Errorf("contents differ:\ngot  %v\n     %v\n     %v\nwant %v\n     %v\n     %v", gp, ga, gf, wp, wa, wf)
	}
	if !reflect.DeepEqual(got.Partners, want.Partners) {
		t.Errorf("Partners differ")
	}
	if !reflect.DeepEqual(got.Articles, want.Articles) {
		t.Errorf("Articles differ")
	}
	if !reflect.DeepEqual(got.Assets, want.Assets) {
		t.Errorf("Assets differ")
	}
	if !reflect.DeepEqual(sourceNames(got.Sources), sourceNames(want.Sources)) || !reflect.DeepEqual(got.Sources, want.Sources) {
		t.Errorf("Sources differ: %v vs %v", sourceNames(got.Sources), sourceNames(want.Sources))
	}
}

func sourceNames(m map[string]*diag.Source) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

func TestDropContent(t *testing.T) {
	paths := []string{"content/a", "content/a-b/x.md", "content/a.md", "content/a/x.md", "content/a/y/z.png", "content/ab.md", "content/b.md"}
	for _, c := range []struct {
		units []string
		want  []string
	}{
		{nil, paths},
		{[]string{"content/a"}, []string{"content/a-b/x.md", "content/a.md", "content/ab.md", "content/b.md"}},
		{[]string{"content/a", "content/a-b"}, []string{"content/a.md", "content/ab.md", "content/b.md"}},
		{[]string{"content/a/y"}, []string{"content/a", "content/a-b/x.md", "content/a.md", "content/a/x.md", "content/ab.md", "content/b.md"}},
		{[]string{"content/b.md", "content/missing"}, []string{"content/a", "content/a-b/x.md", "content/a.md", "content/a/x.md", "content/a/y/z.png", "content/ab.md"}},
		{[]string{"content"}, nil},
	} {
		got := dropContent(paths, func(s string) string { return s }, c.units)
		// The slow way: what covers says.
		u := units{content: c.units}
		var slow []string
		for _, p := range paths {
			if !u.covers(p) {
				slow = append(slow, p)
			}
		}
		if !slices.Equal(got, c.want) || !slices.Equal(got, slow) {
			t.Errorf("dropContent(%q) = %q, want %q (covers: %q)", c.units, got, c.want, slow)
		}
	}
}
