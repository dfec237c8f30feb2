package markdown

import (
	"bytes"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
)

// Chroma themes of the stylesheet.
const (
	lightStyle = "github"
	darkStyle  = "github-dark"
)

// highlighter renders fenced code through chroma with CSS classes, never
// inline styles (the sanitizer drops those); a language chroma does not
// know renders as a plain code block.
func highlighter() goldmark.Extender {
	return highlighting.NewHighlighting(
		highlighting.WithStyle(lightStyle),
		highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
	)
}

func stylesheet() []byte {
	f := chromahtml.New(chromahtml.WithClasses(true))
	var b bytes.Buffer
	b.WriteString("/* Code highlighting (chroma " + lightStyle + " / " + darkStyle + "). Generated. */\n")
	_ = f.WriteCSS(&b, styles.Get(lightStyle))
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	_ = f.WriteCSS(&b, styles.Get(darkStyle))
	b.WriteString("}\n")
	// .bg is for pages that are nothing but code; on a site it would style
	// any element of that class.
	var out bytes.Buffer
	for _, line := range bytes.SplitAfter(b.Bytes(), []byte("\n")) {
		if !bytes.HasPrefix(line, []byte("/* Background */ .bg ")) {
			out.Write(line)
		}
	}
	return out.Bytes()
}
