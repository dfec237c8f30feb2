package markdown

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/txtar"
)

func TestHeadingID(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"non-ASCII letters kept", "Überblick", "überblick"},
		{"spaces become hyphens", "Before you begin", "before-you-begin"},
		{"punctuation dropped", "What's new in v2.0?", "whats-new-in-v20"},
		{"hyphen and underscore kept", "snake_case vs kebab-case", "snake_case-vs-kebab-case"},
		{"every space counts", "C++ / C#", "c--c"},
		{"emoji dropped", "🚀 Launch", "-launch"},
		{"nothing left", "🎉 !!", "-"},
		{"empty", "  ", "section"},
		{"other scripts", "日本語 テスト Ελληνικά", "日本語-テスト-ελληνικά"},
		{"combining marks kept", "Cafe\u0301", "cafe\u0301"},
		{"digits", "2026 Plan", "2026-plan"},
		{"surrounding space trimmed", "  Setup  ", "setup"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := HeadingID(tc.text, nil); got != tc.want {
				t.Errorf("HeadingID(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestHeadingIDRepeats(t *testing.T) {
	seen := map[string]int{}
	var got []string
	for _, text := range []string{"Setup", "Setup", "Setup-1", "Setup", "Other", "setup"} {
		got = append(got, HeadingID(text, seen))
	}
	want := []string{"setup", "setup-1", "setup-1-1", "setup-2", "other", "setup-3"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestScan(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Scan
	}{
		{
			name: "inline placeholders",
			body: "Run on <your-server-name> as <Parameter Name>.\n",
			want: Scan{Placeholders: []Placeholder{{7, "<your-server-name>"}, {29, "<Parameter Name>"}}},
		},
		{
			name: "placeholder alone on a line",
			body: "Intro.\n\n<Parameter Name=\"x\"/>\n",
			want: Scan{Placeholders: []Placeholder{{8, `<Parameter Name="x"/>`}}},
		},
		{
			name: "closing placeholder",
			body: "a </Command> b\n",
			want: Scan{Placeholders: []Placeholder{{2, "</Command>"}}},
		},
		{
			name: "code is not a placeholder",
			body: "`<your-server-name>`\n\n```\n<Parameter Name>\n```\n\n    <indented>\n",
			want: Scan{},
		},
		{
			name: "placeholder inside an HTML block",
			body: "<div>\nUse <your-token> here\n</div>\n",
			want: Scan{RawHTML: []int{0}, Placeholders: []Placeholder{{10, "<your-token>"}}},
		},
		{
			name: "real inline HTML",
			body: "Press <kbd>Ctrl</kbd>.\n",
			want: Scan{RawHTML: []int{6, 15}},
		},
		{
			name: "references",
			body: "[a](x.md) ![b](i.png) <https://go.dev> www.example.com\n\n<a href=\"y.md\">y</a>\n",
			want: Scan{
				Refs: []Ref{
					{Dest: "x.md", Offset: 0},
					{Dest: "i.png", Offset: 10, Image: true},
					{Dest: "https://go.dev", Offset: 22},
					{Dest: "http://www.example.com", Offset: 39},
					{Dest: "y.md", Offset: 59, InHTML: true},
				},
				RawHTML: []int{56, 72},
			},
		},
		{
			name: "destination decoded",
			body: "[q](a&amp;b.md) [e](a\\_b.md)\n",
			want: Scan{Refs: []Ref{{Dest: "a&b.md", Offset: 0}, {Dest: "a_b.md", Offset: 16}}},
		},
		{
			name: "HTML inside a blockquote maps back to the body",
			body: "> <div>\n> <img alt=\"x\" src=\"a.png\">\n> </div>\n",
			want: Scan{
				Refs:    []Ref{{Dest: "a.png", Offset: 23, Image: true, InHTML: true}},
				RawHTML: []int{2},
			},
		},
		{
			name: "commented-out HTML is no reference",
			body: "<!-- <img src=\"old.png\"> -->\n",
			want: Scan{RawHTML: []int{0}},
		},
		{
			name: "headings",
			body: "# Überblick\n\ntext\n\n## Überblick\n\n<h3>Raw <em>one</em></h3>\n\nSetext\n===\n",
			want: Scan{
				RawHTML: []int{35},
				Headings: []Heading{
					{Level: 1, ID: "überblick", Text: "Überblick", Offset: 0},
					{Level: 2, ID: "überblick-1", Text: "Überblick", Offset: 20},
					{Level: 3, ID: "raw-one", Text: "Raw one", Offset: 35},
					{Level: 1, ID: "setext", Text: "Setext", Offset: 62},
				},
			},
		},
	}
	e := New()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := e.Scan([]byte(tc.body))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Scan(%q)\n got %+v\nwant %+v", tc.body, got, tc.want)
			}
		})
	}
}

func TestScanHTML(t *testing.T) {
	body := "<p>Intro</p>\n<h3>Package <b>Format</b></h3>\n<img src=\"a.png\">\n<p><Parameter Name> and *not markdown*</p>\n"
	got := New().ScanHTML([]byte(body))
	want := Scan{
		Refs:         []Ref{{Dest: "a.png", Offset: 49, Image: true, InHTML: true}},
		Headings:     []Heading{{Level: 3, ID: "package-format", Text: "Package Format", Offset: 13}},
		Placeholders: []Placeholder{{Offset: 65, Text: "<Parameter Name>"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// TestScanMatchesRender: validation promises the IDs the site renders.
func TestScanMatchesRender(t *testing.T) {
	e := New()
	for name, in := range specInputs(t) {
		var s Scan
		if in.isHTML {
			s = e.ScanHTML(in.body)
		} else {
			s = e.Scan(in.body)
		}
		res, err := e.Render(in.body, RenderOptions{ContentIsHTML: in.isHTML})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(s.Headings, res.Headings) {
			t.Errorf("%s: Scan headings %+v, Render headings %+v", name, s.Headings, res.Headings)
		}
		for _, h := range res.Headings {
			if !bytes.Contains(res.HTML, []byte(`id="`+h.ID+`"`)) {
				t.Errorf("%s: heading %q rendered without id %q", name, h.Text, h.ID)
			}
		}
	}
}

// TestResolveArguments: Resolve sees destinations decoded, with the image
// flag, from Markdown and raw HTML alike.
func TestResolveArguments(t *testing.T) {
	body := "[a](x&amp;y.md) ![i](p.png) <https://go.dev>\n\n<a href=\"h.md\"><img src=\"s.png\"></a>\n"
	type arg struct {
		dest  string
		image bool
	}
	var got []arg
	resolve := func(d string, image bool) (string, bool) {
		got = append(got, arg{d, image})
		return "/r/" + d, true
	}
	res, err := New().Render([]byte(body), RenderOptions{Resolve: resolve})
	if err != nil {
		t.Fatal(err)
	}
	want := []arg{{"x&y.md", false}, {"p.png", true}, {"https://go.dev", false}, {"h.md", false}, {"s.png", true}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Resolve calls %v, want %v", got, want)
	}
	for _, frag := range []string{`href="/r/x&amp;y.md"`, `src="/r/p.png"`, `href="/r/https://go.dev"`, `href="/r/h.md"`, `src="/r/s.png"`} {
		if !bytes.Contains(res.HTML, []byte(frag)) {
			t.Errorf("output lacks %s:\n%s", frag, res.HTML)
		}
	}
}

// TestJavascriptColonEntity: goldmark before v1.7.17 let "javascript&colon;"
// through; with or without a Resolve function it must not become a link.
func TestJavascriptColonEntity(t *testing.T) {
	e := New()
	bodies := []string{
		"[x](javascript&colon;alert(1))",
		"[x](JavaScript&colon;alert(1))",
		"[x][r]\n\n[r]: javascript&colon;alert(1)",
		"![x](javascript&colon;alert(1))",
		`<a href="javascript&colon;alert(1)">x</a>`,
	}
	for _, body := range bodies {
		for _, resolve := range []func(string, bool) (string, bool){nil, testResolve} {
			res, err := e.Render([]byte(body), RenderOptions{Resolve: resolve})
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(res.HTML, []byte("href")) || bytes.Contains(res.HTML, []byte("src")) {
				t.Errorf("%q rendered a link: %s", body, res.HTML)
			}
		}
	}
}

func TestStylesheet(t *testing.T) {
	a, b := New().Stylesheet(), New().Stylesheet()
	if !bytes.Equal(a, b) {
		t.Fatal("two engines generate different stylesheets")
	}
	css := string(a)
	for _, want := range []string{".chroma", "@media (prefers-color-scheme: dark) {", ".chroma .kd {", ".chroma .s {"} {
		if !strings.Contains(css, want) {
			t.Errorf("stylesheet lacks %q", want)
		}
	}
	if strings.Count(css, "{") != strings.Count(css, "}") {
		t.Error("unbalanced braces")
	}
	// Every class the highlighter used in the spec files is styled.
	res, err := New().Render([]byte("```go\nfunc main() { x := \"s\" }\n```\n"), RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(res.HTML, []byte(`class="chroma"`)) || bytes.Contains(res.HTML, []byte("style=")) {
		t.Errorf("code is not highlighted with classes: %s", res.HTML)
	}
}

// TestConcurrentRender renders everything from many goroutines on one
// Engine (run with -race) and expects the sequential results.
func TestConcurrentRender(t *testing.T) {
	e := New()
	inputs := specInputs(t)
	want := map[string]string{}
	for name, in := range inputs {
		res, err := e.Render(in.body, RenderOptions{Resolve: testResolve, ContentIsHTML: in.isHTML})
		if err != nil {
			t.Fatal(err)
		}
		want[name] = string(res.HTML)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for name, in := range inputs {
				res, err := e.Render(in.body, RenderOptions{Resolve: testResolve, ContentIsHTML: in.isHTML})
				if err != nil {
					t.Error(err)
					return
				}
				if string(res.HTML) != want[name] {
					t.Errorf("%s: concurrent render differs", name)
				}
				e.Scan(in.body)
			}
		})
	}
	wg.Wait()
}

type specInput struct {
	body   []byte
	isHTML bool
}

// specInputs collects every input of testdata/render and the benchmark
// article.
func specInputs(t *testing.T) map[string]specInput {
	t.Helper()
	out := map[string]specInput{}
	files, _ := filepath.Glob("testdata/render/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".md") || strings.HasSuffix(f.Name, ".htm") {
				out[filepath.Base(file)+"/"+f.Name] = specInput{f.Data, strings.HasSuffix(f.Name, ".htm")}
			}
		}
	}
	b, err := os.ReadFile("testdata/bench/article.md")
	if err != nil {
		t.Fatal(err)
	}
	out["bench/article.md"] = specInput{body: b}
	return out
}
