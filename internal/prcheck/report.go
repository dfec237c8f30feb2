package prcheck

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/marketplace-program/marketplace/internal/diag"
)

// short abbreviates a commit hash the way Git does in one-line logs.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// level is the tier, or the status of a partner without one, on one side.
func level(status, tierName string) string {
	switch {
	case status == "":
		return "—"
	case tierName != "":
		return tierName
	case status == "none":
		return "no status yet"
	}
	return status
}

func (im PartnerImpact) tierText() string {
	b, a := level(im.StatusBefore, im.TierNameBefore), level(im.StatusAfter, im.TierNameAfter)
	if b == a {
		return a
	}
	return b + " → " + a
}

func (im PartnerImpact) pointsText() string {
	if im.PointsBefore == im.PointsAfter {
		return fmt.Sprint(im.PointsAfter)
	}
	return fmt.Sprintf("%d → %d (%+d)", im.PointsBefore, im.PointsAfter, im.PointsAfter-im.PointsBefore)
}

func (f File) text() string {
	if f.From != "" {
		return f.From + " → " + f.Path
	}
	return f.Path
}

// WriteText prints the result for a terminal: changed files, articles,
// partners, ownership, then the change's problems in compiler form with
// their source lines, the existing ones in one line each.
func WriteText(w io.Writer, r *Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "check-pr: %s, merge base %s, head %s\n", plural(len(r.Files), "changed file"), short(r.MergeBase), short(r.Head))
	for _, f := range r.Files {
		fmt.Fprintf(&b, "  %-9s %s\n", f.Status, f.text())
	}
	if len(r.Articles) > 0 {
		b.WriteString("\nArticles:\n")
		for _, a := range r.Articles {
			fmt.Fprintf(&b, "  %-9s %q (%s) %s\n", a.Status, a.Title, strings.TrimPrefix(a.PartnerID+", "+a.Audience, ", "), a.URL)
		}
	}
	if len(r.Partners) > 0 {
		b.WriteString("\nPartners:\n")
		for _, p := range r.Partners {
			fmt.Fprintf(&b, "  %s: %s, %s points", p.ID, p.tierText(), p.pointsText())
			if len(p.Listing) > 0 {
				fmt.Fprintf(&b, "; %s", strings.Join(p.Listing, "; "))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n")
	switch {
	case r.Author == "":
		b.WriteString("Ownership: not checked (no --author)\n")
	case len(r.Violations) == 0:
		fmt.Fprintf(&b, "Ownership: @%s may make every change\n", r.Author)
	default:
		fmt.Fprintf(&b, "Ownership: %s that @%s may not make\n", plural(len(r.Violations), "change"), r.Author)
		for _, v := range r.Violations {
			fmt.Fprintf(&b, "%s: error: %s [%s]\n", v.File, v.Message, v.Rule)
		}
	}
	if len(r.New) > 0 {
		fmt.Fprintf(&b, "\nProblems in this change (%s, %s):\n", plural(len(r.New.Errors()), "error"), plural(len(r.New.Warnings()), "warning"))
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
		b.Reset()
		if err := diag.WriteText(w, r.New, r.Sources); err != nil {
			return err
		}
	}
	if len(r.Existing) > 0 {
		fmt.Fprintf(&b, "\nExisting problems elsewhere, not caused by this change (%d):\n", len(r.Existing))
		for _, d := range r.Existing {
			fmt.Fprintf(&b, "  %s\n", d)
		}
	}
	if len(r.Fixed) > 0 {
		fmt.Fprintf(&b, "\nThis change fixes %s.\n", plural(len(r.Fixed), "problem"))
	}
	fmt.Fprintf(&b, "\n%s\n", verdict(r))
	_, err := io.WriteString(w, b.String())
	return err
}

func verdict(r *Result) string {
	if !r.Failed() {
		return "PASS: nothing in this change blocks it"
	}
	return fmt.Sprintf("FAIL: %s, %s in this change", plural(len(r.Violations), "ownership violation"), plural(len(r.New.Errors()), "error"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// jsonResult is the stable shape of --format json.
type jsonResult struct {
	Base         string          `json:"base"`
	Head         string          `json:"head"`
	MergeBase    string          `json:"merge_base"`
	Author       string          `json:"author"`
	Failed       bool            `json:"failed"`
	ChangedFiles []File          `json:"changed_files"`
	Articles     []ArticleChange `json:"articles"`
	Partners     []PartnerImpact `json:"partners"`
	Violations   []Violation     `json:"violations"`
	Errors       any             `json:"errors"`
	Warnings     any             `json:"warnings"`
	Existing     diag.JSONReport `json:"existing"`
	Fixed        diag.JSONReport `json:"fixed"`
}

// WriteJSON prints the result as one JSON document. errors and warnings
// are the change's problems, in validate's JSON shape; existing and fixed
// hold the others as {"errors":[...],"warnings":[...]}. Lists are empty,
// never null.
func WriteJSON(w io.Writer, r *Result) error {
	nw := diag.Report(r.New)
	j := jsonResult{
		Base: r.Base, Head: r.Head, MergeBase: r.MergeBase, Author: r.Author, Failed: r.Failed(),
		ChangedFiles: orEmpty(r.Files), Articles: orEmpty(r.Articles), Partners: orEmpty(r.Partners),
		Violations: orEmpty(r.Violations), Errors: nw.Errors, Warnings: nw.Warnings,
		Existing: diag.Report(r.Existing), Fixed: diag.Report(r.Fixed),
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}

func orEmpty[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

// WriteGitHub prints workflow commands: an error annotation per ownership
// violation and per error of the change, a warning per warning of the
// change. Existing problems are left to validate's own annotations.
func WriteGitHub(w io.Writer, r *Result) error {
	var l diag.List
	for _, v := range r.Violations {
		l.Add(diag.Diagnostic{Pos: diag.Pos{File: v.File}, Severity: diag.Error, Rule: v.Rule, Msg: v.Message})
	}
	l.Append(r.New)
	return diag.WriteGitHub(w, l)
}
