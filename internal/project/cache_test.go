package project

import (
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/diag"
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
	if len(want.Articles) != len(got.Articles) || len(want.Partners) != len(got.Partners) {
		t.Fatalf("%s: %d articles and %d partners, want %d and %d", what,
			len(got.Articles), len(got.Partners), len(want.Articles), len(want.Partners))
	}
	for i, a := range want.Articles {
		b := got.Articles[i]
		la, lb := *a.Article, *b.Article
		la.Meta, la.Known, lb.Meta, lb.Known = nil, false, nil, false
		if !similar(reflect.ValueOf(la), reflect.ValueOf(lb)) {
			t.Errorf("%s: %s: loaded differently", what, a.Path)
		}
		ca, cb := *a, *b
		ca.Article, cb.Article = nil, nil
		if !similar(reflect.ValueOf(ca), reflect.ValueOf(cb)) {
			t.Errorf("%s: %s: decoded differently:\nwant %+v\ngot  %+v", what, a.Path, ca, cb)
		}
	}
	for i, pa := range want.Partners {
		pb := got.Partners[i]
		if !similar(reflect.ValueOf(pa.Info), reflect.ValueOf(pb.Info)) || !similar(reflect.ValueOf(pa.Ledger), reflect.ValueOf(pb.Ledger)) {
			t.Errorf("%s: partner %s decoded differently", what, pa.ID)
		}
		if !similar(reflect.ValueOf(pa.Standing), reflect.ValueOf(pb.Standing)) {
			t.Errorf("%s: partner %s: standing differs:\nwant %+v\ngot  %+v", what, pa.ID, pa.Standing, pb.Standing)
		}
		if !maps.Equal(pa.schemaBad, pb.schemaBad) && len(pa.schemaBad)+len(pb.schemaBad) > 0 || pa.unknownKey != pb.unknownKey {
			t.Errorf("%s: partner %s: schema findings differ", what, pa.ID)
		}
	}
}

// similar is reflect.DeepEqual as gob sees values: a nil and an empty
// slice or map are alike. Pointers are followed, so two projects' copies of
// the same source compare equal.
func similar(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	if a.Type() == reflect.TypeFor[diag.Source]() {
		// Its line table is made on demand, by one project and not the other.
		return similar(a.FieldByName("Name"), b.FieldByName("Name")) && similar(a.FieldByName("Data"), b.FieldByName("Data"))
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return similar(a.Elem(), b.Elem())
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !similar(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			v := b.MapIndex(k)
			if !v.IsValid() || !similar(a.MapIndex(k), v) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := range a.NumField() {
			if !similar(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	}
	panic("similar: no comparison for " + a.Type().String())
}
