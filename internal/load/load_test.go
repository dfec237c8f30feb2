package load

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/testroot"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestLoadLayout(t *testing.T) {
	fsys := fstest.MapFS{
		"program.yaml":                                       file("name: Marketplace\n"),
		"README.md":                                          file("not content"),
		"partners/acme/partner.yaml":                         file("name: Acme\n"),
		"partners/acme/ledger.yaml":                          file("events: []\n"),
		"partners/acme/logo.png":                             file("png"),
		"partners/acme/.DS_Store":                            file("x"),
		"partners/zeta/partner.yaml":                         file("name: Zeta\n"),
		"partners/Bad_ID/partner.yaml":                       file("name: Bad\n"),
		"partners/notes.txt":                                 file("stray file"),
		"content/acme/public/setup.md":                       file("---\ntitle: Setup\n---\nbody\n"),
		"content/acme/internal/ops/runbook.md":               file("---\ntitle: Ops\n---\n"),
		"content/acme/public/img/shot.png":                   file("12345"),
		"content/Ecosystem Partners/Marketplace Guides/g.md": file(legacyHeader + "body"),
		"content/guides/intro.md":                            file("# no front matter\n"),
		"content/acme/public.md":                             file("x"),
		"content/top.md":                                     file("# top\n"),
		"content/.git/HEAD.md":                               file("skip me"),
		"content/.hidden.md":                                 file("skip me"),
		"content/guides/.draft.md":                           file("skip me"),
	}
	repo, diags := Load(fsys, Options{})
	if got := diagStrings(diags); !reflect.DeepEqual(got, []string{"load.partner-id 0:0"}) {
		t.Errorf("diags = %v", diags)
	}
	if diags[0].File != "partners/Bad_ID" {
		t.Errorf("partner-id at %q, want partners/Bad_ID", diags[0].File)
	}
	if repo.Program == nil || lookup(repo.Program.Root, "name").Value != "Marketplace" {
		t.Errorf("Program = %+v", repo.Program)
	}
	var ids []string
	for _, p := range repo.Partners {
		ids = append(ids, p.ID)
	}
	if want := []string{"Bad_ID", "acme", "zeta"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("partners = %v, want %v", ids, want)
	}
	acme := repo.Partners[1]
	if acme.Dir != "partners/acme" || acme.Partner == nil || acme.Ledger == nil || !reflect.DeepEqual(acme.Files, []string{"logo.png"}) {
		t.Errorf("acme = %+v", acme)
	}
	if z := repo.Partners[2]; z.Ledger != nil || z.Partner == nil {
		t.Errorf("zeta: Partner %v, Ledger %v; want a partner and no ledger", z.Partner, z.Ledger)
	}

	type where struct{ path, partner, audience, section, format string }
	var got []where
	for _, a := range repo.Articles {
		got = append(got, where{a.Path, a.Partner, a.Audience, a.Section, a.Format})
	}
	want := []where{
		{"content/Ecosystem Partners/Marketplace Guides/g.md", "", "", "Ecosystem Partners", "legacy"},
		{"content/acme/internal/ops/runbook.md", "acme", "internal", "", "yaml"},
		{"content/acme/public.md", "", "", "acme", ""},
		{"content/acme/public/setup.md", "acme", "public", "", "yaml"},
		{"content/guides/intro.md", "", "", "guides", ""},
		{"content/top.md", "", "", "", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("articles:\n got %v\nwant %v", got, want)
	}
	setup := repo.Articles[3]
	if string(setup.Body) != "body\n" || lookup(setup.Meta, "title").Line != 2 {
		t.Errorf("setup: body %q, meta %v", setup.Body, setup.Meta)
	}
	if !reflect.DeepEqual(repo.Assets, []*Asset{{Path: "content/acme/public/img/shot.png"}}) {
		t.Errorf("assets = %v", repo.Assets)
	}
	if len(repo.Sources) != 5+6 {
		t.Errorf("%d sources, want 11", len(repo.Sources))
	}
	if repo.Sources["content/top.md"] != repo.Articles[5].Source {
		t.Error("Sources does not hold the article's source")
	}
}

func TestLoadNoProgram(t *testing.T) {
	repo, diags := Load(fstest.MapFS{"content/a.md": file("x")}, Options{})
	if repo.Program != nil || len(diags) != 0 || len(repo.Articles) != 1 {
		t.Errorf("Program = %v, diags = %v, articles = %d", repo.Program, diags, len(repo.Articles))
	}
}

func TestLoadFileProblems(t *testing.T) {
	tests := []struct {
		name, path, data string
		diags            []string // "rule line:col"
		meta             bool     // whether the article keeps its Meta
	}{
		{name: "invalid UTF-8", path: "program.yaml", data: "name: x\ntag: a\xffb\n", diags: []string{"load.encoding 2:7"}},
		{name: "NUL", path: "program.yaml", data: "name: x\nab\x00", diags: []string{"load.binary 2:3"}},
		{name: "NUL and bad UTF-8 is one error", path: "program.yaml", data: "\xff\x00", diags: []string{"load.binary 1:2"}},
		{name: "NUL in article body keeps the header", path: "content/a.md", data: "---\ntitle: x\n---\nab\x00", diags: []string{"load.binary 4:3"}, meta: true},
		{name: "bad byte in article header", path: "content/a.md", data: "---\ntitle: \xe9t\xe9\n---\n", diags: []string{"load.encoding 2:8"}},
		{name: "BOM not counted", path: "program.yaml", data: "\ufeffname: a: b\n", diags: []string{"yaml.syntax 1:8"}},
		{name: "BOM before bad byte", path: "program.yaml", data: "\ufeffab\xff", diags: []string{"load.encoding 1:3"}},
		{name: "yaml syntax", path: "partners/acme/partner.yaml", data: "name: Acme\ntier: [gold\n", diags: []string{"yaml.syntax 2:7"}},
		{name: "yaml tab", path: "partners/acme/partner.yaml", data: "name: Acme\ncontacts:\n\t- a\n", diags: []string{"yaml.syntax 3:1"}},
		{name: "yaml CR-only", path: "partners/acme/ledger.yaml", data: "a: 1\rb: x: y\r", diags: []string{"yaml.syntax 2:5"}},
		{name: "yaml duplicate", path: "partners/acme/ledger.yaml", data: "a: 1\nb:\n  c: 1\n  c: 2\n", diags: []string{"yaml.duplicate-key 4:3"}},
		{name: "yaml two documents", path: "program.yaml", data: "a: 1\n---\nb: 2\n", diags: []string{"yaml.multiple-documents 2:1"}},
		{name: "yaml not a mapping", path: "program.yaml", data: "- a\n- b\n", diags: []string{"yaml.not-mapping 1:1"}},
		{name: "yaml scalar", path: "program.yaml", data: "hello\n", diags: []string{"yaml.not-mapping 1:1"}},
		{name: "yaml alias", path: "program.yaml", data: "a: &x [1]\nb: *x\n", diags: []string{"yaml.alias 2:4"}},
		{name: "yaml unknown anchor", path: "program.yaml", data: "a: 1\nb: *nope\n", diags: []string{"yaml.syntax 2:4"}},
		{name: "yaml billion laughs", path: "program.yaml", data: "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
			diags: []string{"yaml.alias 2:8", "yaml.alias 2:12", "yaml.alias 3:5", "yaml.alias 3:9"}},
		{name: "yaml control character", path: "program.yaml", data: "a: 1\nb: x\x01\n", diags: []string{"yaml.syntax 2:5"}},
		{name: "yaml empty", path: "program.yaml", data: "# nothing\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			repo, diags := Load(fstest.MapFS{tc.path: file(tc.data)}, Options{})
			if got := diagStrings(diags); strings.Join(got, "; ") != strings.Join(tc.diags, "; ") {
				t.Errorf("diags = %q, want %q\n%v", got, tc.diags, diags)
			}
			for _, d := range diags {
				if d.File != tc.path {
					t.Errorf("%v: file %q, want %q", d, d.File, tc.path)
				}
			}
			if len(repo.Articles) == 1 && (repo.Articles[0].Meta != nil) != tc.meta {
				t.Errorf("Meta = %v, want present: %v", repo.Articles[0].Meta, tc.meta)
			}
			if repo.Program != nil && repo.Program.Root != nil && len(tc.diags) > 0 && strings.HasPrefix(tc.diags[0], "load.") {
				t.Errorf("a file with bad bytes was parsed")
			}
		})
	}
}

func TestLoadBOMStripped(t *testing.T) {
	repo, _ := Load(fstest.MapFS{"program.yaml": file("\ufeffname: x\n")}, Options{})
	src := repo.Program.Source
	if strings.HasPrefix(string(src.Data), "\ufeff") {
		t.Error("Source.Data keeps the BOM")
	}
	if n := repo.Program.Root.Content[0]; n.Line != 1 || n.Column != 1 {
		t.Errorf("first key at %d:%d, want 1:1", n.Line, n.Column)
	}
}

// denyFS fails the test if the named file is opened. It has only Open
// and Stat (a size lookup reads nothing), so every read goes through Open.
type denyFS struct {
	m    fstest.MapFS
	t    *testing.T
	deny string
}

func (d denyFS) Open(name string) (fs.File, error) {
	if name == d.deny {
		if d.t != nil {
			d.t.Errorf("%s was opened", name)
		}
		return nil, errors.New("denied")
	}
	return d.m.Open(name)
}

func (d denyFS) Stat(name string) (fs.FileInfo, error) { return d.m.Stat(name) }

func TestLoadTooLarge(t *testing.T) {
	fsys := denyFS{m: fstest.MapFS{
		"content/big.md":         file(strings.Repeat("x", 101)),
		"content/small.md":       file(strings.Repeat("x", 100)),
		"content/big.png":        file(strings.Repeat("x", 1000)), // assets are not read, so not limited
		"partners/a/ledger.yaml": file("events: [" + strings.Repeat("1,", 100) + "]\n"),
	}, t: t, deny: "content/big.md"}
	repo, diags := Load(fsys, Options{MaxFileSize: 100})
	want := []string{"content/big.md load.too-large 0", "partners/a/ledger.yaml load.too-large 0"}
	var got []string
	for _, d := range diags {
		got = append(got, d.File+" "+d.Rule+" "+string(rune('0'+d.Line)))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diags = %v, want %v", got, want)
	}
	if len(repo.Articles) != 2 || repo.Articles[0].Source == nil || repo.Articles[0].Meta != nil {
		t.Errorf("articles = %+v", repo.Articles)
	}
	if _, ok := repo.Sources["content/big.md"]; ok {
		t.Error("an unread file is in Sources")
	}
	if l := repo.Partners[0].Ledger; l == nil || l.Root != nil {
		t.Errorf("ledger = %+v, want present without a root", l)
	}
}

func TestLoadReadError(t *testing.T) {
	fsys := denyFS{m: fstest.MapFS{"content/a.md": file("x")}, deny: "content/a.md"}
	_, diags := Load(fsys, Options{})
	if got := diagStrings(diags); !reflect.DeepEqual(got, []string{"load.read 0:0"}) {
		t.Errorf("diags = %v", diags)
	}
}

func TestLoadSymlinks(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	write := func(p, s string) {
		t.Helper()
		if err := testroot.WriteFile(root, p, s); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, p string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(p))); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}
	}
	write("content/guides/real.md", "# real\n")
	write("partners/acme/partner.yaml", "name: Acme\n")
	if err := os.WriteFile(filepath.Join(base, "secret.md"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	link("real.md", "content/guides/inside.md")
	link("../../../secret.md", "content/guides/outside.md")
	link(filepath.Join(base, "secret.md"), "content/guides/absolute.md")
	link("../content", "content/guides/loop")
	link("partner.yaml", "partners/acme/logo.svg")
	link("/etc/passwd", "program.yaml")

	repo, diags := Load(os.DirFS(root), Options{})
	var got []string
	for _, d := range diags {
		got = append(got, d.File+" "+d.Rule+" "+d.Severity.String())
	}
	want := []string{
		"content/guides/absolute.md load.symlink-escape error",
		"content/guides/inside.md load.symlink warning",
		"content/guides/loop load.symlink warning",
		"content/guides/outside.md load.symlink-escape error",
		"partners/acme/logo.svg load.symlink warning",
		"program.yaml load.symlink-escape error",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diags:\n got %q\nwant %q", got, want)
	}
	if len(repo.Articles) != 1 || repo.Articles[0].Path != "content/guides/real.md" {
		t.Errorf("articles = %v", repo.Articles)
	}
	if repo.Program != nil || len(repo.Partners[0].Files) != 0 {
		t.Errorf("a symlink was followed: program %v, files %v", repo.Program, repo.Partners[0].Files)
	}
}

func TestPartnerID(t *testing.T) {
	for id, ok := range map[string]bool{
		"acme": true, "acme-cloud": true, "9lives": true, "a": true, "a--b-": true,
		"": false, "-acme": false, "Acme": false, "acme_cloud": false, "acme cloud": false, "acmé": false,
	} {
		if validPartnerID(id) != ok {
			t.Errorf("validPartnerID(%q) = %v, want %v", id, !ok, ok)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct{ path, partner, audience, section string }{
		{"content/acme/public/setup.md", "acme", "public", ""},
		{"content/acme/internal/a/b.md", "acme", "internal", ""},
		{"content/Ecosystem Partners/Marketplace Guides/x.md", "", "", "Ecosystem Partners"},
		{"content/public/x.md", "", "", "public"},
		{"content/acme/public.md", "", "", "acme"},
		{"content/acme/Public/x.md", "", "", "acme"},
		{"content/x.md", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			p, a, s := classify(tc.path)
			if p != tc.partner || a != tc.audience || s != tc.section {
				t.Errorf("classify = %q %q %q, want %q %q %q", p, a, s, tc.partner, tc.audience, tc.section)
			}
		})
	}
}

func TestLoadDeterministic(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 200 {
		name := string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		fsys["content/s/"+name+".md"] = file("---\ntitle: [\n---\n")
		fsys["partners/"+name+"/partner.yaml"] = file("a: 1\na: 2\n")
	}
	r1, d1 := Load(fsys, Options{})
	for range 2 {
		r2, d2 := Load(fsys, Options{})
		if !reflect.DeepEqual(d1, d2) || len(r1.Articles) != len(r2.Articles) {
			t.Fatal("two loads differ")
		}
		for i := range r1.Articles {
			if r1.Articles[i].Path != r2.Articles[i].Path {
				t.Fatal("article order differs")
			}
		}
	}
	if len(d1) != 400 {
		t.Errorf("%d diags, want 400", len(d1))
	}
}

// TestKnown: a file the caller knows is read but not parsed, and what the
// caller remembers stands in for the parse; other files load as usual.
func TestKnown(t *testing.T) {
	fsys := fstest.MapFS{
		"partners/acme/partner.yaml": file("name: [broken\n"),
		"partners/acme/ledger.yaml":  file("events: []\n"),
		"content/acme/public/a.md":   file("---\ntitle: A\n---\nbody of a\n"),
		"content/acme/public/b.md":   file("---\ntitle: B\n---\nbody of b\n"),
		"content/acme/public/c.md":   file("---\ntitle: [\n---\n"),
	}
	remembered := diag.List{{Pos: diag.Pos{File: "partners/acme/partner.yaml", Line: 1, Col: 7}, Severity: diag.Error, Rule: "yaml.syntax", Msg: "remembered"}}
	asked := map[string]string{}
	var mu sync.Mutex
	known := func(name string, _ fs.FileInfo, data []byte) (Known, bool) {
		mu.Lock()
		asked[name] = string(data)
		mu.Unlock()
		switch name {
		case "partners/acme/partner.yaml":
			return Known{Diags: remembered}, true
		case "content/acme/public/a.md":
			return Known{Format: "yaml", MetaStart: 0, BodyOffset: 17}, true
		}
		return Known{}, false
	}
	repo, diags := Load(fsys, Options{Known: known})
	if len(asked) != len(fsys) {
		t.Errorf("asked about %d files, want every one of %d: %v", len(asked), len(fsys), asked)
	}
	if asked["content/acme/public/b.md"] != string(fsys["content/acme/public/b.md"].Data) {
		t.Errorf("known got other bytes than the file's")
	}
	var rules []string
	for _, d := range diags {
		rules = append(rules, d.File+" "+d.Rule+" "+d.Msg)
	}
	// The partner file's own syntax error is not found again: the
	// remembered one stands for it. c.md is parsed and its error reported.
	if len(diags) != 2 || diags[0].File != "content/acme/public/c.md" || diags[1].Msg != "remembered" {
		t.Errorf("diags = %v", rules)
	}
	pd := repo.Partners[0]
	if !pd.Partner.Known || pd.Partner.Root != nil || pd.Partner.Source == nil {
		t.Errorf("partner.yaml: Known %v, Root %v, Source %v", pd.Partner.Known, pd.Partner.Root, pd.Partner.Source)
	}
	if pd.Ledger.Known || pd.Ledger.Root == nil {
		t.Errorf("ledger.yaml should be parsed: Known %v, Root %v", pd.Ledger.Known, pd.Ledger.Root)
	}
	a, b := repo.Articles[0], repo.Articles[1]
	if !a.Known || a.Meta != nil || a.Format != "yaml" || string(a.Body) != "body of a\n" {
		t.Errorf("a.md: Known %v, Meta %v, Format %q, Body %q", a.Known, a.Meta, a.Format, a.Body)
	}
	if b.Known || b.Meta == nil || string(b.Body) != "body of b\n" {
		t.Errorf("b.md: Known %v, Meta %v, Body %q", b.Known, b.Meta, b.Body)
	}
}
