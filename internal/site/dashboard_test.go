package site

import (
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/publish"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// exampleAsOf is the as-of date the example content's tests are written for.
var exampleAsOf = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

// exampleProject opens the example content at the module root: 11
// partners over every status.
func exampleProject(t *testing.T) *project.Project {
	t.Helper()
	p, err := project.Open(os.DirFS("../.."), project.Options{AsOf: exampleAsOf})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Partners) != 11 {
		t.Fatalf("example content has %d partners, want 11", len(p.Partners))
	}
	return p
}

// exampleRun is a build of the internal site of the example content, not
// yet rendered.
func exampleRun(t *testing.T) *run {
	t.Helper()
	p := exampleProject(t)
	info := &SiteInfo{Name: "Cloud Marketplace — Support", Internal: true, BaseURL: "/", Build: "2026-11-28"}
	return &run{b: &Builder{}, p: p, v: newView(p, Internal), info: info, files: publish.Files{}}
}

func exampleInternalSite(t *testing.T) publish.Files {
	t.Helper()
	b, err := NewBuilder(Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, err := b.Build(exampleProject(t), Internal)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestDashboardData(t *testing.T) {
	d := exampleRun(t).buildDashboard()

	ids := func(n int, id func(int) string) []string {
		var out []string
		for i := range n {
			out = append(out, id(i))
		}
		return out
	}
	check := func(what string, got []string, want ...string) {
		t.Helper()
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: %v, want %v", what, got, want)
		}
	}
	check("applicants", ids(len(d.Applicants), func(i int) string { return d.Applicants[i].Partner.ID }), "sparrowsign")
	check("candidates", ids(len(d.Candidates), func(i int) string { return d.Candidates[i].Partner.ID }), "cobalt-shift", "lanternmail")
	check("overdue", ids(len(d.Overdue), func(i int) string { return d.Overdue[i].Partner.ID }), "cobalt-shift")
	check("renewals", ids(len(d.Renewals), func(i int) string { return d.Renewals[i].Partner.ID }), "tidewater-db")
	check("not in good standing", ids(len(d.NotGood), func(i int) string { return d.NotGood[i].Partner.ID }), "relaymesh")
	check("docs", ids(len(d.Docs), func(i int) string { return d.Docs[i].Partner.ID }),
		"beaconwatch", "cobalt-shift", "kestrel-backup", "lanternmail", "parcelcart", "quillpress", "relaymesh", "tidewater-db")
	if len(d.Partners) != 11 || len(d.ReviewCriteria) != 7 {
		t.Errorf("%d partner sections and %d review criteria, want 11 and 7", len(d.Partners), len(d.ReviewCriteria))
	}

	t.Run("density", func(t *testing.T) {
		cats := d.Applicants[0].Categories
		if len(cats) != 1 || cats[0].Name != "Business Apps" || len(cats[0].Certified) != 1 || cats[0].Certified[0].ID != "parcelcart" {
			t.Errorf("sparrowsign categories %+v, want Business Apps with parcelcart certified", cats)
		}
	})
	t.Run("overdue", func(t *testing.T) {
		c := d.Overdue[0]
		if c.Deadline != dashDate("2026-08-04") || c.DaysOverdue != 116 {
			t.Errorf("cobalt-shift deadline %s, %d days overdue; want 2026-08-04, 116", isoDay(c.Deadline), c.DaysOverdue)
		}
		if l := d.Candidates[1]; l.Overdue || l.DaysLeft != 34 {
			t.Errorf("lanternmail overdue %v, %d days left; want 34 days left", l.Overdue, l.DaysLeft)
		}
	})
	t.Run("renewal", func(t *testing.T) {
		rn := d.Renewals[0]
		if rn.Anniversary != dashDate("2026-12-15") || rn.InDays != 17 || rn.NonRenewal || rn.Tier != "Gold" {
			t.Errorf("tidewater-db renewal %+v, want Gold on 2026-12-15 in 17 days, renewing", rn)
		}
	})
	t.Run("standing", func(t *testing.T) {
		s := d.NotGood[0]
		if s.Since != dashDate("2026-09-30") || s.CreditUSD != 0 || s.SuspendedUSD != 2000 {
			t.Errorf("relaymesh %+v, want since 2026-09-30, credit 0 with 2000 suspended", s)
		}
	})
	t.Run("docs", func(t *testing.T) {
		want := map[string]string{
			// A candidate without its internal article yet; escalation is
			// not yet required of a candidate.
			"lanternmail":  "Public article:pass Internal article:fail(no internal article in the knowledge base) Support contacts:pass Escalation contacts:n/a",
			"cobalt-shift": "Public article:fail(no public article in the knowledge base) Internal article:fail(no internal article in the knowledge base) Support contacts:pass Escalation contacts:n/a",
			"tidewater-db": "Public article:pass Internal article:pass Support contacts:pass Escalation contacts:pass",
		}
		for _, dd := range d.Docs {
			w, ok := want[dd.Partner.ID]
			if !ok {
				continue
			}
			var got []string
			for _, c := range dd.Checks {
				s := c.Name + ":"
				switch {
				case c.OK:
					s += "pass"
				case !c.Required:
					s += "n/a"
				default:
					s += "fail(" + c.Missing + ")"
				}
				got = append(got, s)
			}
			if g := strings.Join(got, " "); g != w {
				t.Errorf("%s:\n got %s\nwant %s", dd.Partner.ID, g, w)
			}
			if dd.OK != (dd.Partner.ID == "tidewater-db") {
				t.Errorf("%s: OK %v", dd.Partner.ID, dd.OK)
			}
		}
	})
	t.Run("ledger", func(t *testing.T) {
		for _, dp := range d.Partners {
			if dp.Ref.ID != "tidewater-db" {
				continue
			}
			if len(dp.Ledger) != 15 || dp.Points != 1050 || dp.Tier != "Gold" || dp.NextTier != "Platinum" || dp.PointsToNext != 3950 || dp.CreditUSD != 7000 {
				t.Errorf("tidewater-db: %d rows, %d points, %s → %s (%d to go), $%d", len(dp.Ledger), dp.Points, dp.Tier, dp.NextTier, dp.PointsToNext, dp.CreditUSD)
			}
			first, last := dp.Ledger[0], dp.Ledger[len(dp.Ledger)-1]
			if first.Activity != "Admission to the program" || first.Total != 25 || last.Activity != "Billing API integration" || last.Total != 1050 {
				t.Errorf("ledger rows %+v … %+v", first, last)
			}
			if dp.Chart == "" {
				t.Error("no chart")
			}
		}
	})
}

func TestDashboardPage(t *testing.T) {
	files := exampleInternalSite(t)
	page := string(files["dashboard/index.html"])
	if page == "" {
		t.Fatal("no dashboard/index.html in the internal site")
	}
	overdue := regexp.MustCompile(`(?s)<ul id="dash-overdue"[^>]*>(.*?)</ul>`).FindStringSubmatch(page)
	if overdue == nil {
		t.Fatalf("no overdue list in the dashboard:\n%s", page)
	}
	for _, want := range []string{`href="#cobalt-shift"`, "Cobalt Shift", "overdue by 116 days"} {
		if !strings.Contains(overdue[1], want) {
			t.Errorf("overdue list lacks %q:\n%s", want, overdue[1])
		}
	}
	if strings.Contains(overdue[1], "Lantern") {
		t.Errorf("overdue list has a candidate within its window:\n%s", overdue[1])
	}
	renewals := regexp.MustCompile(`(?s)<section id="dash-renewals".*?</section>`).FindString(page)
	if !strings.Contains(renewals, "Tidewater Postgres") || !strings.Contains(renewals, "2026-12-15") {
		t.Errorf("anniversaries lack tidewater-db on 2026-12-15:\n%s", renewals)
	}
	for _, want := range []string{
		`<section id="tidewater-db"`, `<section id="sparrowsign"`, // a section per partner
		`href="/assets/dashboard.css"`,
		"The density of other Marketplace Providers already providing similar capability",
		`<svg xmlns="http://www.w3.org/2000/svg" class="tier-chart" role="img"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	// A revoked award is not counted, so it is not in the ledger table.
	if strings.Contains(page, "Ostrava Gaming Studios") {
		t.Error("dashboard lists beaconwatch's revoked award")
	}
	if files["assets/dashboard.css"] == nil {
		t.Error("assets/dashboard.css not published")
	}
}

// TestDashboardInternalOnly: the public site has neither the dashboard nor
// the calendar.
func TestDashboardInternalOnly(t *testing.T) {
	b, err := NewBuilder(Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, err := b.Build(exampleProject(t), Public)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"dashboard/index.html", "calendar.ics"} {
		if _, ok := files[name]; ok {
			t.Errorf("public site has %s", name)
		}
	}
}
