package markdown

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/tools/txtar"
)

type payload struct {
	name   string
	body   string
	isHTML bool   // render as a contentIsHTML body
	want   string // a fragment the safe output must still contain
}

var payloads = []payload{
	{name: "script", body: "<script>alert(1)</script>"},
	{name: "script mixed case", body: "<ScRiPt>alert(1)</sCrIpT>"},
	{name: "script split across lines", body: "<script\n>alert(1)</script\n>"},
	{name: "script inline", body: "Hello <script>alert(1)</script> world", want: "Hello"},
	{name: "script in list item", body: "- item\n\n  <script>alert(1)</script>\n"},
	{name: "img onerror", body: `<img src=x onerror=alert(1)>`},
	{name: "body onload", body: `<body onload=alert(1)>`},
	{name: "a onclick", body: `<a href="#top" onclick="alert(1)">x</a>`, want: `href="#top"`},
	{name: "handler mixed case", body: `<div OnMouseOver="alert(1)">x</div>`},
	{name: "handler unusual", body: `<p onpointerrawupdate=alert(1) ONFOCUSIN=alert(1)>x</p>`},
	{name: "md link javascript", body: `[x](javascript:alert(1))`},
	{name: "md link mixed case", body: `[x](JaVaScRiPt:alert(1))`},
	{name: "md link entity", body: `[x](&#106;avascript:alert(1))`},
	{name: "md link colon entity", body: `[x](javascript&colon;alert(1))`},
	{name: "md link tab entity", body: `[x](java&#9;script:alert(1))`},
	{name: "md link tab inside", body: "[x](<java\tscript:alert(1)>)"},
	{name: "md reference definition", body: "[x][1]\n\n[1]: javascript:alert(1)\n"},
	{name: "md image javascript", body: `![x](javascript:alert(1))`},
	{name: "md image title breakout", body: `![x](a.png "\" onerror=\"alert(1)")`, want: "<img"},
	{name: "md link title breakout", body: `[x](https://a.example "\" onmouseover=\"alert(1)")`, want: "https://a.example"},
	{name: "autolink javascript", body: `<javascript:alert(1)>`},
	{name: "autolink vbscript", body: `<vbscript:msgbox(1)>`},
	{name: "raw javascript", body: `<a href="javascript:alert(1)">x</a>`},
	{name: "raw colon entity", body: `<a href="javascript&colon;alert(1)">x</a>`},
	{name: "raw numeric entity", body: `<a href="&#106;avascript:alert(1)">x</a>`},
	{name: "raw hex entity no semicolon", body: `<a href="&#x6A&#x61&#x76&#x61script:alert(1)">x</a>`},
	{name: "raw tab inside", body: "<a href=\"jav\tascript:alert(1)\">x</a>"},
	{name: "raw newline inside", body: "<div><a href=\"java\nscript:alert(1)\">x</a></div>"},
	{name: "raw leading space", body: `<a href="  javascript:alert(1)">x</a>`},
	{name: "raw inline in paragraph", body: `Click <a href="JAVASCRIPT:alert(1)">here</a> now.`},
	{name: "vbscript md", body: `[x](vbscript:msgbox(1))`},
	{name: "vbscript raw", body: `<a href="vbscript:msgbox(1)">x</a>`},
	{name: "data html md", body: `[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`},
	{name: "data html raw", body: `<a href="data:text/html,<script>alert(1)</script>">x</a>`},
	{name: "data html iframe", body: `<iframe src="data:text/html,<script>alert(1)</script>"></iframe>`},
	{name: "data png image kept", body: `<img alt="dot" src="data:image/png;base64,iVBORw0KGgo=">`, want: "data:image/png;base64,iVBORw0KGgo="},
	{name: "svg script", body: `<svg><script>alert(1)</script></svg>`},
	{name: "svg onload", body: `<svg onload=alert(1)>`},
	{name: "svg xlink", body: `<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>`},
	{name: "math mxss", body: `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`},
	{name: "iframe protocol relative evil", body: `<iframe src=//evil.example></iframe>`},
	{name: "iframe https evil", body: `<iframe src="https://evil.example/embed/x" width="560"></iframe>`},
	{name: "iframe youtube lookalike", body: `<iframe src="https://www.youtube.com.evil.example/embed/x"></iframe>`},
	{name: "iframe youtube kept", body: `<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ" allowfullscreen></iframe>`,
		want: `src="https://www.youtube.com/embed/dQw4w9WgXcQ"`},
	{name: "iframe vimeo protocol relative kept", body: `<iframe src="//player.vimeo.com/video/95152571" width="500" height="312" frameborder="0"></iframe>`,
		want: `src="https://player.vimeo.com/video/95152571"`},
	{name: "iframe srcdoc", body: `<iframe src="https://www.youtube.com/embed/x" srcdoc="<script>alert(1)</script>"></iframe>`},
	{name: "form", body: `<form action="https://evil.example"><input name=q><button formaction="javascript:alert(1)">go</button></form>`},
	{name: "input alone", body: `Type here: <input type="text" value="x"> <input checked>`},
	{name: "meta refresh", body: `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`},
	{name: "base href", body: `<base href="https://evil.example/">`},
	{name: "link stylesheet", body: `<link rel="stylesheet" href="https://evil.example/x.css">`},
	{name: "object", body: `<object data="https://evil.example/x.swf"></object>`},
	{name: "embed", body: `<embed src="https://evil.example/x.swf">`},
	{name: "style element", body: "<style>body{background:url(javascript:alert(1))}</style>"},
	{name: "style expression", body: `<div style="width: expression(alert(1))">x</div>`},
	{name: "style url javascript", body: `<p style="background:url(javascript:alert(1))">x</p>`},
	{name: "broken tag", body: `<img src=x onerror=alert(1)//`},
	{name: "broken tag in block", body: "<div>\n<img src=x onerror=alert(1)//\n</div>"},
	{name: "comment hides script", body: `<!-- <script>alert(1)</script> -->`},
	{name: "comment trick", body: `<!--><script>alert(1)</script>-->`},
	{name: "comment in paragraph", body: `a <!-- x --><script>alert(1)</script> b`},
	{name: "textarea breakout", body: "<textarea>\n</textarea><script>alert(1)</script>\n"},
	{name: "noscript breakout", body: `<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`},
	{name: "split rawtext", body: "<script>\n\ntext\n\n<textarea>\n</script><input checked>\n</textarea>\n"},
	{name: "target blank gets rel", body: `<a href="https://x.example" target="_blank">x</a>`, want: "noopener"},
	{name: "legacy script", isHTML: true, body: "<p>Hi</p>\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>"},
	{name: "legacy javascript link", isHTML: true, body: `<p><a href="javascript:alert(1)">x</a> <a href="ok.md">ok</a></p>`, want: "/kb/partners/acme/ok/"},
	{name: "legacy iframe evil", isHTML: true, body: `<iframe src="https://evil.example/"></iframe><p>after</p>`, want: "after"},
	{name: "legacy heading onclick", isHTML: true, body: `<h2 onclick="alert(1)" style="color:red">T</h2>`, want: `id="t"`},
}

// TestXSS renders every payload and checks the output structurally.
func TestXSS(t *testing.T) {
	e := New()
	for _, p := range payloads {
		t.Run(p.name, func(t *testing.T) {
			res, err := e.Render([]byte(p.body), RenderOptions{Resolve: testResolve, ContentIsHTML: p.isHTML})
			if err != nil {
				t.Fatal(err)
			}
			if v := violations(res.HTML); len(v) > 0 {
				t.Errorf("%s\nrendered:\n%s\nviolations: %v", p.body, res.HTML, v)
			}
			if p.want != "" && !bytes.Contains(res.HTML, []byte(p.want)) {
				t.Errorf("output lost %q:\n%s", p.want, res.HTML)
			}
		})
	}
}

var (
	forbiddenElements = map[string]bool{
		"script": true, "style": true, "form": true, "object": true, "embed": true, "base": true, "meta": true,
		"link": true, "textarea": true, "select": true, "button": true, "frame": true, "frameset": true,
		"applet": true, "noscript": true, "template": true, "svg": true, "math": true, "portal": true,
	}
	urlAttrs       = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true, "data": true, "poster": true, "background": true, "cite": true}
	goodIframeSrc  = regexp.MustCompile(`^https://(www\.youtube\.com/embed/|www\.youtube-nocookie\.com/embed/|player\.vimeo\.com/video/)`)
	badScheme      = regexp.MustCompile(`^(javascript:|vbscript:|data:text/html)`)
	urlInvisible   = regexp.MustCompile(`[\x00-\x20\x7f]+`)
	bodyFragmentOf = &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
)

// violations parses rendered HTML as the body of a page would be parsed
// and lists everything that could run script, submit data or restyle the
// page.
func violations(out []byte) []string {
	nodes, err := html.ParseFragment(bytes.NewReader(out), bodyFragmentOf)
	if err != nil {
		return []string{"does not parse: " + err.Error()}
	}
	var v []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			v = append(v, elementViolations(n)...)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return v
}

func elementViolations(n *html.Node) []string {
	var v []string
	name := strings.ToLower(n.Data)
	if n.Namespace != "" || forbiddenElements[name] {
		v = append(v, fmt.Sprintf("element <%s %s>", n.Namespace, name))
	}
	attr := map[string]string{}
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		if a.Namespace != "" {
			key = a.Namespace + ":" + key
		}
		attr[key] = a.Val
		switch {
		case strings.HasPrefix(key, "on"):
			v = append(v, fmt.Sprintf("<%s %s>: event handler", name, key))
		case key == "style" || key == "srcdoc" || key == "formaction" || key == "srcset":
			v = append(v, fmt.Sprintf("<%s %s>", name, key))
		case urlAttrs[key] || strings.HasSuffix(key, ":href"):
			u := strings.ToLower(urlInvisible.ReplaceAllString(a.Val, ""))
			if badScheme.MatchString(u) {
				v = append(v, fmt.Sprintf("<%s %s=%q>", name, key, a.Val))
			}
		}
	}
	switch name {
	case "iframe":
		if !goodIframeSrc.MatchString(attr["src"]) {
			v = append(v, fmt.Sprintf("<iframe src=%q>", attr["src"]))
		}
	case "input":
		if _, disabled := attr["disabled"]; attr["type"] != "checkbox" || !disabled {
			v = append(v, fmt.Sprintf("<input> other than a disabled checkbox: %v", attr))
		}
	case "a":
		if strings.EqualFold(attr["target"], "_blank") {
			rel := strings.Fields(attr["rel"])
			if !containsString(rel, "noopener") || !containsString(rel, "noreferrer") {
				v = append(v, fmt.Sprintf("<a target=_blank rel=%q>", attr["rel"]))
			}
		}
	}
	return v
}

// FuzzRender checks that no body makes Render or Scan fail, and that every
// output parses and keeps the invariants of TestXSS.
func FuzzRender(f *testing.F) {
	for _, p := range payloads {
		f.Add(p.body, p.isHTML)
	}
	files, _ := filepath.Glob("testdata/render/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, in := range ar.Files {
			if strings.HasSuffix(in.Name, ".md") || strings.HasSuffix(in.Name, ".htm") {
				f.Add(string(in.Data), strings.HasSuffix(in.Name, ".htm"))
			}
		}
	}
	if b, err := os.ReadFile("testdata/bench/article.md"); err == nil {
		f.Add(string(b), false)
	}
	e := New()
	f.Fuzz(func(t *testing.T, body string, isHTML bool) {
		res, err := e.Render([]byte(body), RenderOptions{Resolve: testResolve, ContentIsHTML: isHTML})
		if err != nil {
			t.Fatal(err)
		}
		if v := violations(res.HTML); len(v) > 0 {
			t.Fatalf("violations %v in\n%s", v, res.HTML)
		}
		var s Scan
		if isHTML {
			s = e.ScanHTML([]byte(body))
		} else {
			s = e.Scan([]byte(body))
		}
		check := func(what string, off int) {
			if off < 0 || off > len(body) {
				t.Fatalf("%s offset %d outside body of %d bytes", what, off, len(body))
			}
		}
		for _, r := range s.Refs {
			check("ref", r.Offset)
		}
		for _, o := range s.RawHTML {
			check("raw HTML", o)
		}
		for _, h := range s.Headings {
			check("heading", h.Offset)
		}
		for _, p := range s.Placeholders {
			check("placeholder", p.Offset)
		}
		if len(s.Headings) != len(res.Headings) {
			t.Fatalf("Scan found %d headings, Render %d", len(s.Headings), len(res.Headings))
		}
		for i := range s.Headings {
			if s.Headings[i] != res.Headings[i] {
				t.Fatalf("heading %d: Scan %+v, Render %+v", i, s.Headings[i], res.Headings[i])
			}
		}
	})
}

// TestViolationsCatches keeps the checker honest: each of these must be
// reported.
func TestViolationsCatches(t *testing.T) {
	for _, bad := range []string{
		`<script>alert(1)</script>`,
		`<p><img src=x onerror=alert(1)></p>`,
		`<a href="  JAVA&#9;SCRIPT:alert(1)">x</a>`,
		`<a href="data:text/html,x">x</a>`,
		`<iframe src="https://evil.example/"></iframe>`,
		`<input type="text">`,
		`<input type="checkbox">`,
		`<p style="color:red">x</p>`,
		`<svg><a xlink:href="javascript:alert(1)">x</a></svg>`,
		`<a href="https://x.example" target="_blank">x</a>`,
		`<form></form>`,
		`<base href="/">`,
	} {
		if len(violations([]byte(bad))) == 0 {
			t.Errorf("violations(%q) found nothing", bad)
		}
	}
}
