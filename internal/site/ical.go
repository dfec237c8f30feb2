package site

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/marketplace-program/marketplace/internal/model"
	"github.com/marketplace-program/marketplace/internal/project"
)

// calEvent is one all-day event of the program calendar.
type calEvent struct {
	uid         string
	day         time.Time
	summary     string
	description string
	url         string // absolute, or "" when the base URL is unknown
}

// calendar writes /calendar.ics (RFC 5545): every candidate's
// certification deadline and every certified partner's next two renewal
// anniversaries, as all-day events the team can subscribe to.
func (r *run) calendar() error {
	r.put("calendar.ics", []byte(r.buildCalendar()))
	return nil
}

func (r *run) buildCalendar() string {
	rules, asOf := r.p.Rules, r.p.AsOf
	var events []calEvent
	for _, pa := range r.v.partners {
		st := pa.Standing
		name := partnerName(pa)
		link := ""
		if u := r.abs(r.url(dashboardPath(pa.ID))); strings.Contains(u, "://") {
			link = u
		}
		switch st.Status {
		case model.StatusCandidate:
			if st.CertificationDeadline == nil {
				continue
			}
			dl := *st.CertificationDeadline
			desc := fmt.Sprintf("%s (%s) must be certified by %s, %d months after being accepted",
				name, pa.ID, isoDay(dl), rules.CertificationWindowMonths)
			if st.AcceptedOn != nil {
				desc += " on " + isoDay(*st.AcceptedOn)
			}
			desc += "."
			if st.Overdue {
				desc += fmt.Sprintf("\nOverdue by %d days as of %s: record the certified event, or withdrawn.",
					daysBetween(dl, asOf), isoDay(asOf))
			}
			events = append(events, calEvent{
				uid: "deadline-" + pa.ID + "-" + isoDay(dl) + "@marketplace", day: dl,
				summary: "Certification deadline: " + name, description: desc, url: link,
			})
		case model.StatusCertified:
			if st.NextAnniversary == nil || st.CertifiedOn == nil {
				continue
			}
			next := *st.NextAnniversary
			ann := []time.Time{next}
			// A partner that gave notice leaves on the next anniversary;
			// there is no later renewal to plan for.
			ends := st.EndsOn != nil && st.EndsOn.Equal(next)
			if !ends {
				if after, ok := anniversaryAfter(*st.CertifiedOn, rules.RenewalMonths, next); ok {
					ann = append(ann, after)
				}
			}
			for _, a := range ann {
				summary := "Renewal anniversary: " + name
				desc := fmt.Sprintf("%s (%s), certified on %s, renews on %s unless a non-renewal is recorded before it.",
					name, pa.ID, isoDay(*st.CertifiedOn), isoDay(a))
				if ends && a.Equal(next) {
					summary = "Leaves the program (non-renewal): " + name
					desc = fmt.Sprintf("%s (%s) recorded a non-renewal and is withdrawn on %s; it leaves the listing that day.",
						name, pa.ID, isoDay(a))
				}
				events = append(events, calEvent{
					uid: "renewal-" + pa.ID + "-" + isoDay(a) + "@marketplace", day: a,
					summary: summary, description: desc, url: link,
				})
			}
		}
	}
	slices.SortStableFunc(events, func(a, b calEvent) int { return cmp.Or(a.day.Compare(b.day), strings.Compare(a.uid, b.uid)) })

	var b strings.Builder
	line := func(s string) { writeFolded(&b, s) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Marketplace//Program calendar//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + icalText(r.info.Name+": certification deadlines and renewals"))
	// DTSTAMP is the build's as-of date, not the clock: two builds of the
	// same content give the same file.
	stamp := asOf.UTC().Format("20060102T150405Z")
	for _, e := range events {
		line("BEGIN:VEVENT")
		line("UID:" + icalText(e.uid))
		line("DTSTAMP:" + stamp)
		line("DTSTART;VALUE=DATE:" + e.day.Format("20060102"))
		line("DTEND;VALUE=DATE:" + e.day.AddDate(0, 0, 1).Format("20060102"))
		line("SUMMARY:" + icalText(e.summary))
		line("DESCRIPTION:" + icalText(e.description))
		if e.url != "" {
			line("URL:" + e.url)
		}
		line("TRANSP:TRANSPARENT")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.String()
}

// anniversaryAfter is the first anniversary of certified strictly after t.
func anniversaryAfter(certified time.Time, months int, t time.Time) (time.Time, bool) {
	if months <= 0 {
		return time.Time{}, false
	}
	k := max(1, (t.Year()-certified.Year()-1)*12/months)
	for {
		a := certified.AddDate(0, k*months, 0)
		if a.After(t) {
			return a, true
		}
		k++
	}
}

// icalText escapes a TEXT value (RFC 5545 3.3.11).
func icalText(s string) string {
	var b strings.Builder
	for _, c := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch c {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\n`)
		default:
			// Other control characters are not allowed in TEXT.
			if c < 0x20 && c != '\t' || c == 0x7f {
				continue
			}
			b.WriteRune(c)
		}
	}
	return b.String()
}

// writeFolded writes one content line ending in CRLF, folded so no line
// is longer than 75 octets (RFC 5545 3.1); a fold never splits a UTF-8
// sequence.
func writeFolded(b *strings.Builder, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space of a continuation counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}

func isoDay(t time.Time) string { return t.Format(time.DateOnly) }

// partnerName is the display name of a partner.
func partnerName(pa *project.Partner) string {
	if pa.Info != nil {
		return pa.Info.Name
	}
	return pa.ID
}
