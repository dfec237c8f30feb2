package markdown

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// call is the state of one Scan or Render. It lives in the parser.Context,
// never in the Engine, so concurrent calls share nothing mutable.
type call struct {
	render  bool
	resolve func(string, bool) (string, bool)
	seen    map[string]int // heading IDs handed out so far
	scan    Scan
	raw     bool // raw HTML reached the output: sanitize the page
}

// core wires the per-call transformer and the renderers of its nodes.
type core struct{ key parser.ContextKey }

func (x core) Extend(m goldmark.Markdown) {
	// After the alert transformer (100), so alert contents are walked as
	// they will render.
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(coreTransformer(x), 200)))
	// Before goldmark's HTML renderer (1000), so these win for headings.
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(coreRenderer{}, 100)))
}

type coreTransformer core

// Transform walks the document once, in order: it names headings, lists
// references, classifies raw HTML and, when rendering, rewrites links and
// raw HTML for output.
func (x coreTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	c, _ := pc.Get(x.key).(*call)
	if c == nil {
		return // not called through Scan or Render
	}
	src := reader.Source()
	var nodes []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindHeading, ast.KindLink, ast.KindImage, ast.KindAutoLink, ast.KindRawHTML, ast.KindHTMLBlock:
			nodes = append(nodes, n)
		}
		return ast.WalkContinue, nil
	})
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.Heading:
			t := strings.TrimSpace(headingText(n, src))
			id := HeadingID(t, c.seen)
			if c.render {
				n.SetAttributeString("id", []byte(id))
			}
			c.scan.Headings = append(c.scan.Headings, Heading{Level: n.Level, ID: id, Text: t, Offset: n.Pos()})
		case *ast.Link:
			dest := decodeDest(n.Destination)
			c.scan.Refs = append(c.scan.Refs, Ref{Dest: dest, Offset: n.Pos()})
			if c.render {
				if d, ok := c.dest(dest, false); ok {
					n.Destination = encodeDest(d)
				} else {
					unwrap(n)
				}
			}
		case *ast.Image:
			dest := decodeDest(n.Destination)
			c.scan.Refs = append(c.scan.Refs, Ref{Dest: dest, Offset: n.Pos(), Image: true})
			if c.render {
				if d, ok := c.dest(dest, true); ok {
					n.Destination = encodeDest(d)
				} else {
					unwrap(n)
				}
			}
		case *ast.AutoLink:
			u := string(n.URL(src))
			if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(u), "mailto:") {
				u = "mailto:" + u
			}
			// A linkified URL's node starts at the space before it.
			off := n.Pos()
			for off >= 0 && off < len(src) && (src[off] == ' ' || src[off] == '\t' || src[off] == '\n') {
				off++
			}
			c.scan.Refs = append(c.scan.Refs, Ref{Dest: u, Offset: off})
			if c.render {
				c.autoLink(n, u, src)
			}
		case *ast.RawHTML:
			c.rawHTML(n, src)
		case *ast.HTMLBlock:
			c.htmlBlock(n, src)
		}
	}
}

// dest resolves a destination and refuses dangerous ones whatever Resolve
// said, so the safe-mode output never needs the sanitizer.
func (c *call) dest(d string, image bool) (string, bool) {
	if c.resolve != nil {
		var ok bool
		if d, ok = c.resolve(d, image); !ok {
			return "", false
		}
	}
	return d, !dangerousURL(d, image)
}

// decodeDest is a Markdown destination as the reader means it: goldmark
// keeps backslash escapes and character references in Destination and
// resolves them only when it writes the href.
func decodeDest(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 && bytes.IndexByte(raw, '&') < 0 {
		return string(raw)
	}
	return string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(raw))))
}

// encodeDest is the inverse of decodeDest, so that goldmark's decoding at
// render time gives back exactly d.
func encodeDest(d string) []byte {
	if !strings.ContainsAny(d, `\&`) {
		return []byte(d)
	}
	return []byte(strings.NewReplacer(`\`, `\\`, "&", "&amp;").Replace(d))
}

func (c *call) autoLink(n *ast.AutoLink, u string, src []byte) {
	label := n.Label(src)
	d, ok := c.dest(u, false)
	switch {
	case !ok:
		replace(n, rawString(label))
	case d != u:
		l := ast.NewLink()
		l.Destination = []byte(d)
		l.AppendChild(l, rawString(label))
		replace(n, l)
	}
}

// rawHTML handles one inline tag: a placeholder becomes text; real HTML is
// rewritten into a node that prints it verbatim.
func (c *call) rawHTML(n *ast.RawHTML, src []byte) {
	var frag []byte
	var segs []text.Segment
	for i := 0; i < n.Segments.Len(); i++ {
		s := n.Segments.At(i)
		segs = append(segs, s)
		frag = append(frag, s.Value(src)...)
	}
	if len(segs) == 0 {
		return
	}
	if placeholder(frag) {
		c.scan.Placeholders = append(c.scan.Placeholders, Placeholder{Offset: segs[0].Start, Text: string(frag)})
		if c.render {
			replace(n, rawString(frag))
		}
		return
	}
	c.scan.RawHTML = append(c.scan.RawHTML, segs[0].Start)
	var out *bytes.Buffer
	if c.render {
		out = new(bytes.Buffer)
	}
	c.html(frag, segmentMap(segs, src), out)
	if c.render {
		c.raw = true
		replace(n, &rawInline{html: out.Bytes()})
	}
}

func (c *call) htmlBlock(n *ast.HTMLBlock, src []byte) {
	var frag []byte
	var segs []text.Segment
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		segs = append(segs, lines.At(i))
	}
	if n.HasClosure() {
		segs = append(segs, n.ClosureLine)
	}
	if len(segs) == 0 {
		return
	}
	for _, s := range segs {
		frag = append(frag, s.Value(src)...)
	}
	c.scan.RawHTML = append(c.scan.RawHTML, segs[0].Start)
	var out *bytes.Buffer
	if c.render {
		out = new(bytes.Buffer)
	}
	c.html(frag, segmentMap(segs, src), out)
	if c.render {
		c.raw = true
		b := &rawBlock{html: out.Bytes()}
		replace(n, b)
	}
}

// segmentMap maps an offset in a fragment made of the values of segs back
// to the body. Padding (spaces goldmark adds for tabs) maps to the
// segment start.
func segmentMap(segs []text.Segment, src []byte) func(int) int {
	starts := make([]int, len(segs))
	at := 0
	for i, s := range segs {
		starts[i] = at
		at += s.Len() + s.Padding
	}
	return func(off int) int {
		i := len(segs) - 1
		for i > 0 && starts[i] > off {
			i--
		}
		d := max(off-starts[i]-segs[i].Padding, 0)
		return min(segs[i].Start+d, len(src))
	}
}

// headingText is what a reader sees of a heading: text, code, link labels
// and placeholders; images and raw tags contribute nothing (as on GitHub).
func headingText(n ast.Node, src []byte) string {
	var b strings.Builder
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for ch := n.FirstChild(); ch != nil; ch = ch.NextSibling() {
			switch ch := ch.(type) {
			case *ast.Text:
				v := ch.Segment.Value(src)
				if ch.IsRaw() {
					b.Write(v)
				} else {
					b.Write(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v))))
				}
				if ch.SoftLineBreak() || ch.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(ch.Value)
			case *ast.AutoLink:
				b.Write(ch.Label(src))
			case *ast.RawHTML:
				var frag []byte
				for i := 0; i < ch.Segments.Len(); i++ {
					s := ch.Segments.At(i)
					frag = append(frag, s.Value(src)...)
				}
				if placeholder(frag) {
					b.Write(frag)
				}
			case *ast.Image:
			default:
				walk(ch)
			}
		}
	}
	walk(n)
	return b.String()
}

func rawString(v []byte) *ast.String {
	s := ast.NewString(bytes.Clone(v))
	s.SetRaw(true) // RawWrite: escaped for HTML, but no Markdown unescaping
	return s
}

func replace(old, new ast.Node) {
	if p := old.Parent(); p != nil {
		p.ReplaceChild(p, old, new)
	}
}

// unwrap puts n's children in its place: a link that may not be followed
// keeps its text; an image keeps its alt text.
func unwrap(n ast.Node) {
	p := n.Parent()
	if p == nil {
		return
	}
	for ch := n.FirstChild(); ch != nil; {
		next := ch.NextSibling()
		p.InsertBefore(p, n, ch)
		ch = next
	}
	p.RemoveChild(p, n)
}

// kindRawInline and kindRawBlock are raw HTML already rewritten for output.
var (
	kindRawInline = ast.NewNodeKind("RawInline")
	kindRawBlock  = ast.NewNodeKind("RawBlock")
)

type rawInline struct {
	ast.BaseInline
	html []byte
}

func (n *rawInline) Kind() ast.NodeKind { return kindRawInline }
func (n *rawInline) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"HTML": string(n.html)}, nil)
}

type rawBlock struct {
	ast.BaseBlock
	html []byte
}

func (n *rawBlock) Kind() ast.NodeKind { return kindRawBlock }
func (n *rawBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"HTML": string(n.html)}, nil)
}

type coreRenderer struct{}

func (coreRenderer) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(ast.KindHeading, renderHeading)
	r.Register(kindRawInline, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.Write(n.(*rawInline).html)
		}
		return ast.WalkSkipChildren, nil
	})
	r.Register(kindRawBlock, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			h := n.(*rawBlock).html
			_, _ = w.Write(h)
			if len(h) > 0 && h[len(h)-1] != '\n' {
				_ = w.WriteByte('\n')
			}
		}
		return ast.WalkSkipChildren, nil
	})
}

func renderHeading(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	id, _ := n.AttributeString("id")
	idb, _ := id.([]byte)
	if entering {
		_, _ = fmt.Fprintf(w, "<h%d", n.Level)
		if len(idb) > 0 {
			_, _ = w.WriteString(` id="`)
			_, _ = w.WriteString(html.EscapeString(string(idb)))
			_ = w.WriteByte('"')
		}
		_ = w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if len(idb) > 0 {
		writeAnchor(w, string(idb))
	}
	_, _ = fmt.Fprintf(w, "</h%d>\n", n.Level)
	return ast.WalkContinue, nil
}

// writeAnchor writes the self-link that ends every heading with an ID.
func writeAnchor(w interface{ WriteString(string) (int, error) }, id string) {
	_, _ = w.WriteString(` <a class="anchor" href="#`)
	_, _ = w.WriteString(html.EscapeString(id))
	_, _ = w.WriteString(`" aria-label="Link to this section">#</a>`)
}
