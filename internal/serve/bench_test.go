package serve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/gen"
	"github.com/marketplace-program/marketplace/internal/watch"
)

// BenchmarkSaveToReload measures, on a generated root of 500 partners and
// 10,000 articles, the time from writing a file to the build event that
// makes open pages reload: the watcher's quiet period, the incremental
// build of both sites and the event. The full first build is reported as
// full-build-ms, the build alone as build-ms.
//
//	go test -run '^$' -bench SaveToReload -benchtime 20x ./internal/serve
func BenchmarkSaveToReload(b *testing.B) {
	root := b.TempDir()
	if err := gen.Write(root, gen.Options{Partners: 500, Articles: 10000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	s, err := New(Options{Root: root, AsOf: gen.AsOf, Internal: true})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	ev := s.Build(nil, true)
	if !ev.OK {
		b.Fatalf("first build:\n%.2000s", ev.Text)
	}
	full := time.Since(start)
	w, err := watch.New(root, watch.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	events, unsubscribe := s.Subscribe()
	defer unsubscribe()
	done := make(chan struct{})
	ctx, cancel := contextWithCancel()
	go func() { s.Run(ctx, w.Batches()); close(done) }()
	defer func() { cancel(); <-done }()

	// A public article of a certified partner, as a partner would edit.
	var rel string
	entries, _ := filepath.Glob(filepath.Join(root, "content", "partner-*", "public", "*.md"))
	if len(entries) == 0 {
		b.Fatal("no partner article in the generated root")
	}
	slices.Sort(entries)
	rel, _ = filepath.Rel(root, entries[len(entries)/2])
	rel = filepath.ToSlash(rel)
	orig, err := os.ReadFile(entries[len(entries)/2])
	if err != nil {
		b.Fatal(err)
	}
	partnerID := strings.Split(rel, "/")[1]
	partner := filepath.Join(root, "partners", partnerID, "partner.yaml")
	origPartner, err := os.ReadFile(partner)
	if err != nil {
		b.Fatal(err)
	}

	edits := []struct {
		name string
		file string
		edit func(i int) []byte
	}{
		{"body", entries[len(entries)/2], func(i int) []byte { return fmt.Appendf(slices.Clone(orig), "\nEdit number %d.\n", i) }},
		{"title", entries[len(entries)/2], func(i int) []byte {
			return []byte(strings.Replace(string(orig), "title: ", fmt.Sprintf("title: Edit %d ", i), 1))
		}},
		{"partner", partner, func(i int) []byte { return fmt.Appendf(slices.Clone(origPartner), "\n# edit %d\n", i) }},
	}
	b.Logf("full build of both sites: %v", full.Round(time.Millisecond))
	for _, e := range edits {
		b.Run(e.name, func(b *testing.B) {
			var build time.Duration
			var lat []time.Duration
			b.StopTimer()
			for i := range b.N {
				// A person pauses between saves: let the search index of
				// the last build finish (it runs in the background and
				// would compete for the CPU). The timer is stopped.
				waitSearch(s)
				b.StartTimer()
				start := time.Now()
				if err := os.WriteFile(e.file, e.edit(i), 0o644); err != nil {
					b.Fatal(err)
				}
				var ev Event
				select {
				case ev = <-events:
				case <-time.After(60 * time.Second):
					b.Fatal("no build event")
				}
				took := time.Since(start)
				b.StopTimer()
				if !ev.OK {
					b.Fatalf("build failed:\n%.2000s", ev.Text)
				}
				build += ev.Took
				lat = append(lat, took)
			}
			waitSearch(s)
			slices.Sort(lat)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(build)/float64(b.N), "build-ms")
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*9/10]), "p90-ms")
			b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
			b.ReportMetric(float64(full.Milliseconds()), "full-build-ms")
		})
	}
}

// waitSearch waits for the background work of the current build: its
// search index and the collection of its garbage.
func waitSearch(s *Server) {
	if ps := s.snap.Load().search; ps != nil {
		<-ps.settled
	}
}

func contextWithCancel() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}
