package site

import (
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/marketplace-program/marketplace/internal/model"
	"github.com/marketplace-program/marketplace/internal/points"
)

// Geometry of the tier chart, in SVG user units. The right margin holds
// the threshold labels, the bottom one the year labels.
const (
	chartW      = 640.0
	chartH      = 240.0
	chartLeft   = 12.0
	chartRight  = 112.0
	chartTop    = 12.0
	chartBottom = 28.0
	chartLabelH = 11.0 // minimum vertical distance between two labels
)

// Band fills by tier rank, lowest first; tiers past the last reuse it.
var chartBands = [...]string{"#eef0f3", "#fbf1d3", "#e3ecfa", "#efe6f7"}

// tierChart draws a partner's cumulative points over time as a step line,
// from its first counted award to asOf, over the tiers' bands and
// threshold lines, with a dot where the partner entered each tier.
//
// The SVG is built from numbers and escaped tier names only, so it is safe
// to embed as template.HTML; coordinates are rounded to one decimal so the
// output is byte-for-byte reproducible.
func tierChart(st points.Standing, rules *model.Rules, asOf time.Time) template.HTML {
	var tiers []model.Tier
	if rules != nil {
		tiers = rules.Tiers
	}
	awards := st.Awards

	// The y scale reaches past both the partner's points and the top
	// threshold, so every band is visible and the line never touches the top.
	top := st.Points
	for _, a := range awards {
		top = max(top, a.Total)
	}
	for _, t := range tiers {
		top = max(top, t.MinPoints)
	}
	ymax := float64(top) * 1.1
	if ymax <= 0 {
		ymax = 100
	}

	start, end := asOf, asOf
	if len(awards) > 0 {
		start = awards[0].Date
		for _, a := range awards {
			if a.Date.Before(start) {
				start = a.Date
			}
			if a.Date.After(end) {
				end = a.Date
			}
		}
	}
	for _, h := range st.TierHistory {
		if h.Since.Before(start) && len(awards) > 0 {
			start = h.Since
		}
	}
	// A chart of a single day still needs width: widen it by a day on
	// each side so the step sits in the middle.
	if end.Sub(start) < 24*time.Hour {
		start, end = start.AddDate(0, 0, -1), end.AddDate(0, 0, 1)
	}
	plotW := chartW - chartLeft - chartRight
	plotH := chartH - chartTop - chartBottom
	span := end.Sub(start).Hours()
	x := func(t time.Time) float64 { return chartLeft + t.Sub(start).Hours()/span*plotW }
	y := func(v int) float64 { return chartTop + plotH - float64(v)/ymax*plotH }
	bottom, right := chartTop+plotH, chartLeft+plotW

	title := "Points and tier history to " + asOf.Format(time.DateOnly)
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="tier-chart" role="img" viewBox="0 0 `)
	b.WriteString(svgNum(chartW) + " " + svgNum(chartH) + `" width="` + svgNum(chartW) + `" height="` + svgNum(chartH) + `"`)
	b.WriteString(` aria-label="` + html.EscapeString(title) + `">`)
	b.WriteString("\n<title>" + html.EscapeString(title) + "</title>")
	b.WriteString("\n<desc>" + html.EscapeString(chartDesc(st, rules, asOf)) + "</desc>")

	// The chart brings its own light background: its text stays readable
	// on a page in dark mode.
	b.WriteString("\n<rect class=\"bg\" width=\"" + svgNum(chartW) + "\" height=\"" + svgNum(chartH) + "\" fill=\"#fff\"/>")
	// Tier bands and their threshold lines, lowest first.
	b.WriteString("\n<g class=\"bands\">")
	for i, t := range tiers {
		hi := ymax
		if i+1 < len(tiers) {
			hi = math.Min(ymax, float64(tiers[i+1].MinPoints))
		}
		y0, y1 := y(t.MinPoints), chartTop+plotH-hi/ymax*plotH
		b.WriteString(`<rect x="` + svgNum(chartLeft) + `" y="` + svgNum(y1) + `" width="` + svgNum(plotW) +
			`" height="` + svgNum(math.Max(0, y0-y1)) + `" fill="` + chartBands[min(i, len(chartBands)-1)] + `"/>`)
	}
	b.WriteString("</g>")
	b.WriteString("\n<g class=\"thresholds\" font-family=\"sans-serif\" font-size=\"10\" fill=\"#444\">")
	labelY := math.Inf(1)
	for _, t := range tiers {
		ly := y(t.MinPoints)
		b.WriteString(`<line x1="` + svgNum(chartLeft) + `" y1="` + svgNum(ly) + `" x2="` + svgNum(right) + `" y2="` + svgNum(ly) +
			`" stroke="#888" stroke-width="1" stroke-dasharray="4 3"/>`)
		// Thresholds close together on a tall scale would print over
		// each other: each label sits at least a line above the last.
		ty := math.Min(ly+3.5, labelY-chartLabelH)
		labelY = ty
		b.WriteString(`<text x="` + svgNum(right+6) + `" y="` + svgNum(ty) + `">` +
			html.EscapeString(t.Name) + " " + groupThousands(t.MinPoints) + "</text>")
	}
	b.WriteString("</g>")

	// Axes and date labels.
	b.WriteString("\n<g class=\"axes\" font-family=\"sans-serif\" font-size=\"10\" fill=\"#444\">")
	b.WriteString(`<line x1="` + svgNum(chartLeft) + `" y1="` + svgNum(bottom) + `" x2="` + svgNum(right) + `" y2="` + svgNum(bottom) + `" stroke="#444" stroke-width="1"/>`)
	for _, yr := range yearTicks(start, end) {
		tx := x(time.Date(yr, 1, 1, 0, 0, 0, 0, time.UTC))
		b.WriteString(`<line x1="` + svgNum(tx) + `" y1="` + svgNum(bottom) + `" x2="` + svgNum(tx) + `" y2="` + svgNum(bottom+4) + `" stroke="#444" stroke-width="1"/>`)
		b.WriteString(`<text x="` + svgNum(tx) + `" y="` + svgNum(bottom+15) + `" text-anchor="middle">` + strconv.Itoa(yr) + "</text>")
	}
	b.WriteString("</g>")

	if len(awards) == 0 {
		b.WriteString("\n<text x=\"" + svgNum(chartLeft+plotW/2) + "\" y=\"" + svgNum(chartTop+plotH/2) +
			"\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#444\">No points awarded</text>")
		b.WriteString("\n</svg>")
		return template.HTML(b.String())
	}

	// The step line: flat until an award, then up (or down, never in
	// practice) to the new total; awards of one day make one step.
	first := awards[0].Date
	for _, a := range awards {
		if a.Date.Before(first) {
			first = a.Date
		}
	}
	var path strings.Builder
	px, py := svgNum(x(first)), svgNum(y(0))
	path.WriteString("M" + px + " " + py)
	// Only moves that go somewhere are written, so awards of one day
	// make a single step.
	to := func(cmd string, v float64, at *string) {
		if s := svgNum(v); s != *at {
			path.WriteString(cmd + s)
			*at = s
		}
	}
	for i, a := range awards {
		if i+1 < len(awards) && awards[i+1].Date.Equal(a.Date) {
			continue
		}
		to("H", x(a.Date), &px)
		to("V", y(a.Total), &py)
	}
	last := awards[len(awards)-1].Total
	endX := x(asOf)
	if asOf.Before(awards[len(awards)-1].Date) {
		endX = x(awards[len(awards)-1].Date)
	}
	to("H", endX, &px)
	b.WriteString("\n<path class=\"points\" d=\"" + path.String() + "\" fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2\"/>")

	// Tier changes, at the total the partner had on that day.
	b.WriteString("\n<g class=\"tier-changes\" fill=\"#fff\" stroke=\"#1f5fbf\" stroke-width=\"2\">")
	for _, h := range st.TierHistory {
		b.WriteString(`<circle cx="` + svgNum(x(h.Since)) + `" cy="` + svgNum(y(totalOn(awards, h.Since))) + `" r="4"/>`)
	}
	b.WriteString("</g>")
	b.WriteString("\n<text class=\"total\" x=\"" + svgNum(endX) + "\" y=\"" + svgNum(math.Max(chartTop+9, y(last)-6)) +
		"\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"11\" font-weight=\"bold\" fill=\"#1f5fbf\">" +
		groupThousands(last) + "</text>")
	b.WriteString("\n</svg>")
	return template.HTML(b.String())
}

// chartDesc is the chart in words, for readers who cannot see it.
func chartDesc(st points.Standing, rules *model.Rules, asOf time.Time) string {
	if len(st.Awards) == 0 {
		return "No points awarded as of " + asOf.Format(time.DateOnly) + "."
	}
	first, last := st.Awards[0], st.Awards[len(st.Awards)-1]
	var b strings.Builder
	n := "awards"
	if len(st.Awards) == 1 {
		n = "award"
	}
	b.WriteString("Cumulative points rose from " + groupThousands(first.Total) + " on " + first.Date.Format(time.DateOnly) +
		" to " + groupThousands(last.Total) + " on " + last.Date.Format(time.DateOnly) + " over " +
		strconv.Itoa(len(st.Awards)) + " " + n + ".")
	if len(st.TierHistory) > 0 {
		b.WriteString(" Tiers entered:")
		for i, h := range st.TierHistory {
			if i > 0 {
				b.WriteString(";")
			}
			b.WriteString(" " + tierName(rules, h.Tier) + " on " + h.Since.Format(time.DateOnly))
		}
		b.WriteString(".")
	}
	if rules != nil && len(rules.Tiers) > 0 {
		b.WriteString(" Thresholds:")
		for i, t := range rules.Tiers {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(" " + t.Name + " " + groupThousands(t.MinPoints))
		}
		b.WriteString(".")
	}
	return b.String()
}

// totalOn is the cumulative points at the end of day d.
func totalOn(awards []points.AwardResult, d time.Time) int {
	total := 0
	for _, a := range awards {
		if !a.Date.After(d) {
			total = a.Total
		}
	}
	return total
}

// yearTicks lists the years whose January 1 falls inside [start, end],
// thinned to at most eight labels.
func yearTicks(start, end time.Time) []int {
	var years []int
	for yr := start.Year(); yr <= end.Year()+1; yr++ {
		d := time.Date(yr, 1, 1, 0, 0, 0, 0, time.UTC)
		if !d.Before(start) && !d.After(end) {
			years = append(years, yr)
		}
	}
	step := (len(years) + 7) / 8
	if step <= 1 {
		return years
	}
	var out []int
	for i := 0; i < len(years); i += step {
		out = append(out, years[i])
	}
	return out
}

func tierName(rules *model.Rules, id string) string {
	if rules != nil {
		if t, ok := rules.Tier(id); ok {
			return t.Name
		}
	}
	return id
}

// svgNum formats a coordinate with at most one decimal and no negative zero.
func svgNum(v float64) string {
	r := math.Round(v*10) / 10
	if r == 0 || math.IsNaN(r) || math.IsInf(r, 0) {
		r = 0
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

func groupThousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}
