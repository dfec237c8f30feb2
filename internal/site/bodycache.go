package site

import (
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"path/filepath"
	"time"

	"github.com/marketplace-program/marketplace/internal/markdown"
	"github.com/marketplace-program/marketplace/internal/memo"
	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/search"
)

// BodyCache keeps rendered article bodies between builds (Options.Bodies),
// so that a build renders only the articles changed since the last one.
// An entry is keyed by the site, the article's path and its bytes, and
// holds every link destination the render resolved with its result: a
// body is reused only if each of those resolves the same way in this
// build, which is what makes a body depend on the rest of the root. A nil
// *BodyCache caches nothing.
type BodyCache = memo.Table[BodyMemo]

// BodyMemo is one rendered body, with what the site derives from it.
type BodyMemo struct {
	HTML     string
	Headings []markdown.Heading
	Summary  string
	Analysis *search.Analysis
	Links    []LinkMemo
}

// LinkMemo is one call of the link resolver during a render. A body keeps
// them in memory as in the cache; neither changes them once rendered.
type LinkMemo struct {
	Dest, Out string
	Keep      bool
}

// bodyWork names what BodyMemo holds; see project's cacheWork.
const bodyWork = "site.BodyMemo/1"

// bodyCacheGlob matches the shard files of every root's body cache.
const bodyCacheGlob = "bodies-*.gob.*"

// OpenBodyCache opens the body cache of the content root root (an absolute
// path names it) inside dir, e.g. the user's cache directory.
func OpenBodyCache(dir, root string) *BodyCache {
	sum := sha256.Sum256([]byte(root))
	name := "bodies-" + hex.EncodeToString(sum[:8]) + ".gob"
	return memo.Open[BodyMemo](filepath.Join(dir, name), memo.Salt(bodyWork))
}

// TrimBodyCache removes from dir the body caches that no build has used
// for maxAge.
func TrimBodyCache(dir string, maxAge time.Duration) error {
	return memo.Trim(dir, bodyCacheGlob, maxAge)
}

// bodyKey is the cache key of article a's body on r's site.
func bodyKey(r *run, a *project.Article) memo.Key {
	site, html := "public", "md"
	if r.info.Internal {
		site = "internal"
	}
	if a.ContentIsHTML {
		html = "html"
	}
	// The article cache's key of the file stands for its bytes, which
	// then need not be read when the body comes from this cache.
	if a.Content != (memo.Key{}) {
		return r.b.opts.Bodies.Key([]byte(site), []byte(a.Path), []byte(html), []byte("content key"), a.Content[:])
	}
	return r.b.opts.Bodies.Key([]byte(site), []byte(a.Path), []byte(html), []byte("text"), a.Text())
}

// cachedRender returns a's body from the cache if every link in it
// resolves as when it was rendered.
func cachedRender(r *run, a *project.Article, k memo.Key) (*cachedBody, bool) {
	m, ok := r.b.opts.Bodies.Get(k)
	if !ok || m.Analysis == nil {
		return nil, false
	}
	cb := &cachedBody{art: a, out: renderedArticle{html: template.HTML(m.HTML), headings: m.Headings,
		summary: m.Summary, analysis: m.Analysis}, resolved: m.Links}
	return cb, resolvesAsBefore(r, cb)
}

// remember stores a freshly rendered body.
func remember(r *run, k memo.Key, cb *cachedBody) {
	r.b.opts.Bodies.Put(k, BodyMemo{HTML: string(cb.out.html), Headings: cb.out.headings,
		Summary: cb.out.summary, Analysis: cb.out.analysis, Links: cb.resolved})
}
