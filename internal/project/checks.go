package project

import (
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/marketplace-program/marketplace/internal/diag"
)

func workers() int { return max(1, runtime.GOMAXPROCS(0)) }

// checkPartners applies the rules that need more than one file: categories
// from the rules file, the logo in the folder, contacts the partner's status
// requires, and the articles certification requires.
func checkPartners(p *Project) diag.List {
	var out diag.List
	for _, pa := range p.Partners {
		out.Append(checkPartner(p, pa))
	}
	return out
}

// checkPartner is checkPartners for one partner. It reads nothing but the
// partner and the rules, so a preview rebuild keeps its verdict on every
// partner value it reuses.
func checkPartner(p *Project, pa *Partner) diag.List {
	var out diag.List
	dir := "partners/" + pa.ID
	if pa.Dir.Partner == nil {
		out.Errorf(diag.Pos{File: dir}, "partner.file-missing", "run: marketplace new partner "+pa.ID,
			"%s/ has no partner.yaml", dir)
	}
	if pa.Dir.Ledger == nil && pa.Dir.Partner != nil {
		out.Warnf(diag.Pos{File: dir + "/partner.yaml"}, "partner.no-ledger",
			"the ecosystem team adds ledger.yaml with an applied event when it reviews the application",
			"partner %q has no ledger.yaml yet, so it has no status and is not listed", pa.ID)
	}
	if pa.Info == nil {
		return out
	}
	out.Append(checkPartnerInfo(p, pa))
	return out
}

func checkPartnerInfo(p *Project, pa *Partner) diag.List {
	var out diag.List
	info := pa.Info
	src := pa.Dir.Partner.Source
	at := func(key string) diag.Pos {
		if pos, ok := info.Pos[key]; ok {
			return pos
		}
		return src.At(1, 1)
	}
	var ids []string
	for _, c := range p.Rules.Categories {
		ids = append(ids, c.ID)
	}
	bad := func(ptr string) bool { return pa.schemaBad[ptr] }
	for i, c := range info.Categories {
		if _, ok := p.Rules.Category(c); !ok && !bad(fmt.Sprintf("/categories/%d", i)) && !bad("/categories") {
			out.Errorf(at(fmt.Sprintf("categories.%d", i)), "partner.category", suggestHint(c, ids, ids),
				"unknown category %q", c)
		}
	}
	if info.Logo != "" && !bad("/logo") && !slices.Contains(pa.Dir.Files, info.Logo) {
		hint := "add the file to partners/" + pa.ID + "/"
		if s := diag.Suggest(info.Logo, pa.Dir.Files); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
		out.Errorf(at("logo"), "partner.logo-missing", hint, "logo %q is not in partners/%s/", info.Logo, pa.ID)
	}
	status := pa.Standing.Status
	// The program lists every technology under one or more categories;
	// a new partner may leave them out until its application is accepted.
	if (status == "candidate" || status == "certified") && len(info.Categories) == 0 && !bad("/categories") && !pa.unknownKey {
		out.Errorf(src.At(1, 1), "partner.categories-required", "add categories: [one or more of "+strings.Join(ids, ", ")+"]",
			"a %s partner needs at least one category", status)
	}
	if (status == "candidate" || status == "certified") && !bad("/support") && !pa.unknownKey {
		s := info.Support
		var missing []string
		if s.Email == "" {
			missing = append(missing, "email")
		}
		if s.Phone == "" {
			missing = append(missing, "phone")
		}
		if s.Hours == "" {
			missing = append(missing, "hours")
		}
		if len(missing) > 0 {
			where := at("support")
			if _, ok := info.Pos["support"]; !ok {
				where = src.At(1, 1)
			}
			out.Errorf(where, "partner.support-required",
				"the program requires 24x7 email and telephone support: add support: {email, phone, hours: 24x7}",
				"a %s partner needs public support %s", status, strings.Join(missing, ", "))
		} else if s.Hours != "24x7" {
			out.Errorf(at("support.hours"), "partner.support-hours", `write hours: 24x7`,
				"support hours must be 24x7 for a %s partner; got %q", status, s.Hours)
		}
	}
	if status == "certified" {
		e := info.Escalation
		if !bad("/escalation") && !pa.unknownKey && (e.Name == "" || (e.Email == "" && e.Phone == "")) {
			out.Errorf(at("escalation"), "partner.escalation-required",
				"add escalation: {name, email, phone}: the support team's route to your support organization (never published)",
				"a certified partner needs internal escalation contacts (name and email or phone)")
		}
		out.Append(checkCertifiedDocs(pa))
	}
	return out
}

// checkCertifiedDocs reports, on the certified event, a certified partner
// that lacks a public or an internal article.
func checkCertifiedDocs(pa *Partner) diag.List {
	var out diag.List
	if pa.Ledger == nil {
		return out
	}
	var public, internal bool
	for _, a := range pa.Articles {
		if a.Internal() {
			internal = true
		} else {
			public = true
		}
	}
	if public && internal {
		return out
	}
	var missing []string
	if !public {
		missing = append(missing, "public")
	}
	if !internal {
		missing = append(missing, "internal")
	}
	where := diag.Pos{File: pa.Ledger.Source.Name}
	for _, e := range pa.Ledger.Events {
		if e.Type == "certified" {
			where = e.Pos
			if pos, ok := e.Fields["type"]; ok {
				where = pos
			}
		}
	}
	hint := fmt.Sprintf("add content/%s/%s/<slug>.md (marketplace new article --partner %s --audience %s \"Title\")",
		pa.ID, missing[0], pa.ID, missing[0])
	out.Errorf(where, "partner.certified-docs", hint,
		"certified partner %q has no %s KB article", pa.ID, strings.Join(missing, " and no "))
	return out
}

// checkArticles applies the rules across articles: the partner an article
// names exists and URLs are unique. (Raw HTML is the article's own
// business, see rawHTML; unreferenced assets are found with the links.)
func checkArticles(p *Project) diag.List {
	var out diag.List
	ids := make([]string, len(p.Partners))
	for i, pa := range p.Partners {
		ids[i] = pa.ID
	}
	byURL := map[string]*Article{}
	for _, a := range p.Articles {
		if a.PartnerID != "" {
			if _, ok := p.Partner(a.PartnerID); !ok {
				where := diag.Pos{File: a.Path}
				if a.partnerAt.Line > 0 {
					where = a.partnerAt
				}
				out.Errorf(where, "article.unknown-partner", suggestHint(a.PartnerID, ids, nil),
					"no partner %q: there is no partners/%s/ folder", a.PartnerID, a.PartnerID)
			}
		} else if a.Section != "" {
			if _, ok := p.Partner(a.Section); ok {
				out.Errorf(diag.Pos{File: a.Path}, "article.partner-folder",
					fmt.Sprintf("move it to content/%s/public/ or content/%s/internal/", a.Section, a.Section),
					"articles of partner %q must be in its public/ or internal/ folder", a.Section)
			}
		}
		if prev, ok := byURL[a.URL]; ok {
			out.Errorf(diag.Pos{File: a.Path}, "article.duplicate-url", "rename one of the two files",
				"this article and %s would both be published at %s", prev.Path, a.URL)
		} else {
			byURL[a.URL] = a
		}
	}
	return out
}

// rawHTML flags raw HTML in a Markdown article, once per article.
func rawHTML(a *Article) diag.List {
	var out diag.List
	if len(a.Scan.RawHTML) > 0 && !a.ContentIsHTML && a.Format != "" {
		n := len(a.Scan.RawHTML)
		places := "1 place"
		if n > 1 {
			places = fmt.Sprintf("%d places", n)
		}
		out.Warnf(a.BodyPos(htmlStart(a.Body, a.Scan.RawHTML[0])), "article.raw-html",
			"prefer Markdown syntax; raw HTML passes through an allow-list sanitizer when rendered",
			"raw HTML in a Markdown article (%s)", places)
	}
	return out
}

// htmlStart moves off past the indentation that goldmark keeps at the start
// of an indented HTML block (in a list item, say), so the caret lands on
// the "<" an author would look for.
func htmlStart(body []byte, off int) int {
	for off < len(body) && (body[off] == ' ' || body[off] == '\t') {
		off++
	}
	return off
}

func suggestHint(word string, candidates, list []string) string {
	if s := diag.Suggest(word, candidates); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	if len(list) > 0 {
		return "one of: " + strings.Join(list, ", ")
	}
	return ""
}
