package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/gen"
)

func TestZZProf(t *testing.T) {
	root := os.Getenv("ZZROOT")
	s, _ := New(Options{Root: root, AsOf: gen.AsOf, Internal: true})
	s.Build(nil, true)
	entries, _ := filepath.Glob(filepath.Join(root, "content", "partner-*", "public", "*.md"))
	slices.Sort(entries)
	f := entries[len(entries)/2]
	rel, _ := filepath.Rel(root, f)
	orig, _ := os.ReadFile(f)
	defer os.WriteFile(f, orig, 0o644)
	waitSearch(s)
	pf, _ := os.Create("/tmp/cpu3.prof")
	pprof.StartCPUProfile(pf)
	for i := range 30 {
		os.WriteFile(f, fmt.Appendf(slices.Clone(orig), "\nEdit %d\n", i), 0o644)
		t0 := time.Now()
		p, _ := s.proj.Update([]string{rel}, false)
		t1 := time.Now()
		c0, _ := s.sites[0].Build(p)
		t2 := time.Now()
		c1, _ := s.sites[1].Build(p)
		t3 := time.Now()
		if i%6 == 0 {
			t.Logf("project %v public %v (%d pages) internal %v (%d pages) diags %d", t1.Sub(t0), t2.Sub(t1), c0.Pages, t3.Sub(t2), c1.Pages, len(p.Diags))
		}
	}
	pprof.StopCPUProfile()
}
