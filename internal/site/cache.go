package site

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/marketplace-program/marketplace/internal/load"
	"github.com/marketplace-program/marketplace/internal/markdown"
	"github.com/marketplace-program/marketplace/internal/memo"
	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/publish"
)

// Incremental builds one site of a project that keeps changing (serve):
// each Build renders only what changed since the last one and reuses the
// rest, and its files are byte for byte those Builder.Build returns for
// the same project (the tests hold it to that).
//
// What is reused, and why that is safe:
//   - An article's rendered body, while the article is the same value
//     (project.Incremental keeps unchanged ones) and its links resolve as
//     they did. Resolving depends only on the paths, URLs and partners of
//     all articles, which of them the site shows, the assets and the
//     legacy KB prefixes (sameLinks compares those); when any of it
//     changed, every link a body was rendered with is resolved again and
//     compared before the body is reused.
//   - A page, unless something it shows changed: an article page its
//     article, body or partner; a partner page the partner or the listing
//     data of its articles; the KB pages the listing data (title, date,
//     summary, URL...) of their articles or their partner's name; the
//     listing and partner JSON any partner; feeds the listing data of any
//     article; the dashboard overview and calendar any partner or article
//     list (the overview is kept when what it shows is the same); a
//     partner's dashboard page only that partner.
//   - A partner counts as changed when its files or its standing did,
//     never merely because one of its articles was edited.
//
// Rules, the as-of date or a new Builder (templates) rebuild everything
// but article bodies, which are still checked link by link.
type Incremental struct {
	b    *Builder
	aud  Audience
	last *built
	// DeferSearch leaves the search index out of Build: Change.Search
	// builds it. Serve publishes pages first and the index a moment
	// later; everything else wants it inline.
	DeferSearch bool
	// Static asks the next Build to copy the static files (stylesheets,
	// scripts) again: they are read at build time, not parsed with the
	// templates, so a change to one needs no new Builder.
	Static bool
	// carry holds the bodies of another Incremental (see Adopt).
	carry *built
}

// built is what one build leaves for the next.
type built struct {
	p        *project.Project
	v        *view
	files    *Tree
	bodies   map[string]*cachedBody
	partners map[string]*project.Partner // project partners by id
	kbPages  map[string]bool
	api      map[*project.Article][]byte // see run.api
	shown    map[string]any              // see run.shown
	tops     map[string]sectionTop       // see run.tops
	groups   *kbGroups                   // see run.groups
	// searchStale is set when files hold an older search index than the
	// project (the index was deferred).
	searchStale bool
}

type cachedBody struct {
	art      *project.Article
	out      renderedArticle
	resolved []LinkMemo
}

// Change is the result of one incremental build.
type Change struct {
	// Files is the whole site. While Search is pending its search/ files
	// are those of an earlier build.
	Files *Tree
	// Changed names the files added, changed or removed, sorted.
	Changed []string
	// Rendered counts article bodies rendered; Pages the pages executed.
	Rendered, Pages int
	// Full is set when nothing could be reused.
	Full bool
	// Search, when set, builds the search index of this build and returns
	// Files with it in place (DeferSearch only).
	Search func() (*Tree, error)
}

// Incremental returns an incremental builder of one site.
func (b *Builder) Incremental(aud Audience) *Incremental {
	return &Incremental{b: b, aud: aud}
}

// Adopt lets c, a new builder of the same site (new templates), reuse the
// article bodies old rendered: bodies do not depend on templates. Links
// are checked again before a body is reused.
func (c *Incremental) Adopt(old *Incremental) {
	if old != nil {
		c.carry = cmpOr(old.last, old.carry)
	}
}

// Reset makes the next Build a full one, as after a failed build whose
// sibling site did build; rendered bodies are still reused, once their
// links are checked.
func (c *Incremental) Reset() {
	c.carry, c.last = cmpOr(c.last, c.carry), nil
}

func cmpOr(a, b *built) *built {
	if a != nil {
		return a
	}
	return b
}

// Build renders the site of p, reusing what it can of the last build. On
// error the last build stays the base of the next.
func (c *Incremental) Build(p *project.Project) (*Change, error) {
	o := c.last
	v := viewMembers(p, c.aud)
	full := o == nil || o.p.Rules != p.Rules || !o.p.AsOf.Equal(p.AsOf) || o.p.FS != p.FS
	n := &built{p: p, v: v, partners: make(map[string]*project.Partner, len(p.Partners))}
	for _, pa := range p.Partners {
		n.partners[pa.ID] = pa
	}
	d := delta{changedPartners: map[string]bool{}}
	links := false // no link can resolve differently than in o
	if !full {
		d = diff(o, n)
		links = sameLinks(o, n)
	}

	// Assets: the last list holds while no link can resolve differently.
	if links && !slices.ContainsFunc(d.pairs, func(pr pair) bool {
		return !slices.Equal(assetsOf(o.p, pr.old), assetsOf(p, pr.new))
	}) {
		v.assets = o.v.assets
	} else {
		v.findAssets(p)
	}

	r := c.b.newRun(p, c.aud, v)
	if o != nil && !full {
		r.api, r.shown = o.api, o.shown
		r.tops, r.groups = o.tops, o.groups
	}
	rendered, err := c.bodies(r, o, n, links, d)
	if err != nil {
		return nil, err
	}
	ch := &Change{Rendered: len(rendered), Full: full}
	var kbSeen, kbWant map[string]bool
	var wantMu sync.Mutex // steps run in parallel
	r.want = func(name string) bool {
		wantMu.Lock()
		defer wantMu.Unlock()
		if kbSeen != nil {
			kbSeen[name] = true
			if kbWant != nil && !kbWant[name] {
				return false
			}
		}
		ch.Pages++
		return true
	}
	r.keep = func(name string) {
		wantMu.Lock()
		defer wantMu.Unlock()
		if kbSeen != nil {
			kbSeen[name] = true
		}
	}
	kb := func(want map[string]bool) error {
		kbSeen, kbWant = map[string]bool{}, want
		err := r.kb()
		n.kbPages, kbSeen = kbSeen, nil
		return err
	}
	sub := func(arts []*project.Article, partners []*project.Partner, step func() error) error {
		s := *v
		s.articles, s.partners = arts, partners
		r.v = &s
		defer func() { r.v = v }()
		return step()
	}

	var tree *Tree
	var changed []string
	moved := false
	if full {
		r.bodies = n.allBodies(v)
		// One after another: kb records the KB pages it sees through
		// r.want, which must not see the other steps' pages meanwhile.
		for _, step := range r.pageSteps(func() error { return kb(nil) }) {
			if err := step(); err != nil {
				return nil, err
			}
		}
	} else {
		// The steps write into an empty map: what they write, and what
		// is removed, is what changed.
		removed := map[string]bool{}
		bodyNew := map[string]bool{}
		for _, a := range rendered {
			bodyNew[a.Path] = true
		}
		changedArt := map[string]bool{}
		for _, pr := range d.pairs {
			changedArt[pr.new.Path] = true
		}
		partnersChanged := len(d.changedPartners) > 0

		// Article pages: the article, its body or its partner changed.
		for _, a := range d.removed {
			removed[pageName(a.URL)] = true
		}
		var arts []*project.Article
		for _, a := range v.articles {
			if changedArt[a.Path] || bodyNew[a.Path] || (a.PartnerID != "" && d.changedPartners[a.PartnerID]) {
				arts = append(arts, a)
			}
		}
		r.bodies = make(map[string]renderedArticle, len(arts))
		for _, a := range arts {
			r.bodies[a.Path] = n.bodies[a.Path].out
		}
		if err := sub(arts, v.partners, r.articlePages); err != nil {
			return nil, err
		}

		// Partner pages: the partner, or what lists its articles.
		ids := maps.Clone(d.changedPartners)
		for _, a := range d.metaChanged {
			if a.PartnerID != "" {
				ids[a.PartnerID] = true
			}
		}
		var partners []*project.Partner
		for _, pa := range v.partners {
			if ids[pa.ID] {
				partners = append(partners, pa)
			}
		}
		for id := range ids {
			removed["partners/"+id+"/index.html"] = true
			if old := o.partners[id]; old != nil && old.Info != nil && old.Info.Logo != "" {
				removed["partners/"+id+"/"+old.Info.Logo] = true
			}
		}
		if err := sub(v.articles, partners, r.partnerPages); err != nil {
			return nil, err
		}

		// Dashboard pages: a partner's shows nothing but that partner. A
		// removed partner's page goes with it.
		var dashPartners []*project.Partner
		if r.info.Internal {
			for _, pa := range v.partners {
				if d.changedPartners[pa.ID] {
					dashPartners = append(dashPartners, pa)
				}
			}
			for id := range d.changedPartners {
				removed[pageName(dashboardPath(id))] = true
			}
		}

		// The KB: sections listing a changed article, collections of a
		// changed partner, the home and the partner index.
		n.kbPages = o.kbPages
		if len(d.metaChanged) > 0 || partnersChanged {
			want := map[string]bool{"kb/index.html": true, "kb/partners/index.html": true}
			for _, a := range d.metaChanged {
				for _, name := range sectionPages(a) {
					want[name] = true
				}
			}
			for id := range d.changedPartners {
				want["kb/partners/"+id+"/index.html"] = true
			}
			if err := kb(want); err != nil {
				return nil, err
			}
			for name := range o.kbPages {
				if !n.kbPages[name] {
					removed[name] = true
				}
			}
		}

		var steps []func() error
		if partnersChanged {
			steps = append(steps, r.listing, r.apiPartners)
		}
		if len(d.metaChanged) > 0 {
			steps = append(steps, r.feed, r.apiArticles)
		}
		// The dashboard shows partners and how many articles of each kind
		// they have, not the articles' titles or dates; the calendar only
		// partners' deadlines.
		if r.info.Internal && (partnersChanged || d.docsChanged) {
			steps = append(steps, r.dashboard, r.calendar)
		}
		if len(dashPartners) > 0 {
			steps = append(steps, func() error { return r.dashboardPages(dashPartners) })
		}
		// These write disjoint files and only read the project: side by
		// side, so the dashboard of a partner edit does not wait for the
		// listing, nor the listing for it.
		errs := make([]error, len(steps))
		parallel(len(steps), func(i int) { errs[i] = steps[i]() })
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}

		// Assets: drop those no longer used, copy new and rewritten ones.
		if err := c.assets(r, o, removed); err != nil {
			return nil, err
		}
		if c.Static {
			for _, name := range o.files.names("assets/") {
				removed[name] = true
			}
			if err := r.static(); err != nil {
				return nil, err
			}
		}

		for name := range removed {
			if _, ok := r.files[name]; !ok {
				if _, was := o.files.Get(name); was {
					changed = append(changed, name)
					moved = moved || strings.HasSuffix(name, "index.html")
				}
			}
		}
		for name, data := range r.files {
			old, was := o.files.Get(name)
			if !was || !sameBytes(old, data) {
				changed = append(changed, name)
				moved = moved || !was && strings.HasSuffix(name, "index.html")
			}
		}
		tree = o.files.with(r.files, removed)
	}

	searchStale := full || o.searchStale || len(rendered) > 0 || len(d.changedPartners) > 0 || len(d.metaChanged) > 0
	inline := searchStale && !c.DeferSearch
	if inline {
		if !full {
			r.files = tree.Files()
		}
		r.bodies = n.allBodies(v)
		dropSearch(r.files)
		if err := r.searchIndex(); err != nil {
			return nil, err
		}
		searchStale = false
	}
	if full {
		if c.aud == Public {
			if err := r.sitemap(); err != nil {
				return nil, err
			}
		}
		tree = NewTree(r.files)
		changed = changedFiles(o, r.files)
	} else {
		if inline {
			tree = NewTree(r.files)
			for name, data := range r.files {
				if old, _ := o.files.Get(name); strings.HasPrefix(name, "search/") && !sameBytes(old, data) {
					changed = append(changed, name)
				}
			}
			for _, name := range o.files.names("search/") {
				if _, ok := r.files[name]; !ok {
					changed = append(changed, name)
				}
			}
		}
		if moved && c.aud == Public {
			// The sitemap lists every page, so it comes last.
			r.files = tree.Files()
			if err := r.sitemap(); err != nil {
				return nil, err
			}
			tree = NewTree(r.files)
			if old, _ := o.files.Get("sitemap.xml"); !bytes.Equal(old, r.files["sitemap.xml"]) {
				changed = append(changed, "sitemap.xml")
			}
		}
		slices.Sort(changed)
		changed = slices.Compact(changed)
	}
	ch.Changed = changed
	if searchStale {
		base := tree
		// The bodies as of this build: the map changes with the next.
		bodies := make([]renderedArticle, len(v.articles))
		for i, a := range v.articles {
			bodies[i] = n.bodies[a.Path].out
		}
		ch.Search = func() (*Tree, error) {
			sr := c.b.newRun(p, c.aud, v)
			sr.bodies = make(map[string]renderedArticle, len(v.articles))
			for i, a := range v.articles {
				sr.bodies[a.Path] = bodies[i]
			}
			if err := sr.searchIndex(); err != nil {
				return nil, err
			}
			gone := map[string]bool{}
			for _, name := range base.names("search/") {
				gone[name] = true
			}
			return base.with(sr.files, gone), nil
		}
	}
	n.searchStale = searchStale
	n.api = r.api
	n.tops, n.groups = r.tops, r.groups
	if r.groupsNow != nil {
		n.groups = r.groupsNow
	}
	if r.topsNow != nil {
		n.tops = r.topsNow
	}
	n.shown = r.shown
	if r.shownNow != nil {
		// A page this build did not look at keeps its file, so what the
		// last build showed on it still holds: without it, an article
		// edit (which redraws the KB home, not the dashboard) would make
		// the next partner edit redraw an unchanged dashboard.
		for name, data := range r.shown {
			if _, ok := r.shownNow[name]; !ok {
				r.shownNow[name] = data
			}
		}
		n.shown = r.shownNow
	}
	n.files = tree
	ch.Files = tree
	c.last, c.carry, c.Static = n, nil, false
	return ch, nil
}

// allBodies maps every article of the view to its rendered body.
func (n *built) allBodies(v *view) map[string]renderedArticle {
	m := make(map[string]renderedArticle, len(v.articles))
	for _, a := range v.articles {
		m[a.Path] = n.bodies[a.Path].out
	}
	return m
}

// delta is what changed between two builds.
type delta struct {
	pairs       []pair             // articles of both builds whose value changed
	added       []*project.Article // new on the site
	removed     []*project.Article // old values no longer on the site
	metaChanged []*project.Article // old and new values whose listing data changed
	// docsChanged is set when a partner's count of public or internal
	// articles may have changed (the dashboard's documentation checks).
	docsChanged     bool
	changedPartners map[string]bool
}

type pair struct{ old, new *project.Article }

// diff compares two builds' articles (both sorted by path) and partners.
func diff(o, n *built) delta {
	d := delta{changedPartners: map[string]bool{}}
	olds, news := o.v.articles, n.v.articles
	i, j := 0, 0
	for i < len(olds) || j < len(news) {
		switch {
		case j == len(news) || (i < len(olds) && olds[i].Path < news[j].Path):
			d.removed = append(d.removed, olds[i])
			d.metaChanged = append(d.metaChanged, olds[i])
			d.docsChanged = true
			i++
		case i == len(olds) || news[j].Path < olds[i].Path:
			d.added = append(d.added, news[j])
			d.metaChanged = append(d.metaChanged, news[j])
			d.docsChanged = true
			j++
		default:
			if olds[i] != news[j] {
				d.pairs = append(d.pairs, pair{olds[i], news[j]})
				if metaOf(olds[i]) != metaOf(news[j]) {
					d.metaChanged = append(d.metaChanged, olds[i], news[j])
					if olds[i].PartnerID != news[j].PartnerID || olds[i].Internal() != news[j].Internal() {
						d.docsChanged = true
					}
				}
			}
			i++
			j++
		}
	}
	// A partner changed when its files did (the standing follows from the
	// ledger and the rules, which are the same or this is a full build).
	for id, pa := range n.partners {
		if old := o.partners[id]; old == nil || old.Dir != pa.Dir || old.Info != pa.Info || old.Ledger != pa.Ledger {
			d.changedPartners[id] = true
		}
	}
	for id := range o.partners {
		if n.partners[id] == nil {
			d.changedPartners[id] = true
		}
	}
	return d
}

// artMeta is what pages other than its own show of an article.
type artMeta struct {
	Path, URL, Title, Summary, Author, DateText, PartnerID, Section, Audience string
	Date                                                                      int64
	Sticky                                                                    bool
}

func metaOf(a *project.Article) artMeta {
	return artMeta{Path: a.Path, URL: a.URL, Title: a.Title, Summary: a.Summary, Author: a.Author, DateText: a.DateText,
		PartnerID: a.PartnerID, Section: a.Section, Audience: a.Audience, Date: a.Date.Unix(), Sticky: a.Sticky}
}

// sectionPages names the KB section pages that list a, as kb makes them.
func sectionPages(a *project.Article) []string {
	if a.PartnerID != "" {
		return []string{"kb/partners/" + a.PartnerID + "/index.html"}
	}
	var out []string
	for _, l := range sectionLevels(a) {
		out = append(out, pageName(l.URL))
	}
	return out
}

func pageName(u string) string {
	name := strings.TrimPrefix(u, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	return name
}

// assetsOf lists the assets a's links resolve to; nil for no article.
func assetsOf(p *project.Project, a *project.Article) []string {
	if a == nil {
		return nil
	}
	var out []string
	for _, ref := range a.Scan.Refs {
		if t := p.Resolve(a, ref.Dest); t.Kind == project.ToAsset {
			out = append(out, t.Asset.Path)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// assets brings the published assets up to date: the view's list may have
// changed, and so may the files (a new value means the file was read
// again). Names no longer published go into removed.
func (c *Incremental) assets(r *run, o *built, removed map[string]bool) error {
	// A file read again is a new value; the lists are sorted by path.
	rewritten := map[string]bool{}
	olds, news := o.p.Repo.Assets, r.p.Repo.Assets
	for i, j := 0, 0; j < len(news); j++ {
		for i < len(olds) && olds[i].Path < news[j].Path {
			i++
		}
		if i == len(olds) || olds[i] != news[j] {
			rewritten[news[j].Path] = true
		}
	}
	if len(rewritten) == 0 && sameAssets(r.v.assets, o.v.assets) {
		return nil
	}
	oldAssets := map[string]bool{}
	for _, as := range o.v.assets {
		oldAssets[as.Path] = true
	}
	now := map[string]bool{}
	var todo []*load.Asset
	for _, as := range r.v.assets {
		now[as.Path] = true
		if !oldAssets[as.Path] || rewritten[as.Path] {
			todo = append(todo, as)
		}
	}
	for pth := range oldAssets {
		if !now[pth] {
			removed[assetName(pth)] = true
		}
	}
	if len(todo) == 0 {
		return nil
	}
	s := *r.v
	s.assets = todo
	v := r.v
	r.v = &s
	defer func() { r.v = v }()
	return r.assets()
}

func sameAssets(a, b []*load.Asset) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// bodies brings n.bodies up to date, rendering the articles whose last
// body cannot be used, and returns those. When no link can resolve
// differently only the changed articles need a look; otherwise every
// body is checked link by link.
func (c *Incremental) bodies(r *run, o, n *built, links bool, d delta) ([]*project.Article, error) {
	var todo []*project.Article
	if links {
		for _, pr := range d.pairs {
			todo = append(todo, pr.new)
		}
		todo = append(todo, d.added...)
		// The map passes from build to build, changed in place: no
		// reader keeps it (allBodies copies out what a search needs).
		n.bodies = o.bodies
		for _, a := range d.removed {
			delete(n.bodies, a.Path)
		}
	} else {
		if o == nil {
			o = c.carry
		}
		n.bodies = make(map[string]*cachedBody, len(r.v.articles))
		for _, a := range r.v.articles {
			if o != nil {
				if cb := o.bodies[a.Path]; cb != nil && cb.art == a && resolvesAsBefore(r, cb) {
					n.bodies[a.Path] = cb
					continue
				}
			}
			todo = append(todo, a)
		}
	}
	out := make([]*cachedBody, len(todo))
	errs := make([]error, len(todo))
	parallel(len(todo), func(i int) { out[i], errs[i] = render(r, todo[i]) })
	for i, a := range todo {
		if errs[i] != nil {
			return nil, errs[i]
		}
		n.bodies[a.Path] = out[i]
	}
	return todo, nil
}

// render renders one article as renderArticles does, recording how each
// link resolved.
func render(r *run, a *project.Article) (*cachedBody, error) {
	var key memo.Key
	if r.b.opts.Bodies != nil {
		key = bodyKey(r, a)
		if cb, ok := cachedRender(r, a, key); ok {
			return cb, nil
		}
	}
	cb := &cachedBody{art: a}
	res, err := r.b.md.Render(a.Text(), markdown.RenderOptions{
		ContentIsHTML: a.ContentIsHTML,
		Resolve: func(dest string, image bool) (string, bool) {
			out, keep := r.resolve(a, dest)
			cb.resolved = append(cb.resolved, LinkMemo{Dest: dest, Out: out, Keep: keep})
			return out, keep
		},
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", a.Path, err)
	}
	text := plainText(res.HTML)
	cb.out = renderedArticle{html: template.HTML(res.HTML), headings: res.Headings,
		summary: summarize(text, 160), analysis: r.b.words.Analyze(text)}
	if r.b.opts.Bodies != nil {
		remember(r, key, cb)
	}
	return cb, nil
}

func resolvesAsBefore(r *run, cb *cachedBody) bool {
	for _, l := range cb.resolved {
		if out, keep := r.resolve(cb.art, l.Dest); out != l.Out || keep != l.Keep {
			return false
		}
	}
	return true
}

// sameLinks reports whether every link resolves on n's site as on o's:
// resolving depends only on the paths, URLs and partners of all articles,
// which of them the site shows, the assets and the legacy KB prefixes.
// Unchanged articles are the same values, so this is mostly a walk
// comparing pointers.
func sameLinks(o, n *built) bool {
	op, np := o.p, n.p
	if len(op.Articles) != len(np.Articles) || len(o.v.articles) != len(n.v.articles) ||
		!slices.Equal(op.Rules.LegacyKBURLs, np.Rules.LegacyKBURLs) || len(op.Repo.Assets) != len(np.Repo.Assets) {
		return false
	}
	for i, a := range np.Articles {
		if b := op.Articles[i]; a != b && (a.Path != b.Path || a.URL != b.URL || a.PartnerID != b.PartnerID) {
			return false
		}
	}
	for i, a := range n.v.articles {
		if b := o.v.articles[i]; a != b && a.Path != b.Path {
			return false
		}
	}
	if op.Repo != np.Repo {
		for i, as := range np.Repo.Assets {
			if op.Repo.Assets[i].Path != as.Path {
				return false
			}
		}
	}
	return true
}

// changedFiles lists the files that differ from the last build.
func changedFiles(o *built, files publish.Files) []string {
	var changed []string
	var before *Tree
	if o != nil {
		before = o.files
	}
	for name, data := range files {
		if old, ok := before.Get(name); !ok || !sameBytes(old, data) {
			changed = append(changed, name)
		}
	}
	if before != nil {
		for _, name := range before.names("") {
			if _, ok := files[name]; !ok {
				changed = append(changed, name)
			}
		}
	}
	slices.Sort(changed)
	return changed
}

func sameBytes(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || unsafe.SliceData(a) == unsafe.SliceData(b) || bytes.Equal(a, b)
}

func dropSearch(files publish.Files) {
	for name := range files {
		if strings.HasPrefix(name, "search/") {
			delete(files, name)
		}
	}
}

func assetName(p string) string {
	name, _ := url.PathUnescape(strings.TrimPrefix(project.AssetURL(p), "/"))
	return name
}

// parallel runs f(0..n-1) on all cores.
func parallel(n int, f func(int)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(n, max(1, runtime.GOMAXPROCS(0))) {
		wg.Go(func() {
			for i := range work {
				f(i)
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
}
