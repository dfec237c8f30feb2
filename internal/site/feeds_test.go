package site

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/load"
	"github.com/marketplace-program/marketplace/internal/project"
)

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"<p>Hello <b>world</b></p>", "Hello world"},
		{"<p>one</p><p>two</p>", "one two"},
		{"a<br>b", "a b"},
		{"  \n<h2 id=\"x\">Title</h2>\n\n<p>text\tmore</p>\n", "Title text more"},
		{"<code>a &lt; b &amp;&amp; c &gt; d</code>", "a < b && c > d"},
		{"x&nbsp;y", "x y"},
		{"x\u00a0y", "x y"},
		{"caf&eacute; déjà", "café déjà"},
		{"&#34;quoted&#34;", `"quoted"`},
		{"&unknown; stays", "&unknown; stays"},
	}
	for _, tt := range tests {
		if got := plainText([]byte(tt.in)); got != tt.want {
			t.Errorf("plainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNewestMatchesSorting(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	var arts []*project.Article
	for range 300 {
		a := &project.Article{Article: &load.Article{Path: fmt.Sprintf("content/s/%03d.md", rnd.IntN(1000))},
			Date: time.Date(2020, 1, 1+rnd.IntN(40), 0, 0, 0, 0, time.UTC)} // many ties
		arts = append(arts, a)
	}
	sorted := slices.Clone(arts)
	slices.SortStableFunc(sorted, func(a, b *project.Article) int {
		return cmp.Or(b.Date.Compare(a.Date), strings.Compare(a.Path, b.Path))
	})
	for _, n := range []int{0, 1, 8, 300, 400} {
		got := newest(arts, n)
		want := sorted[:min(n, len(sorted))]
		if len(got) != len(want) {
			t.Fatalf("newest(%d): %d articles, want %d", n, len(got), len(want))
		}
		for i := range want {
			if got[i].Date != want[i].Date || got[i].Path != want[i].Path {
				t.Errorf("newest(%d)[%d] = %s %s, want %s %s", n, i, got[i].Date, got[i].Path, want[i].Date, want[i].Path)
			}
		}
	}
}

func TestFirstNIsAStableSortsPrefix(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	type item struct{ key, seq int }
	var s []item
	for i := range 500 {
		s = append(s, item{rnd.IntN(20), i})
	}
	byKey := func(a, b item) int { return cmp.Compare(a.key, b.key) }
	sorted := slices.Clone(s)
	slices.SortStableFunc(sorted, byKey)
	for _, n := range []int{0, 1, 7, 50, 500, 600} {
		if got, want := firstN(s, n, byKey), sorted[:min(n, len(sorted))]; !slices.Equal(got, want) {
			t.Errorf("firstN(%d) = %v, want %v", n, got, want)
		}
	}
}
