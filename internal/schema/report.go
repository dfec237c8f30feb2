package schema

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// leaves flattens the validator's error tree into the errors that name a
// single keyword. Wrappers (the schema, $ref, allOf, groups) are looked
// through; anyOf, oneOf, not and contains are kept whole, because their
// causes are alternatives the document did not take, and listing every
// one of them would bury the point. propertyNames is kept whole too: its
// causes are about the key's name, with locations relative to nothing.
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	var out []*jsonschema.ValidationError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if e == nil {
			return
		}
		switch e.ErrorKind.(type) {
		case *kind.AnyOf, *kind.OneOf, *kind.Not, *kind.Contains, *kind.MinContains, *kind.MaxContains, *kind.PropertyNames:
			out = append(out, e)
			return
		case nil:
			return
		}
		if len(e.Causes) == 0 {
			switch e.ErrorKind.(type) {
			case *kind.Schema, *kind.Group, *kind.Reference, *kind.AllOf:
				return
			}
			out = append(out, e)
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(e)
	return out
}

// reporter turns validation errors of one document into diagnostics.
type reporter struct {
	v     *Validator
	kind  Kind
	file  string
	lines int        // lines in the file; 0 when unknown
	root  *yaml.Node // dereferenced; nil for an empty document
	empty bool       // the file has no content at all
	ix    *index
}

// docName is how messages refer to the document as a whole.
func (r *reporter) docName() string {
	switch r.kind {
	case Article:
		return "the front matter"
	case LegacyArticle:
		return "the article header"
	case Partner, Ledger, Program:
		return string(r.kind) + ".yaml"
	}
	return "the document"
}

// name is how messages refer to the value at path: summary, support.email,
// events[2].type.
func (r *reporter) name(path []string) string {
	if len(path) == 0 {
		return r.docName()
	}
	var b strings.Builder
	n := r.root
	for i, tok := range path {
		d := deref(n)
		if d != nil && d.Kind == yaml.SequenceNode {
			fmt.Fprintf(&b, "[%s]", tok)
		} else {
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(tok)
		}
		if d == nil {
			continue
		}
		if next, _, ok := r.ix.lookup(d, []string{tok}); ok {
			n = next
		} else {
			n = nil
		}
	}
	return b.String()
}

// start is the position that stands for the whole document: the line of
// its first key, or line 0 for an empty file.
func (r *reporter) start() diag.Pos {
	switch {
	case r.root == nil && r.empty:
		return diag.Pos{File: r.file}
	case r.root == nil:
		return diag.Pos{File: r.file, Line: 1, Col: 1}
	case r.root.Kind == yaml.MappingNode && len(r.root.Content) > 0:
		return diag.Pos{File: r.file, Line: r.root.Content[0].Line, Col: 1}
	}
	return diag.Pos{File: r.file, Line: r.root.Line, Col: 1}
}

func (r *reporter) at(n *yaml.Node) diag.Pos {
	if n == nil || n.Line == 0 {
		return r.start()
	}
	if r.lines > 0 && n.Line > r.lines {
		// yaml.v3 places an empty value at the end of input on the line
		// after the last; keep positions inside the file.
		return diag.Pos{File: r.file, Line: r.lines, Col: 0}
	}
	return diag.Pos{File: r.file, Line: n.Line, Col: n.Column}
}

// objectAt is the position reported for a mapping as a whole.
func (r *reporter) objectAt(path []string, n *yaml.Node) diag.Pos {
	if len(path) == 0 {
		return r.start()
	}
	return r.at(n)
}

func (r *reporter) report(l *diag.List, e *jsonschema.ValidationError) {
	path := e.InstanceLocation
	node, key, _ := r.ix.lookup(r.root, path)
	if r.root == nil {
		node, key = nil, nil
	}
	ptr := joinPointer(path)
	name := r.name(path)
	add := func(pos diag.Pos, rule, hint, format string, args ...any) {
		l.Add(diag.Diagnostic{Pos: pos, Severity: diag.Error, Rule: rule, Msg: fmt.Sprintf(format, args...), Hint: hint, Pointer: ptr})
	}
	sch := r.v.schemaAt(e.SchemaURL)
	desc, _ := sch["description"].(string)

	switch k := e.ErrorKind.(type) {
	case *kind.Type:
		got := typeWord(k.Got, false)
		if t := scalarText(node); t != "" && k.Got != "null" {
			got += " (" + strconv.Quote(clip(t, 40)) + ")"
		}
		add(r.at(node), "schema.type", typeHint(path, k, node), "%s must be %s; got %s", name, wantTypes(k.Want), got)
	case *kind.Enum:
		want := make([]string, len(k.Want))
		var words []string
		for i, w := range k.Want {
			want[i] = display(w, false)
			if s, ok := w.(string); ok {
				words = append(words, s)
			}
		}
		hint := ""
		if got, ok := k.Got.(string); ok {
			if s := suggestKey(got, words); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
		}
		add(r.at(node), "schema.enum", hint, "%s must be one of %s; got %s", name, strings.Join(want, ", "), display(k.Got, true))
	case *kind.Const:
		add(r.at(node), "schema.const", "", "%s must be %s; got %s", name, display(k.Want, true), display(k.Got, true))
	case *kind.Format:
		msg, hint := formatMessage(name, k)
		add(r.at(node), "schema.format", hint, "%s", msg)
	case *kind.Pattern:
		// The description says the form in words; the regular expression
		// is shown only when there is nothing better.
		if desc != "" {
			add(r.at(node), "schema.pattern", desc, "%s %s is not in the expected form", name, display(k.Got, true))
		} else {
			add(r.at(node), "schema.pattern", "", "%s %s does not match the pattern %s", name, display(k.Got, true), k.Want)
		}
	case *kind.MinLength:
		if k.Want == 1 {
			add(r.at(node), "schema.min-length", "", "%s must not be empty", name)
		} else {
			add(r.at(node), "schema.min-length", "", "%s is %s; the minimum is %d", name, plural(k.Got, "character"), k.Want)
		}
	case *kind.MaxLength:
		add(r.at(node), "schema.max-length", "", "%s is %s; the limit is %d", name, plural(k.Got, "character"), k.Want)
	case *kind.MinItems:
		add(r.at(node), "schema.min-items", "", "%s lists %s; at least %d needed", name, plural(k.Got, "item"), k.Want)
	case *kind.MaxItems:
		add(r.at(node), "schema.max-items", "", "%s lists %s; the limit is %d", name, plural(k.Got, "item"), k.Want)
	case *kind.UniqueItems:
		i, j := k.Duplicates[0], k.Duplicates[1]
		item, _, found := r.ix.lookup(r.root, append(slices.Clip(path), strconv.Itoa(j)))
		pos := r.at(node)
		if found && r.root != nil {
			pos = r.at(item)
			ptr = joinPointer(append(slices.Clip(path), strconv.Itoa(j)))
		}
		what := "the same item"
		if s := scalarText(item); s != "" {
			what = strconv.Quote(s)
		}
		add(pos, "schema.unique", "remove the repeat", "%s lists %s twice (items %d and %d)", name, what, i+1, j+1)
	case *kind.Required:
		for _, m := range k.Missing {
			add(r.objectAt(path, node), "schema.required", r.v.conditionNote(e.SchemaURL), "%s is missing required key %q", name, m)
		}
	case *kind.DependentRequired:
		for _, m := range k.Missing {
			add(r.objectAt(path, node), "schema.dependent-required", "", "%s has %q, which needs %q beside it", name, k.Prop, m)
		}
	case *kind.AdditionalProperties:
		allowed := allowedKeys(sch)
		for _, p := range k.Properties {
			kn, _ := r.keyNode(node, p)
			hint := ""
			if s := suggestKey(p, allowed); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			} else if len(allowed) > 0 {
				hint = "allowed keys: " + strings.Join(allowed, ", ")
			} else {
				hint = desc
			}
			d := diag.Diagnostic{Pos: r.at(kn), Severity: diag.Error, Rule: "schema.unknown-key", Hint: hint,
				Pointer: joinPointer(append(slices.Clip(path), p))}
			if len(path) == 0 {
				d.Msg = fmt.Sprintf("unknown key %q", p)
			} else {
				d.Msg = fmt.Sprintf("unknown key %q in %s", p, name)
			}
			if kn == nil {
				d.Pos = r.objectAt(path, node)
			}
			l.Add(d)
		}
	case *kind.FalseSchema:
		pos := r.at(node)
		if key != nil {
			pos = r.at(key)
		}
		if len(path) > 0 {
			add(pos, "schema.not-allowed", r.v.conditionNote(e.SchemaURL), "%s is not allowed here", path[len(path)-1])
		} else {
			add(pos, "schema.not-allowed", "", "%s is not allowed", name)
		}
	case *kind.Minimum:
		add(r.at(node), "schema.minimum", "", "%s must be at least %s; got %s", name, k.Want.RatString(), k.Got.RatString())
	case *kind.ExclusiveMinimum:
		add(r.at(node), "schema.minimum", "", "%s must be more than %s; got %s", name, k.Want.RatString(), k.Got.RatString())
	case *kind.Maximum:
		add(r.at(node), "schema.maximum", "", "%s must be at most %s; got %s", name, k.Want.RatString(), k.Got.RatString())
	case *kind.ExclusiveMaximum:
		add(r.at(node), "schema.maximum", "", "%s must be less than %s; got %s", name, k.Want.RatString(), k.Got.RatString())
	case *kind.MultipleOf:
		add(r.at(node), "schema.multiple-of", "", "%s must be a multiple of %s; got %s", name, k.Want.RatString(), k.Got.RatString())
	case *kind.MinProperties:
		add(r.objectAt(path, node), "schema.min-properties", "", "%s has %s; at least %d needed", name, plural(k.Got, "key"), k.Want)
	case *kind.MaxProperties:
		add(r.objectAt(path, node), "schema.max-properties", "", "%s has %s; the limit is %d", name, plural(k.Got, "key"), k.Want)
	case *kind.PropertyNames:
		// The validator shares the buffer behind this error's instance
		// location with later siblings, so the path may be stale: trust it
		// only if it leads to a mapping that has the key.
		kn, _ := r.keyNode(node, k.Property)
		if kn == nil {
			path, node = nil, nil
			name = r.docName()
		}
		pos := r.objectAt(path, node)
		if kn != nil {
			pos = r.at(kn)
		}
		ptr = joinPointer(append(slices.Clip(path), k.Property))
		if len(path) == 0 {
			add(pos, "schema.property-names", desc, "key %q is not a valid name", k.Property)
		} else {
			add(pos, "schema.property-names", desc, "%s has key %q, which is not a valid name here", name, k.Property)
		}
	case *kind.Contains, *kind.MinContains, *kind.MaxContains:
		add(r.at(node), "schema.contains", desc, "%s: %s", name, localized(e))
	case *kind.Not:
		add(r.at(node), "schema.not", desc, "%s has a value it must not have", name)
	case *kind.AnyOf:
		add(r.at(node), "schema.any-of", desc, "%s matches none of the allowed forms", name)
	case *kind.OneOf:
		if len(k.Subschemas) > 1 {
			add(r.at(node), "schema.one-of", desc, "%s matches more than one of the allowed forms", name)
		} else {
			add(r.at(node), "schema.one-of", desc, "%s matches none of the allowed forms", name)
		}
	default:
		add(r.at(node), "schema.invalid", desc, "%s: %s", name, localized(e))
	}
}

// keyNode finds the key node of property p in the mapping n.
func (r *reporter) keyNode(n *yaml.Node, p string) (*yaml.Node, *yaml.Node) {
	d := deref(n)
	if d == nil || d.Kind != yaml.MappingNode {
		return nil, nil
	}
	pr := r.ix.pairs(d)[p]
	return pr.key, pr.val
}

// suggestKey is diag.Suggest, skipped for words far longer than any key
// or value the schemas know, where the edit distance costs much and tells
// nothing.
func suggestKey(word string, candidates []string) string {
	if len(word) > 64 {
		return ""
	}
	return diag.Suggest(word, candidates)
}

func allowedKeys(sch map[string]any) []string {
	props, _ := sch["properties"].(map[string]any)
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func localized(e *jsonschema.ValidationError) string {
	return e.ErrorKind.LocalizedString(message.NewPrinter(language.English))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// typeWord names a JSON type the way someone writing YAML thinks of it.
func typeWord(t string, want bool) string {
	switch t {
	case "array":
		return "a list"
	case "object":
		return "a mapping (key: value pairs)"
	case "string":
		return "a string"
	case "boolean":
		return "true or false"
	case "integer":
		return "a whole number"
	case "number":
		return "a number"
	case "null":
		if want {
			return "empty"
		}
		return "nothing (the value is empty)"
	}
	return t
}

func wantTypes(ts []string) string {
	words := make([]string, len(ts))
	for i, t := range ts {
		words[i] = typeWord(t, true)
	}
	return strings.Join(words, " or ")
}

// typeHint suggests the usual fix for the usual type slips: a bare word
// where a list belongs, a number or yes/no where text belongs.
func typeHint(path []string, k *kind.Type, n *yaml.Node) string {
	text := scalarText(n)
	field := "key"
	if len(path) > 0 {
		field = path[len(path)-1]
	}
	switch {
	case slices.Contains(k.Want, "array") && text != "" && k.Got != "object":
		return fmt.Sprintf("write a list: %s: [%s]", field, text)
	case slices.Contains(k.Want, "string") && (k.Got == "number" || k.Got == "integer" || k.Got == "boolean") && text != "":
		return fmt.Sprintf("quote it to make it text: %q", text)
	}
	return ""
}

// clip shortens s to at most n characters, marking the cut.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// scalarText is the text of a scalar node as written, or "".
func scalarText(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

var legacyDate = regexp.MustCompile(`^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$`)

func formatMessage(name string, k *kind.Format) (msg, hint string) {
	got := display(k.Got, true)
	s, _ := k.Got.(string)
	switch k.Want {
	case "date":
		if m := legacyDate.FindStringSubmatch(s); m != nil {
			mo, _ := strconv.Atoi(m[1])
			d, _ := strconv.Atoi(m[2])
			hint = fmt.Sprintf("write it as %s-%02d-%02d", m[3], mo, d)
		} else {
			hint = "write it as YYYY-MM-DD, for example 2015-03-17"
		}
		return fmt.Sprintf("%s must be a date, YYYY-MM-DD; got %s", name, got), hint
	case "email":
		return fmt.Sprintf("%s must be an e-mail address; got %s", name, got), ""
	case "uri":
		if strings.Contains(s, ".") && !strings.ContainsAny(s, ": ") {
			hint = "add the scheme: https://" + s
		}
		return fmt.Sprintf("%s must be an absolute URL; got %s", name, got), hint
	case "date-time":
		return fmt.Sprintf("%s must be a date and time (RFC 3339); got %s", name, got), ""
	}
	return fmt.Sprintf("%s must be a valid %s; got %s", name, k.Want, got), ""
}

// display renders a JSON value for a message; quote strings when they
// stand for a value the user wrote.
func display(v any, quote bool) string {
	switch v := v.(type) {
	case string:
		if quote {
			return strconv.Quote(v)
		}
		return v
	case nil:
		return "null"
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
