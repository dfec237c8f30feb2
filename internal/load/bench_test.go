package load

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/marketplace-program/marketplace/internal/testroot"
)

// BenchmarkLoad loads a generated root of 10,000 articles in 100 folders,
// in all four header formats, plus 50 partner folders.
func BenchmarkLoad(b *testing.B) {
	root := b.TempDir()
	body := strings.Repeat("Some text with a [link](../other/page.md) and `code`.\n\n", 30)
	headers := []string{
		legacyHeader,
		"---\ntitle: Getting Started %d\ndate: 2015-01-05\nauthor: Jane Doe\ntags: [a, b]\n---\n",
		"+++\ntitle = \"Getting Started %d\"\ndate = 2015-01-05\n+++\n",
		";;;\n{\"title\": \"Getting Started %d\", \"date\": \"2015-01-05\"}\n;;;\n",
	}
	write := func(p, s string) {
		if err := testroot.WriteFile(root, p, s); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 10_000 {
		h := headers[i%len(headers)]
		if strings.Contains(h, "%d") {
			h = fmt.Sprintf(h, i)
		}
		dir := fmt.Sprintf("content/section-%02d", i%100)
		if i%10 == 0 {
			dir = fmt.Sprintf("content/partner-%02d/public", i%50)
		}
		write(fmt.Sprintf("%s/article-%05d.md", dir, i), h+body)
	}
	for i := range 50 {
		write(fmt.Sprintf("partners/partner-%02d/partner.yaml", i), "name: Partner\ntier: gold\ncontacts:\n  - name: A\n    email: a@example.com\n")
		write(fmt.Sprintf("partners/partner-%02d/ledger.yaml", i), "events:\n"+strings.Repeat("  - {date: 2024-01-05, kind: article, points: 10}\n", 20))
	}
	fsys := os.DirFS(root)
	b.ResetTimer()
	for b.Loop() {
		repo, diags := Load(fsys, Options{})
		if len(repo.Articles) != 10_000 || len(diags) != 0 {
			b.Fatalf("%d articles, diags %v", len(repo.Articles), diags)
		}
	}
}
