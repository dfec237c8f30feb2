package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/marketplace-program/marketplace/internal/diag"
	"go.yaml.in/yaml/v3"
)

// locator turns byte offsets of a source into positions. A BOM left in
// Source.Data is invisible in an editor, so it is not counted as a column.
type locator struct {
	src *diag.Source
	bom int
}

func newLocator(src *diag.Source) locator {
	l := locator{src: src}
	if bytes.HasPrefix(src.Data, bom) {
		l.bom = len(bom)
	}
	return l
}

func (l locator) pos(off int) diag.Pos {
	p := l.src.Pos(off)
	if l.bom > 0 && p.Line == 1 && off >= l.bom {
		p.Col--
	}
	return p
}

// nodePos is where a yaml.Node sits; nodes built by this package always
// carry absolute, BOM-free positions.
func (l locator) nodePos(n *yaml.Node) diag.Pos { return l.src.At(n.Line, n.Column) }

// parseYAMLFile parses a whole YAML file.
func parseYAMLFile(src *diag.Source, l *diag.List) (*yaml.Node, bool) {
	loc := newLocator(src)
	return parseYAML(loc, loc.bom, normalizeCR(src.Data)[loc.bom:], l)
}

// parseYAML decodes content, which starts at byte offset start of the
// source at the beginning of a line, into its top mapping node with
// absolute positions. ok is false when a syntax error was reported.
func parseYAML(loc locator, start int, content []byte, l *diag.List) (root *yaml.Node, ok bool) {
	shift := loc.src.Pos(start).Line - 1
	dec := yaml.NewDecoder(bytes.NewReader(content))
	var doc yaml.Node
	switch err := safeDecode(dec, &doc); {
	case errors.Is(err, io.EOF):
		return nil, true
	case err != nil:
		l.Add(yamlSyntax(loc, start, content, err))
		return nil, false
	}
	var second yaml.Node
	switch err := safeDecode(dec, &second); {
	case err == nil:
		l.Errorf(loc.src.At(second.Line+shift, second.Column), "yaml.multiple-documents",
			"a file holds one YAML document: remove the second \"---\" or merge the documents",
			"more than one YAML document")
	case !errors.Is(err, io.EOF):
		l.Add(yamlSyntax(loc, start, content, err))
		return nil, false
	}
	shiftLines(&doc, shift, 0)
	if len(doc.Content) == 0 {
		return nil, true
	}
	root = doc.Content[0]
	if root.Kind != yaml.MappingNode {
		l.Errorf(loc.nodePos(root), "yaml.not-mapping", "write key: value pairs at the top level",
			"expected a mapping of keys to values, found %s", kindName(root))
		return nil, true
	}
	checkTree(loc, root, "yaml", l, 0)
	return root, true
}

// safeDecode keeps a parser panic on hostile input from taking the whole
// run down.
func safeDecode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: internal parser error: %v", r)
		}
	}()
	return dec.Decode(n)
}

func shiftLines(n *yaml.Node, shift, depth int) {
	if shift == 0 || depth > maxDepth {
		return
	}
	n.Line += shift
	for _, c := range n.Content {
		shiftLines(c, shift, depth+1)
	}
}

// maxDepth bounds nesting so that recursion over a tree cannot exhaust the
// stack (a fatal error, not a recoverable panic, in Go).
const maxDepth = 1000

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return "a single value"
	case yaml.AliasNode:
		return "an alias"
	}
	return "something else"
}

// checkTree reports aliases and repeated keys. Aliases are refused rather
// than expanded: a few lines of nested aliases can otherwise expand to
// gigabytes ("billion laughs"), and no file of ours needs them.
func checkTree(loc locator, n *yaml.Node, prefix string, l *diag.List, depth int) {
	if depth > maxDepth {
		return
	}
	switch n.Kind {
	case yaml.AliasNode:
		l.Errorf(loc.nodePos(n), "yaml.alias", "write the value out instead of referring to an anchor",
			"aliases (*%s) are not allowed", n.Value)
		return
	case yaml.MappingNode:
		seen := make(map[string]*yaml.Node, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				continue
			}
			if first, dup := seen[k.Value]; dup {
				l.Errorf(loc.nodePos(k), prefix+".duplicate-key",
					fmt.Sprintf("the first %q is on line %d; keep one of them", k.Value, first.Line),
					"key %q is already defined on line %d", k.Value, first.Line)
				continue
			}
			seen[k.Value] = k
		}
	}
	for _, c := range n.Content {
		checkTree(loc, c, prefix, l, depth+1)
	}
}

// yamlParserErrors are the messages yaml.v3 raises from its parser rather
// than its scanner. For those it prints the 0-based line of the problem (or
// of the construct it was parsing), for scanner errors the 1-based line.
var yamlParserErrors = []string{
	"did not find expected key",
	"did not find expected node content",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected '-' indicator",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"found duplicate %YAML directive",
	"found duplicate %TAG directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// yamlSyntax turns a yaml.v3 error into a yaml.syntax diagnostic. yaml.v3
// only gives a line (none at all on the first line, or for a few errors);
// the column is found by a heuristic on the message and the line's text:
//
//   - "mapping values are not allowed": the second ": " of the line, the
//     colon that made a plain value look like a key;
//   - "cannot start any token": the first tab, @ or backtick;
//   - "tab character": the first tab;
//   - "expected ',' or ']'" (or '}'): the last [ (or {) of the line,
//     which yaml.v3 names when the list is never closed;
//   - "unknown escape": the backslash of the first invalid escape;
//   - "control characters", "UTF-8": the first such byte anywhere;
//   - "unknown anchor": the first *name;
//   - otherwise: the first non-blank character of the line.
func yamlSyntax(loc locator, start int, content []byte, err error) diag.Diagnostic {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0 // 0-based within content
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				line, msg = n-1, text
				for _, p := range yamlParserErrors {
					if strings.HasPrefix(text, p) {
						line = n
					}
				}
			}
		}
	}
	d := diag.Diagnostic{Severity: diag.Error, Rule: "yaml.syntax", Msg: "YAML syntax error: " + msg}
	lines := bytes.Count(content, []byte("\n")) // content is CR-normalised
	line = max(0, min(line, lines))
	absLine := loc.src.Pos(start).Line + line
	text, _ := loc.src.LineText(absLine)
	lineStart := loc.src.Offset(absLine, 1)

	col := -1 // byte index in text
	anywhere := -1
	switch {
	case strings.Contains(msg, "mapping values are not allowed"):
		d.Hint = `put the value in quotes: an unquoted value cannot contain ": "`
		col = nthColon(text, 2)
		if col < 0 {
			col = nthColon(text, 1)
		}
	case strings.Contains(msg, "cannot start any token"), strings.Contains(msg, "tab character"):
		// The line yaml.v3 names may be that of the enclosing construct.
		set := "\t@`"
		if strings.Contains(msg, "tab character") {
			set = "\t"
		}
		if i := bytes.IndexAny(content[min(len(content), lineStart-start):], set); i >= 0 {
			anywhere = lineStart - start + i
			d.Hint = "quote a value that starts with @ or `"
			if content[anywhere] == '\t' {
				d.Hint = "indent with spaces: YAML does not allow tabs in indentation"
			}
		}
	case strings.Contains(msg, "did not find expected ',' or ']'"):
		d.Hint = "close the list with ]"
		col = strings.LastIndexByte(text, '[')
	case strings.Contains(msg, "did not find expected ',' or '}'"):
		d.Hint = "close the mapping with }"
		col = strings.LastIndexByte(text, '{')
	case strings.Contains(msg, "unknown escape"):
		d.Hint = `in double quotes write a backslash as \\, or use single quotes`
		col = badEscape(text)
	case strings.Contains(msg, "control characters"):
		d.Hint = "remove the control character"
		anywhere = bytes.IndexFunc(content, func(r rune) bool {
			return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f || 0x80 <= r && r < 0xa0 && r != 0x85
		})
	case strings.Contains(msg, "UTF-8"):
		d.Hint = "save the file as UTF-8"
		anywhere = firstInvalid(content)
	case strings.Contains(msg, "unexpected end of stream"), strings.Contains(msg, "found unexpected end of"):
		// yaml.v3 reports an unclosed quoted scalar at the end of the
		// input, where it gave up; the mistake is the quote that opened it.
		if i := unclosedQuote(content); i >= 0 {
			anywhere = i
			d.Hint = "close the quoted value with the same quote it starts with"
		}
	case strings.HasPrefix(msg, "unknown anchor"):
		if name, ok := strings.CutPrefix(msg, "unknown anchor '"); ok {
			name, _, _ = strings.Cut(name, "'")
			anywhere = bytes.Index(content, []byte("*"+name))
		}
	}
	if anywhere >= 0 {
		d.Pos = loc.pos(start + anywhere)
		return d
	}
	if col < 0 {
		col = len(text) - len(strings.TrimLeft(text, " \t\ufeff"))
		if col == len(text) {
			col = 0
		}
	}
	d.Pos = loc.pos(lineStart + col)
	return d
}

// unclosedQuote returns the offset of the first quote that opens a
// quoted scalar never closed on its line or later, or -1. It follows YAML's
// quoting closely enough for error positions: a double quote is escaped by
// a backslash, a single quote by doubling it, and quotes inside a plain
// (unquoted) value or a comment do not open anything.
func unclosedQuote(content []byte) int {
	open, quote := -1, byte(0)
	for i := 0; i < len(content); i++ {
		c := content[i]
		switch {
		case quote == '"' && c == '\\':
			i++
		case quote == '"' && c == '"', quote == '\'' && c == '\'':
			if quote == '\'' && i+1 < len(content) && content[i+1] == '\'' {
				i++
				continue
			}
			quote, open = 0, -1
		case quote == 0 && (c == '"' || c == '\''):
			if startsValue(content, i) {
				quote, open = c, i
			}
		case quote == 0 && c == '#' && (i == 0 || content[i-1] == ' ' || content[i-1] == '\n'):
			for i < len(content) && content[i] != '\n' {
				i++
			}
		}
	}
	return open
}

// startsValue reports whether a quote at i begins a scalar: only blanks,
// or an indicator such as "- ", ": ", "[", "{" or ",", stand before it.
func startsValue(content []byte, i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch content[j] {
		case ' ', '\t':
			continue
		case '\n', '[', '{', ',', ':', '-', '?':
			return true
		}
		return false
	}
	return true
}

// nthColon returns the byte index of the n-th ":" that is followed by a
// space or ends the line, or -1.
func nthColon(text string, n int) int {
	for i := 0; i < len(text); i++ {
		if text[i] == ':' && (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\t') {
			n--
			if n == 0 {
				return i
			}
		}
	}
	return -1
}

// badEscape returns the index of the first backslash that does not start
// a YAML double-quoted escape, else of the first backslash, or -1.
func badEscape(text string) int {
	for i := 0; i+1 < len(text); i++ {
		if text[i] == '\\' {
			if !strings.ContainsRune("0abt\tnvfre \"/\\N_LPxuU", rune(text[i+1])) {
				return i
			}
			i++
		}
	}
	return strings.IndexByte(text, '\\')
}

// normalizeCR returns data with every lone CR turned into LF, so that
// parsers which only know LF and CRLF (adrg/frontmatter, TOML) see the same
// lines as diag.Source. Byte offsets do not change. data is returned as is
// when it has no lone CR.
func normalizeCR(data []byte) []byte {
	i := loneCR(data, 0)
	if i < 0 {
		return data
	}
	out := bytes.Clone(data)
	for ; i >= 0; i = loneCR(out, i+1) {
		out[i] = '\n'
	}
	return out
}

func loneCR(data []byte, from int) int {
	for {
		j := bytes.IndexByte(data[from:], '\r')
		if j < 0 {
			return -1
		}
		i := from + j
		if i+1 >= len(data) || data[i+1] != '\n' {
			return i
		}
		from = i + 1
	}
}
