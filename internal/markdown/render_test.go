package markdown

import (
	"bytes"
	"flag"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the .html parts of testdata/render/*.txtar")

// testResolve stands in for the site: relative destinations are taken from
// /kb/partners/acme/, a .md file becomes its page ("../Section/other.md#x"
// gives "/kb/partners/section/other/#x"), and anything under missing/ is
// not kept.
func testResolve(dest string, _ bool) (string, bool) {
	if strings.HasPrefix(dest, "missing/") {
		return "", false
	}
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" || strings.HasPrefix(u.Path, "/") {
		return dest, true
	}
	p := path.Join("/kb/partners/acme", u.Path)
	if strings.HasSuffix(p, ".md") {
		p = strings.ToLower(strings.TrimSuffix(p, ".md")) + "/"
	}
	u.Path = p
	return u.String(), true
}

// TestRender runs the spec files in testdata/render: each name.md (or
// name.htm, a contentIsHTML body) is rendered with testResolve and compared
// with name.html. -update rewrites the expected parts.
func TestRender(t *testing.T) {
	files, err := filepath.Glob("testdata/render/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no spec files: %v", err)
	}
	e := New()
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			changed := false
			for i := 0; i < len(ar.Files); i++ {
				in := ar.Files[i]
				name, ext := strings.TrimSuffix(in.Name, path.Ext(in.Name)), path.Ext(in.Name)
				if ext != ".md" && ext != ".htm" {
					continue
				}
				want := -1
				if i+1 < len(ar.Files) && ar.Files[i+1].Name == name+".html" {
					want = i + 1
				}
				t.Run(name, func(t *testing.T) {
					res, err := e.Render(in.Data, RenderOptions{Resolve: testResolve, ContentIsHTML: ext == ".htm"})
					if err != nil {
						t.Fatal(err)
					}
					got := res.HTML
					if len(got) > 0 && got[len(got)-1] != '\n' {
						got = append(got, '\n')
					}
					if v := violations(got); len(v) > 0 {
						t.Errorf("unsafe output: %v", v)
					}
					switch {
					case *update && want < 0:
						ar.Files = append(ar.Files[:i+1], append([]txtar.File{{Name: name + ".html", Data: got}}, ar.Files[i+1:]...)...)
						changed = true
					case *update:
						if !bytes.Equal(ar.Files[want].Data, got) {
							ar.Files[want].Data = got
							changed = true
						}
					case want < 0:
						t.Fatalf("no %s.html part after %s", name, in.Name)
					case !bytes.Equal(ar.Files[want].Data, got):
						t.Errorf("%s:\n--- got\n%s--- want\n%s", in.Name, got, ar.Files[want].Data)
					}
				})
			}
			if changed {
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
