package load

import (
	"testing"

	"github.com/marketplace-program/marketplace/internal/diag"
	"go.yaml.in/yaml/v3"
)

// FuzzParseFrontMatter checks that any input parses without a panic, and
// that every position handed out lies inside the file.
func FuzzParseFrontMatter(f *testing.F) {
	for _, tc := range fmCases {
		f.Add([]byte(tc.in))
	}
	for _, s := range []string{
		legacyHeader + "body",
		"\ufeff{{{\r\n  \"title\": \"x\",\r\n  \"date\": \"1-2-2015\"\r\n}}}\r\n",
		"{{{ \"title\": \"x\", \"date\": \"3-10-2015\", \"attachments\": [], \"contentIsHTML\": false }}}\n",
		"{{{\r  \"title\": \"x\",\r  \"sticky\": false}}}\r\r### Heading",
		"  {{{\n  \"title\": \"x\"\n  }}}\n",
		"{{{\n\"author\": Brandy Smith\",\n}}}\n",
		"{{{}}}",
		"{{{",
		"---\n\xff: \x00\n---\n",
		"---\n" + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[" + "\n---\n",
		";;;\n" + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[" + "\n;;;\n",
		"+++\n[a]\nb.c = {d = [1, {e = 2}]}\n[[f]]\ng = 1979-05-27T07:32:00Z\n+++\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		src := diag.NewSource("f.md", data)
		fm, diags := ParseFrontMatter(src)
		if fm.BodyOffset < 0 || fm.BodyOffset > len(data) || fm.MetaStart < 0 || fm.MetaStart > len(data) {
			t.Fatalf("offsets out of range: MetaStart %d, BodyOffset %d, len %d", fm.MetaStart, fm.BodyOffset, len(data))
		}
		if fm.Meta != nil && fm.Meta.Kind != yaml.MappingNode {
			t.Fatalf("Meta kind %v", fm.Meta.Kind)
		}
		var walk func(n *yaml.Node, depth int)
		walk = func(n *yaml.Node, depth int) {
			if n.Line < 1 || n.Line > src.Lines() || n.Column < 1 {
				t.Fatalf("node %q at %d:%d outside the file (%d lines)", n.Value, n.Line, n.Column, src.Lines())
			}
			for _, c := range n.Content {
				walk(c, depth+1)
			}
		}
		if fm.Meta != nil {
			walk(fm.Meta, 0)
		}
		for _, d := range diags {
			if d.Line < 0 || d.Line > src.Lines() || d.Col < 0 || (d.Line > 0 && d.Col < 1) || d.File != "f.md" || d.Rule == "" {
				t.Fatalf("diagnostic outside the file: %v", d)
			}
		}
	})
}
