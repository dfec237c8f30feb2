package site

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/points"
	"github.com/marketplace-program/marketplace/internal/project"
)

func dashDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// chartStanding builds a certified standing from (date, points) pairs, with the
// tier history given as (tier, date) pairs.
func chartStanding(awards [][2]any, history ...string) points.Standing {
	var st points.Standing
	total := 0
	for i, a := range awards {
		total += a[1].(int)
		st.Awards = append(st.Awards, points.AwardResult{Index: i, Date: dashDate(a[0].(string)),
			Activity: "customer-deployment", Points: a[1].(int), Total: total})
	}
	st.Points = total
	for i := 0; i+1 < len(history); i += 2 {
		st.TierHistory = append(st.TierHistory, points.TierChange{Tier: history[i], Since: dashDate(history[i+1])})
	}
	return st
}

func TestTierChart(t *testing.T) {
	rules, err := project.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	p := exampleProject(t)
	tide, _ := p.Partner("tidewater-db")
	asOf := dashDate("2026-11-28")
	tests := []struct {
		name    string
		st      points.Standing
		desc    []string // phrases the <desc> must contain
		circles int
	}{
		{"no-awards", points.Standing{}, []string{"No points awarded as of 2026-11-28"}, 0},
		{"one-award", chartStanding([][2]any{{"2026-05-04", 25}}), []string{"from 25 on 2026-05-04 to 25 on 2026-05-04 over 1 award."}, 0},
		{"one-day", chartStanding([][2]any{{"2026-11-28", 25}, {"2026-11-28", 50}}, "silver", "2026-11-28"),
			[]string{"over 2 awards", "Silver on 2026-11-28"}, 1},
		{"beyond-platinum", chartStanding([][2]any{{"2019-02-18", 25}, {"2019-05-13", 50}, {"2020-02-11", 425}, {"2023-01-01", 4500}, {"2025-06-30", 3000}},
			"silver", "2019-05-13", "gold", "2020-02-11", "platinum", "2023-01-01"),
			[]string{"to 8,000 on 2025-06-30 over 5 awards", "Gold on 2020-02-11; Platinum on 2023-01-01", "Platinum 5,000"}, 3},
		{"tidewater-db", tide.Standing, []string{"to 1,050 on 2026-10-13 over 15 awards", "Silver on 2024-12-15; Gold on 2025-08-26"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(tierChart(tt.st, rules, asOf))
			if again := string(tierChart(tt.st, rules, asOf)); again != got {
				t.Fatal("two renderings differ")
			}
			root := checkSVG(t, got)
			if root.desc == "" || root.title == "" {
				t.Errorf("want a <title> and a <desc>, got %q, %q", root.title, root.desc)
			}
			for _, d := range tt.desc {
				if !strings.Contains(root.desc, d) {
					t.Errorf("desc %q lacks %q", root.desc, d)
				}
			}
			if root.circles != tt.circles {
				t.Errorf("%d tier-change markers, want %d", root.circles, tt.circles)
			}
			if m := regexp.MustCompile(`\d\.\d\d|-0[^.\d]`).FindString(got); m != "" {
				t.Errorf("coordinate %q has float noise", m)
			}
			dashGolden(t, filepath.Join("testdata", "chart-"+tt.name+".svg"), []byte(got+"\n"))
		})
	}
}

func TestTierChartEscapesTierNames(t *testing.T) {
	rules, err := project.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	r := *rules
	r.Tiers = append(r.Tiers[:0:0], r.Tiers...)
	r.Tiers[1].Name = `Gold <script>&"`
	got := string(tierChart(chartStanding([][2]any{{"2026-01-01", 600}}, "gold", "2026-01-01"), &r, dashDate("2026-11-28")))
	checkSVG(t, got)
	if strings.Contains(got, "<script>") {
		t.Errorf("tier name not escaped:\n%s", got)
	}
}

type svgSummary struct {
	title, desc string
	circles     int
}

// checkSVG parses the chart as XML: it must be well-formed, an accessible
// <svg role="img"> at the root.
func checkSVG(t *testing.T, s string) svgSummary {
	t.Helper()
	var sum svgSummary
	dec := xml.NewDecoder(strings.NewReader(s))
	var stack []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v\n%s", err, s)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				role := ""
				for _, a := range tok.Attr {
					if a.Name.Local == "role" {
						role = a.Value
					}
				}
				if tok.Name.Local != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg" || role != "img" {
					t.Errorf("root element %v role %q, want an svg with role img", tok.Name, role)
				}
			}
			if tok.Name.Local == "circle" {
				sum.circles++
			}
			stack = append(stack, tok.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 2 && stack[1] == "title" {
				sum.title += string(tok)
			}
			if len(stack) == 2 && stack[1] == "desc" {
				sum.desc += string(tok)
			}
		}
	}
	return sum
}

// golden compares got with the file, or rewrites it under -update.
func dashGolden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the output (go test -run %s -update to accept):\n%s", file, t.Name(), firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\nwant: " + w + "\ngot:  " + g
		}
	}
	return ""
}
