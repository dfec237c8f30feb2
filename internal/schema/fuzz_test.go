package schema

import (
	"strings"
	"testing"

	"github.com/marketplace-program/marketplace/internal/diag"
	"go.yaml.in/yaml/v3"
)

// FuzzValidate feeds arbitrary YAML to every kind: Validate must not panic,
// and every position it reports must lie inside the file.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		"", "# c\n", okPartner, okLedger, okArticle, okLegacy,
		"name: &a [*a]\n",
		"a: &a {<<: *a}\n",
		"<<: [*x]\n",
		"? [a, b]\n: c\n",
		"{\"title\": \"T\", \"date\": \"1-1-2015\", \"author\": \"A\", \"stickyt\": true}",
		"events:\n  - {date: 2015-13-40, type: standing, checks: [a, a]}\nawards: [{revoked: {}}]\n",
		"categories: storage\nsummary: " + strings.Repeat("é", 170) + "\n",
		"name: !!binary aGVsbG8=\nsummary: !!timestamp 2015-01-01\nx: .inf\ny: 0x1F\nz: 1_000\n",
		"tiers: [{min_points: -1}]\nactivities: [{points: {Silver: x}, repeat: twice}]\n",
	} {
		f.Add(s)
	}
	v := newValidator(f)
	kinds := []Kind{Partner, Ledger, Article, LegacyArticle, Program}
	f.Fuzz(func(t *testing.T, text string) {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
			return
		}
		root := &doc
		if doc.Kind == 0 {
			root = nil
		}
		src := diag.NewSource("f.yaml", []byte(text))
		for _, k := range kinds {
			for _, d := range v.Validate(k, src, root) {
				if d.Line < 0 || d.Line > src.Lines() || d.Col < 0 {
					t.Errorf("%s: position %d:%d outside the file", k, d.Line, d.Col)
				}
				if d.Pointer != "" && !strings.HasPrefix(d.Pointer, "/") {
					t.Errorf("%s: pointer %q", k, d.Pointer)
				}
				if d.Rule == "" || d.Msg == "" {
					t.Errorf("%s: empty rule or message: %+v", k, d)
				}
			}
		}
	})
}
