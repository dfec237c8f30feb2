package prcheck

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden prints one pull request in every format: a partner adds an
// article whose title is full of Markdown, and also edits its own ledger,
// which takes it to Gold and is not its to change. The article links to a
// heading that does not exist, and an old problem sits elsewhere.
func TestGolden(t *testing.T) {
	r := newTestRepo(t)
	r.edit("content/zenith/public/guide.md", "Hello", "See [missing](nowhere.md). Hello")
	r.commit("an old broken link")
	r.branch("pr")
	r.write("content/acme/public/setup.md", strings.Replace(newArticle,
		`"Setting up Acme"`, `"Setup | *fast* <b>bold</b> [x](javascript:alert(1)) @team"`, 1)+"See [install](guide.md#install).\n")
	r.write("partners/acme/ledger.yaml", r.read("partners/acme/ledger.yaml")+goldAward)
	r.commit("the change")
	res, err := Check(context.Background(), Options{Dir: r.dir, Base: "master", Head: "pr", Author: "acme-dev",
		AsOf: asOf, PreviewURL: "https://preview.example/pr-7/"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file  string
		write func(*bytes.Buffer, *Result) error
	}{
		{"golden.md", func(b *bytes.Buffer, r *Result) error { return WriteMarkdown(b, r) }},
		{"golden.json", func(b *bytes.Buffer, r *Result) error { return WriteJSON(b, r) }},
		{"golden.txt", func(b *bytes.Buffer, r *Result) error { return WriteText(b, r) }},
		{"golden.github", func(b *bytes.Buffer, r *Result) error { return WriteGitHub(b, r) }},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, res); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.file)
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("%s differs (go test -update rewrites it):\n%s", path, firstDiff(got, string(want)))
			}
		})
	}
}

// firstDiff shows the first line where got and want part.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + a + "\nwant: " + b
		}
	}
	return ""
}
