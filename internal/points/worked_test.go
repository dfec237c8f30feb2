package points_test

import (
	"strings"
	"testing"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/points"
)

// workedExample is RULES.md's worked example: accepted 2015-01-05,
// certified 2015-03-02, and the awards in the order the page lists them.
const workedExample = `events:
  - date: 2014-12-01
    type: applied
  - date: 2015-01-05
    type: accepted
  - date: 2015-03-02
    type: certified
    checks: [performs-as-advertised, documentation, automation-integration, business-value]
awards:
  - date: 2015-01-05
    activity: admission
  - date: 2015-03-02
    activity: certification
  - date: 2015-03-10
    activity: press-release
  - date: 2015-03-20
    activity: showcase-business-blog
  - date: 2015-04-02
    activity: customer-deployment
    ref: ACME Corp
  - date: 2015-04-15
    activity: brown-bag-training
  - date: 2015-05-01
    activity: showcase-tech-video
  - date: 2015-06-30
    activity: provider-of-the-quarter
    ref: Q2 2015
  - date: 2015-07-15
    activity: provider-of-the-quarter
    ref: Q3 2015
  - date: 2015-08-20
    activity: cca-expo
  - date: 2015-09-01
    activity: customer-deployment
    ref: Globex
`

func TestWorkedExample(t *testing.T) {
	rules := loadRules(t)
	st, diags := points.Compute(rules, parseLedger(t, workedExample), date("2016-01-01"))
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics:%s", dump(diags))
	}

	want := []struct {
		activity    string
		table       string
		points, tot int
	}{
		{"admission", "silver", 25, 25},
		{"certification", "silver", 50, 75},
		{"press-release", "silver", 25, 100},
		{"showcase-business-blog", "silver", 50, 150},
		{"customer-deployment", "silver", 50, 200},
		{"brown-bag-training", "silver", 50, 250},
		{"showcase-tech-video", "silver", 75, 325},
		{"provider-of-the-quarter", "silver", 75, 400},
		{"provider-of-the-quarter", "silver", 75, 475},
		{"cca-expo", "silver", 50, 525},
		{"customer-deployment", "gold", 75, 600},
	}
	if len(st.Awards) != len(want) {
		t.Fatalf("got %d awards, want %d: %+v", len(st.Awards), len(want), st.Awards)
	}
	for i, w := range want {
		a := st.Awards[i]
		if a.Activity != w.activity || a.Table != w.table || a.Points != w.points || a.Total != w.tot || a.Index != i {
			t.Errorf("award %d = %+v, want %s from %s: %d (total %d)", i, a, w.activity, w.table, w.points, w.tot)
		}
	}
	if st.Points != 600 || st.Status != "certified" || st.Tier != "gold" || st.MonthlyCreditUSD != 7000 {
		t.Errorf("standing = %d points, %s, %s, $%d; want 600, certified, gold, $7000",
			st.Points, st.Status, st.Tier, st.MonthlyCreditUSD)
	}
	if st.NextTier != "platinum" || st.PointsToNextTier != 4400 {
		t.Errorf("next tier = %s in %d, want platinum in 4400", st.NextTier, st.PointsToNextTier)
	}
	hist := make([]string, len(st.TierHistory))
	for i, h := range st.TierHistory {
		hist[i] = h.Tier + "@" + h.Since.Format("2006-01-02")
	}
	if got, want := strings.Join(hist, " "), "silver@2015-03-02 gold@2015-08-20"; got != want {
		t.Errorf("tier history = %s, want %s", got, want)
	}
}

// TestWorkedExampleAt525 stops the example at the cca-expo award: Gold
// from its date with exactly 525 points.
func TestWorkedExampleAt525(t *testing.T) {
	st, diags := points.Compute(loadRules(t), parseLedger(t, workedExample), date("2015-08-25"))
	// The last award is then in the future: reported, not counted.
	if got := wheres(diags); len(got) != 1 || got[0] != (where{"points.future-date", 33, 11, diag.Error}) {
		t.Fatalf("diagnostics = %v, want one points.future-date at 33:11", got)
	}
	if st.Points != 525 || st.Tier != "gold" {
		t.Errorf("at 2015-08-25: %d points, tier %q; want 525, gold", st.Points, st.Tier)
	}
}

func TestWorkedExampleErrors(t *testing.T) {
	tests := []struct {
		name  string
		extra string // appended to the worked example's awards (line 36 on)
		want  where
	}{
		{
			name: "second provider-of-the-quarter in Q3",
			extra: `  - date: 2015-09-30
    activity: provider-of-the-quarter
    ref: Q3 2015 again
`,
			want: where{"points.per-quarter", 36, 11, diag.Error},
		},
		{
			name: "quickstart-offering before the cca-expo date",
			extra: `  - date: 2015-08-19
    activity: quickstart-offering
`,
			want: where{"points.gold-only", 37, 15, diag.Error},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, diags := points.Compute(loadRules(t), parseLedger(t, workedExample+tc.extra), date("2016-01-01"))
			got := wheres(diags)
			if len(got) != 1 || got[0] != tc.want {
				t.Fatalf("diagnostics = %v, want %v%s", got, tc.want, dump(diags))
			}
			if st.Points != 600 {
				t.Errorf("points = %d, want 600 (the broken award must not count)", st.Points)
			}
		})
	}

	t.Run("quickstart-offering on the cca-expo date counts", func(t *testing.T) {
		extra := "  - date: 2015-08-20\n    activity: quickstart-offering\n"
		st, diags := points.Compute(loadRules(t), parseLedger(t, workedExample+extra), date("2016-01-01"))
		if len(diags) > 0 {
			t.Fatalf("unexpected diagnostics:%s", dump(diags))
		}
		if st.Points != 800 {
			t.Errorf("points = %d, want 800", st.Points)
		}
	})
}
