package points_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/points"
)

// certifiedHeader is a partner certified on 2015-03-02; awards start on
// line 6.
const certifiedHeader = `events:
  - {date: 2015-01-05, type: applied}
  - {date: 2015-01-05, type: accepted}
  - {date: 2015-03-02, type: certified, checks: [performs-as-advertised, documentation, automation-integration, business-value]}
awards:
`

// TestRules breaks every rule of the engine once and checks the rule id
// and the position it is reported at.
func TestRules(t *testing.T) {
	tests := []struct {
		name   string
		ledger string
		asOf   string // default 2016-01-01
		want   []where
		hint   string // a hint the first diagnostic must contain
		msg    string // text the first message must contain
	}{
		// Awards (line 6 on).
		{
			name:   "unknown activity",
			ledger: certifiedHeader + "  - date: 2015-04-01\n    activity: press-relase\n",
			want:   []where{{"points.unknown-activity", 7, 15, diag.Error}},
			hint:   `did you mean "press-release"?`,
		},
		{
			name:   "award in the future",
			ledger: certifiedHeader + "  - date: 2016-02-01\n    activity: press-release\n",
			want:   []where{{"points.future-date", 6, 11, diag.Error}},
		},
		{
			name:   "award without date",
			ledger: certifiedHeader + "  - activity: press-release\n",
			want:   []where{{"points.date-missing", 6, 5, diag.Error}},
		},
		{
			name:   "admission before accepted",
			ledger: certifiedHeader + "  - date: 2015-01-04\n    activity: admission\n",
			want:   []where{{"points.before-event", 6, 11, diag.Error}},
			msg:    "before the partner's accepted event",
		},
		{
			name:   "certification before certified",
			ledger: certifiedHeader + "  - date: 2015-03-01\n    activity: certification\n",
			want:   []where{{"points.before-event", 6, 11, diag.Error}},
		},
		{
			name:   "award to a candidate",
			ledger: certifiedHeader + "  - date: 2015-02-01\n    activity: press-release\n",
			want:   []where{{"points.not-certified", 6, 11, diag.Error}},
			msg:    "the partner is candidate",
		},
		{
			name:   "gold-only activity while silver",
			ledger: certifiedHeader + "  - date: 2015-04-01\n    activity: quickstart-offering\n",
			want:   []where{{"points.gold-only", 7, 15, diag.Error}},
			msg:    "only for Gold and Platinum partners",
		},
		{
			name: "once-only activity twice",
			ledger: certifiedHeader + `  - date: 2015-04-01
    activity: press-release
  - date: 2015-05-01
    activity: press-release
`,
			want: []where{{"points.repeat", 9, 15, diag.Error}},
		},
		{
			name: "two provider-of-the-quarter in Q2",
			ledger: certifiedHeader + `  - date: 2015-04-01
    activity: provider-of-the-quarter
    ref: first
  - date: 2015-06-30
    activity: provider-of-the-quarter
    ref: second
`,
			want: []where{{"points.per-quarter", 9, 11, diag.Error}},
			msg:  "Q2 2015",
		},
		{
			name:   "repeatable award without ref",
			ledger: certifiedHeader + "  - date: 2015-04-01\n    activity: customer-deployment\n",
			want:   []where{{"points.ref-required", 6, 5, diag.Error}},
		},
		{
			name: "duplicate repeatable award",
			ledger: certifiedHeader + `  - date: 2015-04-01
    activity: customer-deployment
    ref: ACME
  - date: 2015-04-01
    activity: customer-deployment
    ref: ACME
`,
			want: []where{{"points.duplicate", 11, 10, diag.Error}},
		},
		{
			name: "duplicate told apart by evidence only",
			ledger: certifiedHeader + `  - date: 2015-04-01
    activity: customer-deployment
    evidence: https://example.com/acme
  - date: 2015-04-01
    activity: customer-deployment
    evidence: https://example.com/acme
`,
			want: []where{{"points.duplicate", 11, 15, diag.Error}},
		},
		{
			name:   "brown-bag without 150 points",
			ledger: certifiedHeader + "  - date: 2015-04-01\n    activity: brown-bag-training\n",
			want:   []where{{"points.prerequisite", 7, 15, diag.Error}},
			msg:    "needs 150 points",
		},
		{
			name: "revoked before the award",
			ledger: certifiedHeader + `  - date: 2015-04-01
    activity: press-release
    revoked: {date: 2015-03-01, reason: typo}
`,
			want: []where{{"points.revoked-before-award", 8, 21, diag.Error}},
		},
		{
			name: "revocation in the future",
			ledger: certifiedHeader + `  - date: 2015-04-01
    activity: press-release
    revoked: {date: 2016-06-01, reason: later}
`,
			want: []where{{"points.future-date", 8, 21, diag.Error}},
		},
		{
			name: "revocation without date",
			ledger: certifiedHeader + `  - date: 2015-04-01
    activity: press-release
    revoked: {reason: no date}
`,
			want: []where{{"points.date-missing", 8, 14, diag.Error}},
		},

		// Events.
		{
			name: "certified before accepted",
			ledger: `events:
  - date: 2015-01-05
    type: applied
  - date: 2015-03-02
    type: certified
    checks: [performs-as-advertised, documentation, automation-integration, business-value]
`,
			want: []where{{"points.event-order", 5, 11, diag.Error}},
			msg:  "certified follows accepted only",
		},
		{
			name: "event after withdrawn",
			ledger: `events:
  - {date: 2015-01-05, type: applied}
  - {date: 2015-02-01, type: withdrawn}
  - {date: 2015-03-01, type: accepted}
`,
			want: []where{{"points.event-order", 4, 30, diag.Error}},
			msg:  "only a new applied may follow withdrawn",
		},
		{
			name: "declined from candidate",
			ledger: `events:
  - {date: 2015-01-05, type: applied}
  - {date: 2015-01-06, type: accepted}
  - {date: 2015-02-01, type: declined}
`,
			asOf: "2015-03-01",
			want: []where{{"points.event-order", 4, 30, diag.Error}},
		},
		{
			name: "first event is not applied",
			ledger: `events:
  - {date: 2015-01-05, type: accepted}
`,
			want: []where{{"points.event-order", 2, 30, diag.Error}},
		},
		{
			name: "non-renewal of a candidate",
			ledger: `events:
  - {date: 2015-01-05, type: applied}
  - {date: 2015-01-06, type: accepted}
  - {date: 2015-02-01, type: non-renewal}
`,
			asOf: "2015-03-01",
			want: []where{{"points.event-order", 4, 30, diag.Error}},
		},
		{
			name: "events listed out of date order",
			ledger: `events:
  - {date: 2015-01-05, type: applied}
  - {date: 2015-01-10, type: accepted}
  - {date: 2015-01-07, type: standing, good: true}
`,
			asOf: "2015-03-01",
			want: []where{{"points.event-order", 4, 12, diag.Error}},
			msg:  "listed after one dated 2015-01-10",
		},
		{
			name: "event in the future",
			ledger: `events:
  - {date: 2015-01-05, type: applied}
  - {date: 2016-05-01, type: accepted}
`,
			want: []where{{"points.future-date", 3, 12, diag.Error}},
		},
		{
			name: "event without date",
			ledger: `events:
  - type: applied
`,
			want: []where{{"points.date-missing", 2, 5, diag.Error}},
		},
		{
			name: "unknown event type",
			ledger: `events:
  - {date: 2015-01-05, type: applied}
  - {date: 2015-01-06, type: acepted}
`,
			want: []where{{"points.event-type", 3, 30, diag.Error}},
			hint: `did you mean "accepted"?`,
		},
		{
			name: "certified without every check",
			ledger: `events:
  - {date: 2015-01-05, type: applied}
  - {date: 2015-01-06, type: accepted}
  - date: 2015-03-02
    type: certified
    checks: [performs-as-advertised, documentation]
`,
			want: []where{{"points.checks-missing", 6, 13, diag.Error}},
			msg:  "automation-integration, business-value",
		},
		{
			name: "certified without checks at all",
			ledger: `events:
  - {date: 2015-01-05, type: applied}
  - {date: 2015-01-06, type: accepted}
  - {date: 2015-03-02, type: certified}
`,
			want: []where{{"points.checks-missing", 4, 30, diag.Error}},
			msg:  "performs-as-advertised, documentation, automation-integration, business-value",
		},
		{
			name: "unknown check",
			ledger: `events:
  - {date: 2015-01-05, type: applied}
  - {date: 2015-01-06, type: accepted}
  - date: 2015-03-02
    type: certified
    checks:
      - performs-as-advertised
      - documentation
      - automation-integration
      - business-value
      - bussiness-value
`,
			want: []where{{"points.unknown-check", 11, 9, diag.Error}},
			hint: `did you mean "business-value"?`,
		},
		{
			name: "candidate past the certification window",
			ledger: `events:
  - {date: 2015-01-05, type: applied}
  - {date: 2015-01-06, type: accepted}
`,
			want: []where{{"points.overdue", 3, 12, diag.Warning}},
			msg:  "deadline 2015-04-06",
		},
		{
			name: "event after a non-renewal took effect",
			ledger: `events:
  - {date: 2015-01-05, type: applied}
  - {date: 2015-01-06, type: accepted}
  - {date: 2015-03-02, type: certified, checks: [performs-as-advertised, documentation, automation-integration, business-value]}
  - {date: 2015-12-01, type: non-renewal}
  - {date: 2016-04-01, type: standing, good: false}
`,
			asOf: "2016-06-01",
			want: []where{{"points.event-order", 6, 30, diag.Error}},
			msg:  "after the partner was withdrawn",
		},
		{
			name:   "award after withdrawn",
			ledger: strings.Replace(certifiedHeader, "awards:\n", "  - {date: 2015-06-01, type: withdrawn}\nawards:\n", 1) + "  - date: 2015-07-01\n    activity: press-release\n",
			want:   []where{{"points.not-certified", 7, 11, diag.Error}},
			msg:    "the partner is withdrawn",
		},
	}
	rules := loadRules(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			asOf := "2016-01-01"
			if tc.asOf != "" {
				asOf = tc.asOf
			}
			_, diags := points.Compute(rules, parseLedger(t, tc.ledger), date(asOf))
			got := wheres(diags)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("diagnostics = %v, want %v%s", got, tc.want, dump(diags))
			}
			diags.Sort()
			if d := diags[0]; !strings.Contains(d.Hint, tc.hint) || !strings.Contains(d.Msg, tc.msg) {
				t.Errorf("got %q (hint %q), want message containing %q and hint containing %q", d.Msg, d.Hint, tc.msg, tc.hint)
			}
			if d := diags[0]; d.File != "ledger.yaml" {
				t.Errorf("file = %q, want ledger.yaml", d.File)
			}
		})
	}
}
