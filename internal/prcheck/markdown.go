package prcheck

import (
	"fmt"
	"io"
	"strings"

	"github.com/marketplace-program/marketplace/internal/diag"
)

// mdEscaper makes user text (titles, names, paths, messages) inert in
// GitHub-flavoured Markdown: no emphasis, links, HTML, headings or
// mentions, and no | to end a table cell early.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "{", `\{`, "}", `\}`,
	"[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`, "#", `\#`, "+", `\+`,
	"!", `\!`, "|", `\|`, "~", `\~`, "@", `\@`,
	"<", "&lt;", ">", "&gt;", "&", "&amp;",
	"\r\n", " ", "\n", " ", "\r", " ",
)

func md(s string) string { return mdEscaper.Replace(s) }

// urlEscaper keeps a link destination in one piece inside a table cell.
var urlEscaper = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E",
	"|", "%7C", "\n", "", "\r", "", `"`, "%22")

// maxRows bounds each table; a huge change would otherwise exceed what a
// job summary or a comment accepts (1 MiB and 64 KiB).
const maxRows = 200

// WriteMarkdown prints the result for $GITHUB_STEP_SUMMARY or a pull
// request comment: a verdict, then tables of changed articles, partners,
// ownership problems and the change's problems, with existing problems
// folded away. Every piece of user text is escaped.
func WriteMarkdown(w io.Writer, r *Result) error {
	var b strings.Builder
	if r.Failed() {
		fmt.Fprintf(&b, "## ❌ Pull request check: %s\n\n", md(strings.TrimPrefix(verdict(r), "FAIL: ")))
	} else {
		b.WriteString("## ✅ Pull request check: nothing in this change blocks it\n\n")
	}
	meta := []string{}
	if r.Author != "" {
		meta = append(meta, "author "+md("@"+r.Author))
	}
	meta = append(meta, "merge base "+code(short(r.MergeBase)), "head "+code(short(r.Head)), plural(len(r.Files), "changed file"))
	b.WriteString(strings.Join(meta, " · ") + "\n")

	if len(r.Articles) > 0 {
		b.WriteString("\n### Articles\n\n| Article | Partner | Audience | Change |\n| --- | --- | --- | --- |\n")
		rows(&b, len(r.Articles), func(i int) {
			a := r.Articles[i]
			title := md(a.Title)
			if title == "" {
				title = md(a.Path)
			}
			if a.URL != "" {
				title = fmt.Sprintf("[%s](%s)", title, urlEscaper.Replace(a.URL))
			}
			change := string(a.Status)
			if a.From != "" {
				change += " from " + md(a.From)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", title, orDash(md(a.PartnerID)), md(a.Audience), change)
		})
	}
	if len(r.Partners) > 0 {
		b.WriteString("\n### Partners\n\n| Partner | Tier | Points | Listing |\n| --- | --- | --- | --- |\n")
		rows(&b, len(r.Partners), func(i int) {
			p := r.Partners[i]
			name := md(p.ID)
			if p.Name != "" {
				name = md(p.Name) + " (" + md(p.ID) + ")"
			}
			listing := make([]string, len(p.Listing))
			for i, l := range p.Listing {
				listing[i] = md(l)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", name, p.tierText(), p.pointsText(), orDash(strings.Join(listing, "; ")))
		})
	}

	b.WriteString("\n### Ownership\n\n")
	switch {
	case r.Author == "":
		b.WriteString("Not checked: no author given.\n")
	case len(r.Violations) == 0:
		fmt.Fprintf(&b, "%s may make every change in this pull request.\n", md("@"+r.Author))
	default:
		b.WriteString("| File | Rule | Problem |\n| --- | --- | --- |\n")
		rows(&b, len(r.Violations), func(i int) {
			v := r.Violations[i]
			fmt.Fprintf(&b, "| %s | %s | %s |\n", md(v.File), code(v.Rule), md(v.Message))
		})
	}

	b.WriteString("\n### Problems in this change\n\n")
	if len(r.New) == 0 {
		b.WriteString("None.\n")
	} else {
		diagTable(&b, r.New)
	}
	if len(r.Existing) > 0 {
		fmt.Fprintf(&b, "\n<details><summary>%s elsewhere, not caused by this change</summary>\n\n", plural(len(r.Existing), "existing problem"))
		diagTable(&b, r.Existing)
		b.WriteString("\n</details>\n")
	}
	if len(r.Fixed) > 0 {
		fmt.Fprintf(&b, "\nThis change fixes %s.\n", plural(len(r.Fixed), "problem"))
	}

	b.WriteString("\n<details><summary>Changed files</summary>\n\n| File | Change |\n| --- | --- |\n")
	rows(&b, len(r.Files), func(i int) {
		f := r.Files[i]
		fmt.Fprintf(&b, "| %s | %s |\n", md(f.text()), f.Status)
	})
	b.WriteString("\n</details>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func diagTable(b *strings.Builder, l diag.List) {
	b.WriteString("| Where | | Problem | Rule |\n| --- | --- | --- | --- |\n")
	rows(b, len(l), func(i int) {
		d := l[i]
		msg := md(d.Msg)
		if d.Hint != "" {
			msg += "<br>hint: " + md(d.Hint)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", md(d.Pos.String()), d.Severity, msg, code(d.Rule))
	})
}

func rows(b *strings.Builder, n int, row func(int)) {
	for i := range min(n, maxRows) {
		row(i)
	}
	if n > maxRows {
		fmt.Fprintf(b, "| … and %d more | | | |\n", n-maxRows)
	}
}

// code quotes text the tool makes itself (rule ids, hashes), which holds
// no backquote.
func code(s string) string { return "`" + strings.ReplaceAll(s, "`", "") + "`" }

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
