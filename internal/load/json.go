package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/marketplace-program/marketplace/internal/diag"
	"go.yaml.in/yaml/v3"
)

// decodeJSON decodes the JSON object in norm[start:end].
func decodeJSON(loc locator, norm []byte, start, end int, l *diag.List) *yaml.Node {
	c := newJSONConv(loc, norm, start, end, "json")
	tok, at, err := c.token()
	switch {
	case errors.Is(err, io.EOF):
		return nil // empty front matter: the semantic checks report what is missing
	case err != nil:
		l.Add(c.syntax(err))
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		l.Errorf(loc.pos(at), "json.not-object", `write the front matter as one object: { "title": "..." }`,
			"front matter must be a JSON object")
		return nil
	}
	return c.document(at, l)
}

// decodeLegacy decodes a legacy header: the members of a JSON object
// between "{{{" at open and "}}}" at close. The last brace of "{{{" and the
// first of "}}}" are decoded as the object's own braces, so offsets in the
// decoder's input are offsets in the file.
func decodeLegacy(loc locator, norm []byte, open, close int, l *diag.List) *yaml.Node {
	c := newJSONConv(loc, norm, open+2, close+1, "legacy")
	tok, at, err := c.token()
	if err != nil || tok != json.Delim('{') {
		l.Add(c.syntax(err))
		return nil
	}
	return c.document(at, l)
}

// jsonConv builds yaml.Nodes from encoding/json's token stream. The
// decoder says where a token ends (InputOffset); where it starts is found
// by skipping the blanks and the one separator before it.
type jsonConv struct {
	loc       locator
	data      []byte
	base, end int
	dec       *json.Decoder
	last      int // absolute offset just past the last token
	rule      string
}

func newJSONConv(loc locator, data []byte, start, end int, rule string) *jsonConv {
	dec := json.NewDecoder(bytes.NewReader(data[start:end]))
	dec.UseNumber()
	return &jsonConv{loc: loc, data: data, base: start, end: end, dec: dec, last: start, rule: rule}
}

// errJSONDepth stops the recursion before it can exhaust the stack.
var errJSONDepth = errors.New("nesting is too deep")

func (c *jsonConv) token() (json.Token, int, error) {
	tok, err := c.dec.Token()
	if err != nil {
		return nil, c.skip(c.last), err
	}
	start := c.skip(c.last)
	c.last = c.base + int(c.dec.InputOffset())
	return tok, start, nil
}

// skip returns the offset after the blanks and at most one separator
// (',' or ':') from i: where the decoder looks next.
func (c *jsonConv) skip(i int) int {
	sep := false
	for i < c.end {
		switch b := c.data[i]; {
		case b == ' ' || b == '\t' || b == '\n' || b == '\r':
		case (b == ',' || b == ':') && !sep:
			sep = true
		default:
			return i
		}
		i++
	}
	return i
}

// document reads the rest of an object whose '{' was at at, then makes sure
// nothing but blanks follows it.
func (c *jsonConv) document(at int, l *diag.List) *yaml.Node {
	root, err := c.object(at, 0)
	if err != nil {
		l.Add(c.syntax(err))
		return nil
	}
	_, pos, err := c.token()
	switch {
	case errors.Is(err, io.EOF):
		checkTree(c.loc, root, c.rule, l, 0)
		return root
	case err != nil:
		l.Add(c.syntax(err))
	case c.rule == "legacy":
		l.Add(diag.Diagnostic{Pos: c.loc.pos(pos), Severity: diag.Error, Rule: "legacy.syntax",
			Msg: c.prefix() + "unexpected text before }}}", Hint: "a } closes the header early; check the braces"})
	default:
		l.Errorf(c.loc.pos(pos), "json.syntax", "front matter holds one JSON object",
			"%sunexpected text after the closing brace", c.prefix())
	}
	return nil
}

func (c *jsonConv) node(kind yaml.Kind, tag, value string, at int) *yaml.Node {
	p := c.loc.pos(at)
	n := &yaml.Node{Kind: kind, Tag: tag, Value: value, Line: p.Line, Column: p.Col}
	if kind == yaml.MappingNode || kind == yaml.SequenceNode {
		n.Style = yaml.FlowStyle
	}
	return n
}

func (c *jsonConv) object(at, depth int) (*yaml.Node, error) {
	if depth > maxDepth {
		return nil, errJSONDepth
	}
	n := c.node(yaml.MappingNode, "!!map", "", at)
	for {
		tok, kat, err := c.token()
		if err != nil {
			return nil, err
		}
		if tok == json.Delim('}') {
			return n, nil
		}
		key, _ := tok.(string) // the decoder only lets a string through here
		k := c.node(yaml.ScalarNode, "!!str", key, kat)
		k.Style = yaml.DoubleQuotedStyle
		tok, vat, err := c.token()
		if err != nil {
			return nil, err
		}
		v, err := c.value(tok, vat, depth+1)
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, k, v)
	}
}

func (c *jsonConv) value(tok json.Token, at, depth int) (*yaml.Node, error) {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return c.object(at, depth)
		}
		if depth > maxDepth {
			return nil, errJSONDepth
		}
		n := c.node(yaml.SequenceNode, "!!seq", "", at)
		for {
			tok, iat, err := c.token()
			if err != nil {
				return nil, err
			}
			if tok == json.Delim(']') {
				return n, nil
			}
			v, err := c.value(tok, iat, depth+1)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, v)
		}
	case string:
		n := c.node(yaml.ScalarNode, "!!str", t, at)
		n.Style = yaml.DoubleQuotedStyle
		return n, nil
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(string(t), ".eE") {
			tag = "!!float"
		}
		return c.node(yaml.ScalarNode, tag, string(t), at), nil
	case bool:
		return c.node(yaml.ScalarNode, "!!bool", strconv.FormatBool(t), at), nil
	case nil:
		return c.node(yaml.ScalarNode, "!!null", "null", at), nil
	}
	return nil, errors.New("unexpected token")
}

func (c *jsonConv) prefix() string {
	if c.rule == "legacy" {
		return "syntax error in the {{{ }}} header: "
	}
	return "JSON syntax error: "
}

// keyColon matches the start of a member line up to its value: optional
// opening braces, a quoted key and a colon.
var keyColon = regexp.MustCompile(`^\s*(?:\{\{\{|\{|,)?\s*"(?:[^"\\]|\\.)*"\s*:\s*`)

// syntax turns a decoder error into a diagnostic at the offending
// character. json.SyntaxError.Offset counts from wherever the decoder
// started its current value, so the character is found again instead:
// from where the decoder looked next, the first occurrence of the
// character its message names.
func (c *jsonConv) syntax(err error) diag.Diagnostic {
	d := diag.Diagnostic{Severity: diag.Error, Rule: c.rule + ".syntax"}
	at := c.skip(c.last)
	var se *json.SyntaxError
	switch {
	case err == nil: // legacy header whose first brace is not a brace: cannot happen, kept safe
		d.Msg = c.prefix() + "the header does not start with {{{"
	case errors.Is(err, errJSONDepth):
		d.Msg = c.prefix() + "values are nested more than 1000 levels deep"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		d.Msg = c.prefix() + "unexpected end of input"
		d.Hint = "a string, object or list is not closed"
		if c.rule == "legacy" {
			d.Hint = "a string, object or list is not closed before }}}"
		}
	case errors.As(err, &se):
		d.Msg = c.prefix() + se.Error()
		if ch, ok := invalidChar(se.Error()); ok {
			needle := string(ch)
			if strings.Contains(se.Error(), "in string escape code") {
				needle = `\` + needle
			}
			if i := bytes.Index(c.data[at:c.end], []byte(needle)); i >= 0 {
				at += i
			}
			d.Hint = c.hint(se.Error(), ch, &at)
		}
	default:
		d.Msg = c.prefix() + err.Error()
	}
	d.Pos = c.loc.pos(at)
	return d
}

// invalidChar reads the character out of "invalid character 'x' ...",
// which encoding/json writes as a Go character literal.
func invalidChar(msg string) (rune, bool) {
	rest, ok := strings.CutPrefix(msg, "invalid character ")
	if !ok {
		return 0, false
	}
	lit := rest
	if end := strings.Index(rest[min(len(rest), 2):], "' "); end >= 0 {
		lit = rest[:end+3]
	}
	s, err := strconv.Unquote(lit)
	if err != nil || s == "" {
		return 0, false
	}
	return []rune(s)[0], true
}

// hint explains the usual mistakes, moving *at to where the fix goes.
func (c *jsonConv) hint(msg string, ch rune, at *int) string {
	prev := *at - 1
	for prev >= c.base && (c.data[prev] == ' ' || c.data[prev] == '\t' || c.data[prev] == '\n' || c.data[prev] == '\r') {
		prev--
	}
	if (ch == '}' || ch == ']') && prev >= c.base && c.data[prev] == ',' {
		*at = prev
		return "remove the comma after the last item"
	}
	if h, ok := c.quoteHint(at); ok {
		return h
	}
	switch {
	case ch == '\'':
		return "JSON strings use double quotes"
	case strings.Contains(msg, "after object key:value pair"):
		return "put a comma between members"
	case strings.Contains(msg, "after object key"):
		return "put a colon between a key and its value"
	case strings.Contains(msg, "after array element"):
		return "put a comma between list items"
	case strings.Contains(msg, "looking for beginning of object key"):
		return "keys are strings in double quotes"
	case strings.Contains(msg, "in string literal"):
		return "a string cannot span lines or hold control characters; close it with a double quote"
	case strings.Contains(msg, "looking for beginning of value"):
		return "values are strings in double quotes, numbers, true, false, null, lists or objects"
	}
	return ""
}

// quoteHint spots a string value with a missing quote on the member line
// of *at, as in `"author": Brandy Smith",` or `"date": 11-30-2015",`, and
// moves *at to the start of the value, where the quote belongs.
func (c *jsonConv) quoteHint(at *int) (string, bool) {
	src := c.loc.src
	line := src.Pos(*at).Line
	text, _ := src.LineText(line)
	lineStart := src.Offset(line, 1)
	m := keyColon.FindStringIndex(text)
	if m == nil || lineStart+m[1] > *at {
		return "", false
	}
	value := strings.TrimSpace(text[m[1]:])
	value = strings.TrimSpace(strings.TrimSuffix(value, "}}}"))
	value = strings.TrimSpace(strings.TrimSuffix(value, "}"))
	value = strings.TrimSpace(strings.TrimSuffix(value, ","))
	switch {
	case len(value) >= 2 && value[0] != '"' && value[len(value)-1] == '"':
		*at = lineStart + m[1]
		return "a string value needs a double quote before it", true
	case len(value) >= 1 && value[0] == '"' && (len(value) == 1 || value[len(value)-1] != '"'):
		return "a string value needs a double quote after it", true
	}
	return "", false
}
