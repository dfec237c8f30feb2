package site

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"html"
	"io/fs"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/search"
)

func (r *run) sitemap() error {
	if r.info.Internal {
		return nil
	}
	var pages []string
	for name := range r.files {
		if strings.HasSuffix(name, "index.html") {
			pages = append(pages, strings.TrimSuffix(name, "index.html"))
		}
	}
	if r.sink != nil {
		for _, name := range r.pages {
			pages = append(pages, strings.TrimSuffix(name, "index.html"))
		}
	}
	slices.Sort(pages)
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, p := range pages {
		fmt.Fprintf(&b, "  <url><loc>%s</loc></url>\n", xmlEscape(r.abs(r.url("/"+p))))
	}
	b.WriteString("</urlset>\n")
	r.put("sitemap.xml", b.Bytes())
	return nil
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// feed writes an Atom feed of the most recently dated articles. Entries
// are dated by Git history when known, else by front matter, and the feed
// by its newest entry, so two builds of the same input are identical.
func (r *run) feed() error {
	type entry struct {
		a       *project.Article
		updated time.Time
	}
	var es []entry
	for _, a := range r.v.articles {
		t := a.Date
		if h := r.b.opts.History; h != nil {
			if _, updated, _, ok := h.File(a.Path); ok {
				t = updated
			}
		}
		es = append(es, entry{a, t})
	}
	es = firstN(es, 50, func(x, y entry) int { return cmp.Or(y.updated.Compare(x.updated), strings.Compare(x.a.Path, y.a.Path)) })
	var newest time.Time
	if len(es) > 0 {
		newest = es[0].updated
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom">` + "\n")
	fmt.Fprintf(&b, "  <title>%s: new and updated articles</title>\n", xmlEscape(r.info.Name))
	fmt.Fprintf(&b, "  <id>%s</id>\n", xmlEscape(r.abs(r.url("/kb/"))))
	fmt.Fprintf(&b, "  <link rel=\"self\" href=\"%s\"/>\n", xmlEscape(r.abs(r.url("/feed.xml"))))
	fmt.Fprintf(&b, "  <link href=\"%s\"/>\n", xmlEscape(r.abs(r.url("/kb/"))))
	fmt.Fprintf(&b, "  <updated>%s</updated>\n", newest.UTC().Format(time.RFC3339))
	for _, e := range es {
		u := r.abs(r.url(e.a.URL))
		fmt.Fprintf(&b, "  <entry>\n    <title>%s</title>\n    <id>%s</id>\n    <link href=\"%s\"/>\n    <updated>%s</updated>\n",
			xmlEscape(e.a.Title), xmlEscape(u), xmlEscape(u), e.updated.UTC().Format(time.RFC3339))
		if e.a.Author != "" {
			fmt.Fprintf(&b, "    <author><name>%s</name></author>\n", xmlEscape(stripTags(e.a.Author)))
		}
		if e.a.Summary != "" {
			fmt.Fprintf(&b, "    <summary>%s</summary>\n", xmlEscape(e.a.Summary))
		}
		b.WriteString("  </entry>\n")
	}
	b.WriteString("</feed>\n")
	r.put("feed.xml", b.Bytes())
	return nil
}

// static copies the stylesheet and scripts, and the code-highlighting
// stylesheet the Markdown engine generates.
func (r *run) static() error {
	err := fs.WalkDir(r.b.static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(r.b.static, p)
		if err != nil {
			return err
		}
		r.put("assets/"+p, data)
		return nil
	})
	if err != nil {
		return err
	}
	r.put("assets/code.css", r.b.md.Stylesheet())
	return nil
}

// assets copies the files under content/ that this site's articles use.
//
// The public site, built after the internal one into a writer that links
// to it, links the files the internal site copied when stat says their
// source is as it was before the internal site read it. Reading each
// again, and the writer reading the internal copy back to compare, cost
// more than the rest of linking it. The name of a copy is its source's
// path, so a link can only give the bytes of the same public asset.
func (r *run) assets() error {
	var stamps map[string]project.Stamp
	if r.from != nil {
		if _, ok := r.sink.(linkedSink); ok {
			stamps = r.from.assetStamps
		}
	}
	for _, as := range r.v.assets {
		name, _ := url.PathUnescape(strings.TrimPrefix(project.AssetURL(as.Path), "/"))
		named := func(err error) error {
			if err != nil {
				return fmt.Errorf("asset %s: %w", as.Path, err)
			}
			return nil
		}
		read := func() ([]byte, error) {
			data, err := fs.ReadFile(r.p.FS, as.Path)
			return data, named(err)
		}
		if was, ok := stamps[name]; ok {
			if now, ok := settledStamp(r.p.FS, as.Path); ok && now == was {
				r.putLinked(name, read)
				continue
			}
		}
		if r.assetStamps != nil {
			if st, ok := settledStamp(r.p.FS, as.Path); ok {
				r.assetStamps[name] = st
			}
		}
		if _, ok := r.sink.(copySink); ok {
			r.putCopy(name, func() (fs.File, error) {
				f, err := r.p.FS.Open(as.Path)
				return f, named(err)
			})
			continue
		}
		data, err := read()
		if err != nil {
			return err
		}
		r.put(name, data)
	}
	return nil
}

// settledStamp is what stat says of the file at name, unless it changed
// so recently (project.RacyWindow) that a change in the same clock tick
// could leave the stamp as it was.
func settledStamp(fsys fs.FS, name string) (project.Stamp, bool) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return project.Stamp{}, false
	}
	st, ok := project.StampOf(fi)
	limit := time.Now().Add(-project.RacyWindow).UnixNano()
	return st, ok && st.ModTime < limit && st.ChangeTime < limit
}

func (r *run) searchIndex() error {
	var docs []search.Doc
	for _, pa := range r.v.partners {
		if pa.Info == nil || (!pa.Listed() && !r.info.Internal) {
			continue
		}
		c := r.card(pa)
		var cats []string
		for _, cat := range c.Categories {
			cats = append(cats, cat.Name)
		}
		docs = append(docs, search.Doc{URL: c.URL, Title: c.Name, Kind: "partner", Section: "Marketplace",
			Summary: c.Summary, Text: pa.Info.Summary + " " + pa.Info.Description + " " + strings.Join(cats, " "), Boost: 2})
	}
	for _, a := range r.v.articles {
		sec := a.Section
		if pa, ok := r.p.Partner(a.PartnerID); ok && a.PartnerID != "" {
			sec = pa.ID
			if pa.Info != nil {
				sec = pa.Info.Name
			}
		}
		boost := 1.0
		if a.Sticky {
			boost = 1.5
		}
		body := r.bodies[a.Path]
		docs = append(docs, search.Doc{URL: r.url(a.URL), Title: a.Title, Kind: "article", Section: sec,
			Summary: cmp.Or(a.Summary, body.summary), Analysis: body.analysis, Boost: boost})
	}
	search.BuildWith(r.vocab, docs, r.put)
	return nil
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// plainText turns rendered HTML into text for search and descriptions.
//
// It runs over every body of every build, so it is one pass rather than a
// regexp: tags become spaces, runs of white space one space, and entities
// are decoded per word (our renderer writes only a handful).
func plainText(h []byte) string {
	out := make([]byte, 0, len(h)/2)
	space, inTag, odd := false, false, false
	word := 0 // start in out of the current word
	// flush decodes the entities of a word holding '&' or non-ASCII bytes:
	// those may decode to or be Unicode white space (&nbsp;, U+00A0),
	// which separates words like any other.
	flush := func() {
		if !odd {
			return
		}
		odd = false
		w := string(out[word:])
		if d := strings.Join(strings.Fields(html.UnescapeString(w)), " "); d != w {
			out = append(out[:word], d...)
		}
	}
	for _, c := range h {
		switch {
		case inTag:
			inTag = c != '>'
		case c == '<':
			inTag, space = true, true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			space = true
		default:
			if space {
				flush()
				if len(out) > 0 && out[len(out)-1] != ' ' {
					out = append(out, ' ')
				}
				word = len(out)
				space = false
			}
			odd = odd || c == '&' || c >= 0x80
			out = append(out, c)
		}
	}
	flush()
	return strings.TrimSpace(string(out))
}

func stripTags(s string) string {
	return strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(s, "")))
}

func summarize(s string, n int) string {
	// The first n runes, found without converting the whole text: s is
	// often an entire article.
	end, runes := len(s), 0
	for i := range s {
		if runes == n {
			end = i
			break
		}
		runes++
	}
	if end == len(s) {
		return s
	}
	cut := s[:end]
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
