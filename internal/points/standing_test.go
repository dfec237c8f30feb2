package points_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/points"
)

const checks = "checks: [performs-as-advertised, documentation, automation-integration, business-value]"

// lifecycle builds a ledger from one flow-style event per argument.
func lifecycle(events ...string) string {
	var b strings.Builder
	b.WriteString("events:\n")
	for _, e := range events {
		fmt.Fprintf(&b, "  - {%s}\n", e)
	}
	return b.String()
}

var (
	applied   = "date: 2015-01-05, type: applied"
	accepted  = "date: 2015-01-06, type: accepted"
	certified = "date: 2015-03-02, type: certified, " + checks
)

func TestStanding(t *testing.T) {
	type want struct {
		status, tier   string
		points, credit int
		good           bool
		next           string
		toNext         int
		deadline       string
		overdue        bool
		anniversary    string
		endsOn         string
		withdrawnOn    string
		standingSince  string
		warnings       int
	}
	tests := []struct {
		name   string
		ledger string
		asOf   string
		want   want
	}{
		{"no events", "", "2016-01-01",
			want{good: true, deadline: "<nil>", anniversary: "<nil>", endsOn: "<nil>", withdrawnOn: "<nil>", standingSince: "<nil>"}},
		{"applicant gets no credit", lifecycle(applied), "2015-02-01",
			want{status: "applicant", good: true, deadline: "<nil>", anniversary: "<nil>", endsOn: "<nil>", withdrawnOn: "<nil>", standingSince: "<nil>"}},
		{"candidate within window", lifecycle(applied, accepted), "2015-04-06",
			want{status: "candidate", credit: 2000, good: true, deadline: "2015-04-06", anniversary: "<nil>", endsOn: "<nil>", withdrawnOn: "<nil>", standingSince: "<nil>"}},
		{"candidate overdue", lifecycle(applied, accepted), "2015-04-07",
			want{status: "candidate", credit: 2000, good: true, deadline: "2015-04-06", overdue: true, anniversary: "<nil>", endsOn: "<nil>", withdrawnOn: "<nil>", standingSince: "<nil>", warnings: 1}},
		{"certified late is not overdue", lifecycle(applied, accepted, "date: 2015-06-01, type: certified, "+checks), "2015-07-01",
			want{status: "certified", tier: "silver", credit: 2000, good: true, next: "gold", toNext: 500, deadline: "2015-04-06", anniversary: "2016-06-01", endsOn: "<nil>", withdrawnOn: "<nil>", standingSince: "<nil>"}},
		{"certified enters silver", lifecycle(applied, accepted, certified), "2015-03-02",
			want{status: "certified", tier: "silver", credit: 2000, good: true, next: "gold", toNext: 500, deadline: "2015-04-06", anniversary: "2016-03-02", endsOn: "<nil>", withdrawnOn: "<nil>", standingSince: "<nil>"}},
		{"renews on the anniversary", lifecycle(applied, accepted, certified), "2016-03-02",
			want{status: "certified", tier: "silver", credit: 2000, good: true, next: "gold", toNext: 500, deadline: "2015-04-06", anniversary: "2017-03-02", endsOn: "<nil>", withdrawnOn: "<nil>", standingSince: "<nil>"}},
		{"renews for years", lifecycle(applied, accepted, certified), "2024-12-31",
			want{status: "certified", tier: "silver", credit: 2000, good: true, next: "gold", toNext: 500, deadline: "2015-04-06", anniversary: "2025-03-02", endsOn: "<nil>", withdrawnOn: "<nil>", standingSince: "<nil>"}},
		{"non-renewal pending", lifecycle(applied, accepted, certified, "date: 2016-01-15, type: non-renewal"), "2016-03-01",
			want{status: "certified", tier: "silver", credit: 2000, good: true, next: "gold", toNext: 500, deadline: "2015-04-06", anniversary: "2016-03-02", endsOn: "2016-03-02", withdrawnOn: "<nil>", standingSince: "<nil>"}},
		{"non-renewal takes effect on the anniversary", lifecycle(applied, accepted, certified, "date: 2016-01-15, type: non-renewal"), "2016-03-02",
			want{status: "withdrawn", deadline: "2015-04-06", good: true, anniversary: "<nil>", endsOn: "<nil>", withdrawnOn: "2016-03-02", standingSince: "<nil>"}},
		{"non-renewal after an anniversary waits for the next", lifecycle(applied, accepted, certified, "date: 2016-04-01, type: non-renewal"), "2016-12-01",
			want{status: "certified", tier: "silver", credit: 2000, good: true, next: "gold", toNext: 500, deadline: "2015-04-06", anniversary: "2017-03-02", endsOn: "2017-03-02", withdrawnOn: "<nil>", standingSince: "<nil>"}},
		{"withdrawn", lifecycle(applied, accepted, certified, "date: 2015-06-01, type: withdrawn"), "2016-01-01",
			want{status: "withdrawn", good: true, deadline: "2015-04-06", anniversary: "<nil>", endsOn: "<nil>", withdrawnOn: "2015-06-01", standingSince: "<nil>"}},
		{"declined", lifecycle(applied, "date: 2015-01-20, type: declined"), "2016-01-01",
			want{status: "declined", good: true, deadline: "<nil>", anniversary: "<nil>", endsOn: "<nil>", withdrawnOn: "<nil>", standingSince: "<nil>"}},
		{"not in good standing gets no credit", lifecycle(applied, accepted, certified, "date: 2015-05-01, type: standing, good: false"), "2016-01-01",
			want{status: "certified", tier: "silver", credit: 0, good: false, next: "gold", toNext: 500, deadline: "2015-04-06", anniversary: "2016-03-02", endsOn: "<nil>", withdrawnOn: "<nil>", standingSince: "2015-05-01"}},
		{"good standing restored", lifecycle(applied, accepted, certified, "date: 2015-05-01, type: standing, good: false", "date: 2015-07-01, type: standing, good: true"), "2016-01-01",
			want{status: "certified", tier: "silver", credit: 2000, good: true, next: "gold", toNext: 500, deadline: "2015-04-06", anniversary: "2016-03-02", endsOn: "<nil>", withdrawnOn: "<nil>", standingSince: "2015-07-01"}},
		{"candidate not in good standing", lifecycle(applied, accepted, "date: 2015-02-01, type: standing, good: false"), "2015-03-01",
			want{status: "candidate", credit: 0, good: false, deadline: "2015-04-06", anniversary: "<nil>", endsOn: "<nil>", withdrawnOn: "<nil>", standingSince: "2015-02-01"}},
		{"re-applied after withdrawal starts a new cycle", lifecycle(applied, accepted, certified, "date: 2015-06-01, type: withdrawn", "date: 2015-09-01, type: applied", "date: 2015-09-10, type: accepted"), "2015-10-01",
			want{status: "candidate", credit: 2000, good: true, deadline: "2015-12-10", anniversary: "<nil>", endsOn: "<nil>", withdrawnOn: "<nil>", standingSince: "<nil>"}},
	}
	rules := loadRules(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, diags := points.Compute(rules, parseLedger(t, tc.ledger), date(tc.asOf))
			if diags.HasErrors() || len(diags.Warnings()) != tc.want.warnings {
				t.Fatalf("diagnostics:%s", dump(diags))
			}
			got := want{
				status: st.Status, tier: st.Tier, points: st.Points, credit: st.MonthlyCreditUSD,
				good: st.GoodStanding, next: st.NextTier, toNext: st.PointsToNextTier,
				deadline: datePtr(st.CertificationDeadline), overdue: st.Overdue,
				anniversary: datePtr(st.NextAnniversary), endsOn: datePtr(st.EndsOn),
				withdrawnOn: datePtr(st.WithdrawnOn), standingSince: datePtr(st.StandingSince),
				warnings: len(diags.Warnings()),
			}
			if got != tc.want {
				t.Errorf("standing\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestWithdrawnKeepsPoints: a withdrawn partner keeps points and history
// but holds no tier and gets no credit.
func TestWithdrawnKeepsPoints(t *testing.T) {
	ledger := strings.Replace(workedExample, "awards:\n", "  - date: 2015-10-01\n    type: withdrawn\nawards:\n", 1)
	st, diags := points.Compute(loadRules(t), parseLedger(t, ledger), date("2016-01-01"))
	if len(diags) > 0 {
		t.Fatalf("diagnostics:%s", dump(diags))
	}
	if st.Status != "withdrawn" || st.Points != 600 || st.Tier != "" || st.MonthlyCreditUSD != 0 || st.NextTier != "" {
		t.Errorf("got %s, %d points, tier %q, $%d, next %q; want withdrawn, 600, no tier, $0, no next",
			st.Status, st.Points, st.Tier, st.MonthlyCreditUSD, st.NextTier)
	}
	if got := history(st); got != "silver@2015-03-02 gold@2015-08-20" {
		t.Errorf("tier history = %s", got)
	}
}

func history(st points.Standing) string {
	var s []string
	for _, h := range st.TierHistory {
		s = append(s, h.Tier+"@"+h.Since.Format("2006-01-02"))
	}
	return strings.Join(s, " ")
}

func TestRevocation(t *testing.T) {
	revoke := func(activity, on string) string {
		// The revocation goes right after the award's activity line.
		return strings.Replace(workedExample, "    activity: "+activity+"\n",
			"    activity: "+activity+"\n    revoked: {date: "+on+", reason: test}\n", 1)
	}
	tests := []struct {
		name    string
		ledger  string
		asOf    string
		points  int
		tier    string
		history string
	}{
		{"not revoked", workedExample, "2016-01-01", 600, "gold", "silver@2015-03-02 gold@2015-08-20"},
		// Without cca-expo the later customer deployment is read from the
		// Silver table (50) and is the award that reaches Gold.
		{"cca-expo revoked: recomputed from scratch", revoke("cca-expo", "2015-12-01"), "2016-01-01", 525, "gold", "silver@2015-03-02 gold@2015-09-01"},
		{"revocation on the as-of date applies", revoke("cca-expo", "2016-01-01"), "2016-01-01", 525, "gold", "silver@2015-03-02 gold@2015-09-01"},
		{"showcase-tech-video revoked: stays silver", revoke("showcase-tech-video", "2015-12-01"), "2016-01-01", 500, "gold", "silver@2015-03-02 gold@2015-09-01"},
	}
	rules := loadRules(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, diags := points.Compute(rules, parseLedger(t, tc.ledger), date(tc.asOf))
			if len(diags) > 0 {
				t.Fatalf("diagnostics:%s", dump(diags))
			}
			if st.Points != tc.points || st.Tier != tc.tier || history(st) != tc.history {
				t.Errorf("got %d points, %s, history %s; want %d, %s, %s", st.Points, st.Tier, history(st), tc.points, tc.tier, tc.history)
			}
			for _, a := range st.Awards {
				if strings.Contains(tc.name, a.Activity+" revoked") {
					t.Errorf("revoked award %s still listed", a.Activity)
				}
			}
		})
	}

	t.Run("revocation breaks a later prerequisite", func(t *testing.T) {
		ledger := revoke("showcase-business-blog", "2015-12-01")
		ledger = strings.Replace(ledger, "    activity: press-release\n",
			"    activity: press-release\n    revoked: {date: 2015-12-01, reason: test}\n", 1)
		st, diags := points.Compute(rules, parseLedger(t, ledger), date("2016-01-01"))
		// brown-bag now sees 200 - 75 = 125 points before it.
		if got := wheres(diags); len(got) != 1 || got[0] != (where{"points.prerequisite", 24, 15, diag.Error}) {
			t.Fatalf("diagnostics = %v%s", got, dump(diags))
		}
		if st.Points != 450 || st.Tier != "silver" || history(st) != "silver@2015-03-02" {
			t.Errorf("got %d points, %s, history %s; want 450, silver, silver@2015-03-02", st.Points, st.Tier, history(st))
		}
	})
}

// TestReplayOrder: awards are replayed by date whatever their order in the
// file, and ties keep file order.
func TestReplayOrder(t *testing.T) {
	head, awards, _ := strings.Cut(workedExample, "awards:\n")
	var items []string
	for _, item := range strings.SplitAfter(awards, "  - ")[1:] {
		items = append(items, "  - "+strings.TrimSuffix(item, "  - "))
	}
	slices.Reverse(items)
	reversed := head + "awards:\n" + strings.Join(items, "")

	rules := loadRules(t)
	st, diags := points.Compute(rules, parseLedger(t, reversed), date("2016-01-01"))
	if len(diags) > 0 {
		t.Fatalf("diagnostics:%s", dump(diags))
	}
	if st.Points != 600 || history(st) != "silver@2015-03-02 gold@2015-08-20" {
		t.Errorf("reversed file: %d points, history %s", st.Points, history(st))
	}
	if st.Awards[0].Activity != "admission" || st.Awards[0].Index != len(items)-1 {
		t.Errorf("first replayed award = %+v, want admission (file index %d)", st.Awards[0], len(items)-1)
	}

	// Same date as cca-expo but listed before it: still Silver just before.
	tie := strings.Replace(workedExample, "  - date: 2015-08-20\n    activity: cca-expo\n",
		"  - date: 2015-08-20\n    activity: quickstart-offering\n  - date: 2015-08-20\n    activity: cca-expo\n", 1)
	_, diags = points.Compute(rules, parseLedger(t, tie), date("2016-01-01"))
	if got := wheres(diags); len(got) != 1 || got[0].Rule != "points.gold-only" || got[0].Line != 32 {
		t.Errorf("tie listed first: %v, want points.gold-only at line 32", got)
	}
}

// TestPlatinum: Platinum reads the Gold table, and the crossing award dates
// the change.
func TestPlatinum(t *testing.T) {
	var b strings.Builder
	b.WriteString(workedExample)
	// 600 points on 2015-09-01; 22 sponsored events at 200 reach 5000.
	for i := range 22 {
		fmt.Fprintf(&b, "  - date: 2015-10-%02d\n    activity: comarketing-event-sponsored\n    ref: Champions %d\n", i+1, i+1)
	}
	b.WriteString("  - date: 2015-11-02\n    activity: release-notes\n")
	b.WriteString("  - date: 2015-11-03\n    activity: customer-deployment\n    ref: Initech\n")
	st, diags := points.Compute(loadRules(t), parseLedger(t, b.String()), date("2016-01-01"))
	if len(diags) > 0 {
		t.Fatalf("diagnostics:%s", dump(diags))
	}
	if st.Points != 5100 || st.Tier != "platinum" || st.MonthlyCreditUSD != 15000 || st.NextTier != "" || st.PointsToNextTier != 0 {
		t.Errorf("got %d points, %s, $%d, next %q/%d; want 5100, platinum, $15000, none",
			st.Points, st.Tier, st.MonthlyCreditUSD, st.NextTier, st.PointsToNextTier)
	}
	if got, want := history(st), "silver@2015-03-02 gold@2015-08-20 platinum@2015-10-22"; got != want {
		t.Errorf("history = %s, want %s", got, want)
	}
	last := st.Awards[len(st.Awards)-2:]
	if last[0].Table != "silver" || last[0].Points != 25 || last[1].Table != "gold" || last[1].Points != 75 {
		t.Errorf("platinum awards = %+v; want release-notes 25 from silver (fallback), customer-deployment 75 from gold", last)
	}
}

// TestCandidateAwards: admission and certification use the candidate
// table before a tier exists; certification counts from the certified day.
func TestCandidateAwards(t *testing.T) {
	ledger := lifecycle(applied, accepted, certified) + `awards:
  - {date: 2015-01-06, activity: admission}
  - {date: 2015-03-02, activity: certification}
`
	st, diags := points.Compute(loadRules(t), parseLedger(t, ledger), date("2015-04-01"))
	if len(diags) > 0 {
		t.Fatalf("diagnostics:%s", dump(diags))
	}
	if st.Points != 75 || st.Awards[0].Table != "silver" || history(st) != "silver@2015-03-02" {
		t.Errorf("got %d points, %+v, history %s", st.Points, st.Awards, history(st))
	}
}

func TestNilInputs(t *testing.T) {
	st, diags := points.Compute(nil, nil, date("2016-01-01"))
	if len(diags) > 0 || st.Status != "" || !st.GoodStanding {
		t.Errorf("Compute(nil, nil) = %+v, %v", st, diags)
	}
}
