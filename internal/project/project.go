// Package project runs the checking half of the pipeline over a content
// root: load → schema → decode → semantic rules → points. Its result, a
// Project, is what every command works from: validate prints its
// diagnostics, points and report print its standings, and the site
// renderer reads its partners and articles.
//
// A file with syntax or schema errors is not decoded further, so one typo
// yields one diagnostic rather than a cascade; everything else is still
// checked, so a run reports every independent problem at once.
package project

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/marketplace-program/marketplace"
	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/load"
	"github.com/marketplace-program/marketplace/internal/markdown"
	"github.com/marketplace-program/marketplace/internal/model"
	"github.com/marketplace-program/marketplace/internal/points"
	"github.com/marketplace-program/marketplace/internal/schema"
)

// Options configure Open.
type Options struct {
	// AsOf is the date standings are computed for and the date after which
	// ledger entries count as "in the future". Required.
	AsOf time.Time
	// Schemas, when set, is reused instead of compiling the embedded
	// schemas again (serve and benchmarks open many projects).
	Schemas *schema.Validator
	// Markdown, when set, scans the article bodies instead of an engine
	// made for the purpose: a process that also renders them (build,
	// serve) keeps one goldmark instance.
	Markdown *markdown.Engine
	// MaxFileSize bounds every file read; 0 means load's default.
	MaxFileSize int64
	// Cache, when set, remembers per-file results between runs (see
	// OpenCache); the caller saves it.
	Cache *Cache
	// SkipUnchanged, with Cache, leaves unread the files the cache holds
	// and stat says are unchanged since a run read them. Their text is read
	// only if a diagnostic needs it or a caller asks for it
	// (Article.Text): Article.Body and Source.Data of the others stay
	// empty until then.
	SkipUnchanged bool

	// began stands in for the time the run began, for tests of the
	// cache's distrust of files changed just before a run.
	began time.Time
}

// engine is the Markdown engine that scans article bodies.
func (o Options) engine() *markdown.Engine {
	if o.Markdown != nil {
		return o.Markdown
	}
	return markdown.New()
}

// Project is a checked content root.
type Project struct {
	FS       fs.FS // the content root, for reading assets and logos
	Repo     *load.Repo
	Rules    *model.Rules
	Partners []*Partner // sorted by ID
	Articles []*Article // sorted by path
	AsOf     time.Time
	Diags    diag.List // sorted

	// unparsed holds the files load reported errors for. Such a file has
	// no tree, and judging the missing tree would only repeat the load
	// error as a cascade of missing keys.
	unparsed map[string]bool
	// recall answers for the files load found in the cache, during Open.
	recall *recall

	articleByPath map[string]*Article
	articleByURL  map[string]*Article
	// shadowed holds the articles another article's URL hides (nearly
	// always none), so Published needs no lookup by URL: the sites ask it
	// of every article on every preview rebuild.
	shadowed      map[*Article]bool
	assetByPath   map[string]*load.Asset
	pathFold      *foldIndex // for case hints
	sectionURLs   map[string]bool
	sectionDirs   map[string]string   // content/<folder> → its section URL
	articleBySlug map[string]*Article // "<section>/<slug>" → article, nil when ambiguous
}

// Partner is one partners/<id>/ folder with what could be decoded of it.
type Partner struct {
	ID       string
	Dir      *load.PartnerDir
	Info     *model.Partner // nil when partner.yaml is missing or broken
	Ledger   *model.Ledger  // nil when ledger.yaml is missing or broken
	Standing points.Standing
	Articles []*Article // the partner's articles, public and internal, sorted by path

	// schemaBad holds the JSON pointers of partner.yaml values that failed
	// schema validation; the semantic checks leave those alone.
	schemaBad  map[string]bool
	unknownKey bool
}

// badPointers collects the pointers of error diagnostics, and every parent
// of each, so a check can ask about a whole object.
func badPointers(l diag.List) map[string]bool {
	m := map[string]bool{}
	for _, d := range l.Errors() {
		p := d.Pointer
		for {
			m[p] = true
			i := strings.LastIndexByte(p, '/')
			if i < 0 {
				break
			}
			p = p[:i]
		}
	}
	return m
}

// Listed reports whether the partner appears on the public listing.
func (p *Partner) Listed() bool {
	return p.Info != nil && p.Standing.Status == "certified"
}

// Partner returns the partner with the given id.
func (p *Project) Partner(id string) (*Partner, bool) {
	i, ok := slices.BinarySearchFunc(p.Partners, id, func(p *Partner, id string) int {
		switch {
		case p.ID < id:
			return -1
		case p.ID > id:
			return 1
		}
		return 0
	})
	if !ok {
		return nil, false
	}
	return p.Partners[i], true
}

// Sources returns every file read, for printing diagnostics with context.
func (p *Project) Sources() map[string]*diag.Source { return p.Repo.Sources }

// Open loads and checks the content root fsys.
func Open(fsys fs.FS, opts Options) (*Project, error) {
	// The schemas compile while the root loads: nothing needs them
	// before, and on a root the cache knows they are most of the time
	// that is not loading.
	type compiled struct {
		v   *schema.Validator
		err error
	}
	schemas := make(chan compiled, 1)
	if opts.Schemas != nil {
		schemas <- compiled{v: opts.Schemas}
	} else {
		go func() {
			v, err := schema.New(marketplace.Defaults)
			schemas <- compiled{v, err}
		}()
	}
	lopts := load.Options{MaxFileSize: opts.MaxFileSize}
	var r *recall
	if opts.Cache != nil {
		r = newRecall(opts.Cache, opts.SkipUnchanged, opts.began)
		lopts.Known, lopts.Unchanged = r.known, r.unchanged
	}
	repo, diags := load.Load(fsys, lopts)
	c := <-schemas
	if c.err != nil {
		return nil, c.err
	}
	v := c.v
	r.loaded(diags)
	p := &Project{FS: fsys, Repo: repo, AsOf: opts.AsOf, unparsed: map[string]bool{}, recall: r}
	p.Diags.Append(diags)
	for _, d := range diags.Errors() {
		p.unparsed[d.File] = true
	}

	rules, err := p.decodeRules(v)
	if err != nil {
		return nil, err
	}
	p.Rules = rules
	p.decodePartners(v)
	p.decodeArticles(v, opts.engine(), r)
	p.recall = nil // only Open has a cache to answer from
	p.Diags.Append(checkPartners(p))
	p.indexLinks()
	p.Diags.Append(checkArticles(p))
	p.Diags.Append(checkLinks(p))
	p.Diags.Append(checkCodeOwners(p))
	p.Diags.Sort()
	p.readUnread()
	return p, nil
}

// readUnread reads the files load left unread that diagnostics point into
// at lines the cache did not keep (a broken link found in an unchanged
// article, say), for the printers, which show the line.
func (p *Project) readUnread() {
	var jobs []func()
	seen := map[string]bool{}
	for _, d := range p.Diags {
		src := p.Repo.Sources[d.File]
		if d.Line == 0 || seen[d.File] || src == nil || src.Data != nil {
			continue
		}
		if _, ok := src.LineText(d.Line); ok {
			continue
		}
		seen[d.File] = true
		if a := p.articleByPath[d.File]; a != nil {
			if a.unread != nil {
				jobs = append(jobs, a.text)
			}
			continue
		}
		if doc := p.unreadDoc(d.File); doc != nil {
			jobs = append(jobs, func() {
				if data, err := load.ReadText(p.FS, d.File); err == nil {
					doc.Source.Data = data
				}
			})
		}
	}
	parallel(len(jobs), func(i int) { jobs[i]() })
}

// unreadDoc returns the partner file called name if load left it unread.
func (p *Project) unreadDoc(name string) *load.Doc {
	rest, ok := strings.CutPrefix(name, "partners/")
	id, _, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		return nil
	}
	pa, ok := p.Partner(id)
	if !ok {
		return nil
	}
	for _, doc := range []*load.Doc{pa.Dir.Partner, pa.Dir.Ledger} {
		if doc != nil && doc.Unread && doc.Source.Name == name && doc.Source.Data == nil {
			return doc
		}
	}
	return nil
}

// decodeRules uses the root's program.yaml, or the embedded default when the
// root has none. A broken rules file is reported and the default is used in
// its place, so the rest of the content can still be checked.
func (p *Project) decodeRules(v *schema.Validator) (*model.Rules, error) {
	doc := p.Repo.Program
	if doc != nil && doc.Root != nil {
		d := v.Validate(schema.Program, doc.Source, doc.Root)
		p.Diags.Append(d)
		if !d.HasErrors() {
			r, d := model.DecodeRules(doc.Source, doc.Root)
			p.Diags.Append(d)
			if !d.HasErrors() {
				return r, nil
			}
		}
	}
	return DefaultRules()
}

// DefaultRules decodes the embedded program.yaml. Tests keep it valid, so
// an error here means a broken build of the tool, not bad input.
func DefaultRules() (*model.Rules, error) {
	data, err := marketplace.Defaults.ReadFile("program.yaml")
	if err != nil {
		return nil, fmt.Errorf("embedded program.yaml: %w", err)
	}
	src := diag.NewSource("program.yaml", data)
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("embedded program.yaml: %w", err)
	}
	r, d := model.DecodeRules(src, &doc)
	if d.HasErrors() {
		return nil, fmt.Errorf("embedded program.yaml: %w", d)
	}
	return r, nil
}

func (p *Project) decodePartners(v *schema.Validator) {
	p.Partners = make([]*Partner, len(p.Repo.Partners))
	var wg sync.WaitGroup
	results := make([]diag.List, len(p.Repo.Partners))
	for i, dir := range p.Repo.Partners {
		pa := &Partner{ID: dir.ID, Dir: dir}
		p.Partners[i] = pa
		wg.Go(func() { results[i] = p.decodePartner(v, pa) })
	}
	wg.Wait()
	for _, d := range results {
		p.Diags.Append(d)
	}
}

// broken reports whether doc could not be parsed. An empty file is not
// broken: it is judged, as a mapping without keys.
func (p *Project) broken(doc *load.Doc) bool {
	return doc.Root == nil && p.unparsed[doc.Source.Name]
}

func (p *Project) decodePartner(v *schema.Validator, pa *Partner) diag.List {
	var out diag.List
	dir := pa.Dir
	if doc := dir.Partner; doc != nil && doc.Known {
		out.Append(pa.recall(p.recall.get(doc.Source.Name).Partner, doc.Source))
	} else if doc != nil && !p.broken(doc) {
		d := v.Validate(schema.Partner, doc.Source, doc.Root)
		out.Append(d)
		// Decoding is lenient and the cross-file checks skip the values
		// schema already rejected, so a wrong delivery value does not hide
		// an unknown category in the same file.
		info, d2 := model.DecodePartner(dir.ID, doc.Source, doc.Root)
		out.Append(d2)
		pa.Info = info
		pa.schemaBad = badPointers(d)
		// An unknown key may be a misspelt required one ("suport:"): the
		// "missing" checks then stay quiet rather than pile on.
		pa.unknownKey = slices.ContainsFunc(d, func(x diag.Diagnostic) bool { return x.Rule == "schema.unknown-key" })
		p.recall.put(doc.Source, Memo{Partner: pa.memo(out)}, out)
	}
	if doc := dir.Ledger; doc != nil && (doc.Known || !p.broken(doc)) {
		var m *LedgerMemo
		if doc.Known {
			m = p.recall.get(doc.Source.Name).Ledger
		} else {
			m = decodeLedger(v, doc)
			p.recall.put(doc.Source, Memo{Ledger: m}, m.Diags)
		}
		out.Append(m.Diags)
		if m.Ledger != nil {
			pa.Ledger = m.ledger(doc.Source)
			st, d := points.Compute(p.Rules, pa.Ledger, p.AsOf)
			pa.Standing = st
			out.Append(d)
		}
	}
	return out
}

// decodeLedger checks and decodes a ledger, up to what depends on the
// program and the date.
func decodeLedger(v *schema.Validator, doc *load.Doc) *LedgerMemo {
	d := v.Validate(schema.Ledger, doc.Source, doc.Root)
	if d.HasErrors() {
		return &LedgerMemo{Diags: d}
	}
	l, d2 := model.DecodeLedger(doc.Source, doc.Root)
	d.Append(d2)
	if d2.HasErrors() {
		l = nil
	}
	return ledgerMemo(l, d)
}

// DropSyntax lets go of what only diagnostics need, once they are printed:
// the YAML trees of every file and front matter, and the line indexes of
// the sources. What the sites render (decoded values, article bodies)
// stays. On a large root that is a tenth of a build's live memory. The
// project must not be checked or updated afterwards.
func (p *Project) DropSyntax() {
	if p.Repo.Program != nil {
		p.Repo.Program.Root = nil
	}
	for _, pd := range p.Repo.Partners {
		for _, d := range []*load.Doc{pd.Partner, pd.Ledger} {
			if d != nil {
				d.Root = nil
			}
		}
	}
	for _, a := range p.Repo.Articles {
		a.Meta = nil
	}
	p.Repo.Sources = nil
	p.Diags = nil
}

// DropText lets go of every article's text, once the sites' bodies are
// rendered from it: on a large root the files read are the largest part
// of the project, held through every page written after rendering. The
// project must not be checked, updated or rendered afterwards.
func (p *Project) DropText() {
	for _, a := range p.Articles {
		a.DropText()
	}
}

// DropText is Project.DropText for one article, for a builder that is done
// with it before the others.
func (a *Article) DropText() {
	a.Body = nil
	if a.Source != nil {
		a.Source.Data = nil
	}
}
