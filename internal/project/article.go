package project

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/load"
	"github.com/marketplace-program/marketplace/internal/markdown"
	"github.com/marketplace-program/marketplace/internal/memo"
	"github.com/marketplace-program/marketplace/internal/model"
	"github.com/marketplace-program/marketplace/internal/schema"
)

// Article is a KB article with its front matter decoded.
type Article struct {
	*load.Article
	Title, Author, Summary string
	// DateText is the date as written; Date is zero when it did not parse.
	DateText string
	Date     time.Time
	// PartnerID and Audience combine the path and the front matter.
	PartnerID     string
	Audience      string // "public" or "internal"
	Sticky        bool
	Keywords      []string
	ContentIsHTML bool // legacy header: the body is HTML, not Markdown
	// URL is the article's page path on the site, e.g. "/kb/partners/acme/setup/".
	URL  string
	Scan markdown.Scan
	// Content is the article cache's key of the file's bytes: it changes
	// when they do. Zero without a cache.
	Content memo.Key

	// partnerAt is where the front matter names the partner; zero when it
	// does not. Kept apart from Meta, which a cached article lacks.
	partnerAt diag.Pos
	// unread is set when load left the file unread (Options.SkipUnchanged).
	unread *unreadText
}

// unreadText reads an unread article's text the first time it is needed.
type unreadText struct {
	once sync.Once
	fsys fs.FS
}

// text makes sure a.Source and a.Body hold the article's text, reading it
// now if load left it unread; every use of them that may meet an unread
// article calls it first. Checks of unread articles run in parallel, so it
// is safe for concurrent use.
func (a *Article) text() {
	if a.unread == nil {
		return
	}
	a.unread.once.Do(func() {
		data, err := load.ReadText(a.unread.fsys, a.Path)
		if err != nil {
			// Gone since load looked: positions fall back to the file.
			return
		}
		a.Source.Data = data
		a.Body = data[min(a.BodyOffset, len(data)):]
	})
}

// Text returns the article's body, reading the file now if load left it
// unread (Options.SkipUnchanged). It is safe for concurrent use.
func (a *Article) Text() []byte {
	a.text()
	return a.Body
}

// Internal reports whether the article is for the support team only.
func (a *Article) Internal() bool { return a.Audience == "internal" }

// BodyPos turns an offset in the body into a position in the file.
func (a *Article) BodyPos(off int) diag.Pos { return a.Source.Pos(a.BodyOffset + off) }

func (p *Project) decodeArticles(v *schema.Validator, md *markdown.Engine, r *recall) {
	p.Articles = make([]*Article, len(p.Repo.Articles))
	results := make([]diag.List, len(p.Repo.Articles))
	// Articles are independent: a bounded pool keeps every core busy on
	// large roots without a goroutine per file.
	work := make(chan int)
	var wg sync.WaitGroup
	for range workers() {
		wg.Go(func() {
			for i := range work {
				a := &Article{Article: p.Repo.Articles[i]}
				if a.Unread {
					a.unread = &unreadText{fsys: p.FS}
				}
				_, read := p.Repo.Sources[a.Path]
				results[i] = decodeArticle(v, md, r, a, read)
				p.Articles[i] = a
			}
		})
	}
	for i := range p.Repo.Articles {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, d := range results {
		p.Diags.Append(d)
	}
	for _, a := range p.Articles {
		if a.PartnerID == "" {
			continue
		}
		if pa, ok := p.Partner(a.PartnerID); ok {
			pa.Articles = append(pa.Articles, a)
		}
	}
}

// decodeArticle decodes and checks the front matter of a, or takes what
// an earlier run made of the same bytes from r. read is false when load
// could not read the file (too large, unreadable): load has said why, and a
// file never read has no front matter to complain about.
func decodeArticle(v *schema.Validator, md *markdown.Engine, r *recall, a *Article, read bool) diag.List {
	a.URL = ArticleURL(a.Article)
	a.Content = r.key(a.Path)
	if a.Known {
		return a.recall(r.get(a.Path).Article)
	}
	out := decodeFront(v, md, a, read)
	if read {
		r.put(a.Source, Memo{Article: a.memo(out)}, out)
	}
	return out
}

func decodeFront(v *schema.Validator, md *markdown.Engine, a *Article, read bool) diag.List {
	var out diag.List
	a.PartnerID, a.Audience = a.Article.Partner, a.Article.Audience
	if a.Audience == "" {
		a.Audience = "public"
	}
	if !read {
		return out
	}
	if a.Format == "" || a.Meta == nil {
		if a.Format == "" {
			out.Errorf(a.Source.At(1, 1), "article.front-matter", "start the file with:\n---\ntitle: \"…\"\ndate: \"2026-01-31\"\nauthor: \"…\"\n---",
				"article has no front matter; title, date and author are required")
		}
		a.Scan = md.Scan(a.Body)
		return out
	}
	kind := schema.Article
	if a.Format == "legacy" {
		kind = schema.LegacyArticle
	}
	d := v.Validate(kind, a.Source, a.Meta)
	out.Append(d)
	fields := mapping(a.Meta)
	str := func(k string) string {
		if n := fields[k]; n != nil && n.Kind == yaml.ScalarNode {
			return n.Value
		}
		return ""
	}
	boolean := func(k string) bool {
		b, _ := strconv.ParseBool(str(k))
		return b
	}
	a.Title, a.Author, a.Summary, a.DateText = str("title"), str("author"), str("summary"), str("date")
	a.Sticky = boolean("sticky")
	a.ContentIsHTML = boolean("contentIsHTML")
	if n := fields["keywords"]; n != nil && n.Kind == yaml.SequenceNode {
		for _, k := range n.Content {
			a.Keywords = append(a.Keywords, k.Value)
		}
	}
	if a.DateText != "" && !badPointers(d)["/date"] {
		out.Append(a.parseDate(fields["date"]))
	}
	if n := fields["partner"]; n != nil {
		a.partnerAt = pos(a.Source, n)
	}
	if fm := str("partner"); fm != "" {
		if a.PartnerID != "" && fm != a.PartnerID {
			out.Errorf(pos(a.Source, fields["partner"]), "article.partner-conflict",
				fmt.Sprintf("remove the key, or move the file to content/%s/%s/", fm, a.Audience),
				"front matter says partner %q but the file is in the folder of partner %q", fm, a.PartnerID)
		} else {
			a.PartnerID = fm
		}
	}
	if fm := str("audience"); fm != "" {
		if a.Article.Audience != "" && fm != a.Article.Audience {
			out.Errorf(pos(a.Source, fields["audience"]), "article.audience-conflict",
				fmt.Sprintf("remove the key, or move the file under content/%s/%s/", a.PartnerID, fm),
				"front matter says audience %q but the file is in the %q folder", fm, a.Article.Audience)
		} else if fm == "public" || fm == "internal" {
			a.Audience = fm
		}
	}
	if a.ContentIsHTML {
		a.Scan = md.ScanHTML(a.Body)
	} else {
		a.Scan = md.Scan(a.Body)
	}
	out.Append(placeholders(a))
	out.Append(rawHTML(a))
	return out
}

// placeholders warns about text written like a tag that is no HTML element,
// such as <server name>: Markdown would take it for raw HTML; it renders as
// text, but the author almost always meant code.
func placeholders(a *Article) diag.List {
	var out diag.List
	for _, ph := range a.Scan.Placeholders {
		out.Warnf(a.BodyPos(ph.Offset), "article.html-placeholder", fmt.Sprintf("write it as code: `%s`", ph.Text),
			"%s reads as an HTML tag, not text", ph.Text)
	}
	return out
}

// parseDate reads YYYY-MM-DD, or the legacy header's MM-DD-YYYY, whose
// unpadded form M-D-YYYY is accepted with a warning.
func (a *Article) parseDate(n *yaml.Node) diag.List {
	var out diag.List
	at := pos(a.Source, n)
	if a.Format != "legacy" {
		t, ok := model.ParseDate(a.DateText)
		if !ok {
			out.Errorf(at, "article.date", "write the date as YYYY-MM-DD", "date %q is not a real calendar date", a.DateText)
		}
		a.Date = t
		return out
	}
	parts := strings.Split(a.DateText, "-")
	if len(parts) != 3 {
		out.Errorf(at, "article.date", "write the date as MM-DD-YYYY", "date %q is not MM-DD-YYYY", a.DateText)
		return out
	}
	m, _ := strconv.Atoi(parts[0])
	d, _ := strconv.Atoi(parts[1])
	y, _ := strconv.Atoi(parts[2])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		out.Errorf(at, "article.date", "", "date %q is not a real calendar date", a.DateText)
		return out
	}
	a.Date = t
	if len(parts[0]) == 1 || len(parts[1]) == 1 {
		out.Warnf(at, "article.legacy-date", fmt.Sprintf("write %02d-%02d-%04d", m, d, y),
			"legacy date %q is not zero-padded", a.DateText)
	}
	return out
}

// ArticleURL is the page path of an article: partner articles live under
// /kb/partners/<id>/, program-wide ones under /kb/<section path>/, each
// folder and file name made into a lowercase slug.
func ArticleURL(a *load.Article) string {
	rel := strings.TrimPrefix(a.Path, "content/")
	rel = strings.TrimSuffix(rel, path.Ext(rel))
	segs := strings.Split(rel, "/")
	if a.Partner != "" && len(segs) > 2 {
		segs = append([]string{"partners", a.Partner}, segs[2:]...)
	}
	for i, s := range segs {
		segs[i] = Slug(s)
	}
	return "/kb/" + strings.Join(segs, "/") + "/"
}

// Slug lowercases s and turns every run of characters other than letters
// and digits into one hyphen. Letters outside ASCII are kept.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "-"
	}
	return b.String()
}

// mapping indexes a mapping node's values by key.
func mapping(n *yaml.Node) map[string]*yaml.Node {
	m := map[string]*yaml.Node{}
	if n == nil || n.Kind != yaml.MappingNode {
		return m
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		m[n.Content[i].Value] = n.Content[i+1]
	}
	return m
}

func pos(src *diag.Source, n *yaml.Node) diag.Pos {
	if n == nil {
		return diag.Pos{File: src.Name}
	}
	return src.At(n.Line, n.Column)
}
