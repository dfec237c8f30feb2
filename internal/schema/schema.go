// Package schema checks the shape of the program's YAML files against the
// JSON Schemas in schema/*.schema.json and reports each problem as a
// diagnostic at the exact line and column of the offending key or value.
//
// # Schemas
//
// A Validator is built once from an fs.FS holding schema/<kind>.schema.json
// files (the binary's embedded defaults, or a content root's own copies)
// and is then safe for concurrent use. The kinds are partner, ledger,
// article (YAML, TOML or JSON front matter), legacy-article (the {{{ }}}
// header of the original knowledge base) and program (the rules file).
// Format assertions are on: "format": "date", "email" and "uri" are errors,
// not annotations.
//
// The schemas only judge shape. Whether a category exists, whether events
// come in a legal order, or whether an award breaks a points rule is the
// semantic layer's business, since those depend on program.yaml and on the
// other files.
//
// # Positions
//
// Documents are decoded with yaml.v3 into node trees, converted with
// ToValue for the validator, and each error's instance location (a JSON
// pointer) is walked back through the node tree:
//
//   - a wrong value is reported at the value;
//   - an unknown key, or a key the schema forbids in this place, at the key;
//   - a missing required key at the mapping that lacks it (for the top
//     level: the line of its first key, column 1; for an empty file,
//     line 0, meaning the file as a whole).
//
// Diagnostic.Pointer is the JSON pointer of the instance location; for an
// unknown or forbidden key it points at that key's member.
//
// # Rule ids
//
// One rule id per JSON Schema keyword:
//
//	schema.type              wrong type (a string where a list belongs)
//	schema.enum              value not in the allowed list (hint: did you mean)
//	schema.const             value is not the one allowed value
//	schema.format            not a valid date, email, uri, ...
//	schema.pattern           string does not match the pattern
//	schema.min-length        string too short (empty where text is needed)
//	schema.max-length        string too long
//	schema.min-items         list too short
//	schema.max-items         list too long
//	schema.unique            the same item twice in a list
//	schema.contains          list lacks a required kind of item
//	schema.minimum           number too small (also exclusiveMinimum)
//	schema.maximum           number too large (also exclusiveMaximum)
//	schema.multiple-of       number not a multiple of the step
//	schema.required          a required key is missing
//	schema.dependent-required a key needs another key beside it
//	schema.unknown-key       key not allowed here (hint: did you mean)
//	schema.not-allowed       key forbidden by a condition (e.g. checks on a
//	                         non-certified event)
//	schema.min-properties    mapping has too few keys
//	schema.max-properties    mapping has too many keys
//	schema.property-names    a key's name is malformed
//	schema.not               value matches a form it must not
//	schema.any-of            value matches none of the allowed forms
//	schema.one-of            value matches none, or more than one, of the forms
//	schema.unavailable       no schema is loaded for the kind asked for
//	schema.invalid           any other schema failure
package schema

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// Kind names a kind of document, and the schema file that describes it:
// schema/<kind>.schema.json.
type Kind string

// The kinds of document the pipeline validates.
const (
	Partner       Kind = "partner"
	Ledger        Kind = "ledger"
	Article       Kind = "article"
	LegacyArticle Kind = "legacy-article"
	Program       Kind = "program"
)

// Validator holds the compiled schemas. It is safe for concurrent use.
type Validator struct {
	schemas map[Kind]*jsonschema.Schema
	// docs holds each schema's raw JSON by resource URL, to read what the
	// compiled form does not expose: the property names allowed at an
	// object (for did-you-mean) and descriptions (for hints).
	docs map[string]any
}

// New compiles every schema/*.schema.json file of fsys.
func New(fsys fs.FS) (*Validator, error) {
	names, err := fs.Glob(fsys, "schema/*.schema.json")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("schema: no schema/*.schema.json files")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	v := &Validator{schemas: map[Kind]*jsonschema.Schema{}, docs: map[string]any{}}
	urls := map[Kind]string{}
	for _, name := range names {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		u := "https://marketplace.example/" + name
		if m, ok := doc.(map[string]any); ok {
			if id, ok := m["$id"].(string); ok && id != "" {
				u = id
			}
		}
		if err := c.AddResource(u, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		k := Kind(strings.TrimSuffix(path.Base(name), ".schema.json"))
		urls[k] = u
		v.docs[stripFragment(u)] = doc
	}
	for k, u := range urls {
		sch, err := c.Compile(u)
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", k, err)
		}
		v.schemas[k] = sch
	}
	return v, nil
}

// Has reports whether a schema for kind is loaded.
func (v *Validator) Has(kind Kind) bool {
	_, ok := v.schemas[kind]
	return ok
}

// Validate checks the document root (a *yaml.Node tree as yaml.v3 decodes
// it; nil for an empty file, which is judged as an empty mapping) against
// the schema of kind. src names the file and may be nil.
func (v *Validator) Validate(kind Kind, src *diag.Source, root *yaml.Node) diag.List {
	var l diag.List
	file, lines := "", 0
	empty := true
	if src != nil {
		file, lines = src.Name, src.Lines()
		empty = len(strings.TrimSpace(string(src.Data))) == 0
	}
	sch := v.schemas[kind]
	if sch == nil {
		l.Errorf(diag.Pos{File: file}, "schema.unavailable", "", "no schema for %q documents", string(kind))
		return l
	}
	root = deref(root)
	if root != nil && root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		// "---" alone, or "~": nothing written yet, like an empty file.
		root = nil
	}
	var inst any = map[string]any{}
	if root != nil {
		inst = ToValue(root)
	}
	err := sch.Validate(inst)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		l.Errorf(diag.Pos{File: file}, "schema.invalid", "", "%v", err)
		return l
	}
	r := reporter{v: v, kind: kind, file: file, lines: lines, root: root, empty: empty, ix: newIndex()}
	for _, e := range leaves(verr) {
		r.report(&l, e)
	}
	l.Sort()
	return l
}

func stripFragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}

// schemaAt returns the raw JSON of the schema at an absolute schema
// location such as https://…/ledger.schema.json#/$defs/event.
func (v *Validator) schemaAt(loc string) map[string]any {
	base, frag, _ := strings.Cut(loc, "#")
	cur := v.docs[base]
	for _, tok := range splitPointer(frag) {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i := 0
			if _, err := fmt.Sscanf(tok, "%d", &i); err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	m, _ := cur.(map[string]any)
	return m
}

// conditionNote returns the description of the nearest then/else schema
// enclosing loc: the schemas put the reason for a conditional rule there.
func (v *Validator) conditionNote(loc string) string {
	base, frag, _ := strings.Cut(loc, "#")
	toks := splitPointer(frag)
	for i := len(toks); i > 0; i-- {
		if t := toks[i-1]; t == "then" || t == "else" {
			m := v.schemaAt(base + "#" + joinPointer(toks[:i]))
			d, _ := m["description"].(string)
			return d
		}
	}
	return ""
}

// splitPointer splits a URL fragment holding a JSON pointer into its
// unescaped tokens.
func splitPointer(frag string) []string {
	if f, err := url.PathUnescape(frag); err == nil {
		frag = f
	}
	frag = strings.TrimPrefix(frag, "/")
	if frag == "" {
		return nil
	}
	toks := strings.Split(frag, "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks
}

// joinPointer builds a JSON pointer from tokens.
func joinPointer(toks []string) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}
