// Package model holds the typed form of the three kinds of YAML file the
// pipeline reads about the program and its partners, and decodes them from
// yaml.v3 node trees so that every value keeps the position it came from.
//
// # Files
//
// program.yaml (DecodeRules) is the program's rules as data: lifecycle
// numbers, tiers, the activities that earn points and their constraints,
// categories, review criteria, the Ecosystem team and report settings.
//
// partners/<id>/ledger.yaml (DecodeLedger) is a partner's history:
//
//	support_tier: developer        # or professional, enterprise
//	events:                        # lifecycle, in date order
//	  - date: 2015-01-05
//	    type: accepted             # applied accepted certified declined
//	                               # withdrawn non-renewal standing
//	    checks: [...]              # on certified: the checks passed
//	    good: false                # on standing: good standing lost/regained
//	    note: free text
//	awards:
//	  - date: 2015-03-02
//	    activity: customer-deployment
//	    ref: ACME Corp             # tells repeated awards apart
//	    evidence: https://...
//	    note: free text
//	    revoked: {date: 2015-06-01, reason: ...}
//
// partners/<id>/partner.yaml (DecodePartner) is the listing: name, summary,
// description, website, logo, categories, delivery, pricing, support
// {email, phone, hours, url}, escalation {name, email, phone}, maintainers.
//
// # Decoding
//
// Schema validation runs before decoding, so the decoders assume the shapes
// are right; where they are not, the offending value is skipped, never a
// panic. Decoders report only what a schema cannot see:
//
//	model.date          a date that is not a real YYYY-MM-DD day
//	model.duplicate-id  a category, tier or activity id given twice (rules)
//	model.points-table  a points table no tier reads, a tier or candidate
//	                    table no activity has, or a fallback to no table
//	                    (rules)
//	model.event-type    not_before_event naming no ledger event type (rules)
//
// Dates are kept as UTC midnights. An unquoted YAML date is tagged
// !!timestamp by the parser; its text is read like any other string.
package model

import (
	"time"

	"github.com/marketplace-program/marketplace/internal/diag"
)

// Lifecycle statuses.
const (
	StatusApplicant = "applicant"
	StatusCandidate = "candidate"
	StatusCertified = "certified"
	StatusDeclined  = "declined"
	StatusWithdrawn = "withdrawn"
)

// Ledger event types.
const (
	EventApplied    = "applied"
	EventAccepted   = "accepted"
	EventCertified  = "certified"
	EventDeclined   = "declined"
	EventWithdrawn  = "withdrawn"
	EventNonRenewal = "non-renewal"
	EventStanding   = "standing"
)

// EventTypes lists the ledger event types in lifecycle order.
func EventTypes() []string {
	return []string{EventApplied, EventAccepted, EventCertified, EventDeclined,
		EventWithdrawn, EventNonRenewal, EventStanding}
}

// Repeat kinds of an activity.
const (
	RepeatOnce       = "once"
	RepeatEach       = "each"
	RepeatPerQuarter = "per-quarter"
)

// DefaultSupportTier is the support tier of a ledger that names none: the
// guide gives every partner Developer support unless it pays for more.
const DefaultSupportTier = "developer"

// Rules is the decoded program.yaml.
type Rules struct {
	Source *diag.Source

	Categories []Category
	Checks     []string // certification check ids a certified event must list
	// SupportTiers are the support tiers a ledger may name.
	SupportTiers []string

	CertificationWindowMonths int
	RenewalMonths             int
	CandidateCreditUSD        int
	// CandidatePointsTable is the table a candidate's awards are read from.
	CandidatePointsTable string

	Tiers        []Tier // ascending by MinPoints
	PointsTables []PointsTable
	Activities   []Activity

	Team           []string // GitHub handles of the Ecosystem team
	ReviewCriteria []string
	LegacyKBURLs   []string

	RenewalHorizonDays int
}

// Category is one listing category.
type Category struct {
	ID, Name string
	Pos      diag.Pos
}

// Tier is one partner level.
type Tier struct {
	ID, Name         string
	MinPoints        int
	MonthlyCreditUSD int
	PointsTable      string // column of Activity.Points awards are read from
	Preferred        bool   // listed before non-preferred partners
	Benefits         []string
	Pos              diag.Pos
}

// PointsTable is one column of Activity.Points. An activity missing from
// it is looked up in FallsBackTo, if set.
type PointsTable struct {
	ID, FallsBackTo string
	Pos             diag.Pos
}

// Activity is one way of earning points.
type Activity struct {
	ID, Name string
	// Points maps a points table (see Tier.PointsTable) to the value; an
	// activity missing from a table cannot be awarded from it.
	Points                map[string]int
	Repeat                string // RepeatOnce, RepeatEach or RepeatPerQuarter
	MinPointsBefore       int
	NotBeforeEvent        string // an event type, or ""
	AllowedWhileCandidate bool
	NeedsRef              bool
	Pos                   diag.Pos
}

// Activity returns the activity with the given id.
func (r *Rules) Activity(id string) (*Activity, bool) {
	for i := range r.Activities {
		if r.Activities[i].ID == id {
			return &r.Activities[i], true
		}
	}
	return nil, false
}

// PointsFor returns the value of act read from table: from the table itself
// or, when act is missing there, from the table it falls back to, and so
// on. from names the table the value came from; ok is false when no table
// in the chain has act.
func (r *Rules) PointsFor(act *Activity, table string) (points int, from string, ok bool) {
	// The chain is at most as long as the list of tables, so a cycle in a
	// broken rules file ends the lookup instead of looping.
	for range len(r.PointsTables) + 1 {
		if table == "" {
			break
		}
		if p, ok := act.Points[table]; ok {
			return p, table, true
		}
		next := ""
		for _, t := range r.PointsTables {
			if t.ID == table {
				next = t.FallsBackTo
			}
		}
		table = next
	}
	return 0, "", false
}

// ActivityIDs returns the activity ids in file order.
func (r *Rules) ActivityIDs() []string {
	ids := make([]string, len(r.Activities))
	for i, a := range r.Activities {
		ids[i] = a.ID
	}
	return ids
}

// Tier returns the tier with the given id.
func (r *Rules) Tier(id string) (*Tier, bool) {
	for i := range r.Tiers {
		if r.Tiers[i].ID == id {
			return &r.Tiers[i], true
		}
	}
	return nil, false
}

// TierFor returns the highest tier whose threshold points reach, or nil
// when they reach none.
func (r *Rules) TierFor(points int) *Tier {
	var t *Tier
	for i := range r.Tiers {
		if points >= r.Tiers[i].MinPoints {
			t = &r.Tiers[i]
		}
	}
	return t
}

// NextTier returns the tier above t (the lowest tier when t is nil), or nil
// at the top.
func (r *Rules) NextTier(t *Tier) *Tier {
	for i := range r.Tiers {
		if t == nil || r.Tiers[i].MinPoints > t.MinPoints {
			return &r.Tiers[i]
		}
	}
	return nil
}

// Category returns the category with the given id.
func (r *Rules) Category(id string) (*Category, bool) {
	for i := range r.Categories {
		if r.Categories[i].ID == id {
			return &r.Categories[i], true
		}
	}
	return nil, false
}

// CategoryIDs returns the category ids in file order.
func (r *Rules) CategoryIDs() []string {
	ids := make([]string, len(r.Categories))
	for i, c := range r.Categories {
		ids[i] = c.ID
	}
	return ids
}

// Ledger is a decoded ledger.yaml.
type Ledger struct {
	Source      *diag.Source
	SupportTier string // DefaultSupportTier when the file names none
	Events      []Event
	Awards      []Award
	Pos         map[string]diag.Pos // top-level key ("support_tier", "events", "awards") → value
}

// Event is one lifecycle entry of a ledger.
type Event struct {
	Date   time.Time // zero when missing or not a date
	Type   string
	Checks []string
	Good   *bool // on standing events
	Note   string
	Pos    diag.Pos            // the list item
	Fields map[string]diag.Pos // key → its value; "checks.N" → the N-th check
}

// Award is one points award of a ledger.
type Award struct {
	Index    int       // position in the awards list, from 0
	Date     time.Time // zero when missing or not a date
	Activity string
	Ref      string
	Evidence string
	Note     string
	Revoked  *Revocation
	Pos      diag.Pos            // the list item
	Fields   map[string]diag.Pos // key → its value; also "revoked.date", "revoked.reason"
}

// Reference is what tells a repeated award from another: its ref, or its
// evidence URL when it has no ref.
func (a *Award) Reference() string {
	if a.Ref != "" {
		return a.Ref
	}
	return a.Evidence
}

// Revocation withdraws an award from a date on.
type Revocation struct {
	Date   time.Time
	Reason string
	Pos    diag.Pos // the revoked: mapping
}

// Partner is a decoded partner.yaml.
type Partner struct {
	ID                         string // the directory name
	Name, Summary, Description string
	Website, Logo              string
	Categories                 []string
	Delivery, Pricing          string
	Support                    Support
	Escalation                 Escalation
	Maintainers                []string
	Source                     *diag.Source
	// Pos maps a dotted path ("name", "support.email", "categories.1") to
	// the position of its value.
	Pos map[string]diag.Pos
}

// Support is how customers reach the partner's support.
type Support struct {
	Email, Phone, Hours, URL string
}

// Escalation is the partner contact the Ecosystem team escalates to.
type Escalation struct {
	Name, Email, Phone string
}

// At returns the position recorded for path, falling back to the file.
func (p *Partner) At(path string) diag.Pos {
	if pos, ok := p.Pos[path]; ok {
		return pos
	}
	return fileStart(p.Source)
}
