package history

import (
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkHistoryCold computes the corpus history with no cache (the
// cache is still written, as a first build would).
//
//	go test ./internal/history -run '^$' -bench History -benchtime 10x
func BenchmarkHistoryCold(b *testing.B) {
	dir := cloneCorpus(b)
	cacheRoot := b.TempDir()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		h, _, err := Load(dir, "", Options{CacheDir: filepath.Join(cacheRoot, strconv.Itoa(i))})
		if err != nil {
			b.Fatal(err)
		}
		if h.Stats().Walked != 4631 {
			b.Fatalf("walked %d commits", h.Stats().Walked)
		}
	}
}

// BenchmarkHistoryWarm reads the history from the cache of the same HEAD.
func BenchmarkHistoryWarm(b *testing.B) {
	dir := cloneCorpus(b)
	opts := Options{CacheDir: b.TempDir()}
	if _, _, err := Load(dir, "", opts); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		h, _, err := Load(dir, "", opts)
		if err != nil {
			b.Fatal(err)
		}
		if s := h.Stats(); s.Walked != 0 || !s.Cached {
			b.Fatalf("warm run walked %d commits", s.Walked)
		}
	}
}
