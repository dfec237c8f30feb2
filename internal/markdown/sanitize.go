package markdown

import (
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

var (
	// idPattern admits the IDs HeadingID makes, footnote IDs ("fn:1") and
	// plain author IDs. It is compiled on first use: the bounded repetition
	// of Unicode classes makes a large program, 15 ms of every start-up of
	// a command that may render nothing.
	idPattern = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[\p{L}\p{N}\p{M}_:.-]{1,100}$`)
	})
	classPattern = regexp.MustCompile(`^[A-Za-z0-9_ -]{1,200}$`)
	// embedSrc is the one iframe source allowed: a YouTube or Vimeo player.
	// The scheme may be missing (protocol-relative) or http; it is rewritten
	// to https.
	embedSrc      = regexp.MustCompile(`^(?:(?i:https?):)?//((?:www\.youtube\.com/embed/|www\.youtube-nocookie\.com/embed/|player\.vimeo\.com/video/)[^\s"'<>\\]*)$`)
	embedSrcFinal = regexp.MustCompile(`^https://(?:www\.youtube\.com/embed/|www\.youtube-nocookie\.com/embed/|player\.vimeo\.com/video/)[^\s"'<>\\]*$`)
	number        = regexp.MustCompile(`^[0-9]{1,5}%?$`)
)

// newPolicy is the allow-list for pages that contain raw HTML: what
// goldmark and our extensions emit, plus the harmless part of what old
// articles wrote by hand. No scripts, styles, forms, objects or event
// handlers; URLs only http, https, mailto, relative, and data: images.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowDataURIImages()

	p.AllowElements(
		"p", "div", "span", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
		"b", "i", "em", "strong", "u", "s", "del", "ins", "strike", "mark", "small", "big", "tt",
		"sub", "sup", "kbd", "code", "pre", "samp", "var", "cite", "q", "abbr", "dfn", "center",
		"blockquote", "ul", "ol", "li", "dl", "dt", "dd",
		"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
		"details", "summary", "figure", "figcaption", "section", "article", "aside", "header", "footer", "nav",
		"a", "img", "iframe", "input",
	)
	p.AllowAttrs("id").Matching(idPattern()).Globally()
	p.AllowAttrs("class").Matching(classPattern).Globally()
	p.AllowAttrs("title").Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$`)).Globally()
	p.AllowAttrs("dir").Matching(bluemonday.Direction).Globally()

	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("name").Matching(idPattern()).OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^[a-z ]{1,100}$`)).OnElements("a")
	p.AllowAttrs("target").Matching(regexp.MustCompile(`^(_blank|_self)$`)).OnElements("a")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^(doc-noteref|doc-backlink)$`)).OnElements("a")
	p.AllowAttrs("aria-label").OnElements("a")

	p.AllowAttrs("role").Matching(regexp.MustCompile(`^(note|doc-endnotes)$`)).OnElements("div")
	p.AllowAttrs("src", "alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(number).OnElements("img", "iframe")

	p.AllowAttrs("align").Matching(regexp.MustCompile(`(?i)^(left|center|right|justify)$`)).OnElements("td", "th", "p", "div", "img")
	p.AllowAttrs("valign").Matching(regexp.MustCompile(`(?i)^(top|middle|bottom|baseline)$`)).OnElements("td", "th", "tr")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	p.AllowAttrs("span").Matching(bluemonday.Integer).OnElements("col", "colgroup")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("type").Matching(bluemonday.ListType).OnElements("ol", "ul")
	p.AllowAttrs("open").Matching(regexp.MustCompile(`^(|open)$`)).OnElements("details")
	p.AllowAttrs("tabindex").Matching(regexp.MustCompile(`^0$`)).OnElements("pre")

	// Task-list boxes. Inputs written by authors never get here (the raw
	// HTML pass drops them); these are goldmark's disabled checkboxes.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")

	// Video players only; the raw HTML pass has already dropped iframes
	// from other hosts, this is the second fence.
	p.AllowAttrs("src").Matching(embedSrcFinal).OnElements("iframe")
	p.AllowAttrs("allowfullscreen").Matching(regexp.MustCompile(`^(|allowfullscreen|true)$`)).OnElements("iframe")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^(lazy|eager)$`)).OnElements("iframe", "img")
	p.AllowAttrs("referrerpolicy").Matching(regexp.MustCompile(`^[a-z-]{1,40}$`)).OnElements("iframe")
	p.AllowAttrs("allow").Matching(regexp.MustCompile(`^[a-z; -]{1,200}$`)).OnElements("iframe")
	p.AllowAttrs("frameborder").Matching(bluemonday.Integer).OnElements("iframe")
	return p
}

// dangerousURL reports whether a destination would run code or show
// attacker-made HTML: javascript:, vbscript:, file: and data: (except the
// image types goldmark allows, for images). Browsers ignore tabs and
// newlines inside a URL and spaces and controls before it, so this does too.
// Character references are decoded first, repeatedly, so that neither
// "javascript&colon;" nor a doubly escaped form gets through whichever
// layer decodes it later.
func dangerousURL(u string, image bool) bool {
	for range 3 {
		if dangerousScheme(u, image) {
			return true
		}
		d := html.UnescapeString(u)
		if d == u {
			return false
		}
		u = d
	}
	return true
}

func dangerousScheme(u string, image bool) bool {
	var b strings.Builder
	for _, r := range u {
		if r == '\t' || r == '\n' || r == '\r' {
			continue
		}
		b.WriteRune(r)
	}
	s := strings.TrimLeft(b.String(), "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	i := strings.IndexAny(s, ":/?#")
	if i < 0 || s[i] != ':' {
		return false
	}
	switch strings.ToLower(s[:i]) {
	case "javascript", "vbscript", "file":
		return true
	case "data":
		rest := strings.ToLower(s[i+1:])
		for _, t := range []string{"image/png", "image/gif", "image/jpeg", "image/webp"} {
			if image && strings.HasPrefix(rest, t) {
				return false
			}
		}
		return true
	}
	return false
}
