package points

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/model"
)

// Compute replays ledger under rules and returns the partner's standing on
// asOf (its calendar day; the time of day is ignored) with every rule the
// ledger breaks.
func Compute(rules *model.Rules, ledger *model.Ledger, asOf time.Time) (Standing, diag.List) {
	if rules == nil {
		rules = &model.Rules{}
	}
	if ledger == nil {
		ledger = &model.Ledger{}
	}
	y, m, d := asOf.Date()
	c := &computer{
		rules:   rules,
		ledger:  ledger,
		asOf:    time.Date(y, m, d, 0, 0, 0, 0, time.UTC),
		good:    true,
		reached: map[string][]time.Time{},
	}
	c.replayEvents()
	c.replayAwards()
	return c.standing(), c.diags
}

// change is a status change on the timeline the events build.
type change struct {
	date   time.Time
	status string
}

type computer struct {
	rules  *model.Rules
	ledger *model.Ledger
	asOf   time.Time
	diags  diag.List

	status   string
	timeline []change
	reached  map[string][]time.Time // event type → dates it took effect

	// current cycle
	applied, accepted, certified, declined, withdrawn *time.Time
	acceptedEvent                                     *model.Event
	nonRenewal                                        *time.Time // pending, dated
	good                                              bool
	standingSince                                     *time.Time

	points  int
	awards  []AwardResult
	history []TierChange
}

// allowedFrom returns the statuses an event type may follow, and false for
// an unknown type.
func allowedFrom(eventType string) ([]string, bool) {
	switch eventType {
	case model.EventApplied:
		return []string{"", model.StatusDeclined, model.StatusWithdrawn}, true
	case model.EventAccepted, model.EventDeclined:
		return []string{model.StatusApplicant}, true
	case model.EventCertified:
		return []string{model.StatusCandidate}, true
	case model.EventNonRenewal:
		return []string{model.StatusCertified}, true
	case model.EventWithdrawn, model.EventStanding:
		return []string{model.StatusApplicant, model.StatusCandidate, model.StatusCertified}, true
	}
	return nil, false
}

func field(fields map[string]diag.Pos, key string, fallback diag.Pos) diag.Pos {
	if p, ok := fields[key]; ok {
		return p
	}
	return fallback
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

func ptr(t time.Time) *time.Time { return &t }

// dated reports a missing or future date and says whether the entry may be
// replayed.
func (c *computer) dated(what func() string, date time.Time, fields map[string]diag.Pos, key string, item diag.Pos) bool {
	if date.IsZero() {
		if _, ok := fields[key]; !ok {
			c.diags.Errorf(item, "points.date-missing", "add a "+key+": YYYY-MM-DD", "%s has no date", what())
		}
		return false
	}
	if date.After(c.asOf) {
		c.diags.Errorf(field(fields, key, item), "points.future-date", "",
			"%s is dated %s, after the as-of date %s", what(), day(date), day(c.asOf))
		return false
	}
	return true
}

func (c *computer) setStatus(date time.Time, status string) {
	c.status = status
	c.timeline = append(c.timeline, change{date, status})
}

func (c *computer) replayEvents() {
	events := make([]*model.Event, 0, len(c.ledger.Events))
	var latest time.Time
	for i := range c.ledger.Events {
		e := &c.ledger.Events[i]
		if !c.dated(func() string { return cmp.Or(e.Type, "the") + " event" }, e.Date, e.Fields, "date", e.Pos) {
			continue
		}
		if e.Date.Before(latest) {
			c.diags.Errorf(field(e.Fields, "date", e.Pos), "points.event-order", "list events in date order",
				"event dated %s is listed after one dated %s", day(e.Date), day(latest))
		}
		latest = maxTime(latest, e.Date)
		events = append(events, e)
	}
	slices.SortStableFunc(events, func(a, b *model.Event) int { return a.Date.Compare(b.Date) })
	for _, e := range events {
		c.renewUntil(e.Date)
		c.event(e)
	}
	c.renewUntil(c.asOf)
}

// renewUntil applies a pending non-renewal whose anniversary falls on or
// before date.
func (c *computer) renewUntil(date time.Time) {
	if c.nonRenewal == nil || c.status != model.StatusCertified {
		return
	}
	if end := c.anniversaryAfter(*c.nonRenewal); end != nil && !end.After(date) {
		c.withdrawn = end
		c.nonRenewal = nil
		c.setStatus(*end, model.StatusWithdrawn)
		c.reached[model.EventWithdrawn] = append(c.reached[model.EventWithdrawn], *end)
	}
}

// anniversaryAfter returns the first anniversary of certification strictly
// after t, or nil when terms do not renew.
func (c *computer) anniversaryAfter(t time.Time) *time.Time {
	if c.certified == nil || c.rules.RenewalMonths <= 0 {
		return nil
	}
	// Start near t rather than at the first anniversary, so a far as-of
	// date costs no long loop.
	years := max(0, t.Year()-c.certified.Year()-1)
	k := max(1, years*12/c.rules.RenewalMonths)
	for {
		a := c.certified.AddDate(0, k*c.rules.RenewalMonths, 0)
		if a.After(t) {
			return &a
		}
		k++
	}
}

func (c *computer) event(e *model.Event) {
	typePos := field(e.Fields, "type", e.Pos)
	from, known := allowedFrom(e.Type)
	if !known {
		hint := ""
		if s := diag.Suggest(e.Type, model.EventTypes()); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
		c.diags.Errorf(typePos, "points.event-type", hint, "unknown event type %q (one of %s)", e.Type, strings.Join(model.EventTypes(), ", "))
		return
	}
	if !slices.Contains(from, c.status) {
		c.diags.Errorf(typePos, "points.event-order", "", "%s", orderMessage(e, c.status))
		return
	}
	date := e.Date
	switch e.Type {
	case model.EventApplied:
		c.applied, c.accepted, c.certified, c.declined, c.withdrawn = ptr(date), nil, nil, nil, nil
		c.acceptedEvent, c.nonRenewal = nil, nil
		c.setStatus(date, model.StatusApplicant)
	case model.EventAccepted:
		c.accepted, c.acceptedEvent = ptr(date), e
		c.setStatus(date, model.StatusCandidate)
	case model.EventCertified:
		c.checkCertification(e)
		c.certified = ptr(date)
		c.setStatus(date, model.StatusCertified)
	case model.EventDeclined:
		c.declined = ptr(date)
		c.setStatus(date, model.StatusDeclined)
	case model.EventWithdrawn:
		c.withdrawn, c.nonRenewal = ptr(date), nil
		c.setStatus(date, model.StatusWithdrawn)
	case model.EventNonRenewal:
		c.nonRenewal = ptr(date)
	case model.EventStanding:
		if e.Good != nil {
			c.good, c.standingSince = *e.Good, ptr(date)
		}
	}
	c.reached[e.Type] = append(c.reached[e.Type], date)
}

func orderMessage(e *model.Event, status string) string {
	on := day(e.Date)
	switch {
	case status == model.StatusWithdrawn:
		return fmt.Sprintf("%s event on %s after the partner was withdrawn: only a new applied may follow withdrawn", e.Type, on)
	case status == model.StatusDeclined:
		return fmt.Sprintf("%s event on %s after the application was declined: only a new applied may follow declined", e.Type, on)
	case status == "":
		return fmt.Sprintf("%s event on %s before any applied event: a ledger starts with applied", e.Type, on)
	}
	var need string
	switch e.Type {
	case model.EventApplied:
		need = "the partner is already in the program"
	case model.EventAccepted, model.EventDeclined:
		need = e.Type + " follows applied only"
	case model.EventCertified:
		need = "certified follows accepted only"
	case model.EventNonRenewal:
		need = "non-renewal applies to certified partners only"
	}
	return fmt.Sprintf("%s event on %s while the partner is %s: %s", e.Type, on, status, need)
}

// checkCertification reports certification checks missing from (or unknown
// to) a certified event.
func (c *computer) checkCertification(e *model.Event) {
	var missing []string
	for _, id := range c.rules.Checks {
		if !slices.Contains(e.Checks, id) {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		c.diags.Errorf(field(e.Fields, "checks", field(e.Fields, "type", e.Pos)), "points.checks-missing",
			"list every check passed under checks:",
			"certified without the certification check(s) %s", strings.Join(missing, ", "))
	}
	for i, id := range e.Checks {
		if slices.Contains(c.rules.Checks, id) {
			continue
		}
		hint := "checks: " + strings.Join(c.rules.Checks, ", ")
		if s := diag.Suggest(id, c.rules.Checks); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
		c.diags.Errorf(field(e.Fields, fmt.Sprintf("checks.%d", i), e.Pos), "points.unknown-check", hint,
			"unknown certification check %q", id)
	}
}

// statusOn returns the status in effect at the end of date's events.
func (c *computer) statusOn(date time.Time) string {
	s := ""
	for _, ch := range c.timeline {
		if ch.date.After(date) {
			break
		}
		s = ch.status
	}
	return s
}

func (c *computer) reachedBy(event string, date time.Time) bool {
	return slices.ContainsFunc(c.reached[event], func(t time.Time) bool { return !t.After(date) })
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
