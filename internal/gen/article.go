package gen

import (
	"fmt"
	"path"
	"strings"
)

// nextStepsMin is the body size from which an article ends with a "Next
// Steps" heading, which links from other articles may point at.
const nextStepsMin = 1500

// art is one article being written.
type art struct {
	t      *text
	w      *writer
	i      int
	path   string
	dir    string
	base   string // file name without .md
	target int    // body size to reach, in bytes
	paths  []string
	sizes  []int
	public []int // indexes of the articles any article may link to

	b      strings.Builder
	images int
	// Per-article traits, drawn with the corpus's frequencies: about one
	// article in six has code, one in twelve a table, one in three raw HTML.
	code, table, html bool
}

func (a *art) write() string {
	r := a.t.r
	a.code = r.IntN(6) == 0
	a.table = r.IntN(12) == 0
	a.html = r.IntN(3) == 0
	year := 2015 + a.i%12
	fmt.Fprintf(&a.b, "---\ntitle: %q\ndate: \"%d-%02d-%02d\"\nauthor: \"Author %d\"\nsummary: %q\n",
		a.t.title(3+r.IntN(5)), year, 1+a.i%12, 1+a.i%28, a.i%97, a.t.sentence(8+r.IntN(10)))
	if r.IntN(4) == 0 {
		fmt.Fprintf(&a.b, "keywords: [%s, %s]\n", a.t.word(), a.t.word())
	}
	a.b.WriteString("---\n\n")
	start := a.b.Len()
	body := func() int { return a.b.Len() - start }

	fmt.Fprintf(&a.b, "### Overview\n\n%s\n\n", a.t.paragraph())
	end := a.target
	if a.target >= nextStepsMin {
		end -= 250 // what the closing section takes, roughly
	}
	for body() < end {
		a.block()
	}
	if a.target >= nextStepsMin {
		fmt.Fprintf(&a.b, "### Next Steps\n\n%s See %s and %s.\n", a.t.sentence(8), a.link(), a.link())
	}
	return a.b.String()
}

// block appends one block, chosen with weights near the corpus's mix:
// mostly paragraphs, numbered steps and screenshots.
func (a *art) block() {
	r := a.t.r
	switch n := r.IntN(100); {
	case n < 24:
		a.para()
	case n < 46:
		level := "###"
		if r.IntN(6) == 0 {
			level = "####"
		}
		fmt.Fprintf(&a.b, "%s %s\n\n%s\n\n", level, a.t.title(2+r.IntN(4)), a.t.paragraph())
	case n < 58:
		a.steps()
	case n < 64:
		for range 2 + r.IntN(5) {
			fmt.Fprintf(&a.b, "* %s\n", a.t.sentence(4+r.IntN(10)))
		}
		a.b.WriteString("\n")
	case n < 68:
		fmt.Fprintf(&a.b, "%s\n\n", a.image())
	case n < 70:
		fmt.Fprintf(&a.b, "For more information, see %s.\n\n", a.link())
	case n < 72:
		fmt.Fprintf(&a.b, "> **Note:** %s\n\n", a.t.sentence(10+r.IntN(10)))
	case n < 92 && a.code:
		a.codeBlock()
	case n < 95 && a.table:
		a.mdTable()
	case n < 99 && a.html:
		a.rawHTML()
	case n == 99:
		a.rare()
	default:
		a.para()
	}
}

// para is a paragraph; articles with raw HTML write some as <p> blocks,
// as the corpus's converted pages do.
func (a *art) para() {
	if a.html && a.t.r.IntN(3) == 0 {
		fmt.Fprintf(&a.b, "<p>%s</p>\n\n", a.t.plain(12+a.t.r.IntN(30)))
		return
	}
	fmt.Fprintf(&a.b, "%s\n\n", a.t.paragraph())
}

// steps is a numbered procedure; some steps carry a screenshot indented
// under them, as the corpus's how-to articles do.
func (a *art) steps() {
	r := a.t.r
	for k := range 3 + r.IntN(6) {
		fmt.Fprintf(&a.b, "%d. %s\n", k+1, a.t.sentence(5+r.IntN(12)))
		if r.IntN(7) == 0 {
			fmt.Fprintf(&a.b, "\n   %s\n\n", a.image())
		}
	}
	a.b.WriteString("\n")
}

// image writes a PNG beside the article and returns the Markdown for it.
func (a *art) image() string {
	return fmt.Sprintf("![%s](%s)", a.t.title(2+a.t.r.IntN(3)), a.imageFile())
}

func (a *art) imageFile() string {
	a.images++
	rel := fmt.Sprintf("images/%s-%d.png", a.base, a.images)
	a.w.file(path.Join(a.dir, rel), a.w.pngs[(a.i+a.images)%len(a.w.pngs)])
	return rel
}

// link is a Markdown link to another article by relative path, the way
// the corpus writes "../Servers/x.md"; some carry an anchor that exists.
func (a *art) link() string {
	r := a.t.r
	j := a.public[r.IntN(len(a.public))]
	rel := relPath(a.dir, a.paths[j])
	switch r.IntN(10) {
	case 0:
		rel += "#overview"
	case 1:
		if a.sizes[j] >= nextStepsMin {
			rel += "#next-steps"
		}
	}
	return fmt.Sprintf("[%s](%s)", a.t.title(2+r.IntN(4)), rel)
}

// relPath is the relative link from folder dir to file target, spaces
// escaped as the corpus escapes them.
func relPath(dir, target string) string {
	d := strings.Split(dir, "/")
	t := strings.Split(target, "/")
	k := 0
	for k < len(d) && k < len(t)-1 && d[k] == t[k] {
		k++
	}
	parts := make([]string, 0, len(d)-k+len(t)-k)
	for range len(d) - k {
		parts = append(parts, "..")
	}
	parts = append(parts, t[k:]...)
	return strings.NewReplacer(" ", "%20", "&", "%26").Replace(strings.Join(parts, "/"))
}

var langs = []string{"bash", "bash", "powershell", "json", "yaml", "sql", "", "text"}

func (a *art) codeBlock() {
	r := a.t.r
	lang := langs[r.IntN(len(langs))]
	fmt.Fprintf(&a.b, "```%s\n", lang)
	for k := range 3 + r.IntN(15) {
		switch lang {
		case "json":
			fmt.Fprintf(&a.b, "  \"%s_%d\": %q,\n", a.t.word(), k, a.t.word())
		case "yaml":
			fmt.Fprintf(&a.b, "%s:\n  %s: %d\n", a.t.word(), a.t.word(), r.IntN(1000))
		case "sql":
			fmt.Fprintf(&a.b, "SELECT %s, %s FROM %s WHERE id = %d;\n", a.t.word(), a.t.word(), a.t.word(), r.IntN(1000))
		case "powershell":
			fmt.Fprintf(&a.b, "Get-%s -Name \"%s\" | Set-%s -Value %d\n", capitalize(a.t.word()), a.t.word(), capitalize(a.t.word()), k)
		default:
			fmt.Fprintf(&a.b, "sudo %s --%s=%d /etc/%s/%s.conf # %s\n", a.t.word(), a.t.word(), r.IntN(100), a.t.word(), a.t.word(), a.t.word())
		}
	}
	a.b.WriteString("```\n\n")
}

func (a *art) mdTable() {
	r := a.t.r
	cols := 2 + r.IntN(3)
	head := make([]string, cols)
	sep := make([]string, cols)
	for c := range cols {
		head[c] = a.t.title(1 + r.IntN(2))
		sep[c] = "---"
	}
	fmt.Fprintf(&a.b, "| %s |\n| %s |\n", strings.Join(head, " | "), strings.Join(sep, " | "))
	for range 3 + r.IntN(10) {
		row := make([]string, cols)
		for c := range cols {
			row[c] = strings.TrimSuffix(a.t.sentence(1+r.IntN(5)), ".")
		}
		fmt.Fprintf(&a.b, "| %s |\n", strings.Join(row, " | "))
	}
	a.b.WriteString("\n")
}

// rawHTML is what the corpus's older articles hold: note paragraphs,
// centred images, HTML tables, line breaks inside text.
func (a *art) rawHTML() {
	r := a.t.r
	switch r.IntN(5) {
	case 0:
		fmt.Fprintf(&a.b, "<p><strong>Note:</strong> %s</p>\n\n", a.t.plain(12))
	case 1:
		fmt.Fprintf(&a.b, "<p align=\"center\"><img src=\"%s\" alt=\"%s\" width=\"600\"></p>\n\n", a.imageFile(), a.t.plain(3))
	case 2:
		a.b.WriteString("<table>\n<tr><th>Name</th><th>Description</th></tr>\n")
		for range 2 + r.IntN(6) {
			fmt.Fprintf(&a.b, "<tr><td>%s</td><td>%s</td></tr>\n", a.t.word(), a.t.plain(8))
		}
		a.b.WriteString("</table>\n\n")
	case 3:
		fmt.Fprintf(&a.b, "%s<br>\n%s<br />\n%s\n\n", a.t.plain(8), a.t.plain(8), a.t.plain(8))
	default:
		fmt.Fprintf(&a.b, "<div class=\"note\">\n<p>%s <em>%s</em>.</p>\n</div>\n\n", a.t.plain(10), a.t.word())
	}
}

// rare adds what the corpus hardly has but the dialect supports:
// footnotes, task lists, strikethrough, alerts.
func (a *art) rare() {
	r := a.t.r
	switch r.IntN(4) {
	case 0:
		id := a.b.Len() // unique within the article
		fmt.Fprintf(&a.b, "%s[^n%d]\n\n[^n%d]: %s\n\n", a.t.plain(10), id, id, a.t.plain(8))
	case 1:
		fmt.Fprintf(&a.b, "- [x] %s\n- [ ] %s\n\n", a.t.plain(5), a.t.plain(5))
	case 2:
		fmt.Fprintf(&a.b, "%s ~~%s~~ %s.\n\n", a.t.plain(6), a.t.word(), a.t.word())
	default:
		fmt.Fprintf(&a.b, "> [!TIP]\n> %s\n\n", a.t.sentence(10))
	}
}

// plain is a sentence without the trailing period or markup.
func (t *text) plain(n int) string {
	ws := t.words(n)
	ws[0] = capitalize(ws[0])
	return strings.Join(ws, " ")
}
