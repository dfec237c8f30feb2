package markdown

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"
)

// htmlElements are the names of real HTML elements (current and obsolete
// ones still found in old pages, plus the svg and math roots). Anything else
// written as a tag is a placeholder.
var htmlElements = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`
		a abbr acronym address area article aside audio b base basefont bdi bdo big blink
		blockquote body br button canvas caption center cite code col colgroup data datalist
		dd del details dfn dialog dir div dl dt em embed fieldset figcaption figure font
		footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img
		input ins kbd label legend li link main map mark marquee menu menuitem meta meter nav
		nobr noembed noframes noscript object ol optgroup option output p param picture
		plaintext pre progress q rb rp rt rtc ruby s samp script search section select slot
		small source span strike strong style sub summary sup table tbody td template
		textarea tfoot th thead time title tr track tt u ul var video wbr xmp svg math`) {
		m[n] = true
	}
	return m
}()

func knownElement(name string) bool { return htmlElements[strings.ToLower(name)] }

var tagStart = regexp.MustCompile(`^</?([A-Za-z][A-Za-z0-9-]*)`)

// placeholder reports whether a complete inline tag is a placeholder:
// comments, declarations and processing instructions are not.
func placeholder(tag []byte) bool {
	m := tagStart.FindSubmatch(tag)
	return m != nil && !knownElement(string(m[1]))
}

// blockTagLine matches a line that starts an HTML block with a tag.
var blockTagLine = regexp.MustCompile(`^[ ]{0,3}</?([A-Za-z][A-Za-z0-9-]*)`)

// htmlBlockParser wraps goldmark's: a line that starts with a tag whose
// name is no HTML element (which CommonMark would take as an HTML block of
// type 7 up to the next blank line) is left to the paragraph parser, where
// the tag becomes inline raw HTML and is shown as a placeholder.
type htmlBlockParser struct{ parser.BlockParser }

func (p htmlBlockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, _ := reader.PeekLine()
	if m := blockTagLine.FindSubmatch(line); m != nil && !knownElement(string(m[1])) {
		return nil, parser.NoChildren
	}
	return p.BlockParser.Open(parent, reader, pc)
}

// openHeading is an HTML h1-h6 whose end tag has not been seen yet; its
// content is held back until the ID is known.
type openHeading struct {
	tok    html.Token
	level  int
	offset int
	text   strings.Builder
	buf    bytes.Buffer
}

// html walks an HTML fragment (raw HTML from Markdown, or a whole legacy
// body) token by token. It records references, placeholders and h1-h6
// headings; when out is not nil it also writes the fragment rewritten for
// output: text re-escaped, comments dropped, placeholders and an unfinished
// tag at the end shown as text, destinations resolved, author-written
// inputs and iframes from other hosts dropped, headings given an ID and an
// anchor. The sanitizer still sees the result; this pass is what makes the
// result faithful, not what makes it safe.
func (c *call) html(frag []byte, toBody func(int) int, out *bytes.Buffer) {
	z := html.NewTokenizer(bytes.NewReader(frag))
	pos := 0
	var h *openHeading
	dropIframe := 0
	write := func(s string) {
		switch {
		case out == nil:
		case h != nil:
			h.buf.WriteString(s)
		default:
			out.WriteString(s)
		}
	}
	flush := func() {
		if h != nil && out != nil {
			out.WriteString(h.tok.String())
			out.Write(h.buf.Bytes())
		}
		h = nil
	}
	for {
		tt := z.Next()
		raw := z.Raw()
		start := pos
		pos += len(raw)
		switch tt {
		case html.ErrorToken:
			if start < len(frag) {
				write(html.EscapeString(string(frag[start:])))
			}
			flush()
			return
		case html.TextToken:
			t := z.Text()
			if h != nil {
				h.text.Write(t)
			}
			if dropIframe == 0 {
				write(html.EscapeString(string(t)))
			}
			continue
		case html.CommentToken, html.DoctypeToken:
			continue
		}
		rawTag := string(raw) // Token lowercases the buffer Raw points into
		tok := z.Token()
		if !knownElement(tok.Data) {
			c.scan.Placeholders = append(c.scan.Placeholders, Placeholder{Offset: toBody(start), Text: rawTag})
			if h != nil {
				h.text.WriteString(rawTag)
			}
			write(html.EscapeString(rawTag))
			continue
		}
		if tt != html.EndTagToken {
			for _, a := range tok.Attr {
				if a.Namespace == "" && (a.Key == "href" || a.Key == "src") {
					c.scan.Refs = append(c.scan.Refs, Ref{
						Dest: a.Val, Offset: toBody(start + attrIndex(rawTag, a.Key)),
						Image: a.Key == "src", InHTML: true,
					})
				}
			}
		}
		if level := headingLevel(tok.Data); level > 0 {
			switch {
			case tt == html.StartTagToken:
				flush()
				h = &openHeading{tok: tok, level: level, offset: toBody(start)}
				continue
			case tt == html.EndTagToken && h != nil:
				c.closeHeading(h, out)
				h = nil
				continue
			}
		}
		if out == nil {
			continue
		}
		switch tok.Data {
		case "input":
			continue // task-list boxes are goldmark's; an author's input is a form
		case "iframe":
			if tt == html.EndTagToken {
				if dropIframe > 0 {
					dropIframe--
					continue
				}
				break
			}
			if !c.embed(&tok) {
				if tt == html.StartTagToken {
					dropIframe++
				}
				continue
			}
		default:
			c.rewriteAttrs(&tok)
		}
		if dropIframe == 0 {
			write(tok.String())
		}
	}
}

// closeHeading gives an HTML heading its ID (the author's, when it is a
// usable one) and writes it with the anchor.
func (c *call) closeHeading(h *openHeading, out *bytes.Buffer) {
	t := strings.Join(strings.Fields(h.text.String()), " ")
	id := ""
	for _, a := range h.tok.Attr {
		if a.Key == "id" && idPattern().MatchString(a.Val) {
			id = a.Val
		}
	}
	if id == "" {
		id = HeadingID(t, c.seen)
	} else if _, dup := c.seen[id]; !dup {
		c.seen[id] = 0
	}
	c.scan.Headings = append(c.scan.Headings, Heading{Level: h.level, ID: id, Text: t, Offset: h.offset})
	if out == nil {
		return
	}
	c.rewriteAttrs(&h.tok)
	setAttr(&h.tok, "id", id)
	out.WriteString(h.tok.String())
	out.Write(h.buf.Bytes())
	writeAnchor(out, id)
	out.WriteString("</" + h.tok.Data + ">")
}

// rewriteAttrs resolves href and src and makes target=_blank links safe
// for the opener. Other attributes are the sanitizer's business.
func (c *call) rewriteAttrs(tok *html.Token) {
	attrs := tok.Attr[:0]
	blank := false
	for _, a := range tok.Attr {
		k := a.Key
		if a.Namespace == "" && (k == "href" || k == "src") {
			d, ok := c.dest(a.Val, k == "src")
			if !ok {
				continue
			}
			a.Val = d
		}
		if strings.HasPrefix(k, "on") || k == "style" {
			continue
		}
		if tok.Data == "a" && k == "target" && strings.EqualFold(strings.TrimSpace(a.Val), "_blank") {
			blank = true
		}
		attrs = append(attrs, a)
	}
	tok.Attr = attrs
	if blank {
		rel := ""
		for _, a := range tok.Attr {
			if a.Key == "rel" {
				rel = a.Val
			}
		}
		have := strings.Fields(strings.ToLower(rel))
		for _, want := range []string{"noopener", "noreferrer"} {
			if !containsString(have, want) {
				have = append(have, want)
			}
		}
		setAttr(tok, "rel", strings.Join(have, " "))
	}
}

// embed reports whether an iframe shows a video from an allowed player,
// rewriting its src to https.
func (c *call) embed(tok *html.Token) bool {
	c.rewriteAttrs(tok)
	for i, a := range tok.Attr {
		if a.Key != "src" {
			continue
		}
		m := embedSrc.FindStringSubmatch(strings.TrimSpace(a.Val))
		if m == nil {
			return false
		}
		// The sanitizer drops a src it cannot parse, which would leave an
		// empty frame behind.
		src := "https://" + m[1]
		if _, err := url.Parse(src); err != nil || !embedSrcFinal.MatchString(src) {
			return false
		}
		tok.Attr[i].Val = src
		return true
	}
	return false
}

func setAttr(tok *html.Token, key, val string) {
	for i := range tok.Attr {
		if tok.Attr[i].Key == key && tok.Attr[i].Namespace == "" {
			tok.Attr[i].Val = val
			return
		}
	}
	tok.Attr = append(tok.Attr, html.Attribute{Key: key, Val: val})
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func headingLevel(name string) int {
	if len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6' {
		return int(name[1] - '0')
	}
	return 0
}

// attrIndex finds where attribute key is written in a raw tag, so a
// reference points at the attribute rather than at the tag.
func attrIndex(rawTag, key string) int {
	lower := strings.ToLower(rawTag)
	for from := 0; ; {
		i := strings.Index(lower[from:], key)
		if i < 0 {
			return 0
		}
		i += from
		j := i + len(key)
		before := i > 0 && strings.ContainsRune(" \t\n\r\f\"'/", rune(lower[i-1]))
		rest := strings.TrimLeft(lower[j:], " \t\n\r\f")
		if before && strings.HasPrefix(rest, "=") {
			return i
		}
		from = j
	}
}
