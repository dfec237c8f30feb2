package project

import (
	"cmp"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/marketplace-program/marketplace"
	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/load"
	"github.com/marketplace-program/marketplace/internal/markdown"
	"github.com/marketplace-program/marketplace/internal/schema"
)

// Incremental keeps a Project up to date with a root that changes, for
// serve: Update re-reads only the files named, reuses every decoded
// partner and article whose files did not change, and skips the
// cross-file checks of articles that cannot be affected. Each Project it
// returns is equal to what Open returns for the root as it then is (the
// tests hold it to that), and shares unchanged *Article and *Partner
// values with the one before, so a caller may compare pointers to find
// what changed.
//
// An Incremental is not safe for concurrent use; serve runs one build at a
// time.
type Incremental struct {
	fsys fs.FS
	opts Options
	v    *schema.Validator
	md   *markdown.Engine
	cur  *Project
	st   incState
}

// incState is what Open computes and throws away, kept per file so that
// unchanged files need not be judged again.
type incState struct {
	load     diag.List
	rules    diag.List
	partners map[string]diag.List // decode diagnostics by partner id
	articles map[string]diag.List // decode diagnostics by article path
	// partnerCross is checkPartners' output by partner id; articleCross
	// holds the article and link checks by article path, assetCross the
	// rest of them (unreferenced assets).
	partnerCross map[string]diag.List
	articleCross map[string]diag.List
	assetCross   diag.List
	// sorted is every article's diagnostics, decode and cross checks, in
	// diag.List.Sort's order.
	sorted diag.List
}

// NewIncremental prepares to open fsys; nothing is read until Update.
func NewIncremental(fsys fs.FS, opts Options) (*Incremental, error) {
	v := opts.Schemas
	if v == nil {
		var err error
		if v, err = schema.New(marketplace.Defaults); err != nil {
			return nil, err
		}
	}
	return &Incremental{fsys: fsys, opts: opts, v: v, md: opts.engine()}, nil
}

// Project returns the current project, nil before the first Update.
func (in *Incremental) Project() *Project { return in.cur }

// Update brings the project up to date after the given paths (slash
// paths relative to the root: files or folders created, written, renamed
// or removed) changed. The first call, or a call with all set (after the
// watcher lost events), reads the whole root.
func (in *Incremental) Update(changed []string, all bool) (*Project, error) {
	prev := in.cur
	var repo *load.Repo
	var ld diag.List
	lopts := load.Options{MaxFileSize: in.opts.MaxFileSize}
	if prev == nil || all {
		prev = nil
		repo, ld = load.Load(in.fsys, lopts)
	} else {
		repo, ld = load.Update(prev.Repo, in.st.load, in.fsys, changed, lopts)
	}
	p := &Project{FS: in.fsys, Repo: repo, AsOf: in.opts.AsOf, unparsed: map[string]bool{}}
	st := incState{load: ld, partners: map[string]diag.List{}, articles: map[string]diag.List{}}
	for _, d := range ld.Errors() {
		p.unparsed[d.File] = true
	}

	// Rules: the same file decodes to the same rules.
	rulesChanged := prev == nil || repo.Program != prev.Repo.Program
	if rulesChanged {
		tmp := Project{Repo: repo, unparsed: p.unparsed}
		rules, err := tmp.decodeRules(in.v)
		if err != nil {
			return nil, err
		}
		p.Rules, st.rules = rules, tmp.Diags
	} else {
		p.Rules, st.rules = prev.Rules, in.st.rules
	}

	// Articles first: partners list theirs. Both lists are sorted by
	// path, so the unchanged ones are found walking them side by side.
	p.Articles = make([]*Article, len(repo.Articles))
	var todo []int
	j := 0
	for i, la := range repo.Articles {
		if prev != nil {
			for j < len(prev.Articles) && prev.Articles[j].Path < la.Path {
				j++
			}
			if j < len(prev.Articles) && prev.Articles[j].Article == la {
				p.Articles[i] = prev.Articles[j]
				continue
			}
		}
		todo = append(todo, i)
	}
	results := make([]diag.List, len(todo))
	parallel(len(todo), func(k int) {
		i := todo[k]
		a := &Article{Article: repo.Articles[i]}
		_, read := repo.Sources[a.Path]
		results[k] = decodeArticle(in.v, in.md, nil, a, read)
		p.Articles[i] = a
	})
	// Only articles with diagnostics have an entry: most have none.
	if prev != nil {
		st.articles = maps.Clone(in.st.articles)
		for path := range st.articles {
			if !p.hasArticle(path) {
				delete(st.articles, path)
			}
		}
	}
	for k, i := range todo {
		setList(st.articles, p.Articles[i].Path, results[k])
	}
	articlesOf := in.groupArticles(prev, p, todo)

	// Partners: reuse the decoded files when neither they nor the rules
	// changed, and the whole value when its articles are the same too.
	p.Partners = make([]*Partner, len(repo.Partners))
	reused := make([]bool, len(repo.Partners)) // the very value of prev
	var redo []int
	for i, dir := range repo.Partners {
		var old *Partner
		if prev != nil && !rulesChanged {
			if pa, ok := prev.Partner(dir.ID); ok && pa.Dir == dir {
				old = pa
			}
		}
		if old == nil {
			p.Partners[i] = &Partner{ID: dir.ID, Dir: dir, Articles: articlesOf(dir.ID)}
			redo = append(redo, i)
			continue
		}
		st.partners[dir.ID] = in.st.partners[dir.ID]
		arts := articlesOf(dir.ID)
		if slices.Equal(old.Articles, arts) {
			p.Partners[i], reused[i] = old, true
			continue
		}
		pa := *old
		pa.Articles = arts
		p.Partners[i] = &pa
	}
	presults := make([]diag.List, len(redo))
	parallel(len(redo), func(k int) { presults[k] = p.decodePartner(in.v, p.Partners[redo[k]]) })
	for k, i := range redo {
		st.partners[p.Partners[i].ID] = presults[k]
	}

	// What CODEOWNERS' check reads of the diagnostics so far (whether
	// program.yaml has errors); the articles' come later, sorted apart.
	p.Diags.Append(ld)
	p.Diags.Append(st.rules)
	for _, pa := range p.Partners {
		p.Diags.Append(st.partners[pa.ID])
	}

	// A partner value reused from prev under the same rules gets the
	// same verdict: only the partners of changed files or articles are
	// checked again.
	st.partnerCross = make(map[string]diag.List, len(p.Partners))
	var partnerCross diag.List
	for i, pa := range p.Partners {
		l := in.st.partnerCross[pa.ID]
		if !reused[i] {
			l = checkPartner(p, pa)
		}
		if l != nil {
			st.partnerCross[pa.ID] = l
		}
		partnerCross.Append(l)
	}
	hot := prev != nil && !rulesChanged && in.linksUnchanged(prev, p)
	if hot {
		in.recheck(prev, p, &st)
	} else {
		p.indexLinks()
		st.articleCross = map[string]diag.List{}
		isArticle := make(map[string]bool, len(p.Articles))
		for _, a := range p.Articles {
			isArticle[a.Path] = true
		}
		cross := checkArticles(p)
		cross.Append(checkLinks(p))
		for _, d := range cross {
			if isArticle[d.File] {
				st.articleCross[d.File] = append(st.articleCross[d.File], d)
			} else {
				st.assetCross = append(st.assetCross, d)
			}
		}
	}
	p.Diags.Append(partnerCross)
	p.Diags.Append(st.assetCross)
	p.Diags.Append(checkCodeOwners(p))
	p.Diags.Sort()

	// The articles' diagnostics are most of them (a warning per article
	// with raw HTML): kept sorted from one update to the next, only the
	// changed articles' are sorted in.
	if hot {
		changed := map[string]bool{}
		for _, i := range todo {
			changed[p.Articles[i].Path] = true
		}
		// (The hot path has the same articles: none was removed.)
		var fresh diag.List
		for path := range changed {
			fresh.Append(st.articles[path])
			fresh.Append(st.articleCross[path])
		}
		fresh.Sort()
		kept := make(diag.List, 0, len(in.st.sorted))
		for _, d := range in.st.sorted {
			if !changed[d.File] {
				kept = append(kept, d)
			}
		}
		st.sorted = mergeSorted(kept, fresh)
	} else {
		for _, l := range st.articles {
			st.sorted.Append(l)
		}
		for _, l := range st.articleCross {
			st.sorted.Append(l)
		}
		st.sorted.Sort()
	}
	p.Diags = mergeSorted(p.Diags, st.sorted)
	in.cur, in.st = p, st
	return p, nil
}

// linksUnchanged reports whether no article check or link check of an
// unchanged article can come out differently in p than in prev: the same
// articles at the same URLs for the same audiences and partners, the same
// partner folders and assets, and the changed articles keep their
// headings, anchors and the assets they use.
func (in *Incremental) linksUnchanged(prev, p *Project) bool {
	if len(prev.Articles) != len(p.Articles) || len(prev.Partners) != len(p.Partners) ||
		len(prev.Repo.Assets) != len(p.Repo.Assets) || prev.Rules != p.Rules {
		return false
	}
	for i, pa := range p.Partners {
		if prev.Partners[i].ID != pa.ID {
			return false
		}
	}
	for i, as := range p.Repo.Assets {
		if prev.Repo.Assets[i].Path != as.Path {
			return false
		}
	}
	for i, a := range p.Articles {
		o := prev.Articles[i]
		if o == a {
			continue
		}
		if o.Path != a.Path || o.URL != a.URL || o.Audience != a.Audience || o.PartnerID != a.PartnerID ||
			!slices.Equal(o.headingIDs(), a.headingIDs()) || !slices.Equal(anchors(o), anchors(a)) ||
			!slices.Equal(prev.usedAssets(o), usedAssetsWith(prev, a)) {
			return false
		}
	}
	return true
}

// anchors lists the explicit HTML anchors of a body, which links may
// target like headings.
func anchors(a *Article) []string {
	var out []string
	for _, m := range htmlAnchor.FindAllSubmatch(a.Body, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// usedAssets lists the assets a's references resolve to in p.
func (p *Project) usedAssets(a *Article) []string { return usedAssetsWith(p, a) }

func usedAssetsWith(p *Project, a *Article) []string {
	var out []string
	for _, r := range a.Scan.Refs {
		if t := p.Resolve(a, r.Dest); t.Kind == ToAsset {
			out = append(out, t.Asset.Path)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// recheck reuses prev's link index and article checks, judging only the
// articles that changed. linksUnchanged has made sure nothing else can
// differ: every key of the index is the same, only the changed articles'
// values are new.
func (in *Incremental) recheck(prev, p *Project, st *incState) {
	var changed []*Article
	for i, a := range p.Articles {
		if prev.Articles[i] != a {
			changed = append(changed, a)
		}
	}
	p.pathFold, p.sectionURLs, p.sectionDirs, p.assetByPath = prev.pathFold, prev.sectionURLs, prev.sectionDirs, prev.assetByPath
	p.articleByPath, p.articleByURL, p.articleBySlug = prev.articleByPath, prev.articleByURL, prev.articleBySlug
	p.shadowed = prev.shadowed
	st.assetCross = in.st.assetCross
	st.articleCross = in.st.articleCross
	if len(changed) == 0 {
		return
	}
	// The index holds articles: swap in the new values, on copies.
	old := map[*Article]*Article{}
	for i, a := range p.Articles {
		if prev.Articles[i] != a {
			old[prev.Articles[i]] = a
		}
	}
	byPath, byURL, bySlug := maps.Clone(p.articleByPath), maps.Clone(p.articleByURL), maps.Clone(p.articleBySlug)
	for was, a := range old {
		byPath[a.Path] = a
		if byURL[a.URL] == was {
			byURL[a.URL] = a
		}
		// The key indexLinks files an article under by section and slug.
		if segs := strings.Split(strings.Trim(a.URL, "/"), "/"); len(segs) >= 3 {
			if key := segs[1] + "/" + segs[len(segs)-1]; bySlug[key] == was {
				bySlug[key] = a
			}
		}
	}
	p.articleByPath, p.articleByURL, p.articleBySlug = byPath, byURL, bySlug
	for was, a := range old {
		if p.shadowed[was] {
			// URLs are as before, so a is as hidden as was.
			shadowed := maps.Clone(p.shadowed)
			delete(shadowed, was)
			shadowed[a] = true
			p.shadowed = shadowed
		}
	}

	// Judge the changed articles on their own. Whether one's URL is taken
	// by another cannot have changed (URLs did not), so that verdict and
	// the unreferenced-asset warnings (assets used did not) carry over.
	sub := *p
	sub.Articles = changed
	// Without assets: which are unreferenced is not the subset's to say.
	repo := *p.Repo
	repo.Assets = nil
	sub.Repo = &repo
	cross := checkArticles(&sub)
	cross.Append(checkLinks(&sub))
	st.articleCross = maps.Clone(in.st.articleCross)
	for _, a := range changed {
		var keep diag.List
		for _, d := range in.st.articleCross[a.Path] {
			if d.Rule == "article.duplicate-url" {
				keep = append(keep, d)
			}
		}
		for _, d := range cross {
			if d.File == a.Path && d.Rule != "article.duplicate-url" {
				keep = append(keep, d)
			}
		}
		setList(st.articleCross, a.Path, keep)
	}
}

// parallel runs f(0..n-1) on a bounded pool.
func parallel(n int, f func(int)) {
	if n <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(n, workers()) {
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

// setList keeps a sparse map of diagnostics: no entry for none.
func setList(m map[string]diag.List, key string, l diag.List) {
	if len(l) == 0 {
		delete(m, key)
	} else {
		m[key] = l
	}
}

func (p *Project) hasArticle(path string) bool {
	_, ok := slices.BinarySearchFunc(p.Articles, path, func(a *Article, path string) int { return strings.Compare(a.Path, path) })
	return ok
}

// groupArticles returns the articles of each partner, by path. When
// only some articles changed, in place, the lists of prev are patched
// rather than all articles grouped again.
func (in *Incremental) groupArticles(prev, p *Project, todo []int) func(id string) []*Article {
	same := prev != nil && len(prev.Articles) == len(p.Articles) && len(prev.Partners) == len(p.Repo.Partners)
	for i := 0; same && i < len(prev.Partners); i++ {
		same = prev.Partners[i].ID == p.Repo.Partners[i].ID
	}
	for _, i := range todo {
		if !same {
			break
		}
		same = prev.Articles[i].Path == p.Articles[i].Path && prev.Articles[i].PartnerID == p.Articles[i].PartnerID
	}
	if !same {
		all := map[string][]*Article{}
		for _, a := range p.Articles {
			if a.PartnerID != "" {
				all[a.PartnerID] = append(all[a.PartnerID], a)
			}
		}
		return func(id string) []*Article { return all[id] }
	}
	patched := map[string][]*Article{}
	for _, i := range todo {
		id := p.Articles[i].PartnerID
		if id == "" {
			continue
		}
		l, ok := patched[id]
		if !ok {
			pa, found := prev.Partner(id)
			if !found {
				continue // an unknown partner lists nothing
			}
			l = slices.Clone(pa.Articles)
			patched[id] = l
		}
		if k := slices.Index(l, prev.Articles[i]); k >= 0 {
			l[k] = p.Articles[i]
		}
	}
	return func(id string) []*Article {
		if l, ok := patched[id]; ok {
			return l
		}
		if pa, ok := prev.Partner(id); ok {
			return pa.Articles
		}
		return nil
	}
}

// mergeSorted merges two lists in diag.List.Sort's order, dropping exact
// repeats as Sort does. Neither list shares a rule with the other, so on
// a tie a's element goes first, as in Open.
func mergeSorted(a, b diag.List) diag.List {
	out := make(diag.List, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		var d diag.Diagnostic
		if len(b) == 0 || (len(a) > 0 && compareDiag(a[0], b[0]) <= 0) {
			d, a = a[0], a[1:]
		} else {
			d, b = b[0], b[1:]
		}
		if n := len(out); n > 0 && compareDiag(out[n-1], d) == 0 {
			continue
		}
		out = append(out, d)
	}
	return out
}

// compareDiag is diag.List.Sort's order (diag keeps its own unexported).
func compareDiag(a, b diag.Diagnostic) int {
	return cmp.Or(
		strings.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Col, b.Col),
		cmp.Compare(a.Severity, b.Severity),
		strings.Compare(a.Rule, b.Rule),
		strings.Compare(a.Msg, b.Msg),
	)
}
