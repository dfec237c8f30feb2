// Package site turns a checked project into two sites held in memory: the
// public one (listing, partner pages, public KB, search, feeds) and the
// internal one for the support team (everything public plus internal
// articles, support cards with escalation contacts, the program dashboard
// and its calendar).
//
// # The split cannot leak
//
// The public site is not the internal site with pages removed: it is built
// by the same code from a public-only view of the project, in which
// internal articles, escalation contacts, ledger notes and internal-only
// assets do not exist. A public page therefore has nothing internal to
// render by mistake; the leak test walks every public file to prove it.
//
// # Pages
//
//	/                         listing of certified partners (preferred placement first)
//	/partners/<id>/           partner page; logo beside it
//	/kb/                      KB home: sections and partner collections
//	/kb/<section>/…/          section pages, one per folder level
//	/kb/partners/<id>/        a partner's collection
//	/kb/…/<slug>/             article pages
//	/files/…                  assets referenced by articles
//	/assets/…                 stylesheet, scripts
//	/search/…                 the search index shards and client
//	/sitemap.xml /feed.xml /api/partners.json /api/articles.json /404.html /robots.txt
//	/dashboard/               program dashboard (internal site only, as are the next two)
//	/dashboard/<id>/          a partner's standing, points ledger and tier chart
//	/calendar.ics             certification deadlines and renewals
//
// # Templates
//
// Pages are html/template files in templates/, embedded in the binary; a
// content root's own templates/ overrides them file by file.
package site

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/marketplace-program/marketplace/internal/markdown"
	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/publish"
	"github.com/marketplace-program/marketplace/internal/search"
)

// Audience selects which site to build.
type Audience int

const (
	Public Audience = iota
	Internal
)

func (a Audience) String() string {
	if a == Internal {
		return "internal"
	}
	return "public"
}

// History supplies dates and authors from version control. A nil History,
// or ok false for a path, means unknown; pages then show the front-matter
// date only.
type History interface {
	File(path string) (created, updated time.Time, authors []string, ok bool)
}

// Options configure a build.
type Options struct {
	Name    string // site name; default "Cloud Marketplace"
	BaseURL string // e.g. "https://marketplace.example.com/docs/"; "" for root-relative URLs
	RepoURL string // e.g. "https://github.com/org/repo/blob/main/"; "" hides "edit this page"
	// Templates overrides the embedded templates file by file (a root's
	// templates/ directory); nil uses the embedded ones only.
	Templates fs.FS
	History   History
	Markdown  *markdown.Engine // nil makes one
	// DropText makes BuildBothTo drop the articles' text (see
	// [project.Project.DropText]) once both sites' bodies are rendered,
	// for a one-shot build: the project cannot be built again.
	DropText bool
	// Bodies, when set, keeps rendered article bodies between builds: the
	// caller opens it (OpenBodyCache) and saves it after the build, unless
	// CloseBodies is set.
	Bodies *BodyCache
	// CloseBodies makes BuildBothTo close Bodies (save it and let go of
	// it, memo.Table.Close) as soon as both sites' bodies are rendered,
	// for a one-shot build: held to the end, the table of every body
	// raised the peak memory of a cached 10,000-article build by 80 MiB
	// while its pages and search indexes were made.
	CloseBodies bool
}

// Builder renders sites. It parses templates once and can build many times
// (serve rebuilds with the same Builder).
type Builder struct {
	opts   Options
	md     *markdown.Engine
	pages  map[string]*template.Template // by page kind
	static fs.FS                         // templates/static, merged
	info   SiteInfo
	bufs   sync.Pool // of *bytes.Buffer, for executing pages
	words  search.Analyzer
}

// NewBuilder parses the templates.
func NewBuilder(opts Options) (*Builder, error) {
	if opts.Name == "" {
		opts.Name = "Cloud Marketplace"
	}
	b := &Builder{opts: opts, md: opts.Markdown}
	b.bufs.New = func() any { return new(bytes.Buffer) }
	if b.md == nil {
		b.md = markdown.New()
	}
	base := "/"
	basePath := ""
	if opts.BaseURL != "" {
		u, err := url.Parse(opts.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--base-url %q: want an absolute http(s) URL", opts.BaseURL)
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		base = u.String()
		basePath = strings.TrimSuffix(u.Path, "/")
	}
	b.info = SiteInfo{Name: opts.Name, BaseURL: base, BasePath: basePath, RepoURL: opts.RepoURL}
	tfs, err := templateFS(opts.Templates)
	if err != nil {
		return nil, err
	}
	if b.pages, err = parsePages(tfs, b.funcs()); err != nil {
		return nil, err
	}
	if b.static, err = fs.Sub(tfs, "static"); err != nil {
		return nil, err
	}
	return b, nil
}

// Build renders one site of the project.
func (b *Builder) Build(p *project.Project, aud Audience) (publish.Files, error) {
	return b.build(p, aud)
}

// BuildBoth renders the public and the internal site of the project. An
// article body is rendered once for both unless one of its links resolves
// differently on the public site (to an internal article it may not name).
func (b *Builder) BuildBoth(p *project.Project) (public, internal publish.Files, err error) {
	public, internal = publish.Files{}, publish.Files{}
	if err := b.BuildBothTo(p, filesSink(public), filesSink(internal)); err != nil {
		return nil, nil, err
	}
	return public, internal, nil
}

// Sink receives the files of a site as they are made, from several
// goroutines; a [publish.Writer] writes them straight to disk, so a large
// site is never held in memory whole.
type Sink interface {
	Put(name string, data []byte) error
}

// linkedSink is a Sink that links files from the site it links to (see
// publish.Writer.PutLinked).
type linkedSink interface {
	Sink
	PutLinked(name string, read func() ([]byte, error)) error
}

// ownedSink is a Sink that can also take data it must hand back (see
// publish.Writer.PutOwned): pages then go to it in their pooled buffers,
// not in copies of them, which were an eighth of a large build's
// allocations.
type ownedSink interface {
	Sink
	PutOwned(name string, data []byte, done func()) error
}

// copySink is a Sink that can copy a file it is given open (see
// publish.Writer.PutCopy), so that assets need not be read into memory.
type copySink interface {
	Sink
	PutCopy(name string, open func() (fs.File, error)) error
}

type filesSink publish.Files

func (f filesSink) Put(name string, data []byte) error {
	f[name] = data // run.put holds its lock
	return nil
}

// BuildBothTo is BuildBoth with each site's files going to a sink. The
// article pages of both come first, each as soon as its body is rendered
// (see articlesBoth), then the internal site's other files, then the
// public site's.
func (b *Builder) BuildBothTo(p *project.Project, public, internal Sink) error {
	in := b.newRun(p, Internal, newView(p, Internal))
	in.sink = internal
	pub := b.newRun(p, Public, newView(p, Public))
	pub.sink, pub.from = public, in
	// The public site's search index numbers its terms as the internal
	// one did: every body it indexes the internal site indexed first.
	in.vocab = search.NewVocabulary()
	pub.vocab = in.vocab
	if _, ok := public.(linkedSink); ok {
		in.assetStamps = map[string]project.Stamp{}
	}
	// The internal site's assets are copied while the articles render.
	// Reading and writing tens of thousands of small files waits on the
	// disk more than it uses a core; as one step after the articles it was
	// the last to finish, with the other core idle.
	copied := make(chan error, 1)
	go func() { copied <- in.assets() }()
	in.assetsCopied = copied
	if err := articlesBoth(in, pub, b.opts.DropText); err != nil {
		<-copied
		return err
	}
	if b.opts.CloseBodies {
		// Saving a cache can only cost the next build time, not this
		// one its result: its error is dropped, as callers did.
		closed := make(chan struct{})
		go func() {
			defer close(closed)
			_ = b.opts.Bodies.Close()
		}()
		defer func() { <-closed }()
	}
	if b.opts.DropText {
		p.DropText()
	}
	if err := in.pagesAndIndex(); err != nil {
		return err
	}
	return pub.pagesAndIndex()
}

func (b *Builder) build(p *project.Project, aud Audience) (publish.Files, error) {
	r := b.newRun(p, aud, newView(p, aud))
	if err := r.all(); err != nil {
		return nil, err
	}
	return r.files, nil
}

func (b *Builder) newRun(p *project.Project, aud Audience, v *view) *run {
	info := b.info
	info.Internal = aud == Internal
	info.Build = p.AsOf.Format(time.DateOnly)
	if info.Internal {
		info.Name += " — Support"
	}
	return &run{b: b, p: p, v: v, info: &info, files: publish.Files{}}
}

// run is the state of one build.
type run struct {
	b     *Builder
	p     *project.Project
	v     *view
	info  *SiteInfo
	mu    sync.Mutex
	files publish.Files
	// rendered articles, by path
	bodies map[string]renderedArticle
	// articlesDone says the article pages are written (by articlesBoth)
	// and bodies hold no HTML.
	articlesDone bool
	// assetsCopied, when set, is where the copy of the assets started
	// before the other steps (see BuildBothTo) reports its end.
	assetsCopied <-chan error
	// vocab, when set, numbers the terms of the search index; the runs
	// of BuildBothTo share one (search.Vocabulary).
	vocab *search.Vocabulary
	// from is the run of the same project for the other audience whose
	// asset files this run links (see assets).
	from *run
	// sink, when set, takes the files instead of files; sinkErr is its
	// first error.
	sink    Sink
	sinkErr error
	sent    map[string]bool
	// assetStamps, when set, records by file name what stat said of each
	// asset's source before it was read, for a run that links them (see
	// assets). Written by the assets step only, read after it.
	assetStamps map[string]project.Stamp
	pages       []string // names of the pages put, for the sitemap
	// api holds the encoded entries of api/articles.json by article, from
	// the last build of an Incremental and then of this run.
	api map[*project.Article][]byte
	// shown is what the last build of an Incremental showed on pages made
	// by pageIfChanged, shownNow this run's; keep, when set, keeps a
	// page's file from the last build.
	shown, shownNow map[string]any
	keep            func(name string)
	// want, when set, picks the pages to execute; the others are left
	// out (an incremental build keeps their earlier bytes).
	want func(name string) bool
	// tops holds by section URL what the KB home shows of a section, from
	// the last build of an Incremental; topsNow this run's. groups and
	// groupsNow are the same for kbSections. Only the kb step uses them.
	tops, topsNow     map[string]sectionTop
	groups, groupsNow *kbGroups
	// chrome holds the site header and footer by page kind (see
	// run.chromeOf), made on the first page of each kind.
	chromeMu sync.Mutex
	chrome   map[string]chrome
}

// chrome is what every page of one kind on one site shows around its own
// content.
type chrome struct {
	header, footer template.HTML
	err            error
}

// sectionTop is a section's top five on the KB home and the articles
// (and partner) they were picked from: while those are the same values,
// so are the five.
type sectionTop struct {
	arts    []*project.Article
	partner *project.Partner
	top     []ArticleLink
}

type renderedArticle struct {
	html     template.HTML
	headings []markdown.Heading
	// summary is the start of the text, for descriptions; the text itself
	// is kept only as analyzed for the search index, so the bodies of a
	// large site stay small while its pages are written.
	summary  string
	analysis *search.Analysis
}

func (r *run) put(name string, data []byte) { r.putOwned(name, data, nil) }

// putBuffer puts buf's bytes as name and returns buf to the pool once
// they are no longer needed.
func (r *run) putBuffer(name string, buf *bytes.Buffer) {
	if _, ok := r.sink.(ownedSink); ok {
		r.putOwned(name, buf.Bytes(), func() { r.release(buf) })
		return
	}
	r.put(name, bytes.Clone(buf.Bytes()))
	r.release(buf)
}

// maxPooledBuffer bounds the buffers kept for reuse. A sink's queue holds
// dozens of them at a time, and each keeps the size of the largest page it
// held: a few pages (the listing, the dashboard) are megabytes, articles
// tens of kilobytes.
const maxPooledBuffer = 256 << 10

func (r *run) release(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBuffer {
		r.b.bufs.Put(buf)
	}
}

// putOwned is put, and with done set, PutOwned (r.sink is then an
// ownedSink): done is called exactly once.
func (r *run) putOwned(name string, data []byte, done func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sink == nil {
		r.files[name] = data
		return
	}
	sent := r.sendLocked(name, func() error {
		if done != nil {
			return r.sink.(ownedSink).PutOwned(name, data, done)
		}
		return r.sink.Put(name, data)
	})
	if !sent && done != nil {
		done()
	}
}

// putLinked puts name as a link to the from-run's file of that name (see
// linkedSink); read gives the bytes where linking fails.
func (r *run) putLinked(name string, read func() ([]byte, error)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sendLocked(name, func() error { return r.sink.(linkedSink).PutLinked(name, read) })
}

// putCopy puts name as a copy of the file open returns, which r.sink must
// allow (it is a copySink).
func (r *run) putCopy(name string, open func() (fs.File, error)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sendLocked(name, func() error { return r.sink.(copySink).PutCopy(name, open) })
}

// sendLocked gives name to the sink with give, unless it was given
// before: a sink takes each name once, and two pages at one address (a
// broken tree built with --keep-going) keep the first. It reports whether
// give ran; its error is kept for the build. r.mu must be held.
func (r *run) sendLocked(name string, give func() error) bool {
	if r.sent[name] {
		return false
	}
	if r.sent == nil {
		r.sent = map[string]bool{}
	}
	r.sent[name] = true
	if strings.HasSuffix(name, "index.html") {
		r.pages = append(r.pages, name)
	}
	if err := give(); err != nil && r.sinkErr == nil {
		r.sinkErr = err
	}
	return true
}

// url makes a site path absolute under the base path.
func (r *run) url(p string) string { return r.info.BasePath + p }

func (b *Builder) funcs() template.FuncMap {
	return template.FuncMap{
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("January 2, 2006")
		},
		"isodate": func(t time.Time) string { return t.Format(time.DateOnly) },
		"thousands": func(n int) string {
			s := fmt.Sprint(n)
			for i := len(s) - 3; i > 0; i -= 3 {
				s = s[:i] + "," + s[i:]
			}
			return s
		},
		"join":  strings.Join,
		"lower": strings.ToLower,
		"title": func(s string) string {
			if s == "" {
				return s
			}
			return strings.ToUpper(s[:1]) + s[1:]
		},
	}
}

func (r *run) page(p *Page) error {
	name := pageName(p.Path)
	if r.want != nil && !r.want(name) {
		return nil
	}
	return r.exec(name, p)
}

// exec executes page p into file name, which want has already allowed.
func (r *run) exec(name string, p *Page) error {
	p.Site = r.info
	if r.info.Internal {
		p.NoIndex = true
	}
	t := r.b.pages[p.Kind]
	if t == nil {
		return fmt.Errorf("render %s: no template for page kind %q", p.Path, p.Kind)
	}
	c := r.chromeOf(t, p.Kind)
	if c.err != nil {
		return fmt.Errorf("render %s: %w", p.Path, c.err)
	}
	p.Header, p.Footer = c.header, c.footer
	// Pages are executed into a reused buffer: growing a fresh buffer
	// for each of tens of thousands of pages cost more than executing the
	// templates.
	buf := r.b.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	if err := t.ExecuteTemplate(buf, "base", p); err != nil {
		r.b.bufs.Put(buf)
		return fmt.Errorf("render %s: %w", p.Path, err)
	}
	r.putBuffer(name, buf)
	return nil
}

// chromeOf returns the header and footer of pages of kind, executing
// base.html's "site-header" and "site-footer" the first time. They were a
// third of the time of executing an article page, the same for every page
// of a kind, so they are given only .Site and .Kind. A root's own
// base.html that does not define them gets empty ones.
func (r *run) chromeOf(t *template.Template, kind string) chrome {
	r.chromeMu.Lock()
	defer r.chromeMu.Unlock()
	if c, ok := r.chrome[kind]; ok {
		return c
	}
	var c chrome
	p := &Page{Site: r.info, Kind: kind}
	part := func(name string) template.HTML {
		if c.err != nil || t.Lookup(name) == nil {
			return ""
		}
		var b strings.Builder
		c.err = t.ExecuteTemplate(&b, name, p)
		return template.HTML(b.String())
	}
	c.header, c.footer = part("site-header"), part("site-footer")
	if r.chrome == nil {
		r.chrome = map[string]chrome{}
	}
	r.chrome[kind] = c
	return c
}

func sortArticles(links []ArticleLink) {
	ks := keyLinks(links)
	slices.SortStableFunc(ks, compareKeyed)
	for i := range ks {
		links[i] = ks[i].link
	}
}

// firstArticles is the first n of links as sortArticles orders them,
// without sorting the rest.
func firstArticles(links []ArticleLink, n int) []ArticleLink {
	var out []ArticleLink
	for _, k := range firstN(keyLinks(links), n, compareKeyed) {
		out = append(out, k.link)
	}
	return out
}

// keyedLink carries its lowercase title, made once rather than in every
// comparison: KB pages sort sections of thousands of articles.
type keyedLink struct {
	lower string
	link  ArticleLink
}

func keyLinks(links []ArticleLink) []keyedLink {
	ks := make([]keyedLink, len(links))
	for i, l := range links {
		ks[i] = keyedLink{strings.ToLower(l.Title), l}
	}
	return ks
}

// compareKeyed puts sticky articles first, then orders by title, case
// folded, then URL.
func compareKeyed(a, b keyedLink) int {
	if a.link.Sticky != b.link.Sticky {
		if a.link.Sticky {
			return -1
		}
		return 1
	}
	return cmp.Or(strings.Compare(a.lower, b.lower), strings.Compare(a.link.URL, b.link.URL))
}
