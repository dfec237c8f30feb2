package points_test

import (
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/model"
	"github.com/marketplace-program/marketplace/internal/points"
)

// BenchmarkCompute replays a ledger of 200 awards: the worked example and
// 189 customer deployments spread over five years.
func BenchmarkCompute(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(workedExample)
	for i := range 189 {
		fmt.Fprintf(&sb, "  - date: %d-%02d-%02d\n    activity: customer-deployment\n    ref: Customer %d\n",
			2016+i/48, 1+i%48/4, 1+i%4*7, i)
	}
	rules := loadRules(b)
	ledger := parseLedger(b, sb.String())
	if n := len(ledger.Awards); n != 200 {
		b.Fatalf("ledger has %d awards", n)
	}
	asOf := date("2021-01-01")
	st, diags := points.Compute(rules, ledger, asOf)
	if len(diags) > 0 || len(st.Awards) != 200 {
		b.Fatalf("%d awards counted:%s", len(st.Awards), dump(diags))
	}
	b.ReportAllocs()
	for b.Loop() {
		points.Compute(rules, ledger, asOf)
	}
}

// FuzzCompute feeds arbitrary YAML through DecodeLedger and Compute: no
// panic, and every diagnostic inside the file.
func FuzzCompute(f *testing.F) {
	f.Add(workedExample)
	f.Add(certifiedHeader + "  - date: 2015-04-01\n    activity: press-release\n    revoked: {date: 2015-03-01}\n")
	f.Add(lifecycle(applied, accepted, certified, "date: 2016-01-15, type: non-renewal", "date: 2016-04-01, type: applied"))
	f.Add("events: [{date: 2015-02-30, type: certified, checks: [x, {a: b}]}]\nawards: [[], {date: 0001-01-01}]")
	f.Add("events: &e [{date: 2015-01-01, type: applied}]\nawards: *e\n")
	rules := loadRules(f)
	asOf := date("2016-01-01")
	f.Fuzz(func(t *testing.T, text string) {
		data := []byte(text)
		var root yaml.Node
		if yaml.Unmarshal(data, &root) != nil {
			return
		}
		src := diag.NewSource("ledger.yaml", data)
		ledger, decodeDiags := model.DecodeLedger(src, &root)
		_, diags := points.Compute(rules, ledger, asOf)
		for _, d := range append(decodeDiags, diags...) {
			if d.Line < 0 || d.Line > src.Lines() {
				t.Errorf("%s: line outside the file (%d lines)", d, src.Lines())
			}
		}
	})
}
