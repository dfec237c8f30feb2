package load

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"github.com/adrg/frontmatter"
	"github.com/marketplace-program/marketplace/internal/diag"
	"go.yaml.in/yaml/v3"
)

// FrontMatter is the header of an article.
type FrontMatter struct {
	Format     string     // "yaml", "toml", "json", "legacy" or "" when there is none
	Meta       *yaml.Node // mapping node, absolute positions; nil when none, empty or broken
	MetaStart  int        // byte offset of the opening delimiter (first non-blank byte of its line)
	BodyOffset int        // byte offset where the Markdown body starts
}

// capture is what the Unmarshal funcs handed to adrg/frontmatter fill in:
// the raw bytes only. Decoding is ours, so that every value keeps its
// position and stays the string it was written as (adrg's default yaml.v2
// decoding would turn `title: y` into true).
type capture struct {
	format string
	raw    []byte
}

// stopReader hands adrg the file until the front matter is captured, then
// reports the end: adrg reads all that follows into a buffer of its own,
// a copy of every article that nothing uses (it was an eighth of all bytes
// allocated by validate). It hands over one line per Read, so that what
// adrg has buffered when the capture ends is not copied either.
type stopReader struct {
	data []byte
	n    int // bytes handed over
	c    *capture
}

func (r *stopReader) Read(p []byte) (int, error) {
	if r.c.format != "" || r.n >= len(r.data) {
		return 0, io.EOF
	}
	rest := r.data[r.n:]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i+1]
	}
	k := copy(p, rest)
	r.n += k
	return k, nil
}

type fmFormat struct {
	start, end, name string
	delims, newline  bool // adrg's UnmarshalDelims and RequiresNewLine
}

// fmFormats are adrg's default delimiters plus the legacy header. They are
// values, built into adrg Formats per call, so no state is shared.
var fmFormats = [...]fmFormat{
	{"---", "---", "yaml", false, false},
	{"---yaml", "---", "yaml", false, false},
	{"+++", "+++", "toml", false, false},
	{"---toml", "---", "toml", false, false},
	{";;;", ";;;", "json", false, false},
	{"---json", "---", "json", false, false},
	{"{", "}", "json", true, true},
	{"{{{", "}}}", "legacy", false, false},
}

func adrgFormats() []*frontmatter.Format {
	out := make([]*frontmatter.Format, len(fmFormats))
	for i, f := range fmFormats {
		name := f.name
		out[i] = &frontmatter.Format{
			Start: f.start, End: f.end, UnmarshalDelims: f.delims, RequiresNewLine: f.newline,
			Unmarshal: func(data []byte, v any) error {
				c := v.(*capture)
				c.format, c.raw = name, data
				return nil
			},
		}
	}
	return out
}

// ParseFrontMatter finds and decodes the front matter of an article. It is
// what Load uses, exported for fuzzing and for serve. It never panics.
//
// Detection is adrg/frontmatter's: blank lines are skipped, and the first
// other line, trimmed, must equal a start delimiter. Files are handed to it
// with lone CRs turned into LFs (it splits on LF only; offsets do not
// change) and without a BOM (which it would take for part of the line).
//
// The legacy header ({{{ ... }}}) gets a scanner of its own when adrg finds
// nothing, because real files put "{{{" or "}}}" on the same line as a key,
// or the whole header on one line, which a line-delimiter match cannot see.
func ParseFrontMatter(src *diag.Source) (fm FrontMatter, diags diag.List) {
	return parseFrontMatter(src, newAdrgReader())
}

// newAdrgReader makes the buffered reader adrg wraps its input in: handed
// one already as large as it wants, adrg uses it instead of making 4 KB per
// file, so Load's workers keep one each.
func newAdrgReader() *bufio.Reader { return bufio.NewReaderSize(nil, 4096) }

func parseFrontMatter(src *diag.Source, br *bufio.Reader) (fm FrontMatter, diags diag.List) {
	loc := newLocator(src)
	norm := normalizeCR(src.Data)
	first, firstEnd := firstLine(norm, loc.bom)
	if first < 0 {
		return FrontMatter{}, nil
	}
	line := trimmed(norm, first, firstEnd)
	if isStart(line) { // else adrg would find nothing: spare it copying the file
		var c capture
		r := &stopReader{data: norm[loc.bom:], c: &c}
		br.Reset(r)
		rest, err := frontmatter.Parse(br, &c, adrgFormats()...)
		br.Reset(nil)
		if err == nil && c.format != "" {
			body := loc.bom + r.n - len(rest)
			cStart := firstEnd // adrg hands over the lines between the delimiters...
			if line == "{" {
				cStart = first // ...or, for a bare JSON object, the braces too
			}
			cEnd := cStart + len(c.raw)
			if cEnd <= len(norm) && body >= cEnd && bytes.Equal(norm[cStart:cEnd], c.raw) {
				fm = FrontMatter{Format: c.format, MetaStart: first, BodyOffset: body}
				fm.Meta = decode(loc, norm, c.format, first, cStart, cEnd, body, &diags)
				return fm, diags
			}
		}
	}
	if strings.HasPrefix(line, "{{{") {
		return scanLegacy(loc, norm, first)
	}
	for _, f := range fmFormats {
		if line == f.start && f.start != "{" {
			diags.Errorf(loc.pos(first), "frontmatter.unterminated",
				"end the front matter with a line holding only "+f.end,
				"front matter opened with %s is never closed", f.start)
			return FrontMatter{Format: f.name, MetaStart: first}, diags
		}
	}
	return FrontMatter{}, nil
}

func isStart(line string) bool {
	for _, f := range fmFormats {
		if line == f.start {
			return true
		}
	}
	return false
}

// decode dispatches on format: open is the offset of the opening
// delimiter, [start, end) the captured text, body where the body starts.
func decode(loc locator, norm []byte, format string, open, start, end, body int, l *diag.List) *yaml.Node {
	switch format {
	case "yaml":
		root, _ := parseYAML(loc, start, norm[start:end], l)
		return root
	case "toml":
		return decodeTOML(loc, norm, start, end, l)
	case "json":
		return decodeJSON(loc, norm, start, end, l)
	case "legacy":
		// The closing line, trimmed, is exactly "}}}".
		close := end + bytes.Index(norm[end:body], []byte("}}}"))
		return decodeLegacy(loc, norm, open, close, l)
	}
	return nil
}

// scanLegacy reads a legacy header whose delimiters share a line with its
// members: open is the offset of "{{{", and the header ends at the first
// "}}}" after it. The body starts after "}}}" and, when nothing else follows
// on that line, after its line end.
func scanLegacy(loc locator, norm []byte, open int) (FrontMatter, diag.List) {
	var l diag.List
	i := bytes.Index(norm[open+3:], []byte("}}}"))
	if i < 0 {
		l.Errorf(loc.pos(open), "frontmatter.unterminated", "end the header with }}}",
			"header opened with {{{ is never closed")
		return FrontMatter{Format: "legacy", MetaStart: open}, l
	}
	close := open + 3 + i
	body := close + 3
	j := body
	for j < len(norm) && (norm[j] == ' ' || norm[j] == '\t') {
		j++
	}
	switch {
	case j == len(norm):
		body = j
	case norm[j] == '\n':
		body = j + 1
	case norm[j] == '\r' && j+1 < len(norm) && norm[j+1] == '\n':
		body = j + 2
	}
	fm := FrontMatter{Format: "legacy", MetaStart: open, BodyOffset: body}
	fm.Meta = decodeLegacy(loc, norm, open, close, &l)
	return fm, l
}

// firstLine returns the first line after from whose trimmed text is not
// empty, as adrg's detection sees it: the offset of its first non-blank
// byte and the offset just past its LF. first is -1 when there is none.
func firstLine(data []byte, from int) (first, end int) {
	for i := from; i < len(data); {
		j := bytes.IndexByte(data[i:], '\n')
		next := len(data)
		if j >= 0 {
			next = i + j + 1
		}
		line := data[i:next]
		if t := bytes.TrimSpace(line); len(t) > 0 {
			return i + bytes.Index(line, t), next
		}
		i = next
	}
	return -1, -1
}

func trimmed(data []byte, start, end int) string {
	return string(bytes.TrimSpace(data[start:end]))
}
