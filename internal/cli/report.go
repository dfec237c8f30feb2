package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/marketplace-program/marketplace/internal/project"
)

// ReportOptions are the flags of report.
type ReportOptions struct {
	Root   string
	Format string
	AsOf   time.Time
}

func newReportCmd(env *Env, g *globals, runF func(*ReportOptions) error) *cobra.Command {
	opts := &ReportOptions{}
	var out outputFlags
	cmd := &cobra.Command{
		Use:   "report",
		Short: "The ecosystem team's to-do list: pipeline, deadlines, renewals, standing, docs",
		Long: `report lists what needs the ecosystem team's attention: applicants under review,
candidates with their certification deadline (overdue ones flagged), renewal
anniversaries due within the rules file's horizon, partners not in good
standing, and certified partners missing a public or internal KB article.`,
		Example: `  $ marketplace report
  $ marketplace report --format json --as-of 2026-12-01`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Root = g.root
			var err error
			if opts.Format, opts.AsOf, err = out.resolve(env); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return reportRun(env, opts)
		},
	}
	out.add(cmd, "report", "text", "json")
	return cmd
}

type reportDoc struct {
	AsOf              string          `json:"as_of"`
	Applicants        []applicantRow  `json:"applicants"`
	Candidates        []candidateRow  `json:"candidates"`
	OverdueCandidates []candidateRow  `json:"overdue_candidates"`
	RenewalsDue       []renewalRow    `json:"renewals_due"`
	NotInGoodStanding []standingRow   `json:"not_in_good_standing"`
	MissingDocs       []missingDocRow `json:"missing_docs"`
}

type applicantRow struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Applied string `json:"applied,omitempty"`
}

type candidateRow struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Accepted    string `json:"accepted"`
	Deadline    string `json:"deadline"`
	Overdue     bool   `json:"overdue"`
	DaysOverdue int    `json:"days_overdue,omitempty"`
}

type renewalRow struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Anniversary string `json:"anniversary"`
	InDays      int    `json:"in_days"`
	NonRenewal  bool   `json:"non_renewal"`
}

type standingRow struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Since string `json:"since,omitempty"`
}

type missingDocRow struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Missing []string `json:"missing"`
}

func displayName(pa *project.Partner) string {
	if pa.Info != nil {
		return pa.Info.Name
	}
	return pa.ID
}

func daysBetween(a, b time.Time) int { return int(b.Sub(a).Hours() / 24) }

// buildReport derives the team's to-do list from the standings.
func buildReport(p *project.Project) reportDoc {
	r := reportDoc{AsOf: day(p.AsOf), Applicants: []applicantRow{}, Candidates: []candidateRow{},
		OverdueCandidates: []candidateRow{}, RenewalsDue: []renewalRow{}, NotInGoodStanding: []standingRow{},
		MissingDocs: []missingDocRow{}}
	horizon := p.Rules.RenewalHorizonDays
	for _, pa := range p.Partners {
		st := pa.Standing
		name := displayName(pa)
		switch st.Status {
		case "applicant":
			row := applicantRow{ID: pa.ID, Name: name}
			if st.AppliedOn != nil {
				row.Applied = day(*st.AppliedOn)
			}
			r.Applicants = append(r.Applicants, row)
		case "candidate":
			row := candidateRow{ID: pa.ID, Name: name, Overdue: st.Overdue}
			if st.AcceptedOn != nil {
				row.Accepted = day(*st.AcceptedOn)
			}
			if st.CertificationDeadline != nil {
				row.Deadline = day(*st.CertificationDeadline)
				if st.Overdue {
					row.DaysOverdue = daysBetween(*st.CertificationDeadline, p.AsOf)
				}
			}
			r.Candidates = append(r.Candidates, row)
			if st.Overdue {
				r.OverdueCandidates = append(r.OverdueCandidates, row)
			}
		case "certified":
			if st.NextAnniversary != nil {
				if in := daysBetween(p.AsOf, *st.NextAnniversary); in >= 0 && in <= horizon {
					r.RenewalsDue = append(r.RenewalsDue, renewalRow{ID: pa.ID, Name: name,
						Anniversary: day(*st.NextAnniversary), InDays: in, NonRenewal: st.EndsOn != nil})
				}
			}
			if missing := missingDocs(pa); len(missing) > 0 {
				r.MissingDocs = append(r.MissingDocs, missingDocRow{ID: pa.ID, Name: name, Missing: missing})
			}
		}
		if (st.Status == "candidate" || st.Status == "certified") && !st.GoodStanding {
			row := standingRow{ID: pa.ID, Name: name}
			if st.StandingSince != nil {
				row.Since = day(*st.StandingSince)
			}
			r.NotInGoodStanding = append(r.NotInGoodStanding, row)
		}
	}
	return r
}

func missingDocs(pa *project.Partner) []string {
	var public, internal bool
	for _, a := range pa.Articles {
		if a.Internal() {
			internal = true
		} else {
			public = true
		}
	}
	var missing []string
	if !public {
		missing = append(missing, "public article")
	}
	if !internal {
		missing = append(missing, "internal article")
	}
	return missing
}

func reportRun(env *Env, opts *ReportOptions) error {
	p, err := openProject(env, opts.Root, opts.AsOf)
	if err != nil {
		return err
	}
	r := buildReport(p)
	if opts.Format == "json" {
		return writeJSON(env.Stdout, r)
	}
	return writeReportText(env.Stdout, r, p.Rules.RenewalHorizonDays)
}

func writeReportText(w io.Writer, r reportDoc, horizon int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Program report as of %s\n", r.AsOf)
	section := func(title string, n int) {
		fmt.Fprintf(&b, "\n%s (%d)\n", title, n)
		if n == 0 {
			b.WriteString("  none\n")
		}
	}
	section("Applicants under review", len(r.Applicants))
	for _, a := range r.Applicants {
		fmt.Fprintf(&b, "  %-24s %s, applied %s\n", a.ID, a.Name, a.Applied)
	}
	section("Candidates", len(r.Candidates))
	for _, c := range r.Candidates {
		flag := ""
		if c.Overdue {
			flag = fmt.Sprintf("  OVERDUE by %d days", c.DaysOverdue)
		}
		fmt.Fprintf(&b, "  %-24s accepted %s, certify by %s%s\n", c.ID, c.Accepted, c.Deadline, flag)
	}
	section(fmt.Sprintf("Renewal anniversaries in the next %d days", horizon), len(r.RenewalsDue))
	for _, c := range r.RenewalsDue {
		note := ""
		if c.NonRenewal {
			note = "  (non-renewal recorded: leaves the program)"
		}
		fmt.Fprintf(&b, "  %-24s %s, in %d days%s\n", c.ID, c.Anniversary, c.InDays, note)
	}
	section("Not in good standing (no credit)", len(r.NotInGoodStanding))
	for _, c := range r.NotInGoodStanding {
		fmt.Fprintf(&b, "  %-24s since %s\n", c.ID, c.Since)
	}
	section("Certified partners missing KB articles", len(r.MissingDocs))
	for _, c := range r.MissingDocs {
		fmt.Fprintf(&b, "  %-24s missing %s\n", c.ID, strings.Join(c.Missing, " and "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
