package model

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/marketplace-program/marketplace/internal/diag"
)

// resolve follows a document wrapper or an alias to the node that holds the
// value. One step of each is enough for the trees yaml.v3 builds, and a
// bound keeps a hand-made cyclic alias from looping.
func resolve(n *yaml.Node) *yaml.Node {
	for range 8 {
		switch {
		case n == nil:
			return nil
		case n.Kind == yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		default:
			return n
		}
	}
	return nil
}

// pairs calls fn for each key and value of a mapping node, in file order.
// Anything but a mapping yields nothing.
func pairs(n *yaml.Node, fn func(key string, k, v *yaml.Node)) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k == nil || v == nil || k.Kind != yaml.ScalarNode {
			continue
		}
		fn(k.Value, k, v)
	}
}

// items returns the elements of a sequence node; nil for anything else.
func items(n *yaml.Node) []*yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, c := range n.Content {
		if c = resolve(c); c != nil {
			out = append(out, c)
		}
	}
	return out
}

// str returns a scalar's text; "" for null and for non-scalars.
func str(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return ""
	}
	return n.Value
}

// strs returns the scalar texts of a sequence, skipping non-scalars.
func strs(n *yaml.Node) []string {
	var out []string
	for _, c := range items(n) {
		if c.Kind == yaml.ScalarNode {
			out = append(out, c.Value)
		}
	}
	return out
}

// integer returns a scalar's integer value and whether it had one.
func integer(n *yaml.Node) (int, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, false
	}
	i, err := strconv.Atoi(strings.ReplaceAll(n.Value, "_", ""))
	return i, err == nil
}

// boolean returns a scalar's boolean value and whether it had one. YAML 1.2
// spellings only, as yaml.v3 resolves them.
func boolean(n *yaml.Node) (bool, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return false, false
	}
	switch strings.ToLower(n.Value) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// at returns the position of n in src.
func at(src *diag.Source, n *yaml.Node) diag.Pos {
	if n == nil {
		return fileStart(src)
	}
	p := diag.Pos{Line: n.Line, Col: n.Column}
	if src == nil {
		return p
	}
	p.File = src.Name
	// yaml.v3 places an implicit null at the end of a file without a final
	// newline on the line after the last; keep it inside the file.
	if last := src.Lines(); p.Line > last {
		text, _ := src.LineText(last)
		p.Line, p.Col = last, utf8.RuneCountInString(text)+1
	}
	return p
}

func fileStart(src *diag.Source) diag.Pos {
	if src == nil {
		return diag.Pos{}
	}
	return diag.Pos{File: src.Name}
}

// ParseDate parses a strict YYYY-MM-DD date as UTC midnight. Anything else,
// including a time of day or a day that does not exist, is rejected.
func ParseDate(s string) (time.Time, bool) {
	if len(s) != len("2006-01-02") {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// date decodes a date value, reporting model.date when it is present but
// not a date. A null or missing value is the schema's business.
func date(src *diag.Source, n *yaml.Node, diags *diag.List) time.Time {
	s := str(n)
	if s == "" {
		return time.Time{}
	}
	t, ok := ParseDate(s)
	if !ok {
		diags.Errorf(at(src, n), "model.date", "write the date as YYYY-MM-DD, e.g. 2015-03-02", "%q is not a date (YYYY-MM-DD)", s)
	}
	return t
}
