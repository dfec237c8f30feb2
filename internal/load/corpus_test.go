package load

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/diag"
)

// corpusBundle is the real knowledge base, in shared/ beside the module.
const corpusBundle = "../../../shared/corpus/publickb.bundle"

// TestCorpus loads the 744 articles of the real knowledge base (every one
// has a legacy header, with BOMs, CRLF and CR-only files, and headers that
// share lines with their braces) and expects no problem at all.
func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusBundle); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root := t.TempDir()
	content := filepath.Join(root, "content")
	out, err := exec.Command("git", "clone", "--quiet", corpusBundle, content).CombinedOutput()
	if err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	start := time.Now()
	repo, diags := Load(os.DirFS(root), Options{})
	t.Logf("Load: %v", time.Since(start))
	for _, d := range diags {
		t.Errorf("%v (hint: %s)", d, d.Hint)
	}
	articles, legacy := 0, 0
	for _, a := range repo.Articles {
		if a.Section == "" { // README.md and index.md at the top are not articles
			continue
		}
		articles++
		if a.Format == "legacy" && a.Meta != nil && lookup(a.Meta, "title") != nil {
			legacy++
		} else {
			t.Errorf("%s: format %q, meta %v", a.Path, a.Format, a.Meta)
		}
	}
	if articles != 744 || legacy != 744 {
		t.Errorf("%d articles, %d with a legacy header and a title; want 744", articles, legacy)
	}

	// Two headers broken in the corpus's history, each fixed by a later commit.
	history := []struct{ rev, path, want string }{
		{"fd062b83^", "Servers/how-to-delete-a-server-in-the-control-portal.md", "legacy.syntax 4:11"},
		{"874e2411^", "Ecosystem Partners/Partner Integration Resources/centurylink-cloud-ecosystem-program-guide.md", "legacy.syntax 3:11"},
	}
	for _, h := range history {
		t.Run(h.rev, func(t *testing.T) {
			data, err := exec.Command("git", "-C", content, "show", h.rev+":"+h.path).Output()
			if err != nil {
				t.Fatalf("git show: %v", err)
			}
			_, diags := ParseFrontMatter(diag.NewSource(h.path, data))
			if got := diagStrings(diags); len(got) != 1 || got[0] != h.want ||
				diags[0].Hint != "a string value needs a double quote before it" {
				t.Errorf("diags = %v, want %s with a hint", diags, h.want)
			}
		})
	}
}
