package project

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/load"
)

// TestCacheChangesNothing opens real roots without the article cache, with
// an empty one and with the one that run filled, and requires the same
// diagnostics and the same scans each time: the cache may only save work.
func TestCacheChangesNothing(t *testing.T) {
	roots := map[string]string{"example": filepath.Join("..", "..")}
	if !testing.Short() {
		roots["corpus"] = corpusRoot(t)
	}
	for name, root := range roots {
		t.Run(name, func(t *testing.T) {
			asOf := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
			open := func(c *Cache) *Project {
				t.Helper()
				p, err := Open(load.DirFS(root), Options{AsOf: asOf, Cache: c})
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			want := open(nil)
			if len(want.Articles) == 0 {
				t.Fatal("no articles")
			}
			dir := t.TempDir()
			cold := OpenCache(dir, root)
			check(t, "cold cache", want, open(cold))
			if cold.Hits() != 0 {
				t.Errorf("an empty cache had %d hits", cold.Hits())
			}
			if err := cold.Save(); err != nil {
				t.Fatal(err)
			}
			warm := OpenCache(dir, root)
			check(t, "warm cache", want, open(warm))
			if h, n := warm.Hits(), len(want.Articles); h < n*9/10 {
				t.Errorf("warm cache answered %d of %d articles", h, n)
			}
		})
	}
}

func check(t *testing.T, what string, want, got *Project) {
	t.Helper()
	if !slices.Equal(want.Diags, got.Diags) {
		t.Errorf("%s: diagnostics differ:\nwant %v\ngot  %v", what, want.Diags, got.Diags)
	}
	for i, a := range want.Articles {
		b := got.Articles[i]
		// %+v prints a nil and an empty slice alike, as gob restores them.
		if ws, gs := fmt.Sprintf("%+v", a.Scan), fmt.Sprintf("%+v", b.Scan); ws != gs {
			t.Errorf("%s: %s: scan differs:\nwant %s\ngot  %s", what, a.Path, ws, gs)
		}
		if a.Title != b.Title || a.Date != b.Date || a.PartnerID != b.PartnerID || a.Audience != b.Audience {
			t.Errorf("%s: %s: front matter differs", what, a.Path)
		}
	}
}
