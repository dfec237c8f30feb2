package project

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/load"
	"github.com/marketplace-program/marketplace/internal/markdown"
	"github.com/marketplace-program/marketplace/internal/memo"
	"github.com/marketplace-program/marketplace/internal/testroot"
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
		if lb.Unread {
			// Not read: nothing to compare but where its parts lie.
			la.Body, lb.Body, lb.Unread = nil, nil, false
		} else if !bytes.Equal(la.Source.Data, lb.Source.Data) {
			t.Errorf("%s: %s: read differently", what, a.Path)
		}
		if !similar(reflect.ValueOf(la), reflect.ValueOf(lb)) {
			t.Errorf("%s: %s: loaded differently", what, a.Path)
		}
		ca, cb := *a, *b
		// The content key exists only with a cache; TestSkipUnchanged
		// checks it.
		ca.Article, cb.Article, cb.unread = nil, nil, nil
		ca.Content, cb.Content = memo.Key{}, memo.Key{}
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
		// Its line table is made on demand, by one project and not the
		// other, and an unread file has no data: check compares that.
		return similar(a.FieldByName("Name"), b.FieldByName("Name"))
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

// TestSkipUnchanged: with SkipUnchanged, a file the cache vouches for by
// its stat is not read, and the result is the same as without a cache;
// any change to a file, even one that keeps its size and modification
// time, has it read again; and a file changed just before the run is not
// vouched for.
func TestSkipUnchanged(t *testing.T) {
	root := t.TempDir()
	if err := testroot.CopyExample(root, "partners", "content"); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		t.Helper()
		if err := testroot.WriteFile(root, name, text); err != nil {
			t.Fatal(err)
		}
	}
	broken := "content/Program/broken-links.md"
	write(broken, "---\ntitle: Broken\ndate: \"2026-01-05\"\nauthor: Ecosystem team\n---\n\nSee [the guide](missing.md) and <b>this</b>.\n")

	asOf := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	later := time.Now().Add(time.Hour) // every file counts as long unchanged
	dir := t.TempDir()
	open := func(skip bool, began time.Time) (*Project, *Cache) {
		t.Helper()
		c := OpenCache(dir, root)
		p, err := Open(load.DirFS(root), Options{AsOf: asOf, Cache: c, SkipUnchanged: skip, began: began})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		return p, c
	}
	fresh := func() *Project {
		t.Helper()
		p, err := Open(load.DirFS(root), Options{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	unread := func(p *Project) (n int) {
		for _, a := range p.Articles {
			if a.Unread {
				n++
			}
		}
		return n
	}
	sameText := func(what string, want, got *Project) {
		t.Helper()
		for _, d := range want.Diags {
			if d.Line == 0 {
				continue
			}
			w, _ := want.Sources()[d.File].LineText(d.Line)
			g, _ := got.Sources()[d.File].LineText(d.Line)
			if w != g {
				t.Errorf("%s: %s:%d reads %q, want %q", what, d.File, d.Line, g, w)
			}
		}
	}

	// A cold run reads everything; the next skips what it vouched for.
	first, _ := open(true, later)
	if unread(first) != 0 {
		t.Fatalf("a cold cache left %d articles unread", unread(first))
	}
	want := fresh()
	if len(want.Diags) == 0 {
		t.Fatal("the root should have diagnostics to print")
	}
	got, _ := open(true, later)
	if n := unread(got); n != len(got.Articles) {
		t.Errorf("%d of %d articles unread; all should be", n, len(got.Articles))
	}
	// Only what a diagnostic points into is read, for the printers.
	for _, a := range got.Articles {
		if hasDiag := slices.ContainsFunc(got.Diags, func(d diag.Diagnostic) bool { return d.File == a.Path }); hasDiag != (a.Source.Data != nil) {
			t.Errorf("%s: has diagnostics %v, but read %v", a.Path, hasDiag, a.Source.Data != nil)
		}
	}
	check(t, "skipping", want, got)
	sameText("skipping", want, got)
	// An unread article has the content key of the bytes the first run
	// read, and Text reads them.
	keys := map[memo.Key]string{}
	for i, a := range got.Articles {
		b := first.Articles[i]
		if a.Content == (memo.Key{}) || a.Content != b.Content {
			t.Errorf("%s: content key %x unread, %x read", a.Path, a.Content[:4], b.Content[:4])
		}
		if other, dup := keys[a.Content]; dup {
			t.Errorf("%s and %s have one content key", a.Path, other)
		}
		keys[a.Content] = a.Path
		if !bytes.Equal(a.Text(), b.Body) || len(b.Body) == 0 {
			t.Errorf("%s: Text of the unread article is not the body read before", a.Path)
		}
	}

	// Without SkipUnchanged every file is read, and the stats are kept.
	if p, _ := open(false, later); unread(p) != 0 {
		t.Errorf("SkipUnchanged off, yet %d articles unread", unread(p))
	}

	// Same size, same modification time: the change time tells.
	name := "partners/beaconwatch/partner.yaml"
	fi, err := os.Stat(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(root, name))
	edited := strings.Replace(string(data), "name: ", "name: X", 1)
	edited = edited[:len(data)]
	write(name, edited)
	if err := os.Chtimes(filepath.Join(root, name), fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	got, _ = open(true, later)
	check(t, "after an edit", fresh(), got)
	if pa, _ := got.Partner("beaconwatch"); pa.Info == nil || !strings.HasPrefix(pa.Info.Name, "X") || pa.Dir.Partner.Unread {
		t.Errorf("the edited partner.yaml was not read again")
	}

	// Files changed just before the run are read, and no stat vouches for
	// them, so the run after reads them too.
	dir = t.TempDir()
	now := time.Now()
	open(true, now)
	if p, _ := open(true, now); unread(p) != 0 {
		t.Errorf("%d articles changed a moment ago were left unread", unread(p))
	}
}

// TestSharedEngine opens the example root with a Markdown engine that is
// rendering other bodies all the while, as build and serve share theirs
// with the site, and requires the project Open makes with its own.
func TestSharedEngine(t *testing.T) {
	root := filepath.Join("..", "..")
	asOf := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	want, err := Open(load.DirFS(root), Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	md := markdown.New()
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		body := []byte("# Other\n\nSee [setup](../setup.md#install) and <b>this</b>.\n\n```bash\necho hi\n```\n")
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := md.Render(body, markdown.RenderOptions{}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	got, err := Open(load.DirFS(root), Options{AsOf: asOf, Markdown: md})
	close(stop)
	<-stopped
	if err != nil {
		t.Fatal(err)
	}
	check(t, "shared engine", want, got)
}
