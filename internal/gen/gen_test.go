package gen_test

import (
	"bytes"
	"os"
	"path/filepath"
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
