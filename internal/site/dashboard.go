package site

import (
	"errors"
	"html/template"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/marketplace-program/marketplace/internal/model"
	"github.com/marketplace-program/marketplace/internal/project"
)

// Dashboard is the overview of the internal program dashboard
// (/dashboard/): what the ecosystem team has to act on (the same facts as
// `marketplace report`), then one line per partner. Each partner's ledger
// and tier chart are on its own page (DashPartner): at thousands of
// partners one page holding them all took megabytes, and redrawing it
// after every ledger edit was most of a preview rebuild.
type Dashboard struct {
	AsOf        time.Time
	HorizonDays int // renewals within this many days are listed

	// ReviewCriteria are the guide's criteria an application is weighed
	// against, shown as a checklist with every applicant.
	ReviewCriteria []string
	Applicants     []DashApplicant
	Candidates     []DashCandidate // all candidates, by deadline
	Overdue        []DashCandidate // the overdue ones among them
	Renewals       []DashRenewal   // certified anniversaries within HorizonDays, soonest first
	NotGood        []DashStanding  // partners not in good standing
	Docs           []DashDocs      // candidates and certified partners
	Partners       []DashRow       // every partner, by id
}

// DashRef names a partner and links to its dashboard page (URL,
// /dashboard/<id>/) and, where the site has one, its partner page.
type DashRef struct {
	ID, Name string
	URL      string
	PageURL  string // "" when the partner has no page (no partner.yaml)
}

// DashRow is a partner in the overview's list of every partner.
type DashRow struct {
	Partner      DashRef
	Status       string
	Tier         string // tier name, "" when none
	Points       int
	CreditUSD    int
	GoodStanding bool
	Active       bool // applicant, candidate or certified: the only ones standing applies to
	HasLedger    bool
}

// DashApplicant is an application under review.
type DashApplicant struct {
	Partner      DashRef
	AppliedOn    time.Time
	DaysInReview int
	Proposal     string // the note of the applied event
	// Categories are the applicant's categories with the certified
	// providers already in each: the guide weighs that density.
	Categories []CategoryDensity
}

// CategoryDensity is one category and the certified partners listed in it.
type CategoryDensity struct {
	ID, Name  string
	Certified []DashRef
}

// DashCandidate is a partner inside (or past) its certification window.
type DashCandidate struct {
	Partner     DashRef
	AcceptedOn  time.Time
	Deadline    time.Time // zero when the rules have no window
	Overdue     bool
	DaysOverdue int // past the deadline, when Overdue
	DaysLeft    int // until the deadline, when not Overdue
}

// DashRenewal is a certified partner's coming renewal anniversary.
type DashRenewal struct {
	Partner     DashRef
	Tier        string // tier name
	Anniversary time.Time
	InDays      int
	// NonRenewal is set when a non-renewal was recorded: the partner
	// leaves the program on Anniversary instead of renewing.
	NonRenewal   bool
	NonRenewalOn time.Time // date of the non-renewal event
}

// DashStanding is a partner not in good standing.
type DashStanding struct {
	Partner DashRef
	Status  string
	Since   time.Time // zero when the ledger does not say
	Days    int       // since Since
	// CreditUSD is what the partner gets (0); SuspendedUSD is the monthly
	// credit its status or tier would otherwise give.
	CreditUSD, SuspendedUSD int
}

// DashDocs is a partner's documentation and contact compliance.
type DashDocs struct {
	Partner DashRef
	Status  string
	OK      bool // every required check passes
	Checks  []DocCheck
}

// DocCheck is one compliance item.
type DocCheck struct {
	Name     string
	Required bool // false: not yet required at this status (shown as such)
	OK       bool
	Missing  string // what is missing, when !OK
	Detail   string // what was found, when OK
}

// DashPartner is one partner's dashboard page (/dashboard/<id>/).
type DashPartner struct {
	AsOf         time.Time
	Ref          DashRef
	Status       string
	Tier         string // tier name, "" when none
	Points       int
	CreditUSD    int
	GoodStanding bool
	NextTier     string // tier name, "" at the top or when not certified
	PointsToNext int
	SupportTier  string
	HasLedger    bool
	Dates        []DatedFact
	Ledger       []LedgerRow
	TierHistory  []TierStep
	Chart        template.HTML // inline SVG from tierChart; "" without awards
}

// DatedFact is a labelled date of a partner's lifecycle.
type DatedFact struct {
	Label string
	Date  time.Time
}

// LedgerRow is one counted award.
type LedgerRow struct {
	Date     time.Time
	Activity string // the activity's name from the rules
	ID       string // the activity id
	Ref      string
	RefURL   string // Ref, when it is an http(s) URL (evidence)
	Table    string // points table its value was read from
	Points   int
	Total    int // running total after it
}

// TierStep is a tier the partner entered.
type TierStep struct {
	Tier  string // tier name
	Since time.Time
}

// dashboardTitle is the overview's title, which partner pages name in
// their breadcrumb.
const dashboardTitle = "Program dashboard"

func (r *run) dashboard() error {
	d := r.buildDashboard()
	// Many partner edits (a description, a logo, an award's note) change
	// nothing the overview shows: a preview rebuild then keeps its file.
	return r.pageIfChanged(&Page{Kind: "dashboard", Title: dashboardTitle, Path: "/dashboard/",
		Description: "Pipeline, deadlines, renewals, standing and documentation of the partner program.",
		Dashboard:   d}, d)
}

// dashboardPages renders the dashboard page of each of partners on all
// cores: with a ledger table and a chart each, they are the bulk of the
// dashboard's work.
func (r *run) dashboardPages(partners []*project.Partner) error {
	errs := make([]error, len(partners))
	parallel(len(partners), func(i int) { errs[i] = r.dashboardPage(partners[i]) })
	return errors.Join(errs...)
}

func (r *run) dashboardPage(pa *project.Partner) error {
	ref := r.dashRef(pa)
	dp := r.dashPartner(pa, ref)
	return r.page(&Page{Kind: "dashboard-partner", Title: ref.Name + ": program standing", Path: dashboardPath(pa.ID),
		Description: "Status, points ledger and tier history of " + ref.Name + " in the partner program.",
		Breadcrumb:  []Link{{Title: dashboardTitle, URL: r.url("/dashboard/")}},
		DashPartner: &dp})
}

// dashboardPath is the site path of a partner's dashboard page.
func dashboardPath(id string) string { return "/dashboard/" + id + "/" }

// buildDashboard derives the dashboard from the standings of the view's
// partners. It reads no clock: every "in N days" is counted from the
// project's as-of date.
func (r *run) buildDashboard() *Dashboard {
	rules, asOf := r.p.Rules, r.p.AsOf
	d := &Dashboard{AsOf: asOf, HorizonDays: rules.RenewalHorizonDays, ReviewCriteria: rules.ReviewCriteria}

	certifiedIn := map[string][]DashRef{}
	for _, pa := range r.v.partners {
		if pa.Listed() {
			for _, c := range pa.Info.Categories {
				certifiedIn[c] = append(certifiedIn[c], r.dashRef(pa))
			}
		}
	}

	for _, pa := range r.v.partners {
		st := pa.Standing
		ref := r.dashRef(pa)
		switch st.Status {
		case model.StatusApplicant:
			a := DashApplicant{Partner: ref, Proposal: lastNote(pa.Ledger, model.EventApplied)}
			if st.AppliedOn != nil {
				a.AppliedOn = *st.AppliedOn
				a.DaysInReview = daysBetween(*st.AppliedOn, asOf)
			}
			if pa.Info != nil {
				for _, id := range pa.Info.Categories {
					cd := CategoryDensity{ID: id, Name: id, Certified: certifiedIn[id]}
					if c, ok := rules.Category(id); ok {
						cd.Name = c.Name
					}
					a.Categories = append(a.Categories, cd)
				}
			}
			d.Applicants = append(d.Applicants, a)
		case model.StatusCandidate:
			c := DashCandidate{Partner: ref, Overdue: st.Overdue}
			if st.AcceptedOn != nil {
				c.AcceptedOn = *st.AcceptedOn
			}
			if st.CertificationDeadline != nil {
				c.Deadline = *st.CertificationDeadline
				if st.Overdue {
					c.DaysOverdue = daysBetween(c.Deadline, asOf)
				} else {
					c.DaysLeft = daysBetween(asOf, c.Deadline)
				}
			}
			d.Candidates = append(d.Candidates, c)
			if c.Overdue {
				d.Overdue = append(d.Overdue, c)
			}
		case model.StatusCertified:
			if st.NextAnniversary != nil {
				in := daysBetween(asOf, *st.NextAnniversary)
				if in >= 0 && in <= rules.RenewalHorizonDays {
					rn := DashRenewal{Partner: ref, Tier: tierName(rules, st.Tier), Anniversary: *st.NextAnniversary, InDays: in}
					if st.EndsOn != nil && st.EndsOn.Equal(*st.NextAnniversary) {
						rn.NonRenewal = true
						rn.NonRenewalOn = lastEventDate(pa.Ledger, model.EventNonRenewal)
					}
					d.Renewals = append(d.Renewals, rn)
				}
			}
		}
		if pa.Ledger != nil && activeStatus(st.Status) && !st.GoodStanding {
			s := DashStanding{Partner: ref, Status: st.Status, CreditUSD: st.MonthlyCreditUSD, SuspendedUSD: normalCredit(rules, st.Status, st.Tier)}
			if st.StandingSince != nil {
				s.Since = *st.StandingSince
				s.Days = daysBetween(s.Since, asOf)
			}
			d.NotGood = append(d.NotGood, s)
		}
		if st.Status == model.StatusCandidate || st.Status == model.StatusCertified {
			d.Docs = append(d.Docs, docsOf(pa, ref))
		}
		row := DashRow{Partner: ref, Status: st.Status, Points: st.Points, CreditUSD: st.MonthlyCreditUSD,
			GoodStanding: st.GoodStanding, Active: activeStatus(st.Status), HasLedger: pa.Ledger != nil}
		if st.Tier != "" {
			row.Tier = tierName(rules, st.Tier)
		}
		d.Partners = append(d.Partners, row)
	}
	slices.SortStableFunc(d.Candidates, byDeadline)
	slices.SortStableFunc(d.Overdue, byDeadline)
	slices.SortStableFunc(d.Renewals, func(a, b DashRenewal) int { return a.Anniversary.Compare(b.Anniversary) })
	return d
}

func byDeadline(a, b DashCandidate) int { return a.Deadline.Compare(b.Deadline) }

func activeStatus(s string) bool {
	return s == model.StatusApplicant || s == model.StatusCandidate || s == model.StatusCertified
}

// normalCredit is the monthly credit of a partner in good standing.
func normalCredit(rules *model.Rules, status, tier string) int {
	switch status {
	case model.StatusCandidate:
		return rules.CandidateCreditUSD
	case model.StatusCertified:
		if t, ok := rules.Tier(tier); ok {
			return t.MonthlyCreditUSD
		}
	}
	return 0
}

func (r *run) dashRef(pa *project.Partner) DashRef {
	ref := DashRef{ID: pa.ID, Name: pa.ID, URL: r.url(dashboardPath(pa.ID))}
	if pa.Info != nil {
		ref.Name = pa.Info.Name
		// partnerPages gives every partner with a partner.yaml a page on
		// the internal site.
		ref.PageURL = r.url("/partners/" + pa.ID + "/")
	}
	return ref
}

// docsOf checks what a candidate or certified partner must have in place:
// both kinds of KB article, public 24x7 support, and (once certified) the
// escalation contacts support routes to.
func docsOf(pa *project.Partner, ref DashRef) DashDocs {
	st := pa.Standing
	certified := st.Status == model.StatusCertified
	var public, internal int
	for _, a := range pa.Articles {
		if a.Internal() {
			internal++
		} else {
			public++
		}
	}
	count := func(n int, what string) DocCheck {
		c := DocCheck{Name: what, Required: true, OK: n > 0}
		if n > 0 {
			c.Detail = plural(n, "article")
		} else {
			c.Missing = "no " + strings.ToLower(what) + " in the knowledge base"
		}
		return c
	}
	checks := []DocCheck{count(public, "Public article"), count(internal, "Internal article")}

	support := DocCheck{Name: "Support contacts", Required: true}
	esc := DocCheck{Name: "Escalation contacts", Required: certified}
	if pa.Info == nil {
		support.Missing = "partner.yaml could not be read"
		esc.Missing = support.Missing
	} else {
		s := pa.Info.Support
		var missing []string
		if s.Email == "" {
			missing = append(missing, "email")
		}
		if s.Phone == "" {
			missing = append(missing, "phone")
		}
		switch {
		case s.Hours == "":
			missing = append(missing, "hours")
		case s.Hours != "24x7":
			missing = append(missing, "24x7 hours (has "+s.Hours+")")
		}
		support.OK = len(missing) == 0
		if support.OK {
			support.Detail = s.Email + ", " + s.Phone + ", " + s.Hours
		} else {
			support.Missing = "missing " + strings.Join(missing, ", ")
		}

		e := pa.Info.Escalation
		missing = nil
		if e.Name == "" {
			missing = append(missing, "name")
		}
		if e.Email == "" && e.Phone == "" {
			missing = append(missing, "email or phone")
		}
		esc.OK = len(missing) == 0
		if esc.OK {
			esc.Detail = e.Name
		} else {
			esc.Missing = "missing " + strings.Join(missing, " and ")
		}
	}
	checks = append(checks, support, esc)
	dd := DashDocs{Partner: ref, Status: st.Status, OK: true, Checks: checks}
	for _, c := range checks {
		if c.Required && !c.OK {
			dd.OK = false
		}
	}
	return dd
}

func (r *run) dashPartner(pa *project.Partner, ref DashRef) DashPartner {
	rules, st := r.p.Rules, pa.Standing
	dp := DashPartner{AsOf: r.p.AsOf, Ref: ref, Status: st.Status, Points: st.Points, CreditUSD: st.MonthlyCreditUSD,
		GoodStanding: st.GoodStanding, PointsToNext: st.PointsToNextTier, HasLedger: pa.Ledger != nil}
	if st.Tier != "" {
		dp.Tier = tierName(rules, st.Tier)
	}
	if st.NextTier != "" {
		dp.NextTier = tierName(rules, st.NextTier)
	}
	if pa.Ledger != nil {
		dp.SupportTier = pa.Ledger.SupportTier
	}
	for _, f := range []struct {
		label string
		t     *time.Time
	}{
		{"Applied", st.AppliedOn}, {"Accepted", st.AcceptedOn}, {"Certification deadline", st.CertificationDeadline},
		{"Certified", st.CertifiedOn}, {"Declined", st.DeclinedOn}, {"Withdrawn", st.WithdrawnOn},
		{"Next anniversary", st.NextAnniversary}, {"Leaves the program", st.EndsOn}, {"Standing changed", st.StandingSince},
	} {
		if f.t == nil {
			continue
		}
		// A certified partner's deadline is history, not a to-do.
		if f.label == "Certification deadline" && st.Status != model.StatusCandidate {
			continue
		}
		dp.Dates = append(dp.Dates, DatedFact{Label: f.label, Date: *f.t})
	}
	for _, a := range st.Awards {
		row := LedgerRow{Date: a.Date, ID: a.Activity, Activity: a.Activity, Ref: a.Ref, Table: a.Table, Points: a.Points, Total: a.Total}
		if act, ok := rules.Activity(a.Activity); ok {
			row.Activity = act.Name
		}
		if strings.HasPrefix(a.Ref, "https://") || strings.HasPrefix(a.Ref, "http://") {
			row.RefURL = a.Ref
		}
		dp.Ledger = append(dp.Ledger, row)
	}
	for _, h := range st.TierHistory {
		dp.TierHistory = append(dp.TierHistory, TierStep{Tier: tierName(rules, h.Tier), Since: h.Since})
	}
	if len(st.Awards) > 0 {
		dp.Chart = tierChart(st, rules, r.p.AsOf)
	}
	return dp
}

// lastNote is the note of the ledger's last event of the given type.
func lastNote(l *model.Ledger, typ string) string {
	if l == nil {
		return ""
	}
	for i := len(l.Events) - 1; i >= 0; i-- {
		if l.Events[i].Type == typ {
			return l.Events[i].Note
		}
	}
	return ""
}

func lastEventDate(l *model.Ledger, typ string) time.Time {
	if l == nil {
		return time.Time{}
	}
	for i := len(l.Events) - 1; i >= 0; i-- {
		if l.Events[i].Type == typ {
			return l.Events[i].Date
		}
	}
	return time.Time{}
}

// daysBetween counts whole days from a to b; dates are UTC midnights.
func daysBetween(a, b time.Time) int { return int(math.Round(b.Sub(a).Hours() / 24)) }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return groupThousands(n) + " " + what + "s"
}
