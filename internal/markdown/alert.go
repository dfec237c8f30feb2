package markdown

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// kindAlert is a GitHub-style alert: a blockquote whose first line is
// "[!NOTE]", "[!TIP]", "[!IMPORTANT]", "[!WARNING]" or "[!CAUTION]".
var kindAlert = ast.NewNodeKind("Alert")

// alertNode holds the blockquote's remaining content as children.
type alertNode struct {
	ast.BaseBlock
	Variant string // lowercase: note, tip, important, warning, caution
}

func (n *alertNode) Kind() ast.NodeKind { return kindAlert }
func (n *alertNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Variant": n.Variant}, nil)
}

var alertMarker = regexp.MustCompile(`(?i)^[ \t]*\[!(note|tip|important|warning|caution)\][ \t]*\r?\n?$`)

var alertTitles = map[string]string{
	"note": "Note", "tip": "Tip", "important": "Important", "warning": "Warning", "caution": "Caution",
}

// alerts is the goldmark extension: an AST transformer that turns marked
// blockquotes into alert nodes, and the renderer for them.
type alerts struct{}

func (alerts) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(alertTransformer{}, 100)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(alertRenderer{}, 100)))
}

type alertTransformer struct{}

func (alertTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var quotes []*ast.Blockquote
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Blockquote:
			quotes = append(quotes, n)
		case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
			return ast.WalkSkipChildren, nil // inlines hold no blockquotes
		}
		return ast.WalkContinue, nil
	})
	for _, q := range quotes {
		para, ok := q.FirstChild().(*ast.Paragraph)
		if !ok || para.Lines().Len() == 0 {
			continue
		}
		first := para.Lines().At(0)
		m := alertMarker.FindSubmatch(first.Value(src))
		if m == nil {
			continue
		}
		// Drop the inline nodes of the marker line; the paragraph keeps the
		// rest, or goes when the marker was all it held.
		for ch := para.FirstChild(); ch != nil; {
			next := ch.NextSibling()
			para.RemoveChild(para, ch)
			if t, ok := ch.(*ast.Text); ok && (t.SoftLineBreak() || t.HardLineBreak()) {
				break
			}
			ch = next
		}
		if para.ChildCount() == 0 {
			q.RemoveChild(q, para)
		} else {
			lines := para.Lines()
			lines.SetSliced(1, lines.Len())
		}
		a := &alertNode{Variant: strings.ToLower(string(m[1]))}
		a.SetPos(q.Pos())
		for ch := q.FirstChild(); ch != nil; {
			next := ch.NextSibling()
			a.AppendChild(a, ch)
			ch = next
		}
		q.Parent().ReplaceChild(q.Parent(), q, a)
	}
}

type alertRenderer struct{}

func (alertRenderer) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(kindAlert, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		n := node.(*alertNode)
		if entering {
			var b bytes.Buffer
			b.WriteString(`<div class="alert alert-`)
			b.WriteString(n.Variant)
			b.WriteString(`" role="note">` + "\n" + `<p class="alert-title">`)
			b.WriteString(alertTitles[n.Variant])
			b.WriteString("</p>\n")
			_, _ = w.Write(b.Bytes())
		} else {
			_, _ = w.WriteString("</div>\n")
		}
		return ast.WalkContinue, nil
	})
}
