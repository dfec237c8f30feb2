package gen_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/marketplace-program/marketplace/internal/gen"
	"github.com/marketplace-program/marketplace/internal/project"
)

// TestGeneratedRootIsValid keeps the generator honest: every ledger obeys
// the rules and every link resolves, and every status and tier appears.
func TestGeneratedRootIsValid(t *testing.T) {
	dir := t.TempDir()
	if err := gen.Write(dir, gen.Options{Partners: 30, Articles: 300, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	p, err := project.Open(os.DirFS(dir), project.Options{AsOf: gen.AsOf})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Diags.Errors() {
		t.Errorf("%v", d)
	}
	seen := map[string]bool{}
	for _, pa := range p.Partners {
		seen[pa.Standing.Status+"/"+pa.Standing.Tier] = true
	}
	for _, want := range []string{"applicant/", "candidate/", "certified/silver", "certified/gold", "certified/platinum", "declined/", "withdrawn/"} {
		if !seen[want] {
			t.Errorf("no partner is %s; have %v", want, seen)
		}
	}
	if len(p.Articles) != 300 {
		t.Errorf("%d articles, want 300", len(p.Articles))
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if err := gen.Write(d, gen.Options{Partners: 12, Articles: 40, Seed: 3}); err != nil {
			t.Fatal(err)
		}
	}
	err := filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestArticlesLookLikeTheCorpus checks the shape the benchmarks rely on:
// body sizes near the corpus's quantiles and every construct present.
func TestArticlesLookLikeTheCorpus(t *testing.T) {
	dir := t.TempDir()
	if err := gen.Write(dir, gen.Options{Partners: 200, Articles: 1000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	var all bytes.Buffer
	images := 0
	err := filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if filepath.Ext(p) == ".png" {
			images++
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		parts := bytes.SplitN(b, []byte("---\n"), 3)
		if len(parts) != 3 {
			t.Errorf("%s: no front matter", p)
			return nil
		}
		sizes = append(sizes, len(parts[2]))
		all.Write(parts[2])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(sizes)
	q := func(f float64) int { return sizes[int(f*float64(len(sizes)-1))] }
	// The corpus: median 4,260 bytes, p90 9,338, max 68,248.
	for _, c := range []struct {
		name      string
		got, want int
	}{{"median", q(0.5), 4260}, {"p90", q(0.9), 9338}} {
		if c.got < c.want*8/10 || c.got > c.want*12/10 {
			t.Errorf("%s body size %d, want about %d", c.name, c.got, c.want)
		}
	}
	if largest := sizes[len(sizes)-1]; largest < 30000 || largest > 68248 {
		t.Errorf("largest body %d, want between 30,000 and the corpus's 68,248", largest)
	}
	if images < 1000 {
		t.Errorf("%d images for 1,000 articles, want about 3 per article", images)
	}
	for _, want := range []string{"### Overview", "| --- |", "```bash", "![", ".md#", "<table>", "<p>", "[^n", "- [x]", "~~"} {
		if !bytes.Contains(all.Bytes(), []byte(want)) {
			t.Errorf("no article holds %q", want)
		}
	}
}
