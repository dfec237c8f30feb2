package model_test

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/marketplace-program/marketplace"
	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/model"
)

func parse(t testing.TB, name, text string) (*diag.Source, *yaml.Node) {
	t.Helper()
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(text), &root); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return diag.NewSource(name, []byte(text)), &root
}

func realRules(t *testing.T) *model.Rules {
	t.Helper()
	data, err := fs.ReadFile(marketplace.Defaults, "program.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rules, diags := model.DecodeRules(parse(t, "program.yaml", string(data)))
	if len(diags) > 0 {
		t.Fatalf("program.yaml: %v", diags)
	}
	return rules
}

// TestProgramFile checks the shipped program.yaml says what RULES.md says.
func TestProgramFile(t *testing.T) {
	r := realRules(t)

	if r.CertificationWindowMonths != 3 || r.RenewalMonths != 12 || r.CandidateCreditUSD != 2000 || r.CandidatePointsTable != "silver" {
		t.Errorf("lifecycle = %d months window, %d months renewal, $%d, table %q",
			r.CertificationWindowMonths, r.RenewalMonths, r.CandidateCreditUSD, r.CandidatePointsTable)
	}
	if want := []string{"performs-as-advertised", "documentation", "automation-integration", "business-value"}; !slices.Equal(r.Checks, want) {
		t.Errorf("checks = %v", r.Checks)
	}
	if len(r.Categories) != 14 || len(r.ReviewCriteria) != 7 || len(r.Activities) != 20 || len(r.Tiers) != 3 {
		t.Errorf("%d categories, %d criteria, %d activities, %d tiers; want 14, 7, 20, 3",
			len(r.Categories), len(r.ReviewCriteria), len(r.Activities), len(r.Tiers))
	}
	if c, ok := r.Category("devops"); !ok || c.Name != "DevOps" || c.Pos.Line == 0 {
		t.Errorf("Category(devops) = %+v, %v", c, ok)
	}
	if len(r.Team) == 0 || r.RenewalHorizonDays != 60 || len(r.LegacyKBURLs) != 2 || !slices.Equal(r.SupportTiers, []string{"developer", "professional", "enterprise"}) {
		t.Errorf("team %v, horizon %d, legacy %v, support %v", r.Team, r.RenewalHorizonDays, r.LegacyKBURLs, r.SupportTiers)
	}

	tiers := []struct {
		id, table   string
		min, credit int
		preferred   bool
	}{
		{"silver", "silver", 0, 2000, false},
		{"gold", "gold", 500, 7000, true},
		{"platinum", "gold", 5000, 15000, true},
	}
	for i, w := range tiers {
		got := r.Tiers[i]
		if got.ID != w.id || got.PointsTable != w.table || got.MinPoints != w.min || got.MonthlyCreditUSD != w.credit || got.Preferred != w.preferred || len(got.Benefits) == 0 {
			t.Errorf("tier %d = %+v, want %+v", i, got, w)
		}
	}
	for _, tc := range []struct {
		points int
		want   string
	}{{0, "silver"}, {499, "silver"}, {500, "gold"}, {4999, "gold"}, {5000, "platinum"}, {1 << 30, "platinum"}} {
		if got := r.TierFor(tc.points); got == nil || got.ID != tc.want {
			t.Errorf("TierFor(%d) = %v, want %s", tc.points, got, tc.want)
		}
	}
	if got := r.TierFor(-1); got != nil {
		t.Errorf("TierFor(-1) = %v, want nil", got)
	}
	if gold, _ := r.Tier("gold"); r.NextTier(gold).ID != "platinum" || r.NextTier(r.NextTier(gold)) != nil || r.NextTier(nil).ID != "silver" {
		t.Error("NextTier does not walk silver → gold → platinum → nil")
	}

	activities := []struct {
		id             string
		silver, gold   int // -1: not in the table (after fallback)
		repeat         string
		needsRef       bool
		minBefore      int
		event          string
		whileCandidate bool
	}{
		{"admission", 25, 25, "once", false, 0, "accepted", true},
		{"certification", 50, 50, "once", false, 0, "certified", true},
		{"press-release", 25, 25, "once", false, 0, "", false},
		{"brown-bag-training", 50, 50, "once", false, 150, "", false},
		{"provider-of-the-quarter", 75, 75, "per-quarter", true, 0, "", false},
		{"customer-deployment", 50, 75, "each", true, 0, "", false},
		{"quickstart-offering", -1, 200, "once", false, 0, "", false},
		{"comarketing-event-supported", -1, 100, "each", true, 0, "", false},
		{"comarketing-event-sponsored", -1, 200, "each", true, 0, "", false},
		{"seller-battlecard", -1, 100, "once", false, 0, "", false},
	}
	for _, w := range activities {
		a, ok := r.Activity(w.id)
		if !ok {
			t.Errorf("no activity %s", w.id)
			continue
		}
		value := func(table string) int {
			p, _, ok := r.PointsFor(a, table)
			if !ok {
				return -1
			}
			return p
		}
		if value("silver") != w.silver || value("gold") != w.gold || a.Repeat != w.repeat || a.NeedsRef != w.needsRef ||
			a.MinPointsBefore != w.minBefore || a.NotBeforeEvent != w.event || a.AllowedWhileCandidate != w.whileCandidate {
			t.Errorf("activity %s = %+v (silver %d, gold %d), want %+v", w.id, *a, value("silver"), value("gold"), w)
		}
	}
	if _, ok := r.Activity("nope"); ok {
		t.Error("Activity(nope) found")
	}
}

func TestDecodeRulesChecks(t *testing.T) {
	src, root := parse(t, "program.yaml", `tiers:
  - {id: silver, min_points: 0, points_table: silver}
  - {id: gold, min_points: 500, points_table: bronze}
  - {id: silver, min_points: 900}
points_tables:
  - {id: silver, falls_back_to: copper}
activities:
  - {id: a, points: {silver: 1}, not_before_event: acceptd}
  - {id: a, points: {silver: 1, tin: 2}}
categories:
  - {id: x, name: X}
  - {id: x, name: Y}
`)
	r, diags := model.DecodeRules(src, root)
	diags.Sort()
	var got []string
	for _, d := range diags {
		got = append(got, fmt.Sprintf("%d:%d %s", d.Line, d.Col, d.Rule))
	}
	want := []string{
		"3:5 model.points-table",  // gold reads bronze, which nothing fills
		"4:5 model.duplicate-id",  // tier silver twice
		"6:5 model.points-table",  // falls back to copper
		"8:5 model.event-type",    // acceptd
		"9:5 model.duplicate-id",  // activity a twice
		"9:5 model.points-table",  // tin is read by no tier
		"12:5 model.duplicate-id", // category x twice
	}
	if !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n got %v\nwant %v\n%v", got, want, diags)
	}
	if r.Tiers[0].ID != "silver" || r.Tiers[2].MinPoints != 900 {
		t.Errorf("tiers not sorted by min_points: %+v", r.Tiers)
	}
}

func TestPointsForCycle(t *testing.T) {
	src, root := parse(t, "program.yaml", `points_tables:
  - {id: a, falls_back_to: b}
  - {id: b, falls_back_to: a}
activities:
  - {id: x, points: {c: 1}}
`)
	r, _ := model.DecodeRules(src, root)
	if _, _, ok := r.PointsFor(&r.Activities[0], "a"); ok {
		t.Error("PointsFor found a value through a cycle")
	}
}

const ledgerText = `support_tier: enterprise
events:
  - date: 2015-01-05
    type: applied
    note: hello
  - {date: "2015-03-02", type: certified, checks: [documentation, business-value]}
  - date: 2015-04-01
    type: standing
    good: false
awards:
  - date: 2015-03-02
    activity: certification
  - date: 2015-04-02
    activity: customer-deployment
    ref: ACME
    evidence: https://example.com/acme
    note: first
    revoked:
      date: 2015-05-01
      reason: duplicate of another entry
`

func TestDecodeLedger(t *testing.T) {
	l, diags := model.DecodeLedger(parse(t, "partners/acme/ledger.yaml", ledgerText))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if l.SupportTier != "enterprise" || len(l.Events) != 3 || len(l.Awards) != 2 {
		t.Fatalf("ledger = %+v", l)
	}
	pos := func(line, col int) diag.Pos { return diag.Pos{File: "partners/acme/ledger.yaml", Line: line, Col: col} }
	d := func(s string) time.Time { t, _ := model.ParseDate(s); return t }

	e := l.Events[1]
	if !e.Date.Equal(d("2015-03-02")) || e.Type != "certified" || !slices.Equal(e.Checks, []string{"documentation", "business-value"}) {
		t.Errorf("event 1 = %+v", e)
	}
	checkPos := map[string]diag.Pos{
		"item": e.Pos, "date": e.Fields["date"], "type": e.Fields["type"],
		"checks": e.Fields["checks"], "checks.1": e.Fields["checks.1"],
	}
	wantPos := map[string]diag.Pos{
		"item": pos(6, 5), "date": pos(6, 12), "type": pos(6, 32),
		"checks": pos(6, 51), "checks.1": pos(6, 67),
	}
	for k, w := range wantPos {
		if checkPos[k] != w {
			t.Errorf("event position %s = %v, want %v", k, checkPos[k], w)
		}
	}
	if e := l.Events[0]; e.Note != "hello" || e.Fields["note"] != pos(5, 11) {
		t.Errorf("event 0 = %+v", e)
	}
	if g := l.Events[2].Good; g == nil || *g {
		t.Errorf("standing good = %v, want false", g)
	}

	a := l.Awards[1]
	if a.Index != 1 || a.Activity != "customer-deployment" || a.Ref != "ACME" || a.Evidence != "https://example.com/acme" || a.Note != "first" {
		t.Errorf("award 1 = %+v", a)
	}
	if a.Pos != pos(13, 5) || a.Fields["activity"] != pos(14, 15) || a.Fields["ref"] != pos(15, 10) || a.Fields["revoked.date"] != pos(19, 13) {
		t.Errorf("award positions = %v %v", a.Pos, a.Fields)
	}
	if r := a.Revoked; r == nil || !r.Date.Equal(d("2015-05-01")) || r.Reason != "duplicate of another entry" || r.Pos != pos(19, 7) {
		t.Errorf("revoked = %+v", r)
	}
	if l.Awards[0].Revoked != nil || l.Awards[0].Reference() != "" || a.Reference() != "ACME" {
		t.Error("references wrong")
	}
}

func TestDecodeLedgerDefaults(t *testing.T) {
	for _, root := range []*yaml.Node{nil, {Kind: yaml.DocumentNode}, {Kind: yaml.ScalarNode, Value: "x"}} {
		l, diags := model.DecodeLedger(nil, root)
		if len(diags) > 0 || l.SupportTier != "developer" || len(l.Events) != 0 {
			t.Errorf("DecodeLedger(%v) = %+v, %v", root, l, diags)
		}
	}
	// The top mapping itself, without the document node, decodes the same.
	src, doc := parse(t, "ledger.yaml", ledgerText)
	l, _ := model.DecodeLedger(src, doc.Content[0])
	if l.SupportTier != "enterprise" || len(l.Awards) != 2 {
		t.Errorf("from the mapping node: %+v", l)
	}
}

func TestDecodeLedgerDates(t *testing.T) {
	tests := []struct {
		value string
		ok    bool
	}{
		{"2015-03-02", true},
		{`"2015-03-02"`, true},
		{"2015-02-30", false},
		{"2015-3-2", false},
		{"2015-03-02T10:00:00Z", false},
		{"2015-03-02 10:00", false},
		{"march", false},
		{"20150302", false},
		{"~", true}, // null: missing, the schema's business
	}
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			l, diags := model.DecodeLedger(parse(t, "ledger.yaml", "awards:\n  - date: "+tc.value+"\n    activity: x\n"))
			if tc.ok {
				if len(diags) > 0 {
					t.Fatalf("unexpected %v", diags)
				}
				return
			}
			if len(diags) != 1 || diags[0].Rule != "model.date" || diags[0].Line != 2 || diags[0].Col != 11 {
				t.Fatalf("diagnostics = %v, want model.date at 2:11", diags)
			}
			if !l.Awards[0].Date.IsZero() {
				t.Errorf("bad date decoded as %v", l.Awards[0].Date)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" for rejected
	}{
		{"2015-01-05", "2015-01-05T00:00:00Z"},
		{"2016-02-29", "2016-02-29T00:00:00Z"},
		{"2015-02-29", ""},
		{"2015-13-01", ""},
		{"2015-1-05", ""},
		{" 2015-01-05", ""},
		{"2015-01-05 ", ""},
		{"2015/01/05", ""},
		{"", ""},
		{"99999-01-01", ""},
	}
	for _, tc := range tests {
		got, ok := model.ParseDate(tc.in)
		if tc.want == "" {
			if ok {
				t.Errorf("ParseDate(%q) = %v, want rejected", tc.in, got)
			}
			continue
		}
		if !ok || got.Format(time.RFC3339) != tc.want || got.Location() != time.UTC {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", tc.in, got, ok, tc.want)
		}
	}
}

const partnerText = `name: Acme Backup
summary: Backups that work.
description: |
  Long text.
website: https://acme.example
logo: logo.png
categories: [backup, storage]
delivery: saas
pricing: per GB
support:
  email: support@acme.example
  phone: "+1 555 0100"
  hours: 24x7
  url: https://acme.example/support
escalation:
  name: Ann Smith
  email: ann@acme.example
  phone: "+1 555 0101"
maintainers:
  - ann-smith
  - bob
`

func TestDecodePartner(t *testing.T) {
	src, root := parse(t, "partners/acme/partner.yaml", partnerText)
	p, diags := model.DecodePartner("acme", src, root)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	want := model.Partner{
		ID: "acme", Name: "Acme Backup", Summary: "Backups that work.", Description: "Long text.\n",
		Website: "https://acme.example", Logo: "logo.png", Categories: []string{"backup", "storage"},
		Delivery: "saas", Pricing: "per GB",
		Support:     model.Support{Email: "support@acme.example", Phone: "+1 555 0100", Hours: "24x7", URL: "https://acme.example/support"},
		Escalation:  model.Escalation{Name: "Ann Smith", Email: "ann@acme.example", Phone: "+1 555 0101"},
		Maintainers: []string{"ann-smith", "bob"},
	}
	got := *p
	got.Pos, got.Source = nil, nil
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("partner\n got %+v\nwant %+v", got, want)
	}
	for path, w := range map[string][2]int{
		"name": {1, 7}, "description": {3, 14}, "categories": {7, 13}, "categories.1": {7, 22},
		"support": {11, 3}, "support.email": {11, 10}, "escalation.phone": {18, 10}, "maintainers.1": {21, 5},
	} {
		if got := p.Pos[path]; got.Line != w[0] || got.Col != w[1] || got.File != "partners/acme/partner.yaml" {
			t.Errorf("Pos[%s] = %v, want %d:%d", path, got, w[0], w[1])
		}
	}
	if at := p.At("nope"); at.Line != 0 || at.File != "partners/acme/partner.yaml" {
		t.Errorf("At(nope) = %v", at)
	}
}

// FuzzDecode runs every decoder over arbitrary YAML: no panic, and every
// position inside the file.
func FuzzDecode(f *testing.F) {
	data, _ := fs.ReadFile(marketplace.Defaults, "program.yaml")
	for _, s := range []string{string(data), ledgerText, partnerText,
		"a: &x [*x]", "events: [[], 1, {date: [1]}]", "awards: {a: b}", "support: [1]\ncategories: {a: b}",
		"tiers: [{id: a, points_table: b}]\npoints_tables: [{id: b, falls_back_to: b}]\nactivities: [{id: q, points: {z: 1}}]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var root yaml.Node
		if yaml.Unmarshal([]byte(text), &root) != nil {
			return
		}
		src := diag.NewSource("f.yaml", []byte(text))
		var all diag.List
		r, d := model.DecodeRules(src, &root)
		all.Append(d)
		l, d := model.DecodeLedger(src, &root)
		all.Append(d)
		p, d := model.DecodePartner("p", src, &root)
		all.Append(d)
		for i := range r.Activities {
			for _, tier := range r.Tiers {
				r.PointsFor(&r.Activities[i], tier.PointsTable)
			}
		}
		r.TierFor(500)
		_ = l
		for _, pos := range p.Pos {
			all.Add(diag.Diagnostic{Pos: pos})
		}
		for _, d := range all {
			if d.Line < 0 || d.Line > src.Lines() || (d.Line > 0 && d.Col < 1) {
				t.Errorf("%v outside the file (%d lines)", d.Pos, src.Lines())
			}
			if d.Line > 0 && !strings.Contains(d.String(), "f.yaml") {
				t.Errorf("%v: wrong file", d.Pos)
			}
		}
	})
}
