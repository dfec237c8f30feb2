package points

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/model"
)

// awardKey identifies one occurrence of a repeatable activity.
type awardKey struct {
	activity string
	date     time.Time
	ref      string
}

// replayAwards counts the awards in date order, interleaving the
// certification dates so that tier history starts where it should.
func (c *computer) replayAwards() {
	awards := make([]*model.Award, 0, len(c.ledger.Awards))
	for i := range c.ledger.Awards {
		a := &c.ledger.Awards[i]
		if c.dated(func() string { return "award " + quoteOr(a.Activity) }, a.Date, a.Fields, "date", a.Pos) {
			awards = append(awards, a)
		}
	}
	slices.SortStableFunc(awards, func(a, b *model.Award) int { return a.Date.Compare(b.Date) })

	var certs []time.Time // dates the partner became certified
	for _, ch := range c.timeline {
		if ch.status == model.StatusCertified {
			certs = append(certs, ch.date)
		}
	}
	enter := func(until time.Time) {
		for len(certs) > 0 && !certs[0].After(until) {
			if t := c.rules.TierFor(c.points); t != nil {
				c.history = append(c.history, TierChange{Tier: t.ID, Since: certs[0]})
			}
			certs = certs[1:]
		}
	}

	counted := map[string][]time.Time{} // activity → dates counted
	seen := map[awardKey]*model.Award{}
	for _, a := range awards {
		enter(a.Date)
		if c.revoked(a) {
			continue
		}
		c.award(a, counted, seen)
	}
	enter(c.asOf)
}

func quoteOr(s string) string {
	if s == "" {
		return "without activity"
	}
	return fmt.Sprintf("%q", s)
}

// revoked says whether a's revocation has taken effect, reporting a
// revocation that cannot be right. An award revoked before it was made is
// broken, so it is not counted either.
func (c *computer) revoked(a *model.Award) bool {
	r := a.Revoked
	if r == nil {
		return false
	}
	if !c.dated(func() string { return "revocation of award " + quoteOr(a.Activity) }, r.Date, prefixed(a.Fields, "revoked."), "date", r.Pos) {
		return false
	}
	if r.Date.Before(a.Date) {
		c.diags.Errorf(field(a.Fields, "revoked.date", r.Pos), "points.revoked-before-award", "",
			"award %s dated %s is revoked on %s, before it was made", quoteOr(a.Activity), day(a.Date), day(r.Date))
		return true
	}
	return true
}

// prefixed returns the entries of fields under prefix, with it cut off.
func prefixed(fields map[string]diag.Pos, prefix string) map[string]diag.Pos {
	out := map[string]diag.Pos{}
	for k, p := range fields {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = p
		}
	}
	return out
}

// award judges one award and counts it when it breaks no rule.
func (c *computer) award(a *model.Award, counted map[string][]time.Time, seen map[awardKey]*model.Award) {
	datePos := field(a.Fields, "date", a.Pos)
	actPos := field(a.Fields, "activity", a.Pos)

	act, ok := c.rules.Activity(a.Activity)
	if !ok {
		hint := ""
		if s := diag.Suggest(a.Activity, c.rules.ActivityIDs()); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
		c.diags.Errorf(actPos, "points.unknown-activity", hint, "unknown activity %q", a.Activity)
		return
	}
	before := len(c.diags)

	// Status: the activity's own event first, then the status it needs.
	status := c.statusOn(a.Date)
	statusOK := false
	switch {
	case act.NotBeforeEvent != "" && !c.reachedBy(act.NotBeforeEvent, a.Date):
		c.diags.Errorf(datePos, "points.before-event", "",
			"%s awarded on %s, before the partner's %s event", act.ID, day(a.Date), act.NotBeforeEvent)
	case status == model.StatusCertified, status == model.StatusCandidate && act.AllowedWhileCandidate:
		statusOK = true
	default:
		allowed := "certified partners"
		if act.AllowedWhileCandidate {
			allowed = "candidates and certified partners"
		}
		c.diags.Errorf(datePos, "points.not-certified", "",
			"%s is for %s; on %s the partner %s", act.ID, allowed, day(a.Date), describeStatus(status))
	}

	// Value: from the table of the tier held just before the award.
	table, tierName := c.rules.CandidatePointsTable, "no tier yet (candidate)"
	if status == model.StatusCertified {
		table, tierName = "", "no tier"
		if t := c.rules.TierFor(c.points); t != nil {
			table, tierName = t.PointsTable, t.Name
		}
	}
	value, from, inTable := c.rules.PointsFor(act, table)
	if statusOK && !inTable {
		c.diags.Errorf(actPos, "points.gold-only", "",
			"%s is only for %s partners; on %s the partner holds %s (%d points)",
			act.ID, c.tiersWith(act), day(a.Date), tierName, c.points)
	}

	// Repetition.
	prev := counted[act.ID]
	switch act.Repeat {
	case model.RepeatOnce:
		if len(prev) > 0 {
			c.diags.Errorf(actPos, "points.repeat", "",
				"%s is awarded once; it was already awarded on %s", act.ID, day(prev[0]))
		}
	case model.RepeatPerQuarter:
		if i := slices.IndexFunc(prev, func(t time.Time) bool { return sameQuarter(t, a.Date) }); i >= 0 {
			c.diags.Errorf(datePos, "points.per-quarter", "",
				"%s is awarded at most once per calendar quarter; Q%d %d already has it (%s)",
				act.ID, quarter(a.Date), a.Date.Year(), day(prev[i]))
		}
	}
	if act.NeedsRef {
		ref := a.Reference()
		key := awardKey{act.ID, a.Date, ref}
		switch {
		case ref == "":
			c.diags.Errorf(a.Pos, "points.ref-required", "add ref: (customer or event name) or evidence: (URL)",
				"%s can be awarded more than once, so each award needs a ref or evidence to tell it apart", act.ID)
		case seen[key] != nil:
			c.diags.Errorf(field(a.Fields, "ref", field(a.Fields, "evidence", a.Pos)), "points.duplicate", "",
				"duplicate award: %s on %s with reference %q is already in the ledger (awards[%d])",
				act.ID, day(a.Date), ref, seen[key].Index)
		default:
			seen[key] = a
		}
	}

	if act.MinPointsBefore > 0 && c.points < act.MinPointsBefore {
		c.diags.Errorf(actPos, "points.prerequisite", "",
			"%s needs %d points before it; on %s the partner has %d", act.ID, act.MinPointsBefore, day(a.Date), c.points)
	}

	if len(c.diags) > before || !inTable {
		return
	}
	tierBefore := c.rules.TierFor(c.points)
	c.points += value
	counted[act.ID] = append(counted[act.ID], a.Date)
	c.awards = append(c.awards, AwardResult{
		Index: a.Index, Date: a.Date, Activity: act.ID, Ref: a.Reference(),
		Table: from, Points: value, Total: c.points,
	})
	if to := c.rules.TierFor(c.points); status == model.StatusCertified && to != nil && to != tierBefore {
		c.history = append(c.history, TierChange{Tier: to.ID, Since: a.Date})
	}
}

// tiersWith names the tiers whose table has act, for a message.
func (c *computer) tiersWith(act *model.Activity) string {
	var names []string
	for _, t := range c.rules.Tiers {
		if _, _, ok := c.rules.PointsFor(act, t.PointsTable); ok {
			names = append(names, t.Name)
		}
	}
	if len(names) == 0 {
		return "no tier's"
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func describeStatus(status string) string {
	if status == "" {
		return "has not applied"
	}
	return "is " + status
}

func quarter(t time.Time) int { return (int(t.Month())-1)/3 + 1 }

func sameQuarter(a, b time.Time) bool { return a.Year() == b.Year() && quarter(a) == quarter(b) }
