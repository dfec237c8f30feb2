package diag

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteText prints the list the way a compiler does: the position, severity,
// message and rule id on one line, then the source line with a caret under
// the column, then the hint. sources may be nil or lack a file; the source
// excerpt is then left out.
func WriteText(w io.Writer, l List, sources map[string]*Source) error {
	var b strings.Builder
	for _, d := range l {
		fmt.Fprintf(&b, "%s: %s: %s [%s]\n", d.Pos, d.Severity, d.Msg, d.Rule)
		if src := sources[d.File]; src != nil && d.Line > 0 {
			if text, ok := src.LineText(d.Line); ok {
				writeExcerpt(&b, d.Line, d.Col, text)
			}
		}
		if d.Hint != "" {
			fmt.Fprintf(&b, "    hint: %s\n", d.Hint)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// excerptMax keeps a minified or very long line from flooding the terminal.
const excerptMax = 200

func writeExcerpt(b *strings.Builder, line, col int, text string) {
	runes := []rune(strings.TrimPrefix(text, "\ufeff"))
	start := 0
	if col > excerptMax {
		start = col - excerptMax/2
	}
	end := min(len(runes), start+excerptMax)
	shown := sanitize(runes[start:end])
	gutter := fmt.Sprintf("%5d", line)
	fmt.Fprintf(b, "%s | %s\n", gutter, shown)
	if col < 1 {
		return
	}
	// Tabs are copied into the caret line so the caret stays under the
	// character whatever the terminal's tab width.
	var pad strings.Builder
	for i := start; i < col-1 && i < end; i++ {
		if runes[i] == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
	}
	fmt.Fprintf(b, "%s | %s^\n", strings.Repeat(" ", len(gutter)), pad.String())
}

// sanitize replaces control characters (other than tab) so that a hostile
// file cannot send escape sequences to the reader's terminal.
func sanitize(rs []rune) string {
	var b strings.Builder
	for _, r := range rs {
		switch {
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteRune('\ufffd')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// jsonDiag is the stable JSON shape of one diagnostic.
type jsonDiag struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Pointer string `json:"pointer"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	Hint    string `json:"hint"`
}

// JSONReport is the document that --format json prints.
type JSONReport struct {
	Errors   []jsonDiag `json:"errors"`
	Warnings []jsonDiag `json:"warnings"`
}

// Report turns the list into its JSON shape, with empty lists rather than
// nulls so consumers need no special case.
func Report(l List) JSONReport {
	r := JSONReport{Errors: []jsonDiag{}, Warnings: []jsonDiag{}}
	for _, d := range l {
		j := jsonDiag{File: d.File, Line: d.Line, Column: d.Col, Pointer: d.Pointer, Rule: d.Rule, Message: d.Msg, Hint: d.Hint}
		if d.Severity == Warning {
			r.Warnings = append(r.Warnings, j)
		} else {
			r.Errors = append(r.Errors, j)
		}
	}
	return r
}

// WriteJSON prints {"errors":[...],"warnings":[...]}.
func WriteJSON(w io.Writer, l List) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Report(l))
}

// WriteGitHub prints GitHub Actions workflow commands, one per diagnostic,
// so that each problem shows as an annotation on the pull request's diff.
func WriteGitHub(w io.Writer, l List) error {
	var b strings.Builder
	for _, d := range l {
		props := []string{"file=" + escapeProperty(d.File)}
		if d.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", d.Line))
		}
		if d.Col > 0 {
			props = append(props, fmt.Sprintf("col=%d", d.Col))
		}
		props = append(props, "title="+escapeProperty(d.Rule))
		msg := d.Msg
		if d.Hint != "" {
			msg += "\nhint: " + d.Hint
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", d.Severity, strings.Join(props, ","), escapeData(msg))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// The escapes follow the runner's own rules for workflow commands: data
// escapes %, CR and LF; property values also escape : and ,.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
