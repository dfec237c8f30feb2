package load

import (
	"fmt"
	"strings"
	"testing"

	"github.com/marketplace-program/marketplace/internal/diag"
	"go.yaml.in/yaml/v3"
)

// want names a value by its dotted key path, with its text, tag and
// position ("" tag: any).
type want struct {
	path, value, tag string
	line, col        int
}

type fmCase struct {
	name      string
	in        string
	format    string
	metaStart int
	body      string   // the body text, when checked ("-": not checked)
	diags     []string // "rule line:col"
	values    []want
	noMeta    bool
}

// legacyHeader is the shape every article of the real corpus starts with.
const legacyHeader = "{{{\n" +
	"  \"title\": \"Getting Started with X\",\n" +
	"  \"date\": \"01-15-2015\",\n" +
	"  \"author\": \"Jane Doe\",\n" +
	"  \"attachments\": [],\n" +
	"  \"contentIsHTML\": false\n" +
	"}}}\n"

var fmCases = []fmCase{
	// YAML
	{name: "yaml", in: "---\ntitle: y\ndate: 2015-01-05\ncount: 3\n---\n# Body\n", format: "yaml", body: "# Body\n",
		values: []want{{"title", "y", "!!str", 2, 8}, {"date", "2015-01-05", "!!timestamp", 3, 7}, {"count", "3", "!!int", 4, 8}}},
	{name: "yaml/yaml-delimiter", in: "---yaml\ntitle: x\n---\nb", format: "yaml", body: "b",
		values: []want{{"title", "x", "!!str", 2, 8}}},
	{name: "yaml/leading blank lines", in: "\n  \n---\ntitle: x\n---\nb", format: "yaml", metaStart: 4, body: "b",
		values: []want{{"title", "x", "!!str", 4, 8}}},
	{name: "yaml/CRLF", in: "---\r\ntitle: Hello\r\nn: 2\r\n---\r\nbody", format: "yaml", body: "body",
		values: []want{{"title", "Hello", "!!str", 2, 8}, {"n", "2", "!!int", 3, 4}}},
	{name: "yaml/CR only", in: "---\rtitle: Hello\rn: 2\r---\rbody", format: "yaml", body: "body",
		values: []want{{"title", "Hello", "!!str", 2, 8}, {"n", "2", "!!int", 3, 4}}},
	{name: "yaml/BOM", in: "\ufeff---\ntitle: x\n---\nb", format: "yaml", metaStart: 3, body: "b",
		values: []want{{"title", "x", "!!str", 2, 8}}},
	{name: "yaml/non-ASCII columns", in: "---\nnom: é\nété: x\n---\n", format: "yaml",
		values: []want{{"nom", "é", "!!str", 2, 6}, {"été", "x", "!!str", 3, 6}}},
	{name: "yaml/nested", in: "---\na:\n  b:\n    - c\n---\n", format: "yaml",
		values: []want{{"a.b", "", "!!seq", 4, 5}}},
	{name: "yaml/empty", in: "---\n---\nbody", format: "yaml", body: "body", noMeta: true},
	{name: "yaml/tab indentation", in: "---\na:\n  b: 1\n\tc: 2\n---\n", format: "yaml", noMeta: true,
		diags: []string{"yaml.syntax 4:1"}},
	{name: "yaml/mapping values on first line", in: "---\ntitle: a: b\n---\n", format: "yaml", noMeta: true,
		diags: []string{"yaml.syntax 2:9"}},
	{name: "yaml/mapping values later", in: "---\nx: 1\ntitle: Intro: more\n---\n", format: "yaml", noMeta: true,
		diags: []string{"yaml.syntax 3:13"}},
	{name: "yaml/at sign", in: "---\nx: 1\nauthor: @jane\n---\n", format: "yaml", noMeta: true,
		diags: []string{"yaml.syntax 3:9"}},
	{name: "yaml/backtick", in: "---\nx: 1\ncode: `ls`\n---\n", format: "yaml", noMeta: true,
		diags: []string{"yaml.syntax 3:7"}},
	{name: "yaml/unknown escape", in: "---\nx: 1\npath: \"C:\\dir\"\n---\n", format: "yaml", noMeta: true,
		diags: []string{"yaml.syntax 3:10"}},
	{name: "yaml/parser error line", in: "---\nx:\n- a\nb: 1\nc\n---\n", format: "yaml", noMeta: true,
		diags: []string{"yaml.syntax 5:1"}},
	{name: "yaml/duplicate key", in: "---\ntitle: a\nx: 1\ntitle: b\n---\n", format: "yaml",
		diags: []string{"yaml.duplicate-key 4:1"}},
	{name: "yaml/nested duplicate key", in: "---\na:\n  b: 1\n  b: 2\n---\n", format: "yaml",
		diags: []string{"yaml.duplicate-key 4:3"}},
	{name: "yaml/alias", in: "---\na: &x 1\nb: *x\n---\n", format: "yaml",
		diags: []string{"yaml.alias 3:4"}},
	{name: "yaml/not a mapping", in: "---\n- a\n---\n", format: "yaml", noMeta: true,
		diags: []string{"yaml.not-mapping 2:1"}},
	{name: "yaml/unterminated", in: "---\ntitle: x\n\nbody\n", format: "yaml", noMeta: true, body: "-",
		diags: []string{"frontmatter.unterminated 1:1"}},
	{name: "yaml/unterminated indented", in: "\n  ---\ntitle: x\n", format: "yaml", metaStart: 3, noMeta: true, body: "-",
		diags: []string{"frontmatter.unterminated 2:3"}},

	// TOML
	{name: "toml", in: "+++\ntitle = \"y\"\ndate = 2015-01-05\ntags = [\"a\", \"b\"]\n[extra]\nn = 1.5\n+++\nbody", format: "toml", body: "body",
		values: []want{{"title", "y", "!!str", 2, 9}, {"date", "2015-01-05", "!!timestamp", 3, 8},
			{"tags", "", "!!seq", 4, 8}, {"extra.n", "1.5", "!!float", 6, 5}}},
	{name: "toml/toml-delimiter CRLF", in: "---toml\r\ntitle = 'x'\r\n---\r\nbody", format: "toml", body: "body",
		values: []want{{"title", "x", "!!str", 2, 9}}},
	{name: "toml/CR only", in: "+++\rtitle = \"x\"\rok = true\r+++\rbody", format: "toml", body: "body",
		values: []want{{"ok", "true", "!!bool", 3, 6}}},
	{name: "toml/syntax error", in: "+++\ntitle = \"x\"\nbad = = 2\n+++\n", format: "toml", noMeta: true,
		diags: []string{"toml.syntax 3:7"}},
	{name: "toml/syntax error CRLF BOM", in: "\ufeff+++\r\ntitle = \"x\"\r\nbad = = 2\r\n+++\r\n", format: "toml", metaStart: 3, noMeta: true,
		diags: []string{"toml.syntax 3:7"}},
	{name: "toml/inline table", in: "+++\na = {b = 1}\n[t]\nb = 2\n+++\n", format: "toml",
		values: []want{{"a.b", "1", "!!int", 2, 5}, {"t.b", "2", "!!int", 4, 5}}},
	{name: "toml/duplicate key", in: "+++\na = 1\na = 2\n+++\n", format: "toml", noMeta: true,
		diags: []string{"toml.syntax 3:1"}},

	// JSON
	{name: "json", in: ";;;\n{\"title\": \"x\", \"n\": 2.5, \"k\": 3, \"z\": null}\n;;;\nbody", format: "json", body: "body",
		values: []want{{"title", "x", "!!str", 2, 11}, {"n", "2.5", "!!float", 2, 21}, {"k", "3", "!!int", 2, 31}, {"z", "null", "!!null", 2, 39}}},
	{name: "json/json-delimiter", in: "---json\n{\"title\": \"y\"}\n---\nbody", format: "json", body: "body",
		values: []want{{"title", "y", "!!str", 2, 11}}},
	{name: "json/bare object", in: "{\n  \"title\": \"x\",\n  \"tags\": [\"a\", {\"b\": true}]\n}\n\nbody", format: "json", body: "body",
		values: []want{{"title", "x", "!!str", 2, 12}, {"tags", "", "!!seq", 3, 11}}},
	{name: "json/bare object without blank line is body", in: "{\n\"a\": 1\n}\nbody\n", body: "-", noMeta: true},
	{name: "json/not an object", in: ";;;\n[1]\n;;;\n", format: "json", noMeta: true,
		diags: []string{"json.not-object 2:1"}},
	{name: "json/duplicate key", in: ";;;\n{\"a\": 1, \"a\": 2}\n;;;\n", format: "json",
		diags: []string{"json.duplicate-key 2:10"}},
	{name: "json/trailing comma", in: ";;;\n{\"a\": 1,}\n;;;\n", format: "json", noMeta: true,
		diags: []string{"json.syntax 2:8"}},
	{name: "json/trailing comma in list", in: ";;;\n{\"a\": [1,\n ]}\n;;;\n", format: "json", noMeta: true,
		diags: []string{"json.syntax 2:9"}},
	{name: "json/missing comma", in: ";;;\n{\"a\": 1\n \"b\": 2}\n;;;\n", format: "json", noMeta: true,
		diags: []string{"json.syntax 3:2"}},
	{name: "json/single quotes", in: ";;;\n{'a': 1}\n;;;\n", format: "json", noMeta: true,
		diags: []string{"json.syntax 2:2"}},
	{name: "json/bad literal", in: ";;;\n{\"a\": tru}\n;;;\n", format: "json", noMeta: true,
		diags: []string{"json.syntax 2:10"}},
	{name: "json/unterminated", in: ";;;\n{\"a\": 1\n", format: "json", noMeta: true, body: "-",
		diags: []string{"frontmatter.unterminated 1:1"}},
	{name: "json/trailing text", in: ";;;\n{\"a\": 1} x\n;;;\n", format: "json", noMeta: true,
		diags: []string{"json.syntax 2:10"}},

	// Legacy
	{name: "legacy", in: legacyHeader + "body", format: "legacy", body: "body",
		values: []want{{"title", "Getting Started with X", "!!str", 2, 12}, {"date", "01-15-2015", "!!str", 3, 11},
			{"attachments", "", "!!seq", 5, 18}, {"contentIsHTML", "false", "!!bool", 6, 20}}},
	{name: "legacy/CRLF", in: strings.ReplaceAll(legacyHeader, "\n", "\r\n") + "body", format: "legacy", body: "body",
		values: []want{{"date", "01-15-2015", "!!str", 3, 11}}},
	{name: "legacy/CR only", in: strings.ReplaceAll(legacyHeader, "\n", "\r") + "\rbody", format: "legacy", body: "\rbody",
		values: []want{{"date", "01-15-2015", "!!str", 3, 11}}},
	{name: "legacy/BOM", in: "\ufeff" + legacyHeader + "body", format: "legacy", metaStart: 3, body: "body",
		values: []want{{"title", "Getting Started with X", "!!str", 2, 12}}},
	{name: "legacy/opening on a key line", in: "{{{ \"title\": \"x\",\n  \"date\": \"1-5-2015\"\n}}}\nbody", format: "legacy", body: "body",
		values: []want{{"title", "x", "!!str", 1, 14}, {"date", "1-5-2015", "!!str", 2, 11}}},
	{name: "legacy/closing on a key line", in: "{{{\n  \"title\": \"x\",\n  \"contentIsHTML\": false }}}\nbody", format: "legacy", body: "body",
		values: []want{{"contentIsHTML", "false", "!!bool", 3, 20}}},
	{name: "legacy/one line with BOM", in: "\ufeff{{{ \"title\": \"x\", \"n\": 1 }}}\nbody", format: "legacy", metaStart: 3, body: "body",
		values: []want{{"title", "x", "!!str", 1, 14}, {"n", "1", "!!int", 1, 24}}},
	{name: "legacy/one line then body", in: "{{{ \"title\": \"x\" }}}### Heading", format: "legacy", body: "### Heading",
		values: []want{{"title", "x", "!!str", 1, 14}}},
	{name: "legacy/indented", in: "\n  {{{\n  \"title\": \"x\"\n  }}}\nbody", format: "legacy", metaStart: 3, body: "body",
		values: []want{{"title", "x", "!!str", 3, 12}}},
	{name: "legacy/empty", in: "{{{\n}}}\nbody", format: "legacy", body: "body"},
	{name: "legacy/author missing opening quote", in: "{{{\n  \"title\": \"x\",\n  \"author\": Brandy Smith\",\n  \"date\": \"1-1-2015\"\n}}}\nbody",
		format: "legacy", body: "body", noMeta: true, diags: []string{"legacy.syntax 3:13"}},
	{name: "legacy/date missing opening quote", in: "{{{\n  \"title\": \"x\",\n  \"date\": 11-30-2015\",\n  \"author\": \"A\"\n}}}\nbody",
		format: "legacy", body: "body", noMeta: true, diags: []string{"legacy.syntax 3:11"}},
	{name: "legacy/missing closing quote", in: "{{{\n  \"title\": \"x,\n  \"date\": \"1-1-2015\"\n}}}\nbody",
		format: "legacy", body: "body", noMeta: true, diags: []string{"legacy.syntax 2:15"}},
	{name: "legacy/trailing comma", in: "{{{\n  \"title\": \"x\",\n}}}\nbody", format: "legacy", body: "body", noMeta: true,
		diags: []string{"legacy.syntax 2:15"}},
	{name: "legacy/duplicate key", in: "{{{\n  \"title\": \"x\",\n  \"title\": \"y\"\n}}}\n", format: "legacy",
		diags: []string{"legacy.duplicate-key 3:3"}},
	{name: "legacy/brace closes early", in: "{{{ \"a\": 1 } \"b\": 2 }}}\n", format: "legacy", noMeta: true,
		diags: []string{"legacy.syntax 1:14"}},
	{name: "legacy/unterminated", in: "{{{\n  \"title\": \"x\"\n\nbody\n", format: "legacy", noMeta: true, body: "-",
		diags: []string{"frontmatter.unterminated 1:1"}},

	// None
	{name: "none", in: "# Hello\n\ntext\n", body: "# Hello\n\ntext\n", noMeta: true},
	{name: "none/empty file", in: "", body: "", noMeta: true},
	{name: "none/blank file", in: "\n\n", body: "\n\n", noMeta: true},
}

func TestParseFrontMatter(t *testing.T) {
	for _, tc := range fmCases {
		t.Run(tc.name, func(t *testing.T) {
			src := diag.NewSource("a.md", []byte(tc.in))
			fm, diags := ParseFrontMatter(src)
			if fm.Format != tc.format {
				t.Errorf("Format = %q, want %q", fm.Format, tc.format)
			}
			if fm.MetaStart != tc.metaStart {
				t.Errorf("MetaStart = %d, want %d", fm.MetaStart, tc.metaStart)
			}
			if tc.body != "-" && tc.in[fm.BodyOffset:] != tc.body {
				t.Errorf("body = %q, want %q", tc.in[fm.BodyOffset:], tc.body)
			}
			if got := diagStrings(diags); strings.Join(got, "; ") != strings.Join(tc.diags, "; ") {
				t.Errorf("diags = %q, want %q\n%v", got, tc.diags, diags)
			}
			if tc.noMeta && fm.Meta != nil {
				t.Errorf("Meta = %v, want nil", fm.Meta)
			}
			if !tc.noMeta && tc.format != "" && fm.Meta == nil && tc.name != "yaml/empty" {
				t.Errorf("Meta = nil, want a mapping")
			}
			if fm.Meta != nil && fm.Meta.Kind != yaml.MappingNode {
				t.Errorf("Meta kind = %v, want mapping", fm.Meta.Kind)
			}
			for _, w := range tc.values {
				n := lookup(fm.Meta, w.path)
				if n == nil {
					t.Errorf("%s: missing", w.path)
					continue
				}
				if n.Value != w.value || (w.tag != "" && n.Tag != w.tag) || n.Line != w.line || n.Column != w.col {
					t.Errorf("%s = %q %s at %d:%d, want %q %s at %d:%d", w.path, n.Value, n.Tag, n.Line, n.Column,
						w.value, w.tag, w.line, w.col)
				}
			}
		})
	}
}

func TestParseFrontMatterHints(t *testing.T) {
	tests := []struct{ name, in, hint string }{
		{"author", "{{{\n  \"author\": Brandy Smith\",\n}}}\n", "a string value needs a double quote before it"},
		{"date", "{{{\n  \"date\": 11-30-2015\",\n \"a\": 1\n}}}\n", "a string value needs a double quote before it"},
		{"trailing comma", "{{{\n  \"a\": 1,\n}}}\n", "remove the comma after the last item"},
		{"tab", "---\na:\n\tb: 1\n---\n", "indent with spaces: YAML does not allow tabs in indentation"},
		{"colon", "---\ntitle: a: b\n---\n", `put the value in quotes: an unquoted value cannot contain ": "`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := ParseFrontMatter(diag.NewSource("a.md", []byte(tc.in)))
			if len(diags) != 1 || diags[0].Hint != tc.hint {
				t.Errorf("diags = %v, want one with hint %q", diags, tc.hint)
			}
		})
	}
}

// lookup follows a dotted key path through mappings.
func lookup(n *yaml.Node, path string) *yaml.Node {
	for _, k := range strings.Split(path, ".") {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}

func diagStrings(l diag.List) []string {
	var out []string
	for _, d := range l {
		out = append(out, fmt.Sprintf("%s %d:%d", d.Rule, d.Line, d.Col))
	}
	return out
}
