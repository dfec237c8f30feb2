package project

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/load"
	"github.com/marketplace-program/marketplace/internal/markdown"
)

// TargetKind says what a link in an article points at.
type TargetKind int

const (
	External  TargetKind = iota // another site, mail, or anything not ours
	ToArticle                   // another article (or this one), maybe with a fragment
	ToAsset                     // a file under content/
	ToSection                   // a section page of the KB (legacy KB URLs)
	ToAnchor                    // a fragment on the same page
	Broken                      // ours, but nothing is there
)

// Target is a resolved link.
type Target struct {
	Kind     TargetKind
	Article  *Article
	Asset    *load.Asset
	Fragment string // without '#'
	// URL is the site path the link becomes ("/kb/…/#frag"), or the
	// destination unchanged for external links.
	URL string
	// Path is what a broken link names, relative to the root.
	Path string
}

// Published reports whether a is the article published at its URL. Two
// articles at one URL are an error (article.duplicate-url); a site built
// anyway publishes the first by path.
func (p *Project) Published(a *Article) bool { return !p.shadowed[a] }

// Resolve interprets a link found in article from: a relative path to an
// article or asset ("../Backup/x.md#part", "images/a.png"), a fragment,
// a site-absolute path ("/kb/…"), or a URL of the legacy KB listed in the
// rules file ("https://www.ctl.io/knowledge-base/backup/x/"), which resolves
// like the page it used to be.
func (p *Project) Resolve(from *Article, dest string) Target { return p.resolve(from, dest, true) }

// resolve is Resolve; without withURL it leaves out the URLs of articles
// and assets, which only a renderer needs.
func (p *Project) resolve(from *Article, dest string, withURL bool) Target {
	dest = strings.TrimSpace(dest)
	if strings.HasPrefix(dest, "#") {
		return Target{Kind: ToAnchor, Article: from, Fragment: unescape(dest[1:]), URL: dest}
	}
	for _, prefix := range p.Rules.LegacyKBURLs {
		if rest, ok := cutPrefixFold(dest, prefix); ok {
			return p.resolveSitePath("/kb/"+rest, dest)
		}
	}
	u, err := parseRef(dest)
	if err != nil || u.Scheme != "" || u.Host != "" || dest == "" {
		return Target{Kind: External, URL: dest}
	}
	if strings.HasPrefix(u.Path, "/") {
		return p.resolveSitePath(dest, dest)
	}
	target := path.Join(path.Dir(from.Path), u.Path)
	if target == ".." || strings.HasPrefix(target, "../") {
		return Target{Kind: Broken, Path: target, URL: dest}
	}
	frag := unescape(u.Fragment)
	// The legacy KB linked both to files ("x.md") and to the pages they
	// became ("x/"), relative to the page; both mean the article.
	a := p.articleByPath[target]
	if a == nil && !strings.HasSuffix(target, ".md") {
		a = p.articleByPath[target+".md"]
	}
	if a != nil {
		t := Target{Kind: ToArticle, Article: a, Fragment: frag, URL: a.URL}
		if frag != "" && withURL {
			t.URL += "#" + u.EscapedFragment()
		}
		return t
	}
	if as := p.assetByPath[target]; as != nil {
		t := Target{Kind: ToAsset, Asset: as}
		if withURL {
			t.URL = AssetURL(as.Path)
		}
		return t
	}
	if u, ok := p.sectionDirs[target]; ok {
		return Target{Kind: ToSection, URL: u}
	}
	return Target{Kind: Broken, Path: target, URL: dest}
}

// parseRef is url.Parse, without its allocations for the plain relative
// paths most links are ("../Backup/x.md#part", "images/a.png").
func parseRef(dest string) (*url.URL, error) {
	if strings.HasPrefix(dest, "//") {
		return url.Parse(dest)
	}
	for i := 0; i < len(dest); i++ {
		c := dest[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_./#~", c) >= 0) {
			return url.Parse(dest)
		}
	}
	pth, frag, _ := strings.Cut(dest, "#")
	if strings.Contains(frag, "#") {
		return url.Parse(dest)
	}
	return &url.URL{Path: pth, Fragment: frag}, nil
}

// resolveSitePath maps a path on our own site (or the legacy KB) to a page.
func (p *Project) resolveSitePath(sitePath, orig string) Target {
	u, err := url.Parse(sitePath)
	if err != nil {
		return Target{Kind: External, URL: orig}
	}
	// Slug every segment the way our URLs are made, so the legacy site's
	// "accounts-&-users" finds "Accounts & Users".
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i, seg := range segs {
		segs[i] = Slug(seg)
	}
	pth := "/" + strings.Join(segs, "/") + "/"
	if pth == "/kb/" {
		return Target{Kind: ToSection, URL: pth}
	}
	if !strings.HasPrefix(pth, "/kb/") {
		// Other pages of our site (listing, partner pages) are generated
		// and always exist; nothing to check here.
		return Target{Kind: External, URL: orig}
	}
	frag := unescape(u.Fragment)
	if a := p.articleByURL[pth]; a != nil {
		t := Target{Kind: ToArticle, Article: a, Fragment: frag, URL: a.URL}
		if frag != "" {
			t.URL += "#" + u.EscapedFragment()
		}
		return t
	}
	if p.sectionURLs[pth] {
		return Target{Kind: ToSection, URL: pth}
	}
	// The legacy site flattened subfolders (release notes by year): a page
	// is still found by its section and slug when only one article has
	// them.
	if len(segs) >= 3 {
		if a := p.articleBySlug[segs[1]+"/"+segs[len(segs)-1]]; a != nil {
			t := Target{Kind: ToArticle, Article: a, Fragment: frag, URL: a.URL}
			if frag != "" {
				t.URL += "#" + u.EscapedFragment()
			}
			return t
		}
	}
	return Target{Kind: Broken, Path: pth, URL: orig}
}

// sectionURL is the page of a program-wide folder under content/.
func sectionURL(dir string) string {
	segs := strings.Split(strings.TrimPrefix(dir, "content/"), "/")
	for i, s := range segs {
		segs[i] = Slug(s)
	}
	return "/kb/" + strings.Join(segs, "/") + "/"
}

// AssetURL is where a file under content/ is published.
func AssetURL(p string) string {
	rel := strings.TrimPrefix(p, "content/")
	segs := strings.Split(rel, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return "/files/" + strings.Join(segs, "/")
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return "", false
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// indexLinks builds the lookups Resolve uses.
func (p *Project) indexLinks() {
	p.articleByPath = make(map[string]*Article, len(p.Articles))
	p.articleByURL = make(map[string]*Article, len(p.Articles))
	fold := &foldIndex{paths: make([]string, 0, len(p.Articles)+len(p.Repo.Assets))}
	p.pathFold = fold
	p.sectionURLs = map[string]bool{}
	p.sectionDirs = map[string]string{}
	p.articleBySlug = map[string]*Article{}
	p.shadowed = nil
	for _, a := range p.Articles {
		p.articleByPath[a.Path] = a
		if _, dup := p.articleByURL[a.URL]; !dup {
			p.articleByURL[a.URL] = a
		} else {
			if p.shadowed == nil {
				p.shadowed = map[*Article]bool{}
			}
			p.shadowed[a] = true
		}
		fold.paths = append(fold.paths, a.Path)
		// Every folder level of an article's URL is a section page. The
		// levels are added deepest first, so a level already there has
		// its parents there too.
		u := strings.TrimSuffix(a.URL, "/")
		for i := strings.LastIndexByte(u, '/'); i > len("/kb"); i = strings.LastIndexByte(u, '/') {
			u = u[:i]
			if p.sectionURLs[u+"/"] {
				break
			}
			p.sectionURLs[u+"/"] = true
		}
		if a.PartnerID == "" {
			for d := path.Dir(a.Path); d != "content" && d != "." && d != "/"; d = path.Dir(d) {
				if _, ok := p.sectionDirs[d]; ok {
					break
				}
				p.sectionDirs[d] = sectionURL(d)
				fold.paths = append(fold.paths, d)
			}
		}
		segs := strings.Split(strings.Trim(a.URL, "/"), "/")
		if len(segs) >= 3 {
			key := segs[1] + "/" + segs[len(segs)-1]
			if _, dup := p.articleBySlug[key]; dup {
				p.articleBySlug[key] = nil // ambiguous: never guess
			} else {
				p.articleBySlug[key] = a
			}
		}
	}
	p.assetByPath = make(map[string]*load.Asset, len(p.Repo.Assets))
	for _, as := range p.Repo.Assets {
		p.assetByPath[as.Path] = as
		fold.paths = append(fold.paths, as.Path)
	}
}

// foldIndex finds a path whatever its letter case, for the hint on a
// broken link. It is built on first use: most checks find no broken link,
// and lowercasing every path of a large root was a third of indexing it.
type foldIndex struct {
	paths []string
	once  sync.Once
	m     map[string]string // lowercased path → real path
}

func (f *foldIndex) find(p string) (string, bool) {
	f.once.Do(func() {
		f.m = make(map[string]string, len(f.paths))
		for _, q := range f.paths {
			f.m[strings.ToLower(q)] = q
		}
	})
	real, ok := f.m[strings.ToLower(p)]
	return real, ok
}

// checkLinks reports every link that leads nowhere: a missing file, a
// missing heading, a path out of the root, and a public page linking to an
// internal one (publicly a dead link that reveals the page exists); and
// every asset under content/ that no article refers to.
func checkLinks(p *Project) diag.List {
	results := make([]diag.List, len(p.Articles))
	assets := make([][]string, len(p.Articles))
	parallel(len(p.Articles), func(i int) { results[i], assets[i] = checkArticleLinks(p, p.Articles[i]) })
	var out diag.List
	for _, d := range results {
		out.Append(d)
	}
	if len(p.Repo.Assets) == 0 {
		return out
	}
	referenced := map[string]bool{}
	for _, l := range assets {
		for _, as := range l {
			referenced[as] = true
		}
	}
	for _, as := range p.Repo.Assets {
		if !referenced[as.Path] {
			out.Warnf(diag.Pos{File: as.Path}, "asset.unreferenced", "link it from an article or delete it",
				"no article refers to this file")
		}
	}
	return out
}

// checkArticleLinks checks the links of a, and lists the assets they reach.
func checkArticleLinks(p *Project, a *Article) (out diag.List, assets []string) {
	for _, r := range a.Scan.Refs {
		t := p.resolve(a, r.Dest, false)
		// Only a finding needs its place, and the place needs the
		// article's line table, which nothing else of a clean article does.
		at := func() diag.Pos {
			a.text()
			return a.BodyPos(destOffset(a.Body, r))
		}
		switch t.Kind {
		case ToAsset:
			assets = append(assets, t.Asset.Path)
		case Broken:
			if strings.HasPrefix(t.Path, "../") || t.Path == ".." {
				out.Errorf(at(), "link.escape", "link only to files inside the repository",
					"link %q points outside the content root", r.Dest)
				continue
			}
			hint := ""
			for _, cand := range []string{t.Path, strings.TrimSuffix(t.Path, "/") + ".md"} {
				if real, ok := p.pathFold.find(cand); ok {
					hint = fmt.Sprintf("%s exists: letter case differs (links are case-sensitive once published)", real)
					break
				}
			}
			// Missing images are their own rule: an imported tree often
			// arrives without its image folder (the corpus bundle does),
			// and a reviewer wants to tell that apart from dead links.
			if r.Image {
				out.Errorf(at(), "link.image-missing", hint, "image %q: %s does not exist", r.Dest, t.Path)
			} else {
				out.Errorf(at(), "link.broken", hint, "link %q: %s does not exist", r.Dest, t.Path)
			}
		case ToArticle, ToAnchor:
			if t.Fragment != "" && !t.Article.hasHeading(t.Fragment) {
				ids := t.Article.headingIDs()
				hint := ""
				if s := diag.Suggest(t.Fragment, ids); s != "" {
					hint = fmt.Sprintf("did you mean #%s?", s)
				}
				out.Errorf(at(), "link.anchor", hint, "link %q: %s has no heading #%s", r.Dest, t.Article.Path, t.Fragment)
			}
			if t.Kind == ToArticle && !a.Internal() && t.Article.Internal() {
				out.Errorf(at(), "link.public-to-internal",
					"link to a public article instead, or move this article to an internal/ folder",
					"public article links to internal article %s; published, it would be a dead link that reveals the page", t.Article.Path)
			}
		}
	}
	return out, assets
}

// destOffset finds the destination text of a reference, which a
// diagnostic points at; the parser reports where the link construct
// starts ("[" or "<a"), a little before it.
func destOffset(body []byte, r markdown.Ref) int {
	if r.Offset < 0 || r.Offset > len(body) || r.Dest == "" {
		return max(0, r.Offset)
	}
	window := body[r.Offset:min(len(body), r.Offset+4096)]
	if i := bytes.Index(window, []byte(r.Dest)); i >= 0 {
		return r.Offset + i
	}
	return r.Offset
}

func (a *Article) headingIDs() []string {
	ids := make([]string, len(a.Scan.Headings))
	for i, h := range a.Scan.Headings {
		ids[i] = h.ID
	}
	return ids
}

func (a *Article) hasHeading(id string) bool {
	for _, h := range a.Scan.Headings {
		if h.ID == id {
			return true
		}
	}
	// Footnotes and explicit HTML anchors (<a name="x">, id="x") are
	// targets too. Anchors are rare, so they are looked for only here.
	if strings.HasPrefix(id, "fn:") || strings.HasPrefix(id, "fnref:") {
		return true
	}
	a.text()
	for _, m := range htmlAnchor.FindAllSubmatch(a.Body, -1) {
		if string(m[1]) == id {
			return true
		}
	}
	return false
}

var htmlAnchor = regexp.MustCompile(`(?i)<[a-z][^>]*\s(?:id|name)\s*=\s*["']?([^"'\s>]+)`)
