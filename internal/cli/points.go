package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/model"
	"github.com/marketplace-program/marketplace/internal/project"
)

// PointsOptions are the flags of points.
type PointsOptions struct {
	Root   string
	IDs    []string
	Format string
	AsOf   time.Time
}

func newPointsCmd(env *Env, g *globals, runF func(*PointsOptions) error) *cobra.Command {
	opts := &PointsOptions{}
	var out outputFlags
	cmd := &cobra.Command{
		Use:   "points [ID...]",
		Short: "Replay the ledgers: each partner's status, points, tier and credit",
		Long: `points replays each partner's ledger as the program's rules say: lifecycle events
and awards in date order, each award valued from the table of the tier held just
before it. It prints status, points, tier, tier history, monthly credit and
what the partner can still earn toward the next tier.

A ledger that breaks a rule makes points exit 1 with the error validate gives.`,
		Example: `  $ marketplace points
  $ marketplace points kestrel-backup --as-of 2025-12-31
  $ marketplace points --format json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Root, opts.IDs = g.root, args
			var err error
			if opts.Format, opts.AsOf, err = out.resolve(env); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return pointsRun(env, opts)
		},
	}
	out.add(cmd, "compute standings", "text", "json")
	return cmd
}

// selectPartners returns the partners named by ids (all when none), or an
// error naming an unknown id with the closest known one.
func selectPartners(p *project.Project, ids []string) ([]*project.Partner, error) {
	if len(ids) == 0 {
		return p.Partners, nil
	}
	var all []string
	for _, pa := range p.Partners {
		all = append(all, pa.ID)
	}
	var out []*project.Partner
	for _, id := range ids {
		pa, ok := p.Partner(id)
		if !ok {
			msg := fmt.Sprintf("no partner %q", id)
			if s := diag.Suggest(id, all); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return nil, usagef("%s", msg)
		}
		out = append(out, pa)
	}
	return out, nil
}

// ledgerProblems are the errors that make a standing untrustworthy: those in
// the selected partners' files and in the rules file.
func ledgerProblems(p *project.Project, sel []*project.Partner) diag.List {
	files := map[string]bool{"program.yaml": true}
	for _, pa := range sel {
		files["partners/"+pa.ID+"/ledger.yaml"] = true
		files["partners/"+pa.ID+"/partner.yaml"] = true
	}
	var out diag.List
	for _, d := range p.Diags.Errors() {
		if files[d.File] {
			out.Add(d)
		}
	}
	return out
}

func pointsRun(env *Env, opts *PointsOptions) error {
	p, err := openProject(env, opts.Root, opts.AsOf)
	if err != nil {
		return err
	}
	sel, err := selectPartners(p, opts.IDs)
	if err != nil {
		return err
	}
	if bad := ledgerProblems(p, sel); len(bad) > 0 {
		if err := printDiags(env, "text", bad, p.Sources()); err != nil {
			return err
		}
		return errProblems
	}
	if opts.Format == "json" {
		return writeJSON(env.Stdout, pointsJSON(p, sel))
	}
	return writePointsText(env.Stdout, p, sel)
}

type pointsDoc struct {
	AsOf     string          `json:"as_of"`
	Partners []partnerPoints `json:"partners"`
}

type partnerPoints struct {
	ID               string        `json:"id"`
	Status           *string       `json:"status"`
	Tier             *string       `json:"tier"`
	Points           int           `json:"points"`
	MonthlyCreditUSD int           `json:"monthly_credit_usd"`
	GoodStanding     bool          `json:"good_standing"`
	NextTier         *string       `json:"next_tier"`
	PointsToNextTier *int          `json:"points_to_next_tier"`
	TierHistory      []tierSince   `json:"tier_history"`
	Awards           []awardPoints `json:"awards"`
}

type tierSince struct {
	Tier  string `json:"tier"`
	Since string `json:"since"`
}

type awardPoints struct {
	Date     string `json:"date"`
	Activity string `json:"activity"`
	Ref      string `json:"ref,omitempty"`
	Points   int    `json:"points"`
	Total    int    `json:"total"`
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

func pointsJSON(p *project.Project, sel []*project.Partner) pointsDoc {
	doc := pointsDoc{AsOf: day(p.AsOf), Partners: []partnerPoints{}}
	for _, pa := range sel {
		st := pa.Standing
		pp := partnerPoints{
			ID: pa.ID, Status: strOrNil(st.Status), Tier: strOrNil(st.Tier), Points: st.Points,
			MonthlyCreditUSD: st.MonthlyCreditUSD, GoodStanding: st.GoodStanding, NextTier: strOrNil(st.NextTier),
			TierHistory: []tierSince{}, Awards: []awardPoints{},
		}
		if st.NextTier != "" {
			n := st.PointsToNextTier
			pp.PointsToNextTier = &n
		}
		for _, h := range st.TierHistory {
			pp.TierHistory = append(pp.TierHistory, tierSince{Tier: h.Tier, Since: day(h.Since)})
		}
		for _, a := range st.Awards {
			pp.Awards = append(pp.Awards, awardPoints{Date: day(a.Date), Activity: a.Activity, Ref: a.Ref, Points: a.Points, Total: a.Total})
		}
		doc.Partners = append(doc.Partners, pp)
	}
	return doc
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func tierName(r *model.Rules, id string) string {
	if t, ok := r.Tier(id); ok {
		return t.Name
	}
	return id
}

func writePointsText(w io.Writer, p *project.Project, sel []*project.Partner) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Standings as of %s\n", day(p.AsOf))
	for _, pa := range sel {
		st := pa.Standing
		name := pa.ID
		if pa.Info != nil {
			name = fmt.Sprintf("%s (%s)", pa.Info.Name, pa.ID)
		}
		status := st.Status
		if status == "" {
			status = "no status"
		}
		line := []string{status}
		if st.Tier != "" {
			line = append(line, tierName(p.Rules, st.Tier))
		}
		line = append(line, fmt.Sprintf("%s points", thousands(st.Points)), fmt.Sprintf("$%s/mo credit", thousands(st.MonthlyCreditUSD)))
		if !st.GoodStanding && (st.Status == "candidate" || st.Status == "certified") {
			line = append(line, "NOT in good standing")
		}
		fmt.Fprintf(&b, "\n%s\n  %s\n", name, strings.Join(line, " · "))
		if len(st.TierHistory) > 0 {
			var hs []string
			for _, h := range st.TierHistory {
				hs = append(hs, fmt.Sprintf("%s since %s", tierName(p.Rules, h.Tier), day(h.Since)))
			}
			fmt.Fprintf(&b, "  tiers: %s\n", strings.Join(hs, ", "))
		}
		if st.NextTier != "" {
			fmt.Fprintf(&b, "  next: %s in %s points\n", tierName(p.Rules, st.NextTier), thousands(st.PointsToNextTier))
			if earn := canEarn(p.Rules, pa); earn != "" {
				fmt.Fprintf(&b, "  can still earn: %s\n", earn)
			}
		}
		if len(st.Awards) > 0 {
			tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "  DATE\tACTIVITY\t POINTS\t  TOTAL\tREF")
			for _, a := range st.Awards {
				fmt.Fprintf(tw, "  %s\t%s\t%7d\t%7d\t%s\n", day(a.Date), a.Activity, a.Points, a.Total, shorten(a.Ref, 40))
			}
			tw.Flush()
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// canEarn lists what a partner may still be awarded at its current table:
// once-only activities not yet awarded, and the repeatable ones.
func canEarn(r *model.Rules, pa *project.Partner) string {
	st := pa.Standing
	table := "silver"
	if t, ok := r.Tier(st.Tier); ok && t.PointsTable != "" {
		table = t.PointsTable
	}
	got := map[string]bool{}
	for _, a := range st.Awards {
		got[a.Activity] = true
	}
	var out []string
	for _, act := range r.Activities {
		pts, ok := act.Points[table]
		if !ok || (act.Repeat == "once" && got[act.ID]) {
			continue
		}
		if st.Status != "certified" && !act.AllowedWhileCandidate {
			continue
		}
		s := fmt.Sprintf("%s %d", act.ID, pts)
		switch act.Repeat {
		case "each":
			s += " (each)"
		case "per-quarter":
			s += " (per quarter)"
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
