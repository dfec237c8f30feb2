package search

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestClientInNode runs testdata/search_test.mjs under node --test against
// an index of smallCorpus written to a temporary site, with the Go
// tokenizer's output for tokenCases and for random tricky strings, which
// the script compares with search.js. Without node the test is skipped,
// except in CI (CI=true), where it fails.
func TestClientInNode(t *testing.T) {
	node, ok := findNode(t)
	if !ok {
		t.Skip("node not found; search.js is not tested")
	}
	script, err := filepath.Abs("testdata/search_test.mjs")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	site := writeSite(t, buildFiles(smallCorpus(), config{shardBytes: 2 << 10, chunkSize: 50}))

	type tokenCase struct {
		Name  string   `json:"name"`
		In    string   `json:"in"`
		Index []string `json:"index"`
		Query []string `json:"query"`
	}
	var cases []tokenCase
	add := func(name, in string) {
		cases = append(cases, tokenCase{name, in, orEmpty(Terms(in, false)), orEmpty(Terms(in, true))})
	}
	for _, tc := range tokenCases {
		add(tc.name, tc.in)
	}
	// Random strings over an alphabet chosen to hit every branch of the
	// tokenizer and the stemmer.
	pieces := strings.Fields(`a e i o u s es ies ing ed ied ss us x ch sh z k t n r l d p y A B C É é ü Ü ß İ ı Σ σ
		ﬁ Ａ ① ² 7 0 東 ก ा ् - -- + ++ # ' ’ . , / _ : @`)
	pieces = append(pieces, " ", " ", " ", "\u0301", "\u00a0", "\t")
	r := rand.New(rand.NewPCG(7, 8))
	for range 400 {
		var b strings.Builder
		for range 1 + r.IntN(14) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		add("random", b.String())
	}
	tokens, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	tokensPath := filepath.Join(dir, "tokens.json")
	if err := os.WriteFile(tokensPath, tokens, 0o644); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(node, "--test", script)
	cmd.Env = append(os.Environ(), "SEARCH_SITE="+site, "SEARCH_TOKENS="+tokensPath)
	out, err := cmd.CombinedOutput()
	if err != nil || testing.Verbose() {
		t.Logf("node --test %s:\n%s", script, out)
	}
	if err != nil {
		t.Fatalf("node: %v", err)
	}
}

// findNode returns the path of node. Its absence fails the test in CI
// (CI=true) and is reported as false elsewhere.
func findNode(t *testing.T) (string, bool) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is required in CI to test search.js")
		}
		return "", false
	}
	return node, true
}

// writeSite writes files under a new temporary directory and returns it.
func writeSite(t *testing.T, files map[string][]byte) string {
	t.Helper()
	site := t.TempDir()
	for name, b := range files {
		path := filepath.Join(site, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return site
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
