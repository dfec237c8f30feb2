package site

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/marketplace-program/marketplace/internal/markdown"
	"github.com/marketplace-program/marketplace/internal/project"
)

// all renders every file of the site.
func (r *run) all() error {
	if err := r.renderArticles(); err != nil {
		return err
	}
	return r.pagesAndIndex()
}

// pagesAndIndex makes every file of the site from the rendered bodies.
func (r *run) pagesAndIndex() error {
	// The steps write disjoint files and only read the project, so they
	// run side by side; the sitemap lists the pages the others made.
	steps := append([]func() error{r.searchIndex}, r.pageSteps(r.kb)...)
	errs := make([]error, len(steps))
	parallel(len(steps), func(i int) { errs[i] = steps[i]() })
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := r.sitemap(); err != nil {
		return err
	}
	return r.sinkErr
}

// pageSteps are the steps that make every file of the site but the
// search index and the sitemap, with kb making the KB pages.
func (r *run) pageSteps(kb func() error) []func() error {
	assets := r.assets
	if c := r.assetsCopied; c != nil {
		assets = func() error { return <-c }
	}
	steps := []func() error{
		r.listing, r.partnerPages, kb, r.notFound, r.static,
		assets, r.feed, r.apiPartners, r.apiArticles, r.robots,
	}
	if !r.articlesDone {
		steps = append(steps, r.articlePages)
	}
	if r.info.Internal {
		steps = append(steps, r.dashboard, func() error { return r.dashboardPages(r.v.partners) }, r.calendar)
	}
	return steps
}

// renderArticles renders every article of the view on all cores with the
// one shared Markdown engine (a site built on its own; BuildBothTo renders
// both sites' with articlesBoth).
func (r *run) renderArticles() error {
	arts := r.v.articles
	out := make([]*cachedBody, len(arts))
	errs := make([]error, len(arts))
	parallel(len(arts), func(i int) { out[i], errs[i] = render(r, arts[i]) })
	if err := errors.Join(errs...); err != nil {
		return err
	}
	r.bodies = make(map[string]renderedArticle, len(arts))
	for i, a := range arts {
		r.bodies[a.Path] = out[i].out
	}
	return nil
}

// articlesBoth renders the bodies of both sites' articles and writes each
// article's pages as soon as its bodies are rendered, keeping of a body
// only what the other pages need (its summary and search analysis). A body
// is rendered once for both sites where every link resolves the same on
// both. Held until every page was made, the bodies' HTML was most of a
// large build's live memory. With drop, each article's text goes once its
// bodies are rendered.
func articlesBoth(in, pub *run, drop bool) error {
	arts := in.v.articles
	inOut := make([]renderedArticle, len(arts))
	pubOut := make([]*renderedArticle, len(arts))
	errs := make([]error, len(arts))
	parallel(len(arts), func(i int) {
		a := arts[i]
		cb, err := render(in, a)
		if err == nil {
			err = in.articlePage(a, cb.out)
		}
		if err == nil && pub.v.hasArticle(a) {
			pb := cb
			if !resolvesAsBefore(pub, cb) {
				pb, err = render(pub, a)
			}
			if err == nil {
				err = pub.articlePage(a, pb.out)
				pubOut[i] = &renderedArticle{summary: pb.out.summary, analysis: pb.out.analysis}
			}
		}
		if err != nil {
			errs[i] = err
			return
		}
		inOut[i] = renderedArticle{summary: cb.out.summary, analysis: cb.out.analysis}
		if drop {
			a.DropText()
		}
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	in.bodies = make(map[string]renderedArticle, len(arts))
	pub.bodies = make(map[string]renderedArticle, len(pub.v.articles))
	for i, a := range arts {
		in.bodies[a.Path] = inOut[i]
		if pubOut[i] != nil {
			pub.bodies[a.Path] = *pubOut[i]
		}
	}
	if len(pub.bodies) != len(pub.v.articles) {
		return fmt.Errorf("site: %d public articles are not on the internal site", len(pub.v.articles)-len(pub.bodies))
	}
	in.articlesDone, pub.articlesDone = true, true
	return nil
}

// resolve rewrites a link of article a for this site. A link to something
// the site does not contain (an internal article, on the public site) is
// dropped rather than published as a dead link that names the page.
func (r *run) resolve(a *project.Article, dest string) (string, bool) {
	t := r.p.Resolve(a, dest)
	switch t.Kind {
	case project.ToArticle:
		if !r.v.hasArticle(t.Article) {
			return "", false
		}
		return r.url(t.URL), true
	case project.ToAsset:
		return r.url(t.URL), true
	case project.ToSection:
		return r.url(t.URL), true
	}
	return dest, true
}

func (r *run) card(pa *project.Partner) PartnerCard {
	info := pa.Info
	c := PartnerCard{ID: pa.ID, Name: pa.ID, URL: r.url("/partners/" + pa.ID + "/"), Points: pa.Standing.Points, Status: pa.Standing.Status}
	if info != nil {
		c.Name, c.Summary, c.Delivery, c.Pricing = info.Name, info.Summary, info.Delivery, info.Pricing
		if info.Logo != "" {
			c.LogoURL = r.url("/partners/" + pa.ID + "/" + info.Logo)
		}
		for _, id := range info.Categories {
			cat := Category{ID: id, Name: id}
			if rc, ok := r.p.Rules.Category(id); ok {
				cat.Name = rc.Name
			}
			c.Categories = append(c.Categories, cat)
		}
	}
	if t, ok := r.p.Rules.Tier(pa.Standing.Tier); ok {
		c.Tier = TierBadge{ID: t.ID, Name: t.Name, Preferred: t.Preferred}
	}
	return c
}

func (r *run) listing() error {
	l := &Listing{}
	counts := map[string]int{}
	deliveries := map[string]bool{}
	for _, pa := range r.v.partners {
		if !pa.Listed() {
			continue
		}
		c := r.card(pa)
		if c.Tier.Preferred {
			l.Preferred = append(l.Preferred, c)
		} else {
			l.Others = append(l.Others, c)
		}
		for _, cat := range c.Categories {
			counts[cat.ID]++
		}
		if c.Delivery != "" {
			deliveries[c.Delivery] = true
		}
	}
	// Preferred placement: the higher tier first, then more points.
	tierRank := map[string]int{}
	for i, t := range r.p.Rules.Tiers {
		tierRank[t.ID] = i
	}
	slices.SortStableFunc(l.Preferred, func(a, b PartnerCard) int {
		return cmp.Or(tierRank[b.Tier.ID]-tierRank[a.Tier.ID], b.Points-a.Points, strings.Compare(a.Name, b.Name))
	})
	slices.SortStableFunc(l.Others, func(a, b PartnerCard) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	for _, c := range r.p.Rules.Categories {
		if counts[c.ID] > 0 {
			l.Categories = append(l.Categories, Category{ID: c.ID, Name: c.Name, Count: counts[c.ID]})
		}
	}
	for i := len(r.p.Rules.Tiers) - 1; i >= 0; i-- {
		t := r.p.Rules.Tiers[i]
		l.Tiers = append(l.Tiers, TierBadge{ID: t.ID, Name: t.Name, Preferred: t.Preferred})
	}
	for _, d := range []string{"software", "saas"} {
		if deliveries[d] {
			l.Deliveries = append(l.Deliveries, d)
		}
	}
	l.Total = len(l.Preferred) + len(l.Others)
	return r.page(&Page{Kind: "listing", Title: r.info.Name, Path: "/",
		Description: "Certified partner technologies you can deploy on the cloud, with guides in the knowledge base.",
		Listing:     l})
}

func (r *run) articleLink(a *project.Article) ArticleLink {
	return ArticleLink{Title: a.Title, URL: r.url(a.URL), Summary: a.Summary, Date: a.Date, Sticky: a.Sticky, Internal: a.Internal()}
}

func (r *run) supportCard(pa *project.Partner) SupportCard {
	sc := SupportCard{PartnerName: pa.ID, PartnerURL: r.url("/partners/" + pa.ID + "/")}
	if pa.Info != nil {
		sc.PartnerName = pa.Info.Name
		sc.Support = pa.Info.Support
		if r.info.Internal {
			e := pa.Info.Escalation
			sc.Escalation = &e
		}
	}
	if r.info.Internal {
		sc.SupportTier = "developer"
		if pa.Ledger != nil && pa.Ledger.SupportTier != "" {
			sc.SupportTier = pa.Ledger.SupportTier
		}
	}
	return sc
}

// partnerPages renders a page for every listed partner; the internal site
// also has pages for partners not listed (candidates, withdrawn), since
// support may still be asked about them.
func (r *run) partnerPages() error {
	for _, pa := range r.v.partners {
		if !pa.Listed() && !r.info.Internal {
			continue
		}
		if pa.Info == nil {
			continue
		}
		pp := &PartnerPage{Card: r.card(pa), Website: pa.Info.Website, Support: r.supportCard(pa)}
		if pa.Info.Description != "" {
			res, err := r.b.md.Render([]byte(pa.Info.Description), markdown.RenderOptions{})
			if err != nil {
				return err
			}
			pp.Description = template.HTML(res.HTML)
		}
		if t, ok := r.p.Rules.Tier(pa.Standing.Tier); ok && pa.Listed() {
			pp.Benefits = t.Benefits
		}
		for _, a := range r.v.partnerArticles[pa.ID] {
			pp.Articles = append(pp.Articles, r.articleLink(a))
		}
		sortArticles(pp.Articles)
		if pa.Info.Logo != "" && slices.Contains(pa.Dir.Files, pa.Info.Logo) {
			data, ok := r.v.logo(pa)
			if ok {
				r.put("partners/"+pa.ID+"/"+pa.Info.Logo, data)
			}
		}
		err := r.page(&Page{Kind: "partner", Title: pp.Card.Name, Path: "/partners/" + pa.ID + "/",
			Description: pp.Card.Summary, Partner: pp,
			Breadcrumb: []Link{{Title: "Marketplace", URL: r.url("/")}}})
		if err != nil {
			return err
		}
	}
	return nil
}

// kb renders the KB home, every section page (one per folder level) and
// every partner collection.
func (r *run) kb() error {
	sections := r.kbSections()
	urls := make([]string, 0, len(sections))
	for u := range sections {
		urls = append(urls, u)
	}
	slices.Sort(urls)
	home := &KBHome{}
	var partnersSection []ArticleLink
	for _, u := range urls {
		s := sections[u]
		// A section page a preview rebuild does not redraw needs no
		// work unless the KB home summarizes it.
		onHome := s.partner != nil || strings.Count(u, "/") == 3
		wanted := u == partnersURL || r.want == nil || r.want(pageName(u))
		if !wanted && !onHome {
			continue
		}
		sp := &SectionPage{Name: s.name}
		if t, ok := r.tops[u]; ok && !wanted && t.partner == s.partner && slices.Equal(t.arts, s.articles) {
			// The home's five of a section whose articles are the same
			// values as last time: a preview rebuild would otherwise
			// pick them again from every article of the KB.
			sp.Articles = t.top
		} else {
			for _, a := range s.articles {
				sp.Articles = append(sp.Articles, r.articleLink(a))
			}
			if wanted {
				sortArticles(sp.Articles)
			} else {
				// Only the KB home's top five are shown.
				sp.Articles = firstArticles(sp.Articles, 5)
			}
		}
		if onHome {
			if r.topsNow == nil {
				r.topsNow = map[string]sectionTop{}
			}
			r.topsNow[u] = sectionTop{arts: s.articles, partner: s.partner, top: sp.Articles[:min(5, len(sp.Articles)):min(5, len(sp.Articles))]}
		}
		crumbs := []Link{{Title: "Knowledge base", URL: r.url("/kb/")}}
		if s.partner != nil {
			c := r.card(s.partner)
			sp.Partner = &c
		} else {
			crumbs = append(crumbs, r.parentCrumbs(u, sections)...)
		}
		sum := SectionSummary{Name: s.name, URL: r.url(u), Count: len(s.articles), Top: sp.Articles[:min(5, len(sp.Articles))]}
		switch {
		case s.partner != nil:
			home.Partners = append(home.Partners, sum)
		case strings.Count(u, "/") == 3: // top-level /kb/<section>/
			home.Sections = append(home.Sections, sum)
		}
		if u == partnersURL {
			// A program-wide section named like the partner collections
			// (the corpus has "Partners") shares their page, below.
			partnersSection = sp.Articles
			continue
		}
		if !wanted {
			continue
		}
		if err := r.exec(pageName(u), &Page{Kind: "section", Title: s.name, Path: u, Section: sp, Breadcrumb: crumbs,
			Description: fmt.Sprintf("%d knowledge-base articles: %s", len(sp.Articles), s.name)}); err != nil {
			return err
		}
	}
	slices.SortFunc(home.Partners, func(a, b SectionSummary) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	slices.SortFunc(home.Sections, func(a, b SectionSummary) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	for _, a := range newest(r.v.articles, 8) {
		home.Recent = append(home.Recent, r.articleLink(a))
	}
	if err := r.pageIfChanged(&Page{Kind: "kb", Title: "Knowledge base", Path: "/kb/", KB: home,
		Description: "Guides for deploying and supporting marketplace technologies."}, home); err != nil {
		return err
	}
	// /kb/partners/ lists the partner collections, then the articles of
	// a program-wide section at that address.
	sp := &SectionPage{Name: "Partner guides"}
	for _, s := range home.Partners {
		sp.Articles = append(sp.Articles, ArticleLink{Title: s.Name, URL: s.URL, Summary: fmt.Sprintf("%d articles", s.Count)})
	}
	sp.Articles = append(sp.Articles, partnersSection...)
	return r.pageIfChanged(&Page{Kind: "section", Title: "Partner guides", Path: partnersURL, Section: sp,
		Breadcrumb: []Link{{Title: "Knowledge base", URL: r.url("/kb/")}}}, sp)
}

// pageIfChanged executes p unless data, everything p shows beyond the
// site's fixed parts, equals what the last build of an Incremental showed
// on that page: its file is then kept as it is. The KB home and partner
// index summarize every section, yet most edits change neither.
func (r *run) pageIfChanged(p *Page, data any) error {
	name := pageName(p.Path)
	r.mu.Lock()
	if r.shownNow == nil {
		r.shownNow = map[string]any{}
	}
	r.shownNow[name] = data
	prev, ok := r.shown[name]
	r.mu.Unlock()
	if ok && r.keep != nil && reflect.DeepEqual(prev, data) {
		r.keep(name)
		return nil
	}
	return r.page(p)
}

// newest returns the n articles with the latest dates, latest first, ties
// by path.
func newest(arts []*project.Article, n int) []*project.Article {
	return firstN(arts, n, func(a, b *project.Article) int {
		return cmp.Or(b.Date.Compare(a.Date), strings.Compare(a.Path, b.Path))
	})
}

// firstN returns the n smallest elements of s by cmp, in order, as a
// stable sort would put them first: one pass, where sorting all of a KB
// for a page's few entries cost a preview rebuild milliseconds.
func firstN[T any](s []T, n int, cmp func(a, b T) int) []T {
	if n <= 0 {
		return nil
	}
	top := make([]T, 0, n+1)
	for _, x := range s {
		if len(top) == n && cmp(x, top[n-1]) >= 0 {
			continue
		}
		// After the equal ones already in: stable.
		i, _ := slices.BinarySearchFunc(top, x, func(e, t T) int {
			if cmp(e, t) <= 0 {
				return -1
			}
			return 1
		})
		top = slices.Insert(top, i, x)
		if len(top) > n {
			top = top[:n]
		}
	}
	return top
}

// sectionLevels lists the KB sections a program-wide article is in,
// outermost first: every folder level is a section named as the folder,
// at a path made of the folders' slugs.
func sectionLevels(a *project.Article) []Link {
	var out []Link
	u := "/kb/"
	for _, seg := range strings.Split(strings.TrimPrefix(path.Dir(a.Path), "content/"), "/") {
		if seg == "." || seg == "" {
			continue
		}
		u += project.Slug(seg) + "/"
		out = append(out, Link{Title: seg, URL: u})
	}
	return out
}

// partnersURL is the KB page of the partner collections.
const partnersURL = "/kb/partners/"

// kbSections groups the view's articles by KB section: a partner's
// collection, or every folder level of a program-wide article. Which
// article goes where depends on its path only, so while the view lists
// the same paths in the same order, the grouping of the last build of an
// Incremental is reused with this build's values.
func (r *run) kbSections() map[string]*kbSection {
	arts := r.v.articles
	g := r.groups
	same := g != nil && len(g.paths) == len(arts)
	for i := 0; same && i < len(arts); i++ {
		same = g.paths[i] == arts[i].Path
	}
	if !same {
		g = &kbGroups{paths: make([]string, len(arts)), secs: map[string]*kbGroup{}}
		for i, a := range arts {
			g.paths[i] = a.Path
			if a.PartnerID != "" {
				u := "/kb/partners/" + a.PartnerID + "/"
				sg := g.secs[u]
				if sg == nil {
					sg = &kbGroup{partnerID: a.PartnerID}
					g.secs[u] = sg
				}
				sg.idx = append(sg.idx, i)
				continue
			}
			for _, l := range sectionLevels(a) {
				sg := g.secs[l.URL]
				if sg == nil {
					sg = &kbGroup{name: l.Title}
					g.secs[l.URL] = sg
				}
				sg.idx = append(sg.idx, i)
			}
		}
	}
	r.groupsNow = g
	sections := make(map[string]*kbSection, len(g.secs))
	for u, sg := range g.secs {
		s := &kbSection{url: u, name: sg.name, articles: make([]*project.Article, len(sg.idx))}
		for j, i := range sg.idx {
			s.articles[j] = arts[i]
		}
		if sg.partnerID != "" {
			s.name = sg.partnerID
			if pa, ok := r.p.Partner(sg.partnerID); ok {
				s.partner = pa
				if pa.Info != nil {
					s.name = pa.Info.Name
				}
			}
		}
		sections[u] = s
	}
	return sections
}

// kbGroups is kbSections' grouping: the article paths it was made from,
// and by section URL the indexes of its articles in that list.
type kbGroups struct {
	paths []string
	secs  map[string]*kbGroup
}

type kbGroup struct {
	name      string // folder name; "" for a partner's collection
	partnerID string
	idx       []int
}

type kbSection struct {
	name     string
	url      string
	articles []*project.Article
	partner  *project.Partner
}

// parentCrumbs lists the section pages above u (not u itself).
func (r *run) parentCrumbs(u string, sections map[string]*kbSection) []Link {
	var out []Link
	for i := len("/kb/"); i < len(u)-1; i++ {
		if u[i] == '/' {
			if s := sections[u[:i+1]]; s != nil {
				out = append(out, Link{Title: s.name, URL: r.url(s.url)})
			}
		}
	}
	return out
}

func (r *run) articlePages() error {
	errs := make([]error, len(r.v.articles))
	parallel(len(r.v.articles), func(i int) { errs[i] = r.articlePage(r.v.articles[i], r.bodies[r.v.articles[i].Path]) })
	return errors.Join(errs...)
}

func (r *run) articlePage(a *project.Article, body renderedArticle) error {
	ap := &ArticlePage{Title: a.Title, Author: a.Author, Summary: a.Summary, Date: a.Date, Body: body.html,
		SourcePath: a.Path, Internal: a.Internal()}
	for _, h := range body.headings {
		if h.Level == 2 || h.Level == 3 {
			ap.TOC = append(ap.TOC, h)
		}
	}
	ap.TOCHTML = tocHTML(ap.TOC)
	if r.b.opts.RepoURL != "" {
		ap.EditURL = strings.TrimSuffix(r.b.opts.RepoURL, "/") + "/" + escapePath(a.Path)
	}
	if h := r.b.opts.History; h != nil {
		if created, updated, authors, ok := h.File(a.Path); ok {
			ap.Created, ap.Updated, ap.Authors = &created, &updated, authors
		}
	}
	crumbs := []Link{{Title: "Knowledge base", URL: r.url("/kb/")}}
	if pa, ok := r.p.Partner(a.PartnerID); ok && a.PartnerID != "" {
		c := r.card(pa)
		ap.Partner = &c
		ap.Section = Link{Title: c.Name, URL: r.url("/kb/partners/" + pa.ID + "/")}
		if a.Internal() && r.info.Internal {
			sc := r.supportCard(pa)
			ap.Support = &sc
		}
	} else {
		for _, l := range sectionLevels(a) {
			crumbs = append(crumbs, Link{Title: l.Title, URL: r.url(l.URL)})
		}
		if len(crumbs) > 1 {
			ap.Section = crumbs[1]
		}
	}
	if ap.Partner != nil {
		crumbs = append(crumbs, ap.Section)
	}
	desc := a.Summary
	if desc == "" {
		desc = body.summary
	}
	return r.page(&Page{Kind: "article", Title: a.Title, Path: a.URL, Article: ap, Breadcrumb: crumbs, Description: desc})
}

// toc fills ap.TOCHTML. The list is shown twice (inline on narrow
// screens, beside the article on wide ones); executed once, it costs half:
// range loops were a third of the time spent on article pages.
// tocHTML is the table of contents of headings: an ordered list of links,
// one per heading, with its level as a class. It is written here rather
// than by a template because it is the one part of an article page that
// varies in length, and executing a template range over the headings was
// a third of the time of executing the page. The escaping is
// html/template's for the same places (TestTOCHTMLAsTemplate holds the
// two to each other).
func tocHTML(headings []markdown.Heading) template.HTML {
	if len(headings) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<ol>")
	for _, h := range headings {
		b.WriteString("\n  <li class=\"toc-")
		b.WriteString(strconv.Itoa(h.Level))
		b.WriteString("\"><a href=\"#")
		writeFragment(&b, h.ID)
		b.WriteString("\">")
		tocText.WriteString(&b, h.Text)
		b.WriteString("</a></li>")
	}
	b.WriteString("\n</ol>")
	return template.HTML(b.String())
}

// tocText escapes text as html/template does in element content.
var tocText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// writeFragment writes id percent-encoded as html/template encodes a value
// after the "#" of a URL: every byte but ASCII letters, digits and -._~,
// in lowercase hex.
func writeFragment(b *strings.Builder, id string) {
	const hex = "0123456789abcdef"
	for i := 0; i < len(id); i++ {
		c := id[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
}

func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

func (r *run) notFound() error {
	return r.page(&Page{Kind: "notfound", Title: "Page not found", Path: "/404.html", NoIndex: true})
}

func (r *run) robots() error {
	body := "User-agent: *\nAllow: /\nSitemap: " + r.info.BaseURL + "sitemap.xml\n"
	if r.info.Internal {
		body = "User-agent: *\nDisallow: /\n"
	}
	r.put("robots.txt", []byte(body))
	return nil
}

func (r *run) apiPartners() error {
	type partner struct {
		ID         string   `json:"id"`
		Name       string   `json:"name"`
		Tier       *string  `json:"tier"`
		Points     int      `json:"points"`
		Categories []string `json:"categories"`
		Delivery   string   `json:"delivery"`
		URL        string   `json:"url"`
		LogoURL    string   `json:"logo_url,omitempty"`
		Website    string   `json:"website,omitempty"`
		Status     string   `json:"status,omitempty"`
	}
	doc := struct {
		Partners []partner `json:"partners"`
	}{Partners: []partner{}}
	for _, pa := range r.v.partners {
		if pa.Info == nil || (!pa.Listed() && !r.info.Internal) {
			continue
		}
		c := r.card(pa)
		p := partner{ID: pa.ID, Name: c.Name, Points: c.Points, Categories: []string{}, Delivery: c.Delivery,
			URL: r.abs(c.URL), Website: pa.Info.Website}
		if c.LogoURL != "" {
			p.LogoURL = r.abs(c.LogoURL)
		}
		if c.Tier.ID != "" {
			t := c.Tier.ID
			p.Tier = &t
		}
		for _, cat := range c.Categories {
			p.Categories = append(p.Categories, cat.ID)
		}
		if r.info.Internal {
			p.Status = pa.Standing.Status
		}
		doc.Partners = append(doc.Partners, p)
	}
	return r.json("api/partners.json", doc)
}

// apiArticles lists every article of this site. Dates come from Git history
// when known, else null (the history seam fills them).
//
// Each article's entry is encoded on its own and kept in r.api, so a
// preview rebuild encodes only the articles that changed; the file is the
// same bytes json.MarshalIndent makes of the whole list.
func (r *run) apiArticles() error {
	type article struct {
		Source  string   `json:"source"`
		URL     string   `json:"url"`
		Title   string   `json:"title"`
		Partner *string  `json:"partner"`
		Section *string  `json:"section"`
		Created *string  `json:"created"`
		Updated *string  `json:"updated"`
		Authors []string `json:"authors"`
	}
	next := make(map[*project.Article][]byte, len(r.v.articles))
	entries := make([][]byte, len(r.v.articles))
	size := 64
	for i, a := range r.v.articles {
		entry := r.api[a]
		if entry == nil {
			ar := article{Source: a.Path, URL: r.abs(r.url(a.URL)), Title: a.Title, Authors: []string{}}
			if a.PartnerID != "" {
				id := a.PartnerID
				ar.Partner = &id
			} else if a.Section != "" {
				s := a.Section
				ar.Section = &s
			}
			if h := r.b.opts.History; h != nil {
				if created, updated, authors, ok := h.File(a.Path); ok {
					c, u := created.Format("2006-01-02"), updated.Format("2006-01-02")
					ar.Created, ar.Updated, ar.Authors = &c, &u, authors
				}
			}
			var err error
			if entry, err = json.MarshalIndent(ar, "    ", "  "); err != nil {
				return err
			}
		}
		next[a] = entry
		entries[i] = entry
		size += len(entry) + 6
	}
	// Sized once: grown by doubling, the buffer copied megabytes on every
	// preview rebuild of a large site.
	b := bytes.NewBuffer(make([]byte, 0, size))
	b.WriteString("{\n  \"articles\": [")
	for i, entry := range entries {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    ")
		b.Write(entry)
	}
	if len(r.v.articles) > 0 {
		b.WriteString("\n  ")
	}
	b.WriteString("]\n}\n")
	r.api = next
	r.put("api/articles.json", b.Bytes())
	return nil
}

func (r *run) json(name string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	r.put(name, append(data, '\n'))
	return nil
}

// abs makes a site URL absolute when the base URL is known.
func (r *run) abs(u string) string {
	if r.info.BaseURL == "/" {
		return u
	}
	return strings.TrimSuffix(r.info.BaseURL, "/") + strings.TrimPrefix(u, r.info.BasePath)
}
