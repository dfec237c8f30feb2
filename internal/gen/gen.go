// Package gen writes deterministic content roots for benchmarks and
// scale tests: N partners spread over every status and tier, with ledgers
// that obey the program's rules, and M articles whose Markdown is shaped
// like the real KB corpus (headings, lists, tables, code blocks, images,
// links between articles, some raw HTML, a similar spread of sizes).
//
// The same Options always produce byte-identical files.
package gen

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path"
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

// sectionNames are program-wide folders named like the corpus's category
// folders, one of them nested as "Ecosystem Partners/Marketplace Guides" is.
var sectionNames = []string{"Servers", "Network", "Backup", "Control Portal", "Support", "Ecosystem Partners/Marketplace Guides",
	"Database", "Security", "Accounts & Users", "Blueprints", "Load Balancing", "Monitoring", "Object Storage", "Relational DB",
	"Managed Services", "Best Practices", "Compliance", "Disaster Recovery", "Email", "DNS", "Licensing", "Orchestration",
	"Service Tasks", "Troubleshooting"}

// articlesPerSection keeps section folders near the corpus's largest ones
// (about 200 articles) as the root grows, by adding numbered copies of the
// folders: the way the corpus README suggests scaling it up.
const articlesPerSection = 150

// Write creates the root in dir, which must exist.
func Write(dir string, opts Options) error {
	r := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	w := &writer{dir: dir, pngs: pngs()}
	var certified []string
	for i := range opts.Partners {
		id := fmt.Sprintf("partner-%05d", i)
		status := statuses[i%len(statuses)]
		w.partner(id, status, i)
		if status == "silver" || status == "gold" || status == "platinum" {
			certified = append(certified, id)
		}
	}
	paths := articlePaths(opts.Articles, certified)

	// Sizes are drawn first, so a link can point at a heading that only
	// longer articles have.
	sizes := make([]int, len(paths))
	for i := range sizes {
		sizes[i] = bodySize(r)
	}
	var public []int // link targets: a public article may not link to an internal one
	for i, p := range paths {
		if !isInternal(p) {
			public = append(public, i)
		}
	}
	t := newText(r)
	for i, p := range paths {
		a := &art{t: t, w: w, i: i, path: p, dir: path.Dir(p), base: strings.TrimSuffix(path.Base(p), ".md"),
			target: sizes[i], paths: paths, sizes: sizes, public: public}
		w.file(p, []byte(a.write()))
	}
	return w.err
}

// articlePaths places the articles: every certified partner gets a public
// and an internal article (certification needs both); the rest are spread
// over program-wide sections and partners' public folders, like the
// corpus's category folders.
func articlePaths(m int, certified []string) []string {
	var paths []string
	for _, id := range certified {
		if len(paths)+2 > m {
			break
		}
		paths = append(paths, fmt.Sprintf("content/%s/public/getting-started-with-%s.md", id, id))
		paths = append(paths, fmt.Sprintf("content/%s/internal/support-runbook-%s.md", id, id))
	}
	nsec := max(8, (m+articlesPerSection-1)/articlesPerSection)
	for i := 0; len(paths) < m; i++ {
		if i%5 == 4 && len(certified) > 0 {
			id := certified[i%len(certified)]
			paths = append(paths, fmt.Sprintf("content/%s/public/guide-%05d.md", id, i))
			continue
		}
		k := i % nsec
		sec := sectionNames[k%len(sectionNames)]
		if c := k / len(sectionNames); c > 0 {
			sec = fmt.Sprintf("%s %d", sec, c+1)
		}
		paths = append(paths, fmt.Sprintf("content/%s/article-%05d.md", sec, i))
	}
	return paths
}

func isInternal(p string) bool { return strings.Contains(p, "/internal/") }

// bodyQuantiles are the article body sizes (bytes after the header) of the
// real corpus: 744 articles, min, p10, p25, median, p75, p90, p99, max.
var bodyQuantiles = [][2]float64{{0, 319}, {0.10, 1409}, {0.25, 2429}, {0.50, 4260}, {0.75, 7177},
	{0.90, 9338}, {0.99, 25080}, {1, 68248}}

// bodySize draws a body size from the corpus's distribution, interpolating
// its quantiles geometrically.
func bodySize(r *rand.Rand) int {
	u := r.Float64()
	for k := 1; k < len(bodyQuantiles); k++ {
		lo, hi := bodyQuantiles[k-1], bodyQuantiles[k]
		if u <= hi[0] {
			f := (u - lo[0]) / (hi[0] - lo[0])
			return int(lo[1] * math.Pow(hi[1]/lo[1], f))
		}
	}
	return int(bodyQuantiles[len(bodyQuantiles)-1][1])
}

type writer struct {
	dir  string
	err  error
	pngs [][]byte
}

func (w *writer) file(rel string, body []byte) {
	if w.err != nil {
		return
	}
	full := filepath.Join(w.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		w.err = err
		return
	}
	w.err = os.WriteFile(full, body, 0o644)
}

// pngs returns a few small, valid PNG screenshots' stand-ins, one per
// colour, so that image files differ without encoding one per image.
func pngs() [][]byte {
	cols := []color.RGBA{{43, 108, 176, 255}, {56, 161, 105, 255}, {221, 107, 32, 255}, {128, 90, 213, 255},
		{229, 62, 62, 255}, {49, 151, 149, 255}, {214, 158, 46, 255}, {74, 85, 104, 255}}
	out := make([][]byte, len(cols))
	for i, c := range cols {
		img := image.NewRGBA(image.Rect(0, 0, 32, 18))
		for y := range 18 {
			for x := range 32 {
				if y < 3 || (x/4+y/3)%5 == 0 {
					img.Set(x, y, color.RGBA{240, 240, 240, 255})
				} else {
					img.Set(x, y, c)
				}
			}
		}
		var b bytes.Buffer
		_ = png.Encode(&b, img) // writing to memory cannot fail
		out[i] = b.Bytes()
	}
	return out
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
	w.file("partners/"+id+"/partner.yaml", []byte(b.String()))
	w.file("partners/"+id+"/logo.svg", []byte(logo))
	w.file("partners/"+id+"/ledger.yaml", []byte(ledger(status)))
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
