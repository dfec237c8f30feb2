package site_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"html"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/publish"
	"github.com/marketplace-program/marketplace/internal/site"
	"github.com/marketplace-program/marketplace/internal/testroot"
	"golang.org/x/tools/txtar"
)

var asOf = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

// copyTree copies the example content of the repository into dir.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, root, rel, body string) {
	t.Helper()
	if err := testroot.WriteFile(root, rel, body); err != nil {
		t.Fatal(err)
	}
}

// exampleRoot is the repository's example content plus an internal-only
// asset and a public article that tries to link to an internal one.
func exampleRoot(t *testing.T) string {
	root := t.TempDir()
	for _, d := range []string{"partners", "content"} {
		copyTree(t, filepath.Join("..", "..", d), filepath.Join(root, d))
	}
	write(t, root, "content/kestrel-backup/internal/diagrams/director-failover-topology.svg",
		`<svg xmlns="http://www.w3.org/2000/svg"><text>INTERNAL-ONLY-DIAGRAM</text></svg>`)
	write(t, root, "content/kestrel-backup/internal/failover-drill.md", "---\ntitle: \"Director failover drill (INTERNAL-TITLE-7f3a)\"\n"+
		"date: \"2026-01-10\"\nauthor: \"Support Engineering\"\n---\n\n## Drill\n\nINTERNAL-BODY-91c2 rotate the director with the standby.\n\n"+
		"![topology](diagrams/director-failover-topology.svg)\n")
	write(t, root, "content/kestrel-backup/public/restore-basics.md", "---\ntitle: \"Restore basics\"\n"+
		"date: \"2026-01-11\"\nauthor: \"Kestrel Docs\"\n---\n\nRestores start at the director. "+
		"See [the drill](../internal/failover-drill.md) and [getting started](getting-started-with-kestrel-vault.md).\n")
	return root
}

func buildBoth(t *testing.T, root string) (*project.Project, publish.Files, publish.Files) {
	t.Helper()
	p, err := project.Open(os.DirFS(root), project.Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	b, err := site.NewBuilder(site.Options{BaseURL: "https://marketplace.example.com/", RepoURL: "https://github.com/example/marketplace/edit/main/"})
	if err != nil {
		t.Fatal(err)
	}
	pub, in := buildBothChecked(t, b, p)
	return p, pub, in
}

// buildBothChecked builds both sites as the build command does, sharing
// bodies and assets between them, and fails the test unless each is
// byte for byte the site built on its own.
func buildBothChecked(t *testing.T, b *site.Builder, p *project.Project) (pub, in publish.Files) {
	t.Helper()
	pub, in, err := b.BuildBoth(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		aud site.Audience
		got publish.Files
	}{{site.Public, pub}, {site.Internal, in}} {
		want, err := b.Build(p, c.aud)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range sortedKeys(want) {
			if !bytes.Equal(c.got[name], want[name]) {
				t.Errorf("%s site: BuildBoth's %s differs from a build of that site alone", c.aud, name)
			}
		}
		for name := range c.got {
			if _, ok := want[name]; !ok {
				t.Errorf("%s site: BuildBoth wrote %s, a build of that site alone does not", c.aud, name)
			}
		}
	}
	return pub, in
}

// secrets lists text that only the internal site may contain: internal
// articles' titles and sentences, escalation contacts, ledger notes,
// references (customers' names, on the partners' dashboard pages) and
// evidence, and internal-only assets' names.
func secrets(p *project.Project) []string {
	var s []string
	publicText := map[string]bool{}
	for _, a := range p.Articles {
		if !a.Internal() {
			for _, line := range strings.Split(string(a.Body), "\n") {
				publicText[strings.TrimSpace(line)] = true
			}
		}
	}
	for _, a := range p.Articles {
		if !a.Internal() {
			continue
		}
		s = append(s, a.Title)
		for _, line := range strings.Split(string(a.Body), "\n") {
			line = strings.TrimSpace(line)
			// Long prose lines are distinctive; headings, table rows and
			// code that public articles share are not secrets.
			if len(line) >= 60 && !publicText[line] && !strings.ContainsAny(line[:1], "#|`<-*>!0123456789") {
				s = append(s, line[:60])
			}
		}
	}
	for _, pa := range p.Partners {
		if pa.Info != nil {
			e := pa.Info.Escalation
			for _, v := range []string{e.Name, e.Email, e.Phone} {
				if v != "" {
					s = append(s, v)
				}
			}
		}
		if pa.Ledger != nil {
			for _, ev := range pa.Ledger.Events {
				if len(ev.Note) > 12 {
					s = append(s, ev.Note)
				}
			}
			for _, aw := range pa.Ledger.Awards {
				for _, v := range []string{aw.Note, aw.Ref, aw.Evidence} {
					if len(v) > 12 {
						s = append(s, v)
					}
				}
				if aw.Revoked != nil && aw.Revoked.Reason != "" {
					s = append(s, aw.Revoked.Reason)
				}
			}
		}
	}
	// A value the content also publishes on purpose (an escalation
	// manager who writes public articles under the same name) is no leak.
	var public bytes.Buffer
	for _, a := range p.Articles {
		if !a.Internal() {
			public.Write(a.Source.Data)
		}
	}
	for _, pa := range p.Partners {
		if pa.Info != nil {
			i := pa.Info
			public.WriteString(strings.Join([]string{i.Name, i.Summary, i.Description, i.Website, i.Support.Email, i.Support.Phone, i.Support.URL}, "\n"))
		}
	}
	kept := s[:0]
	for _, x := range s {
		if !bytes.Contains(public.Bytes(), []byte(x)) {
			kept = append(kept, x)
		}
	}
	s = kept
	if _, ok := p.Partner("kestrel-backup"); ok {
		s = append(s, "INTERNAL-ONLY-DIAGRAM", "director-failover-topology", "INTERNAL-TITLE-7f3a", "INTERNAL-BODY-91c2", "failover-drill")
	}
	return s
}

func TestPublicSiteLeaksNothingInternal(t *testing.T) {
	root := exampleRoot(t)
	p, pub, in := buildBoth(t, root)
	sec := secrets(p)
	if len(sec) < 30 {
		t.Fatalf("only %d secrets collected; the test would prove little", len(sec))
	}
	// Each secret must really be on the internal site (else the test
	// checks for text that exists nowhere); escalation phones and emails
	// are, on support cards.
	var all bytes.Buffer
	for _, data := range in {
		all.Write(data)
	}
	for _, name := range sortedKeys(in) {
		all.WriteString(name)
	}
	for _, s := range sec {
		if !containsAny(all.Bytes(), s) {
			t.Logf("note: secret not found on the internal site either: %q", s)
		}
	}
	for _, name := range sortedKeys(pub) {
		data := pub[name]
		for _, s := range sec {
			if containsAny(data, s) || strings.Contains(name, s) {
				t.Errorf("public %s contains internal text %q", name, s)
			}
		}
	}
	for name := range pub {
		if strings.Contains(name, "/internal/") || strings.HasPrefix(name, "dashboard") || name == "calendar.ics" {
			t.Errorf("public site has internal file %s", name)
		}
	}
	// The dashboard is a page per partner besides the overview: the check
	// above proves something only while the internal site has them.
	for _, name := range []string{"dashboard/index.html", "calendar.ics"} {
		if in[name] == nil {
			t.Errorf("internal site lacks %s", name)
		}
	}
	for _, pa := range p.Partners {
		if in["dashboard/"+pa.ID+"/index.html"] == nil {
			t.Errorf("internal site lacks dashboard/%s/index.html", pa.ID)
		}
	}
}

// containsAny looks for s as written, HTML-escaped and JSON-escaped.
func containsAny(data []byte, s string) bool {
	j, _ := json.Marshal(s)
	for _, form := range []string{s, html.EscapeString(s), string(j[1 : len(j)-1])} {
		if bytes.Contains(data, []byte(form)) {
			return true
		}
	}
	return false
}

func sortedKeys(f publish.Files) []string {
	var names []string
	for n := range f {
		names = append(names, n)
	}
	return names
}

// TestBadInputsLeakNothing builds every case of the bad-input suite (as
// build --keep-going would) and holds its public site to the same rule.
func TestBadInputsLeakNothing(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "bad")
	base, err := txtar.ParseFile(filepath.Join(dir, "base.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	cases, _ := filepath.Glob(filepath.Join(dir, "[0-9]*.txtar"))
	if len(cases) < 40 {
		t.Fatalf("found %d bad-input cases", len(cases))
	}
	b, err := site.NewBuilder(site.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(strings.TrimSuffix(filepath.Base(c), ".txtar"), func(t *testing.T) {
			t.Parallel()
			over, err := txtar.ParseFile(c)
			if err != nil {
				t.Fatal(err)
			}
			root := filepath.Join(t.TempDir(), "root")
			if err := testroot.Write(root, base, over); err != nil {
				if errors.Is(err, testroot.ErrSymlink) {
					t.Skip(err)
				}
				t.Fatal(err)
			}
			p, err := project.Open(os.DirFS(root), project.Options{AsOf: asOf})
			if err != nil {
				t.Fatal(err)
			}
			pub, _ := buildBothChecked(t, b, p)
			sec := secrets(p)
			for _, name := range sortedKeys(pub) {
				for _, s := range sec {
					if containsAny(pub[name], s) {
						t.Errorf("public %s contains internal text %q", name, s)
					}
				}
			}
		})
	}
}

// A public article linking to an internal one renders differently on the
// two sites, so BuildBoth must render it twice rather than share the body.
func TestBuildBothRendersPerSiteWhereLinksDiffer(t *testing.T) {
	_, pub, in := buildBoth(t, exampleRoot(t))
	const page = "kb/partners/kestrel-backup/restore-basics/index.html"
	drill := `href="/kb/partners/kestrel-backup/failover-drill/"`
	if p := pub[page]; p == nil || bytes.Contains(p, []byte(drill)) || !bytes.Contains(p, []byte("the drill")) {
		t.Errorf("public %s: want the text of the link to the internal article without the link", page)
	}
	if p := in[page]; p == nil || !bytes.Contains(p, []byte(drill)) {
		t.Errorf("internal %s: want the link to the internal article", page)
	}
	for _, p := range []publish.Files{pub, in} {
		if !bytes.Contains(p[page], []byte(`href="/kb/partners/kestrel-backup/getting-started-with-kestrel-vault/"`)) {
			t.Errorf("%s: the link to the public article is missing", page)
		}
	}
}

// TestBuildDroppingSyntaxAndText builds both sites as the build command
// does: it lets go of the project's YAML trees and sources before
// rendering (DropSyntax), and of the articles' text once the bodies are
// rendered (DropText). The sites must be those built with everything kept
// (the root has a body rendered twice, a public article linking to an
// internal one), and the text must be gone.
func TestBuildDroppingSyntaxAndText(t *testing.T) {
	root := exampleRoot(t)
	_, wantPub, wantIn := buildBoth(t, root)

	p, err := project.Open(os.DirFS(root), project.Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	p.DropSyntax()
	b, err := site.NewBuilder(site.Options{BaseURL: "https://marketplace.example.com/",
		RepoURL: "https://github.com/example/marketplace/edit/main/", DropText: true})
	if err != nil {
		t.Fatal(err)
	}
	buildBothToMaps(t, "syntax and text dropped", b, p, wantPub, wantIn)
	for _, a := range p.Articles {
		if a.Body != nil || a.Source.Data != nil {
			t.Fatalf("%s: text still held after the build", a.Path)
		}
	}
}

// buildBothToMaps builds p with b.BuildBothTo into maps and reports every
// file that is not as in wantPub and wantIn, naming the case.
func buildBothToMaps(t *testing.T, what string, b *site.Builder, p *project.Project, wantPub, wantIn publish.Files) (pub, in publish.Files) {
	t.Helper()
	pub, in = publish.Files{}, publish.Files{}
	if err := b.BuildBothTo(p, &mapSink{files: pub}, &mapSink{files: in}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		site      string
		got, want publish.Files
	}{{"public", pub, wantPub}, {"internal", in, wantIn}} {
		for _, name := range sortedKeys(c.want) {
			if !bytes.Equal(c.got[name], c.want[name]) {
				t.Errorf("%s: %s site: %s differs", what, c.site, name)
			}
		}
		if len(c.got) != len(c.want) {
			t.Errorf("%s: %s site: %d files, want %d", what, c.site, len(c.got), len(c.want))
		}
	}
	return pub, in
}

// mapSink collects a site's files; BuildBothTo puts them from several
// goroutines.
type mapSink struct {
	mu    sync.Mutex
	files publish.Files
}

func (s *mapSink) Put(name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[name] = data
	return nil
}

// heldSink takes pages in the builder's own buffers (PutOwned). It hands
// every other buffer back at once and keeps the rest until the end, so
// that a buffer reused before its done was called shows as a page that
// changed after it was put.
type heldSink struct {
	mapSink
	held  []heldPage
	dones []func()
}

type heldPage struct {
	name      string
	data, was []byte
}

func (s *heldSink) PutOwned(name string, data []byte, done func()) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[name] = bytes.Clone(data)
	if len(s.files)%2 == 0 {
		done()
		return nil
	}
	s.held = append(s.held, heldPage{name, data, bytes.Clone(data)})
	s.dones = append(s.dones, done)
	return nil
}

func TestBuildBothToOwnedBuffers(t *testing.T) {
	root := exampleRoot(t)
	_, wantPub, wantIn := buildBoth(t, root)
	p, b := openWithBuilder(t, root)
	pub, in := &heldSink{mapSink: mapSink{files: publish.Files{}}}, &heldSink{mapSink: mapSink{files: publish.Files{}}}
	if err := b.BuildBothTo(p, pub, in); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		got  *heldSink
		want publish.Files
	}{{"public", pub, wantPub}, {"internal", in, wantIn}} {
		if len(c.got.held) == 0 {
			t.Fatalf("%s site: no page came through PutOwned", c.name)
		}
		for _, h := range c.got.held {
			if !bytes.Equal(h.data, h.was) {
				t.Errorf("%s site: %s changed after it was put, before the sink was done with it", c.name, h.name)
			}
		}
		for _, done := range c.got.dones {
			done()
		}
		for _, name := range sortedKeys(c.want) {
			if !bytes.Equal(c.got.files[name], c.want[name]) {
				t.Errorf("%s site: %s differs from the site built in memory", c.name, name)
			}
		}
		if len(c.got.files) != len(c.want) {
			t.Errorf("%s site: %d files, want %d", c.name, len(c.got.files), len(c.want))
		}
	}
}

// openWithBuilder opens root and makes a builder with the options the
// other tests of both sites use.
func openWithBuilder(t *testing.T, root string) (*project.Project, *site.Builder) {
	t.Helper()
	p, err := project.Open(os.DirFS(root), project.Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	b, err := site.NewBuilder(site.Options{BaseURL: "https://marketplace.example.com/",
		RepoURL: "https://github.com/example/marketplace/edit/main/"})
	if err != nil {
		t.Fatal(err)
	}
	return p, b
}
