package site

import (
	"bytes"
	"flag"
	"html"
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
	r := exampleRun(t)
	d := r.buildDashboard()

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
		t.Errorf("%d partner rows and %d review criteria, want 11 and 7", len(d.Partners), len(d.ReviewCriteria))
	}
	for _, row := range d.Partners {
		if want := "/dashboard/" + row.Partner.ID + "/"; row.Partner.URL != want {
			t.Errorf("%s links to %q, want its dashboard page %q", row.Partner.ID, row.Partner.URL, want)
		}
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
	t.Run("index", func(t *testing.T) {
		for _, row := range d.Partners {
			if row.Partner.ID == "tidewater-db" && (row.Points != 1050 || row.Tier != "Gold" || row.CreditUSD != 7000 || !row.GoodStanding || !row.HasLedger) {
				t.Errorf("tidewater-db row %+v, want Gold, 1050 points, $7000, in good standing", row)
			}
			if row.Partner.ID == "relaymesh" && row.GoodStanding {
				t.Errorf("relaymesh row %+v, want not in good standing", row)
			}
		}
	})
	t.Run("ledger", func(t *testing.T) {
		pa, ok := r.p.Partner("tidewater-db")
		if !ok {
			t.Fatal("no tidewater-db")
		}
		dp := r.dashPartner(pa, r.dashRef(pa))
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
	for _, want := range []string{`href="/dashboard/cobalt-shift/"`, "Cobalt Shift", "overdue by 116 days"} {
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
		`href="/assets/dashboard.css"`,
		"The density of other Marketplace Providers already providing similar capability",
		`<a href="/dashboard/" aria-current="page">Dashboard</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	// Ledgers and charts are on the partners' pages.
	for _, unwanted := range []string{`class="tier-chart"`, "dash-ledger", "Points ledger"} {
		if strings.Contains(page, unwanted) {
			t.Errorf("the overview has %q, which belongs on a partner's page", unwanted)
		}
	}
	if files["assets/dashboard.css"] == nil {
		t.Error("assets/dashboard.css not published")
	}
}

// TestDashboardLinksPartnerPages: every mention of a partner on the
// overview links to that partner's dashboard page, each partner is in
// the overview's list of partners, and no link stays in the page but the
// table of contents'.
func TestDashboardLinksPartnerPages(t *testing.T) {
	p := exampleProject(t)
	files := exampleInternalSite(t)
	page := string(files["dashboard/index.html"])
	index := regexp.MustCompile(`(?s)<section id="dash-partners".*?</section>`).FindString(page)
	for _, pa := range p.Partners {
		row := regexp.MustCompile(`<tr id="` + regexp.QuoteMeta(pa.ID) + `"[^>]*>.*</tr>`).FindString(index)
		if !strings.Contains(row, `<a href="/dashboard/`+pa.ID+`/">`+partnerName(pa)+`</a>`) {
			t.Errorf("the list of partners has no row linking %s to its page: %q", pa.ID, row)
		}
	}
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		u := m[1]
		switch {
		case strings.HasPrefix(u, "#"):
			if u != "#main" && !strings.HasPrefix(u, "#dash-") {
				t.Errorf("the overview links to %s in itself", u)
			}
		case strings.HasPrefix(u, "/dashboard/") && u != "/dashboard/":
			id := strings.TrimSuffix(strings.TrimPrefix(u, "/dashboard/"), "/")
			if _, ok := p.Partner(id); !ok || strings.Contains(id, "/") {
				t.Errorf("the overview links to %s, which is no partner's page", u)
			}
			if files["dashboard/"+id+"/index.html"] == nil {
				t.Errorf("the overview links to %s, which does not exist", u)
			}
		}
	}
}

// TestDashboardPartnerPages: each partner has a page with its standing,
// counted awards and chart, a way back to the overview, and the same
// landmarks as the site's other pages.
func TestDashboardPartnerPages(t *testing.T) {
	p := exampleProject(t)
	files := exampleInternalSite(t)
	for _, pa := range p.Partners {
		name := "dashboard/" + pa.ID + "/index.html"
		page := string(files[name])
		if page == "" {
			t.Errorf("internal site lacks %s", name)
			continue
		}
		for _, want := range []string{
			"<h1>" + html.EscapeString(partnerName(pa)) + " <code>" + pa.ID + "</code></h1>",
			`<nav class="breadcrumb wrap" aria-label="Breadcrumb">`,
			`<li><a href="/dashboard/">Program dashboard</a></li>`,
			`<a href="/dashboard/" aria-current="true">Dashboard</a>`,
			`<main id="main"`,
			`href="/assets/dashboard.css"`,
			`<meta name="robots" content="noindex">`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
		if pa.Info != nil && !strings.Contains(page, `href="/partners/`+pa.ID+`/"`) {
			t.Errorf("%s does not link to the partner page", name)
		}
		// The ledger table: a row per counted award with its running total.
		rows := regexp.MustCompile(`(?s)<table class="dash-table dash-ledger">.*?</table>`).FindString(page)
		if got, want := strings.Count(rows, "<tr><td>"), len(pa.Standing.Awards); got != want {
			t.Errorf("%s: %d ledger rows, want %d counted awards", name, got, want)
		}
		for _, a := range pa.Standing.Awards {
			row := `<td><time datetime="` + isoDay(a.Date) + `">`
			if !strings.Contains(rows, row) || !strings.Contains(rows, html.EscapeString(a.Ref)) {
				t.Errorf("%s: no ledger row of %s %s %q", name, isoDay(a.Date), a.Activity, a.Ref)
			}
		}
		if hasChart := strings.Contains(page, `class="tier-chart"`); hasChart != (len(pa.Standing.Awards) > 0) {
			t.Errorf("%s: chart %v with %d awards", name, hasChart, len(pa.Standing.Awards))
		}
		// One partner to a page.
		for _, other := range p.Partners {
			if other != pa && strings.Contains(page, "<code>"+other.ID+"</code>") {
				t.Errorf("%s shows %s", name, other.ID)
			}
		}
	}
	tide := string(files["dashboard/tidewater-db/index.html"])
	for _, want := range []string{"Admission to the program", "Billing API integration", ">1,050</td>", "Platinum, 3,950 points to go"} {
		if !strings.Contains(tide, want) {
			t.Errorf("tidewater-db's page lacks %q", want)
		}
	}
	// A revoked award is not counted, so it is not in the ledger table.
	beacon := string(files["dashboard/beaconwatch/index.html"])
	if !strings.Contains(beacon, "Greyhill Energy") || strings.Contains(beacon, "Ostrava Gaming Studios") {
		t.Error("beaconwatch's page: want its counted award Greyhill Energy, not its revoked one Ostrava Gaming Studios")
	}
}

// TestDashboardInternalOnly: the public site has neither the dashboard,
// nor a partner's dashboard page, nor the calendar.
func TestDashboardInternalOnly(t *testing.T) {
	b, err := NewBuilder(Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := exampleProject(t)
	files, err := b.Build(p, Public)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if strings.HasPrefix(name, "dashboard") || name == "calendar.ics" {
			t.Errorf("public site has %s", name)
		}
		if strings.HasSuffix(name, ".html") && bytes.Contains(data, []byte("/dashboard/")) {
			t.Errorf("public %s links to the dashboard", name)
		}
	}
	in := exampleInternalSite(t)
	for _, pa := range p.Partners {
		// Else the public site's lack of it would prove nothing.
		if in["dashboard/"+pa.ID+"/index.html"] == nil {
			t.Errorf("internal site lacks dashboard/%s/index.html", pa.ID)
		}
	}
}

// TestCalendarLinksPartnerPages: with a base URL, each event links to its
// partner's dashboard page.
func TestCalendarLinksPartnerPages(t *testing.T) {
	b, err := NewBuilder(Options{BaseURL: "https://marketplace.example.com/docs/"})
	if err != nil {
		t.Fatal(err)
	}
	files, err := b.Build(exampleProject(t), Internal)
	if err != nil {
		t.Fatal(err)
	}
	ics := strings.ReplaceAll(string(files["calendar.ics"]), "\r\n ", "")
	urls := regexp.MustCompile(`(?m)^URL:(.*)\r$`).FindAllStringSubmatch(ics, -1)
	if len(urls) == 0 {
		t.Fatal("no event has a URL")
	}
	for _, m := range urls {
		u := m[1]
		id, ok := strings.CutPrefix(u, "https://marketplace.example.com/docs/dashboard/")
		id, slash := strings.CutSuffix(id, "/")
		if !ok || !slash || strings.ContainsAny(id, "/#") || files["dashboard/"+id+"/index.html"] == nil {
			t.Errorf("event URL %s is not a partner's dashboard page", u)
		}
	}
	for _, want := range []string{"cobalt-shift", "tidewater-db"} {
		if !strings.Contains(ics, "URL:https://marketplace.example.com/docs/dashboard/"+want+"/\r\n") {
			t.Errorf("no event links to %s's dashboard page", want)
		}
	}
}
