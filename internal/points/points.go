// Package points judges a partner's ledger against the program's rules and
// computes where the partner stands on a given day: lifecycle status, tier,
// points, monthly credit, renewal and good standing. It is pure: Compute
// reads only its arguments (no files, no clock, no package state), so the
// same ledger and as-of date always give the same Standing and diagnostics.
//
// # Lifecycle
//
// Ledger events are replayed in date order (ties: file order). Each moves
// the partner between statuses:
//
//	applied      none, declined, withdrawn → applicant
//	accepted     applicant → candidate      (the certification window opens)
//	certified    candidate → certified      (enters the tier its points reach: Silver)
//	declined     applicant → declined
//	withdrawn    applicant, candidate, certified → withdrawn
//	non-renewal  certified: withdrawn on the next anniversary of certified
//	standing     applicant, candidate, certified: good standing lost (good:
//	             false) or regained (good: true) from its date
//
// An event that does not fit the status it meets is an error and changes
// nothing. Without a non-renewal the term renews by itself on every
// anniversary (Rules.RenewalMonths apart). A candidate still uncertified
// Rules.CertificationWindowMonths after accepted is overdue: a warning, not
// an expulsion. Declined and withdrawn partners keep their points and tier
// history, but hold no tier and get no credit.
//
// # Points
//
// Awards are replayed in date order (ties: file order), from scratch, with
// revoked awards (revoked.date on or before the as-of date) left out. Each
// award's value is read from the points table of the tier the partner holds
// just before it (a tier's points_table: Platinum reads Gold's); a candidate
// reads Rules.CandidatePointsTable. An activity missing from a table is read
// from the table that one falls back to (Gold falls back to Silver), so
// only activities missing from the whole chain are refused. The constraints of each activity come
// from the rules file: repeat (once, each, per-quarter), needs_ref,
// min_points_before, not_before_event and allowed_while.
//
// An award that breaks a rule is reported and not counted; it is never
// silently dropped or silently counted. Every award and event must be dated
// and not after the as-of date.
//
// # Credit
//
// A certified partner's monthly credit is its tier's; a candidate's is
// Rules.CandidateCreditUSD; everyone else's is 0. A partner not in good
// standing gets 0 from the date of the standing event, and stays listed.
//
// # Diagnostics
//
// Positions point at the offending value: the date, type, checks, activity
// or ref of an entry, or the entry itself when the value is missing. All are
// errors except points.overdue.
//
//	points.date-missing          an event, award or revocation has no date
//	points.future-date           dated after the as-of date (entry ignored;
//	                             a future revocation does not yet apply)
//	points.event-order           an event that its status does not allow
//	                             (certified before accepted, anything but
//	                             applied after withdrawn, declined other than
//	                             from applicant, ...), or events listed out
//	                             of date order
//	points.event-type            an event type the engine does not know
//	points.checks-missing        certified without every certification check
//	                             of the rules file (the missing ones named)
//	points.unknown-check         a check id the rules file does not list
//	points.overdue               (warning) a candidate past its
//	                             certification window
//	points.unknown-activity      an activity id the rules file does not list
//	                             (with a did-you-mean hint)
//	points.before-event          dated before the event the activity needs
//	                             (admission before accepted, certification
//	                             before certified)
//	points.not-certified         the partner is not certified on the award's
//	                             date (candidates may get only activities
//	                             allowed while candidate)
//	points.gold-only             the activity is not in the points table of
//	                             the tier held (a Gold-only activity while
//	                             Silver)
//	points.repeat                a once-only activity awarded again
//	points.per-quarter           a per-quarter activity awarded twice in one
//	                             calendar quarter
//	points.ref-required          a repeatable award with neither ref nor
//	                             evidence to tell it apart
//	points.duplicate             same activity, date and reference twice
//	points.prerequisite          fewer points than min_points_before
//	points.revoked-before-award  a revocation dated before its award
//
// Dates the decoder could not parse (model.date) were reported there and
// are skipped here without a second report.
package points

import "time"

// Standing is where a partner stands on the as-of date.
type Standing struct {
	Status string // model.Status*, or "" when the ledger has no events
	Tier   string // tier id; "" unless certified

	Points           int
	MonthlyCreditUSD int
	GoodStanding     bool
	StandingSince    *time.Time // date of the last standing event, if any

	NextTier         string // "" at the top or when not certified
	PointsToNextTier int

	TierHistory []TierChange
	Awards      []AwardResult // counted awards, in replay order

	// Dates of the current cycle (a new applied starts a new one).
	AppliedOn, AcceptedOn, CertifiedOn, DeclinedOn, WithdrawnOn *time.Time

	CertificationDeadline *time.Time // accepted + certification window
	Overdue               bool       // a candidate past the deadline
	NextAnniversary       *time.Time // next renewal date of a certified partner
	EndsOn                *time.Time // anniversary a pending non-renewal withdraws on
}

// TierChange records that the partner entered Tier on Since.
type TierChange struct {
	Tier  string
	Since time.Time
}

// AwardResult is one counted award.
type AwardResult struct {
	Index    int // position in the ledger's awards list
	Date     time.Time
	Activity string
	Ref      string // the award's reference (ref, else evidence)
	Table    string // the points table its value came from (after fallback)
	Points   int    // its value
	Total    int    // cumulative points after it
}
