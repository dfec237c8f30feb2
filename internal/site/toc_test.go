package site

import (
	"html/template"
	"strings"
	"testing"

	"github.com/marketplace-program/marketplace/internal/markdown"
)

// tocTemplate is the template tocHTML replaced; html/template's escaping
// of it is the reference for tocHTML's.
const tocTemplate = `<ol>
{{- range .}}
  <li class="toc-{{.Level}}"><a href="#{{.ID}}">{{.Text}}</a></li>
{{- end}}
</ol>`

func TestTOCHTMLAsTemplate(t *testing.T) {
	tmpl := template.Must(template.New("toc").Parse(tocTemplate))
	tests := [][]markdown.Heading{
		{{Level: 2, ID: "install", Text: "Install"}},
		{{Level: 2, ID: "a-b_c.d~e", Text: "A b"}, {Level: 3, ID: "über-straße", Text: "Über Straße"}},
		{{Level: 3, ID: "c-and-c", Text: `C++ & "C#" <tags> 'quoted'`}},
		{{Level: 2, ID: "odd id/with?#%&=+", Text: "nul\x00here"}},
		{{Level: 2, ID: "日本語", Text: "日本語 \ufdd0 \ufffe"}},
		{{Level: 2, ID: "bad\xffutf8", Text: "bad\xffutf8"}},
	}
	for _, hs := range tests {
		var want strings.Builder
		if err := tmpl.Execute(&want, hs); err != nil {
			t.Fatal(err)
		}
		if got := string(tocHTML(hs)); got != want.String() {
			t.Errorf("tocHTML(%+v):\n got %q\nwant %q", hs, got, want.String())
		}
	}
	if got := tocHTML(nil); got != "" {
		t.Errorf("tocHTML(nil) = %q, want nothing", got)
	}
}
