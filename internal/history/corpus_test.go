package history

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// gitFacts is what git log says about one path.
type gitFacts struct {
	created, updated string
	authors          []string // distinct, most recent first
}

func factsFromLog(lines []string) gitFacts {
	var f gitFacts
	for i, l := range lines {
		name, date, _ := strings.Cut(l, "|")
		if i == 0 {
			f.updated = date
		}
		f.created = date
		if !slices.Contains(f.authors, name) {
			f.authors = append(f.authors, name)
		}
	}
	return f
}

func factsOf(h *History, p string) (gitFacts, bool) {
	c, u, a, ok := h.File(p)
	return gitFacts{created: c.Format(time.DateOnly), updated: u.Format(time.DateOnly), authors: a}, ok
}

// TestCorpusMatchesGit checks every article of the real knowledge base
// against git log itself, path by path.
func TestCorpusMatchesGit(t *testing.T) {
	dir := cloneCorpus(t)
	env := gitEnv(t.TempDir())
	start := time.Now()
	h, notices, err := Load(dir, "", Options{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("history of %d commits, %d paths in %s", h.Stats().Commits, h.Len(), time.Since(start))
	if len(notices) != 0 {
		t.Errorf("notices: %q", notices)
	}
	if got := h.Stats().Commits; got != 4631 {
		t.Errorf("commits = %d, want 4631", got)
	}

	t.Run("every path ever, one git log", func(t *testing.T) {
		// One git log listing each non-merge commit's changed paths, in
		// git's walk order, gives every path's facts at once, deleted
		// paths included.
		out := gitRun(t, dir, env, "-c", "core.quotePath=false", "log", "--no-merges", "--no-renames",
			"--format=%x00%aN|%ad", "--date=short", "--name-only")
		lines := map[string][]string{}
		for _, rec := range strings.Split(out, "\x00")[1:] {
			head, names, _ := strings.Cut(rec, "\n")
			for _, p := range strings.Split(strings.TrimSpace(names), "\n") {
				if p == "" {
					continue
				}
				if strings.HasPrefix(p, `"`) {
					t.Fatalf("quoted path %s", p)
				}
				lines[p] = append(lines[p], head)
			}
		}
		if len(lines) != h.Len() {
			t.Errorf("git log names %d paths, the history %d", len(lines), h.Len())
		}
		bad := 0
		for p, ls := range lines {
			got, _ := factsOf(h, p)
			if g, w := fmt.Sprint(got), fmt.Sprint(factsFromLog(ls)); g != w {
				if bad++; bad <= 10 {
					t.Errorf("%s:\n got %s\nwant %s", p, g, w)
				}
			}
		}
	})

	var files []string
	for _, f := range strings.Split(gitRun(t, dir, env, "ls-files", "-z"), "\x00") {
		if strings.HasSuffix(f, ".md") {
			files = append(files, f)
		}
	}
	if len(files) != 746 {
		t.Fatalf("%d Markdown files, want 746", len(files))
	}
	// Changed-path Bloom filters make each git log -- path skip most tree
	// diffs; they change no result.
	gitRun(t, dir, env, "commit-graph", "write", "--reachable", "--changed-paths")

	want := make([]gitFacts, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range 2 * runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out := gitRun(t, dir, env, "log", "--full-history", "--no-merges", "--format=%aN|%ad", "--date=short", "--", files[i])
				want[i] = factsFromLog(strings.Split(strings.TrimSpace(out), "\n"))
			}
		}()
	}
	checked := 0
	for i := range files {
		// -short asks git about every tenth file only (18 s → 3 s).
		if testing.Short() && i%10 != 0 {
			continue
		}
		next <- i
		checked++
	}
	close(next)
	wg.Wait()

	bad := 0
	for i, f := range files {
		if want[i].updated == "" {
			continue // not asked
		}
		got, ok := factsOf(h, f)
		if !ok {
			t.Errorf("%s: no history", f)
			bad++
			continue
		}
		if g, w := fmt.Sprint(got), fmt.Sprint(want[i]); g != w {
			bad++
			if bad <= 20 {
				t.Errorf("%s:\n got %s\nwant %s", f, g, w)
			}
		}
	}
	t.Logf("%d of %d files match git log", checked-bad, checked)
}
