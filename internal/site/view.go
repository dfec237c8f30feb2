package site

import (
	"html/template"
	"time"

	"github.com/marketplace-program/marketplace/internal/markdown"
	"github.com/marketplace-program/marketplace/internal/model"
)

// The types in this file are what templates see. Every string is escaped
// by html/template; only fields of type template.HTML carry markup, and
// those come from the Markdown engine's sanitized output or from Go code
// in this package (the SVG chart), never from front matter or YAML.

// SiteInfo describes the site a page belongs to.
type SiteInfo struct {
	Name     string // "Cloud Marketplace"
	Internal bool   // the support team's site
	BaseURL  string // absolute base URL with trailing slash, or "/" when unknown
	BasePath string // path prefix of every URL, "" at a domain root
	RepoURL  string // where "edit this page" links point, "" to hide them
	Build    string // as-of date of the build, YYYY-MM-DD
}

// Page is the data of one HTML page.
type Page struct {
	Site        *SiteInfo
	Kind        string // listing, partner, kb, section, article, dashboard, dashboard-partner, notfound
	Title       string
	Description string
	Path        string // site path, e.g. "/kb/backup/x/"
	Breadcrumb  []Link
	NoIndex     bool // keep search engines off (internal site, 404)
	// Header and Footer are base.html's "site-header" and "site-footer"
	// as executed for this page's site and kind; those two templates see
	// only .Site and .Kind, since their output is shared by every page of
	// the kind.
	Header, Footer template.HTML

	Listing     *Listing
	Partner     *PartnerPage
	KB          *KBHome
	Section     *SectionPage
	Article     *ArticlePage
	Dashboard   *Dashboard
	DashPartner *DashPartner
}

// Link is a titled URL.
type Link struct {
	Title, URL string
}

// Category is a category with the number of listed partners in it.
type Category struct {
	ID, Name string
	Count    int
}

// TierBadge describes a tier for display.
type TierBadge struct {
	ID, Name  string
	Preferred bool
}

// PartnerCard is a partner as the listing shows it.
type PartnerCard struct {
	ID, Name, Summary string
	URL               string // partner page
	LogoURL           string // "" without a logo
	Tier              TierBadge
	Points            int
	Categories        []Category
	Delivery          string // software, saas
	Pricing           string
	Status            string // applicant candidate certified declined withdrawn (internal pages)
}

// Listing is the marketplace front page: certified partners only.
type Listing struct {
	Preferred  []PartnerCard // Platinum then Gold, by points
	Others     []PartnerCard // Silver, by name
	Categories []Category    // with counts, for the filter
	Tiers      []TierBadge
	Deliveries []string
	Total      int
}

// ArticleLink is an article in a list.
type ArticleLink struct {
	Title, URL, Summary string
	Date                time.Time
	Sticky, Internal    bool
}

// SupportCard is what support needs to route a customer: the partner's
// public 24x7 channels and, on the internal site only, its escalation
// contacts and support tier.
type SupportCard struct {
	PartnerName string
	PartnerURL  string
	Support     model.Support
	Escalation  *model.Escalation // nil on the public site
	SupportTier string            // internal site only
}

// PartnerPage is /partners/<id>/.
type PartnerPage struct {
	Card        PartnerCard
	Description template.HTML // rendered Markdown
	Website     string
	Support     SupportCard
	Articles    []ArticleLink // sticky first, then by title; internal ones on the internal site only
	Benefits    []string      // of the partner's tier
}

// KBHome is /kb/: program-wide sections and per-partner collections.
type KBHome struct {
	Sections []SectionSummary
	Partners []SectionSummary
	Recent   []ArticleLink
}

// SectionSummary is a section in the KB home.
type SectionSummary struct {
	Name, URL string
	Count     int
	Top       []ArticleLink // sticky first, up to five
}

// SectionPage lists the articles of a section or of a partner's collection.
type SectionPage struct {
	Name     string
	Partner  *PartnerCard // set for a partner's collection
	Articles []ArticleLink
}

// ArticlePage is one KB article.
type ArticlePage struct {
	Title, Author, Summary string
	Date                   time.Time // from front matter
	Created, Updated       *time.Time
	Authors                []string // from Git history when known
	Body                   template.HTML
	TOC                    []markdown.Heading // levels 2 and 3
	// TOCHTML is TOC as a list of links (see tocHTML), made once for the
	// two places a page shows it.
	TOCHTML    template.HTML
	EditURL    string
	SourcePath string
	Internal   bool
	Partner    *PartnerCard
	Support    *SupportCard // internal articles of a partner only
	Section    Link
}
