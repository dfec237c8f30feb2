package prcheck

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/project"
)

// AnalyzeOptions configure Analyze.
type AnalyzeOptions struct {
	Author     string // GitHub handle; empty skips the ownership check
	PreviewURL string // prefix of article links; empty keeps them site-relative
}

// ArticleChange is a changed KB article.
type ArticleChange struct {
	Path      string `json:"path"`
	From      string `json:"from,omitempty"`
	Status    Status `json:"status"`
	Title     string `json:"title"`
	PartnerID string `json:"partner,omitempty"`
	Audience  string `json:"audience"`
	// URL is the article's page: on the preview when a preview URL was
	// given, else site-relative; empty for a deleted article.
	URL string `json:"url,omitempty"`
}

// PartnerImpact is what the change does to one partner.
type PartnerImpact struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Status, tier (ids) and points at the base and at the head; empty
	// status when the partner does not exist on that side.
	StatusBefore string `json:"status_before"`
	StatusAfter  string `json:"status_after"`
	PointsBefore int    `json:"points_before"`
	PointsAfter  int    `json:"points_after"`
	TierBefore   string `json:"tier_before"`
	TierAfter    string `json:"tier_after"`
	// TierNameBefore and TierNameAfter are the tiers' display names.
	TierNameBefore string `json:"-"`
	TierNameAfter  string `json:"-"`
	ListedBefore   bool   `json:"listed_before"`
	ListedAfter    bool   `json:"listed_after"`
	// Listing lists the changes visible on the public listing, in words.
	Listing []string `json:"listing_changes"`
}

// Violation is a change its author may not make.
type Violation struct {
	File    string `json:"file"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Analyze compares a base and a head project given the files that differ
// between them. It is Check without Git, for tests and for callers that
// have both trees already.
func Analyze(base, head *project.Project, files []File, opts AnalyzeOptions) *Result {
	r := &Result{Author: strings.TrimPrefix(opts.Author, "@"), Files: files, Sources: head.Sources()}
	if r.Files == nil {
		r.Files = []File{}
	}
	r.New, r.Existing, r.Fixed = partition(base.Diags, head.Diags, files)
	r.Articles = articleChanges(base, head, files, opts.PreviewURL)
	r.Partners = partnerImpacts(base, head, files)
	if r.Author != "" {
		r.Violations = ownership(base, head, files, r.Author)
	}
	return r
}

// diagKey identifies a problem across two versions of a tree: line and
// column are left out, since an edit above a problem moves it.
type diagKey struct {
	file, rule, msg string
	sev             diag.Severity
}

func keyOf(d diag.Diagnostic, file string) diagKey {
	return diagKey{file: file, rule: d.Rule, msg: d.Msg, sev: d.Severity}
}

// partition splits the head's problems into those of the change and the
// existing ones, and finds the base's problems the head no longer has.
// Keys are counted, so a second copy of an old problem is still new.
func partition(base, head diag.List, files []File) (added, existing, fixed diag.List) {
	touched := map[string]bool{}
	renamedTo := map[string]string{} // base path → head path
	for _, f := range files {
		if f.Status != Deleted {
			touched[f.Path] = true
		}
		if f.From != "" {
			renamedTo[f.From] = f.Path
		}
	}
	headPath := func(p string) string { return cmp.Or(renamedTo[p], p) }
	before := map[diagKey]int{}
	for _, d := range base {
		before[keyOf(d, headPath(d.File))]++
	}
	after := map[diagKey]int{}
	for _, d := range head {
		after[keyOf(d, d.File)]++
		k := keyOf(d, d.File)
		switch {
		case touched[d.File]:
			added.Add(d)
		case before[k] > 0:
			before[k]--
			existing.Add(d)
		default:
			added.Add(d)
		}
	}
	for _, d := range base {
		if k := keyOf(d, headPath(d.File)); after[k] > 0 {
			after[k]--
		} else {
			fixed.Add(d)
		}
	}
	added.Sort()
	existing.Sort()
	fixed.Sort()
	return added, existing, fixed
}

func articleChanges(base, head *project.Project, files []File, preview string) []ArticleChange {
	byPath := func(p *project.Project) map[string]*project.Article {
		m := make(map[string]*project.Article, len(p.Articles))
		for _, a := range p.Articles {
			m[a.Path] = a
		}
		return m
	}
	before, after := byPath(base), byPath(head)
	out := []ArticleChange{}
	for _, f := range files {
		a := after[f.Path]
		if f.Status == Deleted {
			a = before[f.Path]
		}
		if a == nil {
			continue
		}
		c := ArticleChange{Path: f.Path, From: f.From, Status: f.Status, Title: a.Title,
			PartnerID: a.PartnerID, Audience: a.Audience}
		if f.Status != Deleted {
			c.URL = strings.TrimSuffix(preview, "/") + a.URL
		}
		out = append(out, c)
	}
	return out
}

// partnerOf returns the partner id a path belongs to: partners/<id>/... or
// content/<id>/... when <id> is a partner on either side.
func partnerOf(p string, isPartner func(string) bool) string {
	rest, ok := strings.CutPrefix(p, "partners/")
	if !ok {
		if rest, ok = strings.CutPrefix(p, "content/"); !ok {
			return ""
		}
	}
	id, _, ok := strings.Cut(rest, "/")
	if !ok || !isPartner(id) {
		return ""
	}
	return id
}

func partnerImpacts(base, head *project.Project, files []File) []PartnerImpact {
	ids := map[string]bool{}
	for _, p := range [2]*project.Project{base, head} {
		for _, pa := range p.Partners {
			ids[pa.ID] = true
		}
	}
	touched := map[string]bool{}
	for _, f := range files {
		for _, p := range f.paths() {
			if id := partnerOf(p, func(id string) bool { return ids[id] }); id != "" {
				touched[id] = true
			}
		}
	}
	var out []PartnerImpact
	for _, id := range sortedKeys(ids) {
		b, _ := base.Partner(id)
		h, _ := head.Partner(id)
		im := PartnerImpact{ID: id, Listing: listingChanges(b, h)}
		if b != nil {
			im.StatusBefore, im.PointsBefore, im.TierBefore = cmp.Or(b.Standing.Status, "none"), b.Standing.Points, b.Standing.Tier
			im.TierNameBefore, im.ListedBefore = tierName(base, b.Standing.Tier), b.Listed()
			if b.Info != nil {
				im.Name = b.Info.Name
			}
		}
		if h != nil {
			im.StatusAfter, im.PointsAfter, im.TierAfter = cmp.Or(h.Standing.Status, "none"), h.Standing.Points, h.Standing.Tier
			im.TierNameAfter, im.ListedAfter = tierName(head, h.Standing.Tier), h.Listed()
			if h.Info != nil && h.Info.Name != "" {
				im.Name = h.Info.Name
			}
		}
		same := im.StatusBefore == im.StatusAfter && im.PointsBefore == im.PointsAfter &&
			im.TierBefore == im.TierAfter && im.ListedBefore == im.ListedAfter && len(im.Listing) == 0
		if touched[id] || !same {
			out = append(out, im)
		}
	}
	return out
}

func tierName(p *project.Project, id string) string {
	if id == "" {
		return ""
	}
	if t, ok := p.Rules.Tier(id); ok && t.Name != "" {
		return t.Name
	}
	return id
}

// listingChanges describes, in words, what the public listing shows
// differently for the partner.
func listingChanges(b, h *project.Partner) []string {
	out := []string{}
	listed := func(p *project.Partner) bool { return p != nil && p.Listed() }
	switch {
	case b == nil && h != nil:
		out = append(out, "new partner")
	case b != nil && h == nil:
		out = append(out, "partner folder removed")
	}
	switch {
	case !listed(b) && listed(h):
		out = append(out, "newly listed")
	case listed(b) && !listed(h):
		out = append(out, "no longer listed")
	}
	if b == nil || h == nil || b.Info == nil || h.Info == nil {
		return out
	}
	x, y := b.Info, h.Info
	if x.Name != y.Name {
		out = append(out, fmt.Sprintf("name: %q → %q", x.Name, y.Name))
	}
	if x.Summary != y.Summary {
		out = append(out, "summary changed")
	}
	if !slices.Equal(x.Categories, y.Categories) {
		out = append(out, fmt.Sprintf("categories: %s → %s", orNone(x.Categories), orNone(y.Categories)))
	}
	if x.Website != y.Website {
		out = append(out, fmt.Sprintf("website: %s → %s", cmp.Or(x.Website, "none"), cmp.Or(y.Website, "none")))
	}
	return out
}

func orNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
