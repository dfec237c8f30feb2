package load

import (
	"strings"
	"testing"

	"github.com/marketplace-program/marketplace/internal/diag"
)

// TestDeepNesting makes sure hostile nesting ends in a syntax error, not in
// a stack overflow (which Go cannot recover from).
func TestDeepNesting(t *testing.T) {
	const n = 300_000
	open, closed := strings.Repeat("[", n), strings.Repeat("[", n)+strings.Repeat("]", n)
	tests := []struct{ name, in, rule string }{
		{"yaml", "---\na: " + closed + "\n---\n", "yaml.syntax"},
		{"yaml block", "---\n" + strings.Repeat("- ", n) + "x\n---\n", "yaml.syntax"},
		{"json", ";;;\n{\"a\": " + closed + "}\n;;;\n", "json.syntax"},
		{"legacy", "{{{\"a\": " + open + "}}}\n", "legacy.syntax"},
		{"toml", "+++\na = " + open + "\n+++\n", "toml.syntax"},
		{"toml closed", "+++\na = " + closed + "\n+++\n", "toml.syntax"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := ParseFrontMatter(diag.NewSource("a.md", []byte(tc.in)))
			if len(diags) != 1 || diags[0].Rule != tc.rule {
				t.Errorf("diags = %v, want one %s", diags, tc.rule)
			}
		})
	}
}
