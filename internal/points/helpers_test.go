package points_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/marketplace-program/marketplace"
	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/model"
)

// loadRules decodes the program.yaml that ships in the binary, so these
// tests judge the real rules file.
func loadRules(t testing.TB) *model.Rules {
	t.Helper()
	data, err := fs.ReadFile(marketplace.Defaults, "program.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	rules, diags := model.DecodeRules(diag.NewSource("program.yaml", data), &root)
	if len(diags) > 0 {
		t.Fatalf("program.yaml: %v", diags)
	}
	return rules
}

// parseLedger decodes ledger text as the loader would; decoding problems
// fail the test.
func parseLedger(t testing.TB, text string) *model.Ledger {
	t.Helper()
	data := []byte(text)
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		t.Fatalf("ledger YAML: %v", err)
	}
	l, diags := model.DecodeLedger(diag.NewSource("ledger.yaml", data), &root)
	if len(diags) > 0 {
		t.Fatalf("DecodeLedger: %v", diags)
	}
	return l
}

func date(s string) time.Time {
	t, ok := model.ParseDate(s)
	if !ok {
		panic("bad test date " + s)
	}
	return t
}

// where is a diagnostic reduced to what tests compare.
type where struct {
	Rule      string
	Line, Col int
	Severity  diag.Severity
}

func (w where) String() string {
	return fmt.Sprintf("%d:%d %s %s", w.Line, w.Col, w.Severity, w.Rule)
}

func wheres(l diag.List) []where {
	l.Sort()
	out := make([]where, len(l))
	for i, d := range l {
		out[i] = where{d.Rule, d.Line, d.Col, d.Severity}
	}
	return out
}

func dump(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		fmt.Fprintf(&b, "\n\t%s (hint %q)", d, d.Hint)
	}
	return b.String()
}

func datePtr(t *time.Time) string {
	if t == nil {
		return "<nil>"
	}
	return t.Format(time.DateOnly)
}
