package site

import (
	"io/fs"
	"path"

	"github.com/marketplace-program/marketplace/internal/load"
	"github.com/marketplace-program/marketplace/internal/model"
	"github.com/marketplace-program/marketplace/internal/project"
)

// view is the part of a project one audience may see. For the public site
// it holds no internal article, and partners come with their escalation
// contacts and ledgers removed, so no public page can render them.
type view struct {
	partners []*project.Partner
	articles []*project.Article // sorted by path
	// members holds articles, for hasArticle: every link of every body
	// asks, and a binary search over their long, alike paths took 1.4 of
	// the 110 CPU-seconds of a cached 50,000-article build.
	members         map[*project.Article]struct{}
	partnerArticles map[string][]*project.Article
	assets          []*load.Asset // assets referenced by the articles of this view
	fsys            fs.FS
}

func newView(p *project.Project, aud Audience) *view {
	v := viewMembers(p, aud)
	v.findAssets(p)
	return v
}

// viewMembers is the view without its assets, which take resolving every
// link to find (an incremental build may reuse the last list).
func viewMembers(p *project.Project, aud Audience) *view {
	v := &view{partnerArticles: map[string][]*project.Article{}, members: make(map[*project.Article]struct{}, len(p.Articles)), fsys: p.FS}
	for _, a := range p.Articles {
		// Of two articles at one URL (an error validate reports) the
		// first by path is published, not whichever page was written last.
		if !p.Published(a) {
			continue
		}
		if aud == Public && a.Internal() {
			continue
		}
		if a.PartnerID != "" {
			pa, ok := p.Partner(a.PartnerID)
			// Articles of a partner the public listing does not show stay
			// off the public site too: they would advertise a product that
			// is not (or no longer) certified.
			if !ok || (aud == Public && !pa.Listed()) {
				continue
			}
			v.partnerArticles[a.PartnerID] = append(v.partnerArticles[a.PartnerID], a)
		}
		v.articles = append(v.articles, a)
		v.members[a] = struct{}{}
	}
	for _, pa := range p.Partners {
		if aud == Public {
			pa = publicPartner(pa)
		}
		v.partners = append(v.partners, pa)
	}
	return v
}

// findAssets lists the assets the view's articles use.
func (v *view) findAssets(p *project.Project) {
	// An asset is published where an article of this site refers to it,
	// so an image used only by internal articles never reaches the public.
	seen := map[string]bool{}
	for _, a := range v.articles {
		for _, ref := range a.Scan.Refs {
			t := p.Resolve(a, ref.Dest)
			if t.Kind == project.ToAsset && !seen[t.Asset.Path] {
				seen[t.Asset.Path] = true
				v.assets = append(v.assets, t.Asset)
			}
		}
	}
}

// publicPartner copies a partner without what only the support team and
// the ecosystem team may see: escalation contacts and the ledger (notes,
// evidence). The standing (status, tier, points) is public.
func publicPartner(pa *project.Partner) *project.Partner {
	c := *pa
	if pa.Info != nil {
		info := *pa.Info
		info.Escalation = model.Escalation{}
		info.Maintainers = nil
		c.Info = &info
	}
	c.Ledger = nil
	c.Articles = nil
	return &c
}

// hasArticle reports whether a is on this site.
func (v *view) hasArticle(a *project.Article) bool {
	_, ok := v.members[a]
	return ok
}

// logo reads a partner's logo file.
func (v *view) logo(pa *project.Partner) ([]byte, bool) {
	if v.fsys == nil {
		return nil, false
	}
	data, err := fs.ReadFile(v.fsys, path.Join("partners", pa.ID, pa.Info.Logo))
	return data, err == nil
}
