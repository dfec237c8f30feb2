package project

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// corpusAsOf is the as-of date of the golden output; the corpus has no
// ledgers, so it matters only to keep runs reproducible.
var corpusAsOf = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

// TestCorpus checks the real knowledge base: every one of its 744 articles
// loads, and the diagnostics are exactly the genuine problems of the files,
// kept in testdata/corpus/validate.golden (go test -run TestCorpus -update).
func TestCorpus(t *testing.T) {
	root := corpusRoot(t)
	start := time.Now()
	p, err := Open(os.DirFS(root), Options{AsOf: corpusAsOf})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Open: %v, %d diagnostics", time.Since(start), len(p.Diags))

	if len(p.Articles) != 744 {
		t.Errorf("%d articles, want 744", len(p.Articles))
	}
	for _, a := range p.Articles {
		if a.Format != "legacy" || a.Meta == nil || a.Title == "" {
			t.Errorf("%s: format %q, title %q: want a legacy header with a title", a.Path, a.Format, a.Title)
		}
	}
	// Every header in the corpus parses (its broken ones were fixed in its
	// history), so any problem from the load stage is a loader bug.
	for _, d := range p.Diags {
		stage, _, _ := strings.Cut(d.Rule, ".")
		switch stage {
		case "load", "frontmatter", "legacy", "json", "yaml", "toml":
			t.Errorf("unexpected parse problem: %v", d)
		}
	}

	var b strings.Builder
	for _, d := range p.Diags {
		fmt.Fprintln(&b, d)
	}
	golden := filepath.Join("testdata", "corpus", "validate.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestCorpus -update to create it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("diagnostics differ from %s (run with -update to accept):\n%s", golden, lineDiff(string(want), got))
	}
}

// lineDiff lists the lines only in want (-) and only in got (+), enough to
// see what changed in a sorted list without a diff library.
func lineDiff(want, got string) string {
	count := map[string]int{}
	for _, l := range strings.Split(want, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(got, "\n") {
		count[l]--
	}
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if count[l] > 0 {
			count[l]--
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if count[l] < 0 {
			count[l]++
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}

// corpusBundle is the real knowledge base, in shared/ beside the module.
func corpusBundle() (string, bool) {
	dir, err := filepath.Abs(".")
	if err != nil {
		return "", false
	}
	for {
		p := filepath.Join(dir, "shared", "corpus", "publickb.bundle")
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// corpusRoot returns a content root whose content/ holds the category
// folders of the real KB. It skips when the bundle or git is missing,
// except that CI, which has the bundle, must also have git.
func corpusRoot(tb testing.TB) string {
	tb.Helper()
	bundle, ok := corpusBundle()
	if !ok {
		tb.Skip("corpus bundle shared/corpus/publickb.bundle not found")
	}
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("the corpus bundle is present but git is not installed: %v", err)
		}
		tb.Skipf("git not installed: %v", err)
	}
	corpus.once.Do(func() {
		corpus.root, corpus.err = buildCorpusRoot(bundle, fixtureDir)
	})
	if corpus.err != nil {
		tb.Fatal(corpus.err)
	}
	return corpus.root
}

// buildCorpusRoot clones the bundle and moves its category folders under
// root/content/. The README.md and index.md at the top are the repository's
// own pages, not articles, and the corpus has no partners/.
func buildCorpusRoot(bundle, dir string) (string, error) {
	clone := filepath.Join(dir, "publickb")
	out, err := exec.Command("git", "clone", "--quiet", bundle, clone).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git clone %s: %v\n%s", bundle, err, out)
	}
	root := filepath.Join(dir, "corpus")
	content := filepath.Join(root, "content")
	if err := os.MkdirAll(content, 0o755); err != nil {
		return "", err
	}
	entries, err := os.ReadDir(clone)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		switch e.Name() {
		case ".git", "README.md", "index.md":
			continue
		}
		if err := os.Rename(filepath.Join(clone, e.Name()), filepath.Join(content, e.Name())); err != nil {
			return "", err
		}
	}
	return root, nil
}

// corpus is the cloned knowledge base, built once per test binary.
var corpus struct {
	once sync.Once
	root string
	err  error
}
