// Package gen writes deterministic content roots for benchmarks and
// scale tests: N partners spread over every status and tier, with ledgers
// that obey the program's rules, and M articles whose Markdown is shaped
// like the real KB corpus (headings, lists, tables, code blocks, images,
// links between articles, some raw HTML, a similar spread of sizes).
//
// The same Options always produce byte-identical files.
package gen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Options size the generated root.
type Options struct {
	Partners int
	Articles int
	Seed     uint64
}

// AsOf is the date the generated ledgers are valid for: every date in them
// is on or before it, and the candidates are not yet overdue.
var AsOf = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

// statuses cycles so that every kind appears in any root of 10 or more.
var statuses = []string{"silver", "gold", "platinum", "applicant", "candidate", "silver", "gold", "declined", "withdrawn", "silver"}

// Write creates the root in dir, which must exist.
func Write(dir string, opts Options) error {
	r := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	w := &writer{dir: dir}
	var certified []string
	for i := range opts.Partners {
		id := fmt.Sprintf("partner-%05d", i)
		status := statuses[i%len(statuses)]
		w.partner(id, status, i)
		if status == "silver" || status == "gold" || status == "platinum" {
			certified = append(certified, id)
		}
	}
	// Every certified partner gets a public and an internal article; the
	// rest are spread over program-wide sections and partners' public
	// folders, like the corpus's category folders.
	var paths []string
	n := 0
	for _, id := range certified {
		if n+2 > opts.Articles {
			break
		}
		paths = append(paths, fmt.Sprintf("content/%s/public/getting-started-with-%s.md", id, id))
		paths = append(paths, fmt.Sprintf("content/%s/internal/support-runbook-%s.md", id, id))
		n += 2
	}
	sections := []string{"Servers", "Network", "Backup", "Control Portal", "Support", "Ecosystem Partners/Marketplace Guides", "Database", "Security"}
	for i := 0; n < opts.Articles; i++ {
		if i%5 == 4 && len(certified) > 0 {
			id := certified[i%len(certified)]
			paths = append(paths, fmt.Sprintf("content/%s/public/guide-%05d.md", id, i))
		} else {
			paths = append(paths, fmt.Sprintf("content/%s/article-%05d.md", sections[i%len(sections)], i))
		}
		n++
	}
	for i, p := range paths {
		var link string
		if i > 0 && !strings.Contains(paths[i-1], "/internal/") && !strings.Contains(p, "/internal/") {
			rel, err := filepath.Rel(filepath.Dir(p), paths[i-1])
			if err == nil {
				link = strings.ReplaceAll(filepath.ToSlash(rel), " ", "%20")
			}
		}
		w.file(p, article(r, i, link))
	}
	return w.err
}

type writer struct {
	dir string
	err error
}

func (w *writer) file(rel, body string) {
	if w.err != nil {
		return
	}
	full := filepath.Join(w.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		w.err = err
		return
	}
	w.err = os.WriteFile(full, []byte(body), 0o644)
}

const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#2b6cb0"/></svg>`

var categories = []string{"analytics", "backup", "business-apps", "communications", "content-management", "databases",
	"developer-tools", "devops", "ecommerce", "migration", "monitoring", "networking", "security", "storage"}

func (w *writer) partner(id, status string, i int) {
	cat := categories[i%len(categories)]
	delivery := []string{"software", "saas"}[i%2]
	var b strings.Builder
	fmt.Fprintf(&b, "name: Product %05d\nsummary: Generated product %d for %s workloads on the cloud marketplace.\n", i, i, cat)
	fmt.Fprintf(&b, "description: |\n  Product %05d is a generated partner used to measure the pipeline at scale.\n", i)
	fmt.Fprintf(&b, "website: https://product-%05d.example\nlogo: logo.svg\ncategories: [%s]\ndelivery: %s\npricing: byol\n", i, cat, delivery)
	if status != "applicant" && status != "declined" {
		fmt.Fprintf(&b, "support:\n  email: support@product-%05d.example\n  phone: \"+1-555-0100\"\n  hours: 24x7\n", i)
		fmt.Fprintf(&b, "escalation:\n  name: Duty Manager\n  email: escalation@product-%05d.example\n  phone: \"+1-555-0101\"\n", i)
	}
	fmt.Fprintf(&b, "maintainers: [maintainer-%05d]\n", i)
	w.file("partners/"+id+"/partner.yaml", b.String())
	w.file("partners/"+id+"/logo.svg", logo)
	w.file("partners/"+id+"/ledger.yaml", ledger(status))
}

// ledger returns a ledger that reaches the given status and tier by the
// rules of the embedded program.yaml.
func ledger(status string) string {
	var b strings.Builder
	b.WriteString("support_tier: developer\nevents:\n")
	ev := func(date, typ, extra string) { fmt.Fprintf(&b, "  - {date: %q, type: %s%s}\n", date, typ, extra) }
	checks := ", checks: [performs-as-advertised, documentation, automation-integration, business-value]"
	switch status {
	case "applicant":
		ev("2026-09-01", "applied", "")
		return b.String()
	case "declined":
		ev("2025-01-10", "applied", "")
		ev("2025-02-10", "declined", "")
		return b.String()
	case "candidate":
		ev("2026-09-01", "applied", "")
		ev("2026-10-01", "accepted", "")
		b.WriteString("awards:\n  - {date: \"2026-10-01\", activity: admission}\n")
		return b.String()
	}
	ev("2023-01-05", "applied", "")
	ev("2023-02-01", "accepted", "")
	ev("2023-03-01", "certified", checks)
	if status == "withdrawn" {
		ev("2024-01-15", "non-renewal", "")
	}
	b.WriteString("awards:\n")
	day := time.Date(2023, 3, 2, 0, 0, 0, 0, time.UTC)
	aw := func(activity, ref string) {
		extra := ""
		if ref != "" {
			extra = fmt.Sprintf(", ref: %q", ref)
		}
		fmt.Fprintf(&b, "  - {date: %q, activity: %s%s}\n", day.Format(time.DateOnly), activity, extra)
		day = day.AddDate(0, 0, 3)
	}
	b.WriteString("  - {date: \"2023-02-01\", activity: admission}\n  - {date: \"2023-03-01\", activity: certification}\n")
	aw("press-release", "")
	if status == "silver" || status == "withdrawn" {
		return b.String()
	}
	// Silver table up to exactly 500: Gold at cca-expo.
	for _, a := range []string{"showcase-business-blog", "showcase-tech-blog", "showcase-tech-video", "cloudwalk-syllabus",
		"partner-success-manager", "brown-bag-training", "release-notes", "view-ezine", "cca-expo"} {
		aw(a, "")
	}
	aw("customer-deployment", "Customer 1")
	if status == "gold" {
		return b.String()
	}
	for _, a := range []string{"quickstart-offering", "cca-qualified-workload", "billing-api-integration", "seller-battlecard"} {
		aw(a, "")
	}
	// 575 + 550 = 1125; 20 sponsored events of 200 reach 5125: Platinum.
	for i := range 20 {
		aw("comarketing-event-sponsored", fmt.Sprintf("Event %d", i+1))
	}
	return b.String()
}

var words = strings.Fields(`server network blueprint deploy cloud account firewall storage backup policy group
load balancer instance template portal customer partner integration credential monitor alert script package
database cluster volume snapshot region datacenter schedule retention license support engineer workflow`)

func sentence(r *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[r.IntN(len(words))]
	}
	ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
	return strings.Join(ws, " ") + "."
}

func paragraph(r *rand.Rand) string {
	var s []string
	for range 2 + r.IntN(5) {
		s = append(s, sentence(r, 6+r.IntN(14)))
	}
	return strings.Join(s, " ")
}

// article writes one article. Sizes follow the corpus roughly: most are a
// few KB, a few are long.
func article(r *rand.Rand, i int, link string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: \"Article %05d: %s\"\ndate: \"2016-%02d-%02d\"\nauthor: \"Author %d\"\nsummary: %q\n---\n\n",
		i, strings.TrimSuffix(sentence(r, 4), "."), 1+i%12, 1+i%28, i%97, sentence(r, 10))
	sections := 2 + r.IntN(4)
	if r.IntN(20) == 0 {
		sections += 8
	}
	fmt.Fprintf(&b, "### Overview\n\n%s\n\n", paragraph(r))
	for s := range sections {
		fmt.Fprintf(&b, "### Step %d: %s\n\n%s\n\n", s+1, strings.TrimSuffix(sentence(r, 3), "."), paragraph(r))
		switch r.IntN(5) {
		case 0:
			b.WriteString("| Setting | Value | Notes |\n| --- | --- | --- |\n")
			for k := range 3 + r.IntN(4) {
				fmt.Fprintf(&b, "| option-%d | %d | %s |\n", k, r.IntN(1000), sentence(r, 4))
			}
			b.WriteString("\n")
		case 1:
			for k := range 3 + r.IntN(4) {
				fmt.Fprintf(&b, "%d. %s\n", k+1, sentence(r, 8))
			}
			b.WriteString("\n")
		case 2:
			fmt.Fprintf(&b, "```bash\ncurl -s https://api.example.com/v2/servers/%d | jq '.status'\nsudo systemctl restart agent\n```\n\n", i)
		case 3:
			for range 3 {
				fmt.Fprintf(&b, "* %s\n", sentence(r, 6))
			}
			b.WriteString("\n")
		case 4:
			fmt.Fprintf(&b, "<p><strong>Note:</strong> %s</p>\n\n", sentence(r, 9))
		}
	}
	if link != "" {
		fmt.Fprintf(&b, "See also [the previous article](%s) and the [overview](#overview).\n", link)
	}
	return b.String()
}
