package load

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/marketplace-program/marketplace/internal/diag"
	"go.yaml.in/yaml/v3"
)

// decodeTOML decodes the TOML table in norm[start:end].
//
// BurntSushi/toml reports where a syntax error is, but not where values
// are. Positions are therefore approximated from the text: every line of the
// form `key = value` (bare, quoted or dotted key) under the current [table]
// or [[array]] header records where that key path first appears, and a node
// takes the position of its key path, or of its parent's when the key is
// not on a line of its own (inline tables, array items). Keys of the second
// and later [[array]] elements point at the first element's lines.
func decodeTOML(loc locator, norm []byte, start, end int, l *diag.List) *yaml.Node {
	content := norm[start:end]
	if i := tooDeep(content, maxTOMLDepth); i >= 0 {
		l.Errorf(loc.pos(start+i), "toml.syntax", "", "TOML syntax error: values are nested more than %d levels deep", maxTOMLDepth)
		return nil
	}
	var m map[string]any
	md, err := toml.NewDecoder(bytes.NewReader(content)).Decode(&m)
	if err != nil {
		d := diag.Diagnostic{Severity: diag.Error, Rule: "toml.syntax", Msg: "TOML syntax error: " + err.Error(), Pos: loc.pos(start)}
		var pe toml.ParseError
		if errors.As(err, &pe) {
			d.Msg = "TOML syntax error: " + pe.Message
			d.Pos = loc.pos(start + max(0, min(pe.Position.Start, len(content))))
		}
		l.Add(d)
		return nil
	}
	t := &tomlConv{loc: loc, order: map[string]int{}, at: map[string]tomlAt{}}
	for i, k := range md.Keys() {
		if _, ok := t.order[k.String()]; !ok {
			t.order[k.String()] = i
		}
	}
	t.scan(content, start)
	root := t.table(m, nil, tomlAt{key: start, value: start}, 0)
	return root
}

type tomlAt struct{ key, value int } // absolute offsets

type tomlConv struct {
	loc   locator
	order map[string]int    // key path → index in document order
	at    map[string]tomlAt // key path → where it is written
}

// scan records where each key path is written.
func (t *tomlConv) scan(content []byte, base int) {
	var table []string
	for off := 0; off < len(content); {
		n := bytes.IndexByte(content[off:], '\n')
		next := len(content)
		if n >= 0 {
			next = off + n + 1
		}
		line := string(content[off:next])
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		text := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(text, "["):
			inner := strings.Trim(text, "[] \t")
			if i := strings.Index(text, "]"); i >= 0 {
				inner = strings.Trim(text[:i], "[ \t")
			}
			table = splitKey(inner)
			t.record(table, base+off+indent, base+off+indent)
		case text != "" && text[0] != '#':
			if eq := strings.IndexByte(text, '='); eq > 0 {
				key := splitKey(text[:eq])
				val := eq + 1
				for val < len(text) && (text[val] == ' ' || text[val] == '\t') {
					val++
				}
				full := append(slices.Clone(table), key...)
				for i := len(table) + 1; i <= len(full); i++ {
					t.record(full[:i], base+off+indent, base+off+indent+val)
				}
			}
		}
		off = next
	}
}

func (t *tomlConv) record(path []string, key, value int) {
	k := toml.Key(path).String()
	if _, ok := t.at[k]; !ok {
		t.at[k] = tomlAt{key, value}
	}
}

// splitKey splits a dotted key, unquoting quoted parts.
func splitKey(s string) []string {
	var parts []string
	var cur strings.Builder
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
		case c != ' ' && c != '\t':
			cur.WriteByte(c)
		}
	}
	return append(parts, strings.TrimSpace(cur.String()))
}

func (t *tomlConv) node(kind yaml.Kind, tag, value string, off int) *yaml.Node {
	p := t.loc.pos(off)
	return &yaml.Node{Kind: kind, Tag: tag, Value: value, Line: p.Line, Column: p.Col}
}

func (t *tomlConv) table(m map[string]any, path []string, at tomlAt, depth int) *yaml.Node {
	n := t.node(yaml.MappingNode, "!!map", "", at.value)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Document order where known, then by name, so output is deterministic.
	idx := func(k string) int {
		if i, ok := t.order[toml.Key(append(slices.Clone(path), k)).String()]; ok {
			return i
		}
		return math.MaxInt
	}
	slices.SortFunc(keys, func(a, b string) int {
		if ia, ib := idx(a), idx(b); ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	for _, k := range keys {
		p := append(slices.Clone(path), k)
		kat, ok := t.at[toml.Key(p).String()]
		if !ok {
			kat = tomlAt{at.value, at.value}
		}
		key := t.node(yaml.ScalarNode, "!!str", k, kat.key)
		n.Content = append(n.Content, key, t.value(m[k], p, kat, depth+1))
	}
	return n
}

func (t *tomlConv) value(v any, path []string, at tomlAt, depth int) *yaml.Node {
	if depth > maxDepth {
		return t.node(yaml.ScalarNode, "!!null", "null", at.value)
	}
	switch v := v.(type) {
	case map[string]any:
		return t.table(v, path, at, depth)
	case []map[string]any:
		n := t.node(yaml.SequenceNode, "!!seq", "", at.value)
		for _, e := range v {
			n.Content = append(n.Content, t.table(e, path, at, depth+1))
		}
		return n
	case []any:
		n := t.node(yaml.SequenceNode, "!!seq", "", at.value)
		for _, e := range v {
			n.Content = append(n.Content, t.value(e, path, at, depth+1))
		}
		return n
	case string:
		return t.node(yaml.ScalarNode, "!!str", v, at.value)
	case int64:
		return t.node(yaml.ScalarNode, "!!int", strconv.FormatInt(v, 10), at.value)
	case float64:
		s := strconv.FormatFloat(v, 'g', -1, 64)
		switch {
		case math.IsInf(v, 1):
			s = ".inf"
		case math.IsInf(v, -1):
			s = "-.inf"
		case math.IsNaN(v):
			s = ".nan"
		}
		return t.node(yaml.ScalarNode, "!!float", s, at.value)
	case bool:
		return t.node(yaml.ScalarNode, "!!bool", strconv.FormatBool(v), at.value)
	case time.Time:
		// Like an unquoted YAML date: tag !!timestamp, the text as written.
		return t.node(yaml.ScalarNode, "!!timestamp", tomlTime(v), at.value)
	}
	return t.node(yaml.ScalarNode, "!!null", "null", at.value)
}

func tomlTime(v time.Time) string {
	switch v.Location().String() {
	case "date-local":
		return v.Format(time.DateOnly)
	case "time-local":
		return v.Format("15:04:05.999999999")
	case "datetime-local":
		return v.Format("2006-01-02T15:04:05.999999999")
	}
	return v.Format(time.RFC3339Nano)
}

// maxTOMLDepth bounds nesting before BurntSushi/toml sees the text: its
// parser recurses once per open bracket, and a stack overflow is fatal.
const maxTOMLDepth = 100

// tooDeep returns the offset of the first [ or { nested deeper than limit,
// or -1. Quoted text on a line is skipped; the count is a guard, not a
// parser.
func tooDeep(content []byte, limit int) int {
	depth := 0
	var quote byte
	for i, c := range content {
		switch {
		case c == '\n':
			quote = 0
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '{':
			depth++
			if depth > limit {
				return i
			}
		case c == ']' || c == '}':
			depth = max(0, depth-1)
		}
	}
	return -1
}
