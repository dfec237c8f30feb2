package markdown

import (
	"os"
	"testing"
)

func benchInput(b *testing.B) []byte {
	b.Helper()
	body, err := os.ReadFile("testdata/bench/article.md")
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkRender renders a corpus-shaped article: headings, a table, code
// in three languages, alerts, footnotes, links and a task list.
func BenchmarkRender(b *testing.B) {
	body := benchInput(b)
	e := New()
	opts := RenderOptions{Resolve: func(d string, _ bool) (string, bool) { return d, true }}
	b.Run("markdown", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := e.Render(body, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The same article with raw HTML, which adds the sanitizer.
	raw := append([]byte("<p align=\"center\"><img src=\"images/logo.png\" alt=\"Tidewater\" width=\"120\"></p>\n\n"), body...)
	b.Run("rawhtml", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			if _, err := e.Render(raw, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkScan is what validation pays per article; 10,000 articles must
// stay under a second on two cores.
func BenchmarkScan(b *testing.B) {
	body := benchInput(b)
	e := New()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		e.Scan(body)
	}
}
