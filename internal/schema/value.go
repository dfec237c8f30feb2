package schema

import (
	"encoding/json"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// aliasBudget caps how many nodes may be produced by expanding aliases, so
// that a "billion laughs" document costs a bounded amount of work. A real
// partner file uses a handful of aliases, if any.
const aliasBudget = 100_000

// ToValue turns a YAML node tree into the JSON-like value the validator
// works on: map[string]any, []any, string, bool, json.Number or nil.
//
// Dates are never converted: a !!timestamp or !!binary scalar stays the
// string that was written, so "format: date" judges the text itself.
// Numbers become json.Number in plain decimal form (YAML's 0x1F, 0o17 and
// 1_000 included); .inf and .nan, which JSON cannot hold, stay strings.
// Aliases are followed and merge keys (<<) applied; an alias that refers to
// its own ancestor becomes nil rather than recursing forever.
func ToValue(n *yaml.Node) any {
	c := converter{active: map[*yaml.Node]bool{}, budget: aliasBudget}
	return c.value(n, 0)
}

type converter struct {
	active map[*yaml.Node]bool // alias targets being expanded, to break cycles
	budget int                 // nodes left to produce inside alias expansions
}

func (c *converter) value(n *yaml.Node, aliasDepth int) any {
	if n == nil {
		return nil
	}
	if aliasDepth > 0 {
		if c.budget <= 0 {
			return nil
		}
		c.budget--
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return c.value(n.Content[0], aliasDepth)
	case yaml.AliasNode:
		t := n.Alias
		if t == nil || c.active[t] {
			return nil
		}
		c.active[t] = true
		defer delete(c.active, t)
		return c.value(t, aliasDepth+1)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, item := range n.Content {
			out = append(out, c.value(item, aliasDepth))
		}
		return out
	case yaml.MappingNode:
		out := map[string]any{}
		c.fill(out, n, aliasDepth)
		return out
	case yaml.ScalarNode:
		return scalar(n)
	}
	return nil
}

// fill adds the pairs of mapping m to out. Merged mappings go in first, the
// last source first, so that an explicit key beats any merged one and an
// earlier merge source beats a later one, as the YAML merge spec says.
func (c *converter) fill(out map[string]any, m *yaml.Node, aliasDepth int) {
	for i := len(m.Content) - 2; i >= 0; i -= 2 {
		k, v := m.Content[i], m.Content[i+1]
		if !isMerge(k, v) {
			continue
		}
		srcs := mergeSources(v)
		for j := len(srcs) - 1; j >= 0; j-- {
			src, depth := srcs[j], aliasDepth
			if src.Kind == yaml.AliasNode {
				if src.Alias == nil || c.active[src.Alias] {
					continue
				}
				c.active[src.Alias] = true
				c.fill(out, src.Alias, depth+1)
				delete(c.active, src.Alias)
				continue
			}
			c.fill(out, src, depth)
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if isMerge(k, v) {
			continue
		}
		out[c.key(k)] = c.value(v, aliasDepth)
	}
}

// key turns a mapping key into the property name the schema sees. Complex
// keys (a list or mapping as key) are rare and never valid here; they get a
// JSON rendering so that "unknown key" can still name them.
func (c *converter) key(k *yaml.Node) string {
	for i := 0; k != nil && k.Kind == yaml.AliasNode && i < 100; i++ {
		k = k.Alias
	}
	if k == nil {
		return ""
	}
	if k.Kind == yaml.ScalarNode {
		return k.Value
	}
	b, err := json.Marshal(c.value(k, 1))
	if err != nil {
		return ""
	}
	return string(b)
}

// isMerge reports whether k: v is a merge key whose value can be merged. A
// "<<" with anything else is left as an ordinary key, which the schema then
// reports as unknown.
func isMerge(k, v *yaml.Node) bool {
	if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!merge" {
		return false
	}
	return mergeSources(v) != nil
}

// mergeSources lists the mappings a merge value names: one mapping, an
// alias of one, or a sequence of those.
func mergeSources(v *yaml.Node) []*yaml.Node {
	ok := func(n *yaml.Node) bool {
		return n.Kind == yaml.MappingNode || (n.Kind == yaml.AliasNode && n.Alias != nil && n.Alias.Kind == yaml.MappingNode)
	}
	if ok(v) {
		return []*yaml.Node{v}
	}
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		return nil
	}
	for _, n := range v.Content {
		if !ok(n) {
			return nil
		}
	}
	return v.Content
}

func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		switch strings.ToLower(n.Value) {
		case "true":
			return true
		case "false":
			return false
		}
	case "!!int":
		if num, ok := intNumber(n.Value); ok {
			return num
		}
	case "!!float":
		if num, ok := floatNumber(n.Value); ok {
			return num
		}
	}
	// !!str, !!timestamp, !!binary, custom tags and values that do not
	// parse as their tag claims: the text as written.
	return n.Value
}

func intNumber(s string) (json.Number, bool) {
	s = strings.ReplaceAll(s, "_", "")
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	base := 10
	switch {
	case strings.HasPrefix(s, "0x"), strings.HasPrefix(s, "0X"):
		base, s = 16, s[2:]
	case strings.HasPrefix(s, "0o"), strings.HasPrefix(s, "0O"):
		base, s = 8, s[2:]
	case strings.HasPrefix(s, "0b"), strings.HasPrefix(s, "0B"):
		base, s = 2, s[2:]
	}
	if s == "" {
		return "", false
	}
	b, ok := new(big.Int).SetString(s, base)
	if !ok {
		return "", false
	}
	if neg {
		b.Neg(b)
	}
	return json.Number(b.String()), true
}

// jsonNumber matches a number literal JSON can hold as written.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

func floatNumber(s string) (json.Number, bool) {
	s = strings.ReplaceAll(s, "_", "")
	if jsonNumber.MatchString(s) {
		// Kept as written: precision beyond float64 is not ours to drop.
		return json.Number(s), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), true
}

// index finds nodes by JSON-pointer path in one document, following
// aliases and merge keys the way ToValue does. It remembers each mapping's
// keys, so that reporting many problems in one large mapping stays linear.
type index struct {
	maps map[*yaml.Node]map[string]pair
}

type pair struct{ key, val *yaml.Node }

func newIndex() *index { return &index{maps: map[*yaml.Node]map[string]pair{}} }

// lookup returns the deepest node it reached along path, the key node of
// the last step when that step went through a mapping (nil otherwise), and
// whether the whole path was found.
func (ix *index) lookup(root *yaml.Node, path []string) (node, key *yaml.Node, found bool) {
	node = root
	for _, tok := range path {
		n := deref(node)
		if n == nil {
			return node, key, false
		}
		switch n.Kind {
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return node, key, false
			}
			node, key = n.Content[i], nil
		case yaml.MappingNode:
			p, ok := ix.pairs(n)[tok]
			if !ok {
				return node, key, false
			}
			node, key = p.val, p.key
		default:
			return node, key, false
		}
	}
	return node, key, true
}

// pairs maps each property name of mapping m to its key and value nodes,
// with the precedence of converter.fill.
func (ix *index) pairs(m *yaml.Node) map[string]pair {
	if ps, ok := ix.maps[m]; ok {
		return ps
	}
	ps := map[string]pair{}
	ix.maps[m] = ps // before collecting, so a merge cycle finds it and stops
	c := converter{active: map[*yaml.Node]bool{}, budget: aliasBudget}
	c.collect(ps, m, map[*yaml.Node]bool{m: true})
	return ps
}

func (c *converter) collect(out map[string]pair, m *yaml.Node, active map[*yaml.Node]bool) {
	for i := len(m.Content) - 2; i >= 0; i -= 2 {
		k, v := m.Content[i], m.Content[i+1]
		if !isMerge(k, v) {
			continue
		}
		srcs := mergeSources(v)
		for j := len(srcs) - 1; j >= 0; j-- {
			src := deref(srcs[j])
			if src == nil || src.Kind != yaml.MappingNode || active[src] {
				continue
			}
			active[src] = true
			c.collect(out, src, active)
			delete(active, src)
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if !isMerge(k, v) {
			out[c.key(k)] = pair{k, v}
		}
	}
}

// deref follows aliases (and unwraps documents) to the node that holds
// content.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && i < 100; i++ {
		switch {
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		case n.Kind == yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		default:
			return n
		}
	}
	return nil
}
