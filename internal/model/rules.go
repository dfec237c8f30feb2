package model

import (
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/marketplace-program/marketplace/internal/diag"
)

// DecodeRules decodes a program.yaml tree. root is the top mapping or the
// document node around it; nil yields empty rules.
//
// Beyond decoding it checks what a schema cannot: ids given twice, and that
// the points tables tiers read and activities fill name the same tables.
func DecodeRules(src *diag.Source, root *yaml.Node) (*Rules, diag.List) {
	var diags diag.List
	r := &Rules{Source: src}
	pairs(root, func(key string, _, v *yaml.Node) {
		switch key {
		case "lifecycle":
			pairs(v, func(key string, _, v *yaml.Node) {
				switch key {
				case "certification_window_months":
					r.CertificationWindowMonths, _ = integer(v)
				case "renewal_months":
					r.RenewalMonths, _ = integer(v)
				case "candidate_credit_usd":
					r.CandidateCreditUSD, _ = integer(v)
				case "candidate_points_table":
					r.CandidatePointsTable = str(v)
				case "certification_checks":
					r.Checks = strs(v)
				}
			})
		case "support_tiers":
			r.SupportTiers = strs(v)
		case "tiers":
			for _, n := range items(v) {
				r.Tiers = append(r.Tiers, decodeTier(src, n))
			}
		case "points_tables":
			for _, n := range items(v) {
				t := PointsTable{Pos: at(src, n)}
				pairs(n, func(key string, _, v *yaml.Node) {
					switch key {
					case "id":
						t.ID = str(v)
					case "falls_back_to":
						t.FallsBackTo = str(v)
					}
				})
				r.PointsTables = append(r.PointsTables, t)
			}
		case "activities":
			for _, n := range items(v) {
				r.Activities = append(r.Activities, decodeActivity(src, n))
			}
		case "categories":
			for _, n := range items(v) {
				c := Category{Pos: at(src, n)}
				pairs(n, func(key string, _, v *yaml.Node) {
					switch key {
					case "id":
						c.ID = str(v)
					case "name":
						c.Name = str(v)
					}
				})
				r.Categories = append(r.Categories, c)
			}
		case "review_criteria":
			r.ReviewCriteria = strs(v)
		case "team":
			r.Team = strs(v)
		case "report":
			pairs(v, func(key string, _, v *yaml.Node) {
				if key == "renewal_horizon_days" {
					r.RenewalHorizonDays, _ = integer(v)
				}
			})
		case "legacy_kb_urls":
			r.LegacyKBURLs = strs(v)
		}
	})
	slices.SortStableFunc(r.Tiers, func(a, b Tier) int { return a.MinPoints - b.MinPoints })
	r.check(&diags)
	return r, diags
}

func decodeTier(src *diag.Source, n *yaml.Node) Tier {
	t := Tier{Pos: at(src, n)}
	pairs(n, func(key string, _, v *yaml.Node) {
		switch key {
		case "id":
			t.ID = str(v)
		case "name":
			t.Name = str(v)
		case "min_points":
			t.MinPoints, _ = integer(v)
		case "monthly_credit_usd":
			t.MonthlyCreditUSD, _ = integer(v)
		case "points_table":
			t.PointsTable = str(v)
		case "preferred_placement":
			t.Preferred, _ = boolean(v)
		case "benefits":
			t.Benefits = strs(v)
		}
	})
	if t.PointsTable == "" {
		t.PointsTable = t.ID
	}
	return t
}

func decodeActivity(src *diag.Source, n *yaml.Node) Activity {
	a := Activity{Pos: at(src, n), Points: map[string]int{}, Repeat: RepeatOnce}
	pairs(n, func(key string, _, v *yaml.Node) {
		switch key {
		case "id":
			a.ID = str(v)
		case "name":
			a.Name = str(v)
		case "points":
			pairs(v, func(table string, _, v *yaml.Node) {
				if p, ok := integer(v); ok {
					a.Points[table] = p
				}
			})
		case "repeat":
			if s := str(v); s != "" {
				a.Repeat = s
			}
		case "min_points_before":
			a.MinPointsBefore, _ = integer(v)
		case "not_before_event":
			a.NotBeforeEvent = str(v)
		case "allowed_while":
			a.AllowedWhileCandidate = str(v) == StatusCandidate
		case "needs_ref":
			a.NeedsRef, _ = boolean(v)
		}
	})
	return a
}

// check reports the cross references inside the rules file.
func (r *Rules) check(diags *diag.List) {
	dup := func(kind string, ids []string, pos func(int) diag.Pos) {
		seen := map[string]bool{}
		for i, id := range ids {
			if id != "" && seen[id] {
				diags.Errorf(pos(i), "model.duplicate-id", "", "%s %q is defined twice", kind, id)
			}
			seen[id] = true
		}
	}
	dup("category", r.CategoryIDs(), func(i int) diag.Pos { return r.Categories[i].Pos })
	dup("activity", r.ActivityIDs(), func(i int) diag.Pos { return r.Activities[i].Pos })
	tierIDs := make([]string, len(r.Tiers))
	for i, t := range r.Tiers {
		tierIDs[i] = t.ID
	}
	dup("tier", tierIDs, func(i int) diag.Pos { return r.Tiers[i].Pos })
	tableIDs := make([]string, len(r.PointsTables))
	for i, t := range r.PointsTables {
		tableIDs[i] = t.ID
	}
	dup("points table", tableIDs, func(i int) diag.Pos { return r.PointsTables[i].Pos })
	for _, t := range r.PointsTables {
		if t.FallsBackTo != "" && !slices.Contains(tableIDs, t.FallsBackTo) {
			diags.Errorf(t.Pos, "model.points-table", "points tables: "+strings.Join(tableIDs, ", "),
				"points table %q falls back to %q, which is not a points table", t.ID, t.FallsBackTo)
		}
	}

	read := map[string]bool{} // tables some tier or candidates read
	filled := map[string]bool{}
	for _, t := range r.Tiers {
		read[t.PointsTable] = true
	}
	if r.CandidatePointsTable != "" {
		read[r.CandidatePointsTable] = true
	}
	for range r.PointsTables { // one pass per link of the longest chain
		for _, t := range r.PointsTables {
			if read[t.ID] && t.FallsBackTo != "" {
				read[t.FallsBackTo] = true
			}
		}
	}
	for _, table := range slices.Collect(maps.Keys(read)) {
		for i := range r.Activities {
			if _, _, ok := r.PointsFor(&r.Activities[i], table); ok {
				filled[table] = true
			}
		}
	}
	tables := slices.Sorted(maps.Keys(read))
	if len(r.Activities) > 0 {
		for _, t := range r.Tiers {
			if !filled[t.PointsTable] {
				diags.Errorf(t.Pos, "model.points-table", "", "tier %q reads points table %q, which no activity has", t.ID, t.PointsTable)
			}
		}
		if r.CandidatePointsTable != "" && !filled[r.CandidatePointsTable] {
			diags.Errorf(fileStart(r.Source), "model.points-table", "", "candidates read points table %q, which no activity has", r.CandidatePointsTable)
		}
	}
	for _, a := range r.Activities {
		for _, table := range slices.Sorted(maps.Keys(a.Points)) {
			if !read[table] {
				diags.Errorf(a.Pos, "model.points-table", "tables read by tiers: "+strings.Join(tables, ", "),
					"activity %q has points for table %q, which no tier reads", a.ID, table)
			}
		}
		if a.NotBeforeEvent != "" && !slices.Contains(EventTypes(), a.NotBeforeEvent) {
			diags.Errorf(a.Pos, "model.event-type", "event types: "+strings.Join(EventTypes(), ", "),
				"activity %q: not_before_event %q is not a ledger event type", a.ID, a.NotBeforeEvent)
		}
	}
}
