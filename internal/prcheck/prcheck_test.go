package prcheck

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/marketplace-program/marketplace"
	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/project"
)

const newArticle = `---
title: "Setting up Acme"
date: "2026-11-01"
author: "Acme Dev"
---
# Setup

Read the [guide](guide.md) first.
`

// goldAward takes acme from 475 points to 525, the Gold threshold.
const goldAward = "  - {date: \"2016-04-18\", activity: cca-expo, ref: Expo 2016}\n"

func violations(r *Result) []string {
	out := []string{}
	for _, v := range r.Violations {
		out = append(out, v.Rule+" "+v.File)
	}
	return out
}

func errs(l diag.List) []string {
	out := []string{}
	for _, d := range l.Errors() {
		out = append(out, fmt.Sprintf("%s %s", d.Rule, d.Pos))
	}
	return out
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		author string
		setup  func(r *testRepo) // on master, before the branch
		change func(r *testRepo)
		// wantViolations are "rule file"; wantNew the change's errors as
		// "rule file:line:col"; wantExisting the other head errors.
		wantViolations, wantNew, wantExisting []string
		wantFailed                            bool
		more                                  func(t *testing.T, res *Result)
	}{
		{
			name:   "partner adds an article",
			author: "acme-dev",
			change: func(r *testRepo) { r.write("content/acme/public/setup.md", newArticle) },
			more: func(t *testing.T, res *Result) {
				want := []ArticleChange{{Path: "content/acme/public/setup.md", Status: Added, Title: "Setting up Acme",
					PartnerID: "acme", Audience: "public", URL: "/kb/partners/acme/setup/"}}
				if !slices.Equal(res.Articles, want) {
					t.Errorf("articles = %+v, want %+v", res.Articles, want)
				}
				if len(res.Partners) != 1 || res.Partners[0].ID != "acme" || res.Partners[0].tierText() != "Silver" {
					t.Errorf("partners = %+v, want acme unchanged at Silver", res.Partners)
				}
			},
		},
		{
			name:           "partner edits its own ledger",
			author:         "acme-dev",
			change:         func(r *testRepo) { r.write("partners/acme/ledger.yaml", r.read("partners/acme/ledger.yaml")+goldAward) },
			wantViolations: []string{"owner.ledger partners/acme/ledger.yaml"},
			wantFailed:     true,
		},
		{
			name:   "partner edits another partner's files",
			author: "acme-dev",
			change: func(r *testRepo) {
				r.edit("content/zenith/public/guide.md", "Hello", "Goodbye")
				r.edit("partners/zenith/partner.yaml", "Zenith DB", "Zenith Database")
			},
			wantViolations: []string{"owner.other-partner content/zenith/public/guide.md", "owner.other-partner partners/zenith/partner.yaml"},
			wantFailed:     true,
			more: func(t *testing.T, res *Result) {
				if got := res.Partners[0].Listing; !slices.Contains(got, `name: "Zenith DB" → "Zenith Database"`) {
					t.Errorf("listing changes = %q, want the name change", got)
				}
			},
		},
		{
			name:   "author adds itself to maintainers and edits in the same change",
			author: "newbie",
			change: func(r *testRepo) {
				r.edit("partners/acme/partner.yaml", "[acme-dev]", "[acme-dev, newbie]")
				r.edit("content/acme/public/guide.md", "Hello", "Hi")
			},
			wantViolations: []string{"owner.other-partner content/acme/public/guide.md", "owner.self-maintainer partners/acme/partner.yaml"},
			wantFailed:     true,
		},
		{
			name:   "renamed article that another article links to",
			author: "acme-dev",
			change: func(r *testRepo) {
				r.rename("content/acme/public/guide.md", "content/acme/public/getting-started.md")
			},
			// intro.md is unchanged, but its link broke in this change.
			wantNew:    []string{"link.broken content/Program/intro.md:8:22"},
			wantFailed: true,
			more: func(t *testing.T, res *Result) {
				want := []File{{Path: "content/acme/public/getting-started.md", From: "content/acme/public/guide.md", Status: Renamed}}
				if !slices.Equal(res.Files, want) {
					t.Errorf("files = %+v, want %+v", res.Files, want)
				}
				if len(res.Articles) != 1 || res.Articles[0].URL != "/kb/partners/acme/getting-started/" {
					t.Errorf("articles = %+v, want the renamed one at its new URL", res.Articles)
				}
			},
		},
		{
			name:   "removed article that another article links to",
			author: "acme-dev",
			change: func(r *testRepo) {
				r.write("content/acme/public/other.md", strings.Replace(newArticle, "(guide.md)", "(https://acme.example)", 1))
				r.remove("content/acme/public/guide.md")
			},
			wantNew:    []string{"link.broken content/Program/intro.md:8:22"},
			wantFailed: true,
			more: func(t *testing.T, res *Result) {
				if !slices.ContainsFunc(res.Articles, func(a ArticleChange) bool { return a.Status == Deleted && a.URL == "" }) {
					t.Errorf("articles = %+v, want the deleted one, without a link", res.Articles)
				}
			},
		},
		{
			name:   "ledger change crosses the Gold threshold",
			author: "ecosystem-lead",
			change: func(r *testRepo) { r.write("partners/acme/ledger.yaml", r.read("partners/acme/ledger.yaml")+goldAward) },
			more: func(t *testing.T, res *Result) {
				want := PartnerImpact{ID: "acme", Name: "Acme Backup", StatusBefore: "certified", StatusAfter: "certified",
					PointsBefore: 475, PointsAfter: 525, TierBefore: "silver", TierAfter: "gold",
					TierNameBefore: "Silver", TierNameAfter: "Gold", ListedBefore: true, ListedAfter: true, Listing: []string{}}
				if len(res.Partners) != 1 || !reflect.DeepEqual(res.Partners[0], want) {
					t.Fatalf("partners = %+v, want %+v", res.Partners, want)
				}
				if got := res.Partners[0].tierText(); got != "Silver → Gold" {
					t.Errorf("tier = %q, want Silver → Gold", got)
				}
			},
		},
		{
			name:   "new partner folder by anyone",
			author: "newco-dev",
			change: func(r *testRepo) {
				r.write("partners/newco/partner.yaml", "name: NewCo\nsummary: New things.\ncategories: [storage]\nmaintainers: [newco-dev]\n")
				r.write("content/newco/public/intro.md", strings.Replace(newArticle, "(guide.md)", "(https://newco.example)", 1))
			},
			more: func(t *testing.T, res *Result) {
				if !slices.ContainsFunc(res.New, func(d diag.Diagnostic) bool { return d.Rule == "partner.no-ledger" }) {
					t.Errorf("new problems = %v, want the partner.no-ledger warning", res.New)
				}
				if len(res.Partners) != 1 || !slices.Equal(res.Partners[0].Listing, []string{"new partner"}) ||
					res.Partners[0].tierText() != "— → no status yet" {
					t.Errorf("partners = %+v, want newco as a new partner without status", res.Partners)
				}
			},
		},
		{
			name:   "partner changes program files and program-wide content",
			author: "acme-dev",
			change: func(r *testRepo) {
				r.write("internal/x.go", "package x\n")
				r.write(".github/workflows/x.yml", "on: push\n")
				r.edit("content/Program/intro.md", "See", "Read")
			},
			wantViolations: []string{"owner.program .github/workflows/x.yml", "owner.program-content content/Program/intro.md",
				"owner.program internal/x.go"},
			wantFailed: true,
		},
		{
			name:   "the team may change anything",
			author: "@Ecosystem-Reviewer",
			setup: func(r *testRepo) {
				data, err := marketplace.Defaults.ReadFile("program.yaml")
				if err != nil {
					t.Fatal(err)
				}
				r.write("program.yaml", string(data))
			},
			change: func(r *testRepo) {
				r.write("program.yaml", r.read("program.yaml")+"# reviewed\n")
				r.edit("content/zenith/public/guide.md", "Hello", "Goodbye")
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newTestRepo(t)
			if tc.setup != nil {
				tc.setup(r)
				r.commit("setup")
			}
			r.branch("pr")
			tc.change(r)
			r.commit("the change")
			res := r.check("master", "pr", tc.author)
			if got := violations(res); !slices.Equal(got, orEmpty(tc.wantViolations)) {
				t.Errorf("violations = %q, want %q", got, tc.wantViolations)
			}
			if got := errs(res.New); !slices.Equal(got, orEmpty(tc.wantNew)) {
				t.Errorf("new errors = %q, want %q", got, tc.wantNew)
			}
			if got := errs(res.Existing); !slices.Equal(got, orEmpty(tc.wantExisting)) {
				t.Errorf("existing errors = %q, want %q", got, tc.wantExisting)
			}
			if res.Failed() != tc.wantFailed {
				t.Errorf("Failed() = %v, want %v", res.Failed(), tc.wantFailed)
			}
			if tc.more != nil {
				tc.more(t, res)
			}
		})
	}
}

// TestCheckExistingProblem: an old error elsewhere is listed as existing
// and does not fail the change; an old error in a file the change edits
// belongs to the change.
func TestCheckExistingProblem(t *testing.T) {
	r := newTestRepo(t)
	r.edit("content/zenith/public/guide.md", "Hello", "See [missing](nowhere.md). Hello")
	r.commit("an old broken link")
	r.branch("pr")
	r.write("content/acme/public/setup.md", newArticle)
	r.commit("the change")

	res := r.check("master", "pr", "acme-dev")
	if got, want := errs(res.Existing), []string{"link.broken content/zenith/public/guide.md:8:15"}; !slices.Equal(got, want) {
		t.Errorf("existing = %q, want %q", got, want)
	}
	if len(res.New) != 0 || res.Failed() {
		t.Errorf("new = %v, failed = %v; want none, false", res.New, res.Failed())
	}

	// The same old error in a file the change touches is the change's.
	r.edit("content/zenith/public/guide.md", "Hello", "Hi")
	r.commit("edit the broken file")
	res = r.check("master", "pr", "")
	if got, want := errs(res.New), []string{"link.broken content/zenith/public/guide.md:8:15"}; !slices.Equal(got, want) {
		t.Errorf("new = %q, want %q", got, want)
	}
	if len(res.Violations) != 0 {
		t.Errorf("violations without --author = %v, want none", res.Violations)
	}
}

// TestCheckMergeBase: the change is judged against where it branched off,
// so what main did since (here, breaking a link) is neither the change's
// problem nor in its file list.
func TestCheckMergeBase(t *testing.T) {
	r := newTestRepo(t)
	r.branch("pr")
	r.write("content/acme/public/setup.md", newArticle)
	r.commit("the change")
	r.checkout("master")
	r.edit("content/Program/intro.md", "guide.md", "gone.md")
	main := r.commit("main moves on")

	res := r.check("master", "pr", "acme-dev")
	if want := []File{{Path: "content/acme/public/setup.md", Status: Added}}; !slices.Equal(res.Files, want) {
		t.Errorf("files = %+v, want %+v", res.Files, want)
	}
	if res.Failed() || len(res.Existing) != 0 {
		t.Errorf("failed = %v, existing = %v; want a clean change", res.Failed(), res.Existing)
	}
	if res.Base != main || res.MergeBase == main {
		t.Errorf("base %s, merge base %s; want base = main's tip %s, merge base before it", res.Base, res.MergeBase, main)
	}
}

// TestCheckCodeOwners: a partner that adds a maintainer and regenerates
// CODEOWNERS passes; one that forgets fails on codeowners.stale, and a
// hand edit of CODEOWNERS is the team's.
func TestCheckCodeOwners(t *testing.T) {
	r := newTestRepo(t)
	r.write(project.CodeOwnersPath, string(codeOwnersOf(t, r)))
	r.commit("codeowners")
	r.branch("pr")
	r.edit("partners/acme/partner.yaml", "[acme-dev]", "[acme-dev, acme-ops]")
	r.commit("add a maintainer")

	res := r.check("master", "pr", "acme-dev")
	if got, want := errs(res.New), []string{"codeowners.stale .github/CODEOWNERS:13:1"}; !slices.Equal(got, want) {
		t.Errorf("without regenerating: new = %q, want %q", got, want)
	}

	r.write(project.CodeOwnersPath, string(codeOwnersOf(t, r)))
	r.commit("regenerate")
	res = r.check("master", "pr", "acme-dev")
	if res.Failed() {
		t.Errorf("regenerated: violations %v, new %v; want none", res.Violations, res.New)
	}

	r.write(project.CodeOwnersPath, r.read(project.CodeOwnersPath)+"/content/ @acme-dev\n")
	r.commit("hand edit")
	res = r.check("master", "pr", "acme-dev")
	if got, want := violations(res), []string{"owner.program .github/CODEOWNERS"}; !slices.Equal(got, want) {
		t.Errorf("hand edit: violations = %q, want %q", got, want)
	}
}

func codeOwnersOf(t *testing.T, r *testRepo) []byte {
	t.Helper()
	p, err := project.Open(os.DirFS(r.dir), project.Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	return p.CodeOwners()
}
