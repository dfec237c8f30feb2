package site_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/marketplace-program/marketplace/internal/gen"
	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/publish"
	"github.com/marketplace-program/marketplace/internal/site"
)

func TestBuildIsDeterministic(t *testing.T) {
	root := exampleRoot(t)
	_, pub1, in1 := buildBoth(t, root)
	_, pub2, in2 := buildBoth(t, root)
	for name, files := range map[string][2]map[string][]byte{"public": {pub1, pub2}, "internal": {in1, in2}} {
		a, b := files[0], files[1]
		if len(a) != len(b) {
			t.Errorf("%s: %d files, then %d", name, len(a), len(b))
		}
		for f, data := range a {
			if !bytes.Equal(data, b[f]) {
				t.Errorf("%s: %s differs between two builds of the same input", name, f)
			}
		}
	}
}

func TestExampleSitePages(t *testing.T) {
	_, pub, in := buildBoth(t, exampleRoot(t))
	for _, want := range []string{
		"index.html", "404.html", "robots.txt", "sitemap.xml", "feed.xml", "api/partners.json", "api/articles.json",
		"kb/index.html", "partners/kestrel-backup/index.html", "partners/kestrel-backup/logo.svg",
		"assets/code.css", "search/manifest.json", "search/search.js",
	} {
		if pub[want] == nil {
			t.Errorf("public site lacks %s", want)
		}
	}
	for _, want := range []string{"dashboard/index.html", "dashboard/kestrel-backup/index.html", "calendar.ics", "kb/partners/kestrel-backup/failover-drill/index.html",
		"files/kestrel-backup/internal/diagrams/director-failover-topology.svg"} {
		if in[want] == nil {
			t.Errorf("internal site lacks %s", want)
		}
	}
	// Only certified partners are listed, preferred placement first.
	listing := string(pub["index.html"])
	for _, id := range []string{"kestrel-backup", "tidewater-db", "beaconwatch", "quillpress", "parcelcart", "relaymesh"} {
		if !strings.Contains(listing, "/partners/"+id+"/") {
			t.Errorf("listing lacks certified partner %s", id)
		}
	}
	for _, id := range []string{"sparrowsign", "lanternmail", "cobalt-shift", "palisade-waf", "forgeline-ci"} {
		if strings.Contains(listing, "/partners/"+id+"/") {
			t.Errorf("listing shows %s, which is not certified", id)
		}
		if pub["partners/"+id+"/index.html"] != nil {
			t.Errorf("public site has a page for %s, which is not certified", id)
		}
	}
	if i, j := strings.Index(listing, "/partners/kestrel-backup/"), strings.Index(listing, "/partners/quillpress/"); i < 0 || j < 0 || i > j {
		t.Errorf("Platinum kestrel-backup is not placed before Silver quillpress")
	}
	if !strings.Contains(string(pub["robots.txt"]), "Allow: /") || !strings.Contains(string(in["robots.txt"]), "Disallow: /") {
		t.Errorf("robots.txt: public must allow, internal must disallow")
	}
}

// TestFrontMatterIsEscaped feeds hostile strings through every front-matter
// and partner field that reaches a page and asserts that no executable
// content survives.
func TestFrontMatterIsEscaped(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"partners", "content"} {
		copyTree(t, filepath.Join("..", "..", d), filepath.Join(root, d))
	}
	payload := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	write(t, root, "content/Program/hostile.md", "---\ntitle: \""+strings.ReplaceAll(payload, `"`, `\"`)+"\"\n"+
		"date: \"2026-01-01\"\nauthor: \"<b onmouseover=alert(3)>Eve</b>\"\nsummary: \"javascript:alert(4)\"\nkeywords: [\"<svg onload=alert(5)>\"]\n---\n\nBody.\n")
	data, err := os.ReadFile(filepath.Join(root, "partners/quillpress/partner.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte("name: "), []byte("name: \"<script>alert(6)</script>\"\nx-old-name: "), 1)
	data = bytes.Replace(data, []byte("x-old-name: "), []byte("# "), 1)
	if err := os.WriteFile(filepath.Join(root, "partners/quillpress/partner.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, pub, in := buildBoth(t, root)
	for site, files := range map[string]map[string][]byte{"public": pub, "internal": in} {
		for name, data := range files {
			if !strings.HasSuffix(name, ".html") {
				continue
			}
			assertNoScript(t, site+"/"+name, data)
		}
	}
}

func assertNoScript(t *testing.T, name string, data []byte) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if n.Data == "script" {
				src := ""
				for _, a := range n.Attr {
					if a.Key == "src" {
						src = a.Val
					}
				}
				// Our own module scripts are allowed; inline scripts are not.
				if src == "" || !strings.Contains(src, "/assets/") && !strings.Contains(src, "/search/") {
					t.Errorf("%s: script element %q", name, src)
				}
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("%s: event handler %s=%q on <%s>", name, a.Key, a.Val, n.Data)
				}
				if (a.Key == "href" || a.Key == "src") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
					t.Errorf("%s: %s=%q", name, a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

// corpusRoot clones the real KB into a content root, or skips.
func corpusRoot(t testing.TB) string {
	t.Helper()
	bundle, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpus", "publickb.bundle"))
	if _, err := os.Stat(bundle); err != nil {
		t.Skip("corpus bundle not found at", bundle)
	}
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("git is required in CI")
		}
		t.Skip("git not installed")
	}
	tmp := t.TempDir()
	clone := filepath.Join(tmp, "clone")
	if out, err := exec.Command("git", "clone", "-q", bundle, clone).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	root := filepath.Join(tmp, "root")
	if err := os.MkdirAll(filepath.Join(root, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(clone)
	for _, e := range entries {
		if !e.IsDir() || e.Name() == ".git" {
			continue
		}
		if err := os.Rename(filepath.Join(clone, e.Name()), filepath.Join(root, "content", e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestCorpusBuilds renders the real KB (with --keep-going semantics: its
// genuine broken links stay as they are) and checks every article has a
// page with its title.
func TestCorpusBuilds(t *testing.T) {
	root := corpusRoot(t)
	p, pub, _ := buildBoth(t, root)
	if len(p.Articles) != 744 {
		t.Fatalf("%d articles, want 744", len(p.Articles))
	}
	for _, a := range p.Articles {
		name := strings.TrimPrefix(a.URL, "/") + "index.html"
		page := pub[name]
		if page == nil {
			t.Errorf("%s: no page %s", a.Path, name)
			continue
		}
		if !bytes.Contains(page, []byte(html.EscapeString(strings.TrimSpace(a.Title)))) && a.Title != "" {
			t.Errorf("%s: page does not show its title %q", a.Path, a.Title)
		}
		assertNoScript(t, name, page)
		// The corpus's "Partners" section shares /kb/partners/ with the
		// partner collections: its articles must be listed there.
		if strings.HasPrefix(a.Path, "content/Partners/") && !bytes.Contains(pub["kb/partners/index.html"], []byte(`href="`+a.URL+`"`)) {
			t.Errorf("kb/partners/index.html does not list %s of the Partners section", a.URL)
		}
	}
}

func BenchmarkBuild10k(b *testing.B) {
	dir := b.TempDir()
	if err := gen.Write(dir, gen.Options{Partners: 500, Articles: 10000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	builder, err := site.NewBuilder(site.Options{BaseURL: "https://marketplace.example.com/"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p, err := project.Open(os.DirFS(dir), project.Options{AsOf: gen.AsOf})
		if err != nil {
			b.Fatal(err)
		}
		if p.Diags.HasErrors() {
			b.Fatalf("generated root has errors: %v", p.Diags.Errors()[0])
		}
		if _, err := builder.Build(p, site.Public); err != nil {
			b.Fatal(err)
		}
		if _, err := builder.Build(p, site.Internal); err != nil {
			b.Fatal(err)
		}
	}
}

// api/articles.json is assembled from entries encoded one by one; it must
// read as json.MarshalIndent would write it.
func TestAPIArticlesIsIndentedJSON(t *testing.T) {
	_, pub, in := buildBoth(t, exampleRoot(t))
	for _, f := range []publish.Files{pub, in, {"api/articles.json": []byte("{\n  \"articles\": []\n}\n")}} {
		got := f["api/articles.json"]
		var compact, want bytes.Buffer
		if err := json.Compact(&compact, got); err != nil {
			t.Fatalf("api/articles.json is not JSON: %v", err)
		}
		if err := json.Indent(&want, compact.Bytes(), "", "  "); err != nil {
			t.Fatal(err)
		}
		want.WriteByte('\n')
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("api/articles.json is not in MarshalIndent's layout:\n%.600s", got)
		}
	}
	var doc struct {
		Articles []struct{ Source, Title string } `json:"articles"`
	}
	if err := json.Unmarshal(in["api/articles.json"], &doc); err != nil || len(doc.Articles) < 20 {
		t.Fatalf("internal api/articles.json: %d articles, %v", len(doc.Articles), err)
	}
}
