// Package markdown owns the one goldmark configuration of the pipeline. The
// checking stages use it to find what an article refers to (links, images,
// raw HTML, headings, placeholders) with byte offsets into the body; the site
// renderer uses the same Engine to render, so what validate checks is exactly
// what build renders.
//
// # Dialect
//
// CommonMark plus GitHub Flavored Markdown (tables, strikethrough, autolinks,
// task lists), footnotes, GitHub-style alerts ("> [!NOTE]" and the four
// others), heading IDs made by [HeadingID] (GitHub's rules, non-ASCII letters
// kept) with a self-link anchor in every heading, and fenced code
// highlighted by chroma as CSS classes; [Engine.Stylesheet] is the matching
// stylesheet.
//
// # Raw HTML
//
// An article without raw HTML renders in goldmark's safe mode and is not
// sanitized again. Raw HTML is rewritten fragment by fragment (links
// resolved, unknown tags escaped, comments and author-written inputs
// dropped) and, when any reached the output, the whole page passes through a
// bluemonday allow-list built once in [New]. Legacy bodies marked
// contentIsHTML skip Markdown and take the same HTML path.
//
// Placeholders such as "<server-name>" or "<Parameter Name>" look like tags
// to CommonMark and would vanish; a tag whose name is not an HTML element is
// therefore shown as text and listed in [Scan.Placeholders].
//
// An Engine holds no per-document state and is safe for concurrent use:
// per-call data travels in the parser.Context under a key the Engine owns.
package markdown

import (
	"bytes"
	"fmt"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Engine is the shared Markdown configuration.
type Engine struct {
	md goldmark.Markdown
	// callKey is where Render and Scan put their per-call state in the
	// parser.Context; transformers read it there and keep nothing.
	callKey parser.ContextKey
	policy  *bluemonday.Policy
	css     []byte
}

// callKey is made once, at init, as goldmark's own extensions make theirs:
// parser.NewContextKey bumps an unguarded counter inside goldmark, so
// calling it from New would race when engines are made concurrently.
var callKey = parser.NewContextKey()

// New returns the pipeline's Markdown engine. It is safe to call from
// several goroutines.
func New() *Engine {
	e := &Engine{callKey: callKey}
	p := parser.NewParser(
		parser.WithBlockParsers(blockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)
	e.md = goldmark.New(
		goldmark.WithParser(p),
		goldmark.WithExtensions(
			extension.Linkify,
			// The align attribute survives the sanitizer; a style attribute
			// (goldmark's HTML5 default) would not.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.TaskList,
			extension.Footnote,
			alerts{},
			highlighter(),
			core{key: e.callKey},
		),
	)
	e.policy = newPolicy()
	e.css = stylesheet()
	return e
}

// Ref is one reference from an article to something else.
type Ref struct {
	Dest   string
	Offset int  // byte offset in the body of the construct holding it
	Image  bool // an image or an HTML src attribute
	InHTML bool // found in raw HTML rather than Markdown syntax
}

// Heading is one heading of an article, in document order.
type Heading struct {
	Level int
	ID    string // the id attribute it renders with
	Text  string // plain text, entities decoded
	// Offset is the byte offset in the body where the heading starts.
	Offset int
}

// Placeholder is something written like a tag whose name is no HTML
// element, e.g. "<your-server-name>": it renders as text, but an author
// usually meant `code`.
type Placeholder struct {
	Offset int
	Text   string
}

// Scan is what Scan finds in one body.
type Scan struct {
	Refs []Ref
	// RawHTML holds the byte offsets of raw HTML (blocks and inline tags),
	// placeholders excluded.
	RawHTML      []int
	Headings     []Heading
	Placeholders []Placeholder
}

// Scan parses body as Markdown and lists what it refers to. It renders
// nothing, so validation stays cheap.
func (e *Engine) Scan(body []byte) Scan {
	c := &call{seen: map[string]int{}}
	pc := parser.NewContext()
	pc.Set(e.callKey, c)
	e.md.Parser().Parse(text.NewReader(body), parser.WithContext(pc))
	return c.scan
}

// ScanHTML is Scan for a legacy body marked contentIsHTML, which Render
// treats as HTML rather than Markdown.
func (e *Engine) ScanHTML(body []byte) Scan {
	c := &call{seen: map[string]int{}}
	c.html(body, identity, nil)
	return c.scan
}

// RenderOptions are the per-call settings of Render.
type RenderOptions struct {
	// Resolve rewrites every link and image destination (Markdown and
	// raw-HTML href/src). It returns the new destination and whether to
	// keep it; nil leaves destinations unchanged. The site uses it to turn
	// "../Section/other.md#anchor" into "/kb/section/other/#anchor". A link
	// that is not kept renders as its text, an image as its alt text.
	Resolve func(dest string, image bool) (string, bool)
	// ContentIsHTML marks legacy articles whose body is HTML; it is still
	// rewritten and sanitized like raw HTML in Markdown.
	ContentIsHTML bool
}

// Result is a rendered article.
type Result struct {
	HTML     []byte
	Headings []Heading
}

// Render renders body to HTML.
func (e *Engine) Render(body []byte, opts RenderOptions) (Result, error) {
	c := &call{render: true, resolve: opts.Resolve, seen: map[string]int{}}
	var buf bytes.Buffer
	buf.Grow(len(body) + len(body)/2)
	if opts.ContentIsHTML {
		c.html(body, identity, &buf)
		return Result{HTML: e.sanitize(buf.Bytes()), Headings: c.scan.Headings}, nil
	}
	pc := parser.NewContext()
	pc.Set(e.callKey, c)
	doc := e.md.Parser().Parse(text.NewReader(body), parser.WithContext(pc))
	if err := e.md.Renderer().Render(&buf, body, doc); err != nil {
		return Result{}, fmt.Errorf("render markdown: %w", err)
	}
	out := buf.Bytes()
	if c.raw {
		out = e.sanitize(out)
	}
	return Result{HTML: out, Headings: c.scan.Headings}, nil
}

// sanitize balances the tags of a page holding raw HTML (an unclosed <b>
// or <div> in an old article must not leak into the site's layout), then
// passes it through the allow-list.
func (e *Engine) sanitize(page []byte) []byte {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	if nodes, err := html.ParseFragment(bytes.NewReader(page), body); err == nil {
		var b bytes.Buffer
		b.Grow(len(page))
		for _, n := range nodes {
			_ = html.Render(&b, n)
		}
		page = b.Bytes()
	}
	return e.policy.SanitizeBytes(page)
}

// Stylesheet returns the CSS for highlighted code: chroma classes in a light
// theme, and a dark one under prefers-color-scheme. The bytes are the same
// on every call and every run.
func (e *Engine) Stylesheet() []byte { return bytes.Clone(e.css) }

// blockParsers is goldmark's default list with the HTML block parser
// wrapped so that a line holding only a placeholder stays a paragraph.
func blockParsers() []util.PrioritizedValue {
	ps := parser.DefaultBlockParsers()
	for i, p := range ps {
		if bp, ok := p.Value.(parser.BlockParser); ok && bp == parser.NewHTMLBlockParser() {
			ps[i].Value = htmlBlockParser{bp}
		}
	}
	return ps
}

func identity(off int) int { return off }
