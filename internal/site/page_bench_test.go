package site

import (
	"os"
	"testing"

	"github.com/marketplace-program/marketplace/internal/gen"
	"github.com/marketplace-program/marketplace/internal/project"
)

// discardSink takes pages and keeps nothing, so that a benchmark of the
// templates measures executing them, not holding their output.
type discardSink struct{}

func (discardSink) Put(string, []byte) error { return nil }

// BenchmarkArticlePage executes the article page template of both sites
// over generated articles whose bodies are already rendered: the page
// work a build does per article besides rendering its body.
func BenchmarkArticlePage(b *testing.B) {
	root := b.TempDir()
	if err := gen.Write(root, gen.Options{Partners: 20, Articles: 200, Seed: 3}); err != nil {
		b.Fatal(err)
	}
	p, err := project.Open(os.DirFS(root), project.Options{AsOf: gen.AsOf})
	if err != nil {
		b.Fatal(err)
	}
	bl, err := NewBuilder(Options{BaseURL: "https://marketplace.example.com/"})
	if err != nil {
		b.Fatal(err)
	}
	var runs []*run
	for _, aud := range []Audience{Internal, Public} {
		r := bl.newRun(p, aud, newView(p, aud))
		r.sink = discardSink{}
		r.bodies = map[string]renderedArticle{}
		for _, a := range r.v.articles {
			cb, err := render(r, a)
			if err != nil {
				b.Fatal(err)
			}
			r.bodies[a.Path] = cb.out
		}
		runs = append(runs, r)
	}
	b.ReportAllocs()
	b.ResetTimer()
	pages := 0
	for b.Loop() {
		for _, r := range runs {
			for _, a := range r.v.articles {
				if err := r.articlePage(a, r.bodies[a.Path]); err != nil {
					b.Fatal(err)
				}
				pages++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(pages), "ns/page")
}
