// Package search builds the full-text index of the public site: static JSON
// files written at build time and a small dependency-free ES module that
// queries them in the browser, with no server and no search service.
//
// # Files
//
// Build returns these files, relative to the site root:
//
//	search/search.js        the client (embedded from this package)
//	search/manifest.json    {"version":1,"build":"<hash>","docs":N,"chunkSize":C,"chunks":K,"shards":[…]}
//	search/terms-NNN.json   [["term",[d,w,d,w,…]],…]   one shard of the inverted index
//	search/docs-NNN.json    [[url,title,section,summary,kind],…]   C documents each
//
// Documents are numbered after sorting them by URL, so articles of one
// section sit side by side and the top results of a query tend to share a
// docs chunk. A posting list is flat pairs: the document number as a
// delta from the previous one, then the precomputed weight (below).
//
// Shards are ranges of the sorted term list, cut so that each holds about
// defaultShardBytes of JSON (about 21 KB gzip on the synthetic 10,000-doc
// corpus, none over 25 KB); "shards" in the manifest is the first term of
// each. A term lives in the last shard whose first term is ≤ it, and all
// terms sharing a prefix sit in a run of consecutive shards, so prefix
// search (type-ahead on the last query word) needs no other structure.
// Terms are sorted by UTF-16 code unit, the order of JavaScript's <, so the
// client's binary search agrees with the cut. Ranges are used rather than
// buckets of the first two letters because English words spread very
// unevenly over those (co-, re-, st-, pr-), so buckets could not keep every
// shard small; a very frequent term simply fills a shard of its own.
// The client adds ?v=<build> to every file but the manifest, which it
// revalidates, so a rebuilt site never mixes old shards with a new manifest
// in a cache.
//
// Chunks hold defaultChunkSize documents (64, about 7 KB gzip) rather than
// 500: a query fetches the chunks of its top results only, and small chunks
// keep ten results spread over ten chunks well within the budget.
//
// # Tokens
//
// Text is NFKD-normalized, nonspacing marks and apostrophes are dropped,
// and the rest is split on anything that is not a letter, number or
// spacing mark, then lowercased rune by rune: "Über" → uber, "don't" →
// dont, "IPv6" → ipv6. A lone letter before "++" or "#" becomes cpp,
// csharp, fsharp. A hyphenated compound of lettered parts is indexed as its
// parts and their join ("e-mail" → mail, email) and queried as the join.
// Words shorter than two characters and a short English stop-word list are
// dropped, and a light suffix stemmer (see stem) folds plurals, -ing and
// -ed. search.js repeats every step; the Go tests run Node over a table of
// tricky strings to prove the two agree.
//
// # Ranking
//
// Weights are BM25 (k1 1.2, b 0.75) term-frequency components computed at
// build time, with title words counted five times and section words twice
// (a BM25F-style field boost), multiplied by Doc.Boost and stored as
// integers in tenths. The client multiplies each by the term's idf, taken
// from the document count and the posting list's length, and adds them up.
// Every query word must match (AND); when no document matches them all, the
// client ranks documents by how many words they match, then by score (OR).
// While the query does not end in a space or punctuation, its last word also
// matches the indexed terms it is a prefix of, at a discount: "kest" finds
// "kestrel".
//
// # Client
//
// search.js is an ES module of about 9 KB (4 KB gzip) that finds its files
// relative to its own URL, so the site works under any base path:
//
//	import {search, attach} from './search/search.js';
//	attach(document.getElementById('site-search'), document.getElementById('site-search-results'));
//	const hits = await search('kestrel backup', {limit: 10}); // [{url, title, section, summary, kind, score}]
//
// Result URLs are absolute, resolved against the site root. attach makes
// the input an ARIA combobox and fills the results element with a status
// line (p.search-status, role=status, aria-live=polite: "N results") and
// a ul.search-results listbox whose options hold a link, a
// span.search-section and a span.search-summary; it debounces typing and
// handles ↑ ↓ Enter Escape. Text goes into the DOM through textContent
// only. Fetched files are kept for the life of the page. The module also
// exports tokenize and stem for the tests. Go (Unicode 15) and the
// browser's Unicode tables may differ on characters added since; such
// words may not be found.
//
// # Budget
//
// The first query on a 10,000-article site fetches the manifest, one shard
// per word (at most two more for a prefix; words past the eighth are
// ignored), and the chunks of its top results. TestFirstQueryBudget runs
// search.js on a synthetic corpus against the 300 KB gzip budget: realistic
// first queries fetch 45–100 KB.
package search

import (
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Doc is one searchable page.
type Doc struct {
	// URL is the page's address. A path without a leading slash is taken
	// relative to the site root, which keeps the site working under any
	// base path; anything else is used as is.
	URL   string
	Title string
	Kind  string // "article" or "partner"
	// Section is the breadcrumb-ish label shown under the title.
	Section string
	// Summary is shown in results, cut to about 160 characters. When empty,
	// the start of Text is used.
	Summary string
	// Text is the plain-text body; the caller strips HTML and Markdown.
	Text string
	// Analysis, when set, is Analyze(Text), kept by a caller that indexes
	// the same text again (the other site, the next build of a preview):
	// Build then does not tokenize Text.
	Analysis *Analysis
	// Boost multiplies the document's score; zero, negative and
	// non-finite values mean 1.
	Boost float64
}

//go:embed search.js
var clientJS []byte

const (
	titleWeight   = 5
	sectionWeight = 2
	bm25K1        = 1.2
	bm25B         = 0.75
	weightScale   = 10 // weights are stored in tenths
	maxWeight     = 9999
	maxBoost      = 100
	summaryLen    = 160
	formatVersion = 1
)

// config holds the sizes tests vary to exercise many shards on a small
// corpus.
type config struct {
	shardBytes int // target JSON size of a terms shard
	chunkSize  int // documents per docs chunk
}

const (
	defaultShardBytes = 96 << 10
	defaultChunkSize  = 64
)

// Build returns the files of the index for docs, keyed by slash path
// relative to the site root. The output depends only on the set of docs,
// not their order, and is byte-for-byte reproducible.
func Build(docs []Doc) map[string][]byte {
	files := make(map[string][]byte)
	BuildTo(docs, func(name string, data []byte) { files[name] = data })
	return files
}

// BuildTo makes the files Build returns and hands each to put as soon as
// it is made, the manifest last, so that the index of a large site is
// never held whole.
func BuildTo(docs []Doc, put func(name string, data []byte)) {
	BuildWith(nil, docs, put)
}

// BuildWith is BuildTo numbering terms with v, which may be nil. Indexes
// built one after another with the same Vocabulary make the same files
// as with none.
func BuildWith(v *Vocabulary, docs []Doc, put func(name string, data []byte)) {
	build(docs, v, config{shardBytes: defaultShardBytes, chunkSize: defaultChunkSize}, put)
}

// A Vocabulary numbers the terms of the indexes built with it and
// remembers the numbers of each Doc.Analysis's terms. The two sites index
// the same analyzed bodies: the second index then takes a body's terms by
// number instead of hashing each again, which was the largest part of
// building the index of a large site (a map lookup for every term of
// every body, 9.6 of 192 CPU-s of a cached 50,000-article build). It is
// not safe for concurrent use: builds that share one run one at a time.
type Vocabulary struct {
	ids   map[string]int32
	terms []string
	// of holds, for each analysis indexed, its terms' numbers in the order
	// Analysis.each gives them; nil in a Vocabulary of one build.
	of map[*Analysis][]int32
}

// NewVocabulary returns an empty Vocabulary.
func NewVocabulary() *Vocabulary {
	return &Vocabulary{ids: map[string]int32{}, of: map[*Analysis][]int32{}}
}

// number returns t's number, giving it the next one if it has none.
func (v *Vocabulary) number(t []byte) int32 {
	if id, ok := v.ids[string(t)]; ok {
		return id
	}
	id := int32(len(v.terms))
	s := string(t)
	v.ids[s] = id
	v.terms = append(v.terms, s)
	return id
}

type posting struct {
	doc int32
	tf  float32 // field-weighted term frequency
}

// termFreq is a posting before grouping: the document is known from
// where it lies.
type termFreq struct {
	term int32
	tf   float32
}

func build(in []Doc, v *Vocabulary, cfg config, put func(name string, data []byte)) {
	if v == nil {
		v = &Vocabulary{ids: make(map[string]int32)}
	}
	docs := slices.Clone(in)
	slices.SortStableFunc(docs, compareDocs)

	// The build id hashes every other file, in the order they are made,
	// so it changes exactly when something a client could have cached
	// changes.
	h := sha256.New()
	emit := func(name string, data []byte) {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(data))
		h.Write(data)
		put(name, data)
	}

	// Document metadata in chunks.
	chunks := 0
	for start := 0; start < len(docs); start += cfg.chunkSize {
		b := []byte("[\n")
		for i, doc := range docs[start:min(start+cfg.chunkSize, len(docs))] {
			if i > 0 {
				b = append(b, ",\n"...)
			}
			summary := doc.Summary
			if strings.TrimSpace(summary) == "" {
				summary = doc.Text
			}
			b = append(b, '[')
			for j, s := range []string{doc.URL, doc.Title, doc.Section, trimSummary(summary), doc.Kind} {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, s)
			}
			b = append(b, ']')
		}
		emit(fmt.Sprintf("search/docs-%03d.json", chunks), append(b, "\n]\n"...))
		chunks++
	}
	emit("search/search.js", clientJS)

	// Pass 1: term frequencies per document, accumulated in a dense slice
	// indexed by term id so that a document costs no map of its own.
	var (
		z tokenizer
		// flat holds every posting, in document order, with its term;
		// they are grouped by term after the pass, which costs less than
		// growing one slice per term. Document d's are those before
		// docEnds[d].
		flat    []termFreq
		docEnds = make([]int, len(docs))
		freq    = make([]float32, len(v.terms))
		touched []int32
		lengths = make([]float64, len(docs))
		boosts  = make([]float64, len(docs))
		total   float64
	)
	// Size the postings from the analyses: growing a slice of millions
	// by doubling was most of what an index of analyzed bodies allocated.
	postings := 0
	for _, doc := range docs {
		if doc.Analysis != nil {
			postings += doc.Analysis.terms()
		}
	}
	flat = make([]termFreq, 0, postings+8*len(docs))
	for d, doc := range docs {
		length := 0
		// addN counts n occurrences of term id; each is one token of the
		// document's length.
		addN := func(id int32, weight float32, n int32) {
			for int(id) >= len(freq) {
				freq = append(freq, 0)
			}
			if freq[id] == 0 {
				touched = append(touched, id)
			}
			// Weights and counts are small integers: the product is
			// exact, as adding the weight n times was.
			freq[id] += weight * float32(n)
			length++
		}
		add := func(weight float32) func([]byte) {
			return func(t []byte) { addN(v.number(t), weight, 1) }
		}
		z.run(doc.Title, false, add(titleWeight))
		z.run(doc.Section, false, add(sectionWeight))
		tt := doc.Analysis
		if tt == nil {
			tt = z.analyze(doc.Text)
			tt.each(func(t []byte, n int32) { addN(v.number(t), 1, n) })
		} else if known, ok := v.of[tt]; ok {
			i := 0
			tt.each(func(_ []byte, n int32) { addN(known[i], 1, n); i++ })
		} else {
			var numbers []int32
			if v.of != nil {
				numbers = make([]int32, 0, tt.terms())
			}
			tt.each(func(t []byte, n int32) {
				id := v.number(t)
				addN(id, 1, n)
				if v.of != nil {
					numbers = append(numbers, id)
				}
			})
			if v.of != nil {
				v.of[tt] = numbers
			}
		}
		length += tt.length - tt.terms()
		for _, id := range touched {
			flat = append(flat, termFreq{id, freq[id]})
			freq[id] = 0
		}
		touched = touched[:0]
		docEnds[d] = len(flat)
		lengths[d] = float64(length)
		total += float64(length)
		boosts[d] = normBoost(doc.Boost)
	}
	// Group the postings by term (a counting sort, stable, so each
	// term's postings stay in document order). A shared vocabulary has
	// terms of other indexes too, with no postings here.
	terms := v.terms
	start := make([]int, len(terms)+1)
	for _, tp := range flat {
		start[tp.term+1]++
	}
	for i := range terms {
		start[i+1] += start[i]
	}
	grouped := make([]posting, len(flat))
	fill := slices.Clone(start[:len(terms)])
	d := 0
	for i, tp := range flat {
		for i >= docEnds[d] {
			d++
		}
		grouped[fill[tp.term]] = posting{int32(d), tp.tf}
		fill[tp.term]++
	}
	flat, docEnds, fill = nil, nil, nil
	postingsOf := func(id int32) []posting { return grouped[start[id]:start[id+1]] }
	avg := 1.0
	if len(docs) > 0 && total > 0 {
		avg = total / float64(len(docs))
	}

	// Pass 2: serialize term entries in sorted order and cut them into
	// shards of about cfg.shardBytes.
	order := make([]int32, 0, len(terms))
	for id := range terms {
		if start[id+1] > start[id] {
			order = append(order, int32(id))
		}
	}
	slices.SortFunc(order, func(a, b int32) int { return compareUTF16(terms[a], terms[b]) })

	var firsts []string
	var shard []byte
	var entry []byte
	cut := func() {
		shard = append(shard, "]\n"...)
		emit(fmt.Sprintf("search/terms-%03d.json", len(firsts)-1), shard)
		shard = nil
	}
	for _, id := range order {
		entry = append(entry[:0], '[')
		entry = appendJSONString(entry, terms[id])
		entry = append(entry, ",["...)
		prev := int32(0)
		for i, p := range postingsOf(id) {
			if i > 0 {
				entry = append(entry, ',')
			}
			lnorm := 1 - bm25B + bm25B*lengths[p.doc]/avg
			tf := float64(p.tf)
			w := math.Round(boosts[p.doc] * tf * (bm25K1 + 1) / (tf + bm25K1*lnorm) * weightScale)
			w = max(1, min(w, maxWeight))
			entry = strconv.AppendInt(entry, int64(p.doc-prev), 10)
			entry = append(entry, ',')
			entry = strconv.AppendInt(entry, int64(w), 10)
			prev = p.doc
		}
		entry = append(entry, "]]"...)
		if shard != nil && len(shard)+len(entry) > cfg.shardBytes {
			cut()
		}
		if shard == nil {
			firsts = append(firsts, terms[id])
			shard = append(make([]byte, 0, cfg.shardBytes+len(entry)+16), "[\n"...)
		} else {
			shard = append(shard, ",\n"...)
		}
		shard = append(shard, entry...)
	}
	if shard != nil {
		cut()
	}

	id := hex.EncodeToString(h.Sum(nil))[:12]

	m := fmt.Appendf(nil, `{"version":%d,"build":"%s","docs":%d,"chunkSize":%d,"chunks":%d,"shards":[`,
		formatVersion, id, len(docs), cfg.chunkSize, chunks)
	for i, t := range firsts {
		if i > 0 {
			m = append(m, ',')
		}
		m = appendJSONString(m, t)
	}
	put("search/manifest.json", append(m, "]}\n"...))
}

// compareUTF16 orders strings as JavaScript's < does, by UTF-16 code unit,
// so that the client's binary search over shard boundaries agrees with the
// order they were cut in. It differs from Go's byte order only when a
// character above U+FFFF meets one in U+E000–U+FFFF.
func compareUTF16(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(a) || i == len(b) {
		return cmp.Compare(len(a), len(b))
	}
	for i > 0 && !utf8.RuneStart(a[i]) {
		i--
	}
	ra, _ := utf8.DecodeRuneInString(a[i:])
	rb, _ := utf8.DecodeRuneInString(b[i:])
	unit := func(r rune) rune {
		if r > 0xFFFF {
			return 0xD800 + (r-0x10000)>>10
		}
		return r
	}
	if ua, ub := unit(ra), unit(rb); ua != ub {
		return cmp.Compare(ua, ub)
	}
	return cmp.Compare(ra, rb)
}

// compareDocs orders documents by URL and, for equal URLs, by every other
// field, so that the input order never shows in the output.
func compareDocs(a, b Doc) int {
	return cmp.Or(
		strings.Compare(a.URL, b.URL),
		strings.Compare(a.Title, b.Title),
		strings.Compare(a.Kind, b.Kind),
		strings.Compare(a.Section, b.Section),
		strings.Compare(a.Summary, b.Summary),
		strings.Compare(a.Text, b.Text),
		cmp.Compare(normBoost(a.Boost), normBoost(b.Boost)),
	)
}

func normBoost(b float64) float64 {
	if b <= 0 || math.IsNaN(b) || math.IsInf(b, 0) {
		return 1
	}
	return min(b, maxBoost)
}

// trimSummary collapses white space and cuts s at a word boundary near
// summaryLen characters, marking the cut with an ellipsis.
func trimSummary(s string) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	if utf8.RuneCountInString(s) <= summaryLen {
		return s
	}
	cut, n := len(s), 0
	for i := range s {
		if n == summaryLen {
			cut = i
			break
		}
		n++
	}
	s = s[:cut]
	if sp := strings.LastIndexByte(s, ' '); sp > summaryLen/2 {
		s = s[:sp]
	}
	return strings.TrimRight(s, " ,.;:-") + "…"
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes
// U+FFFD; U+2028 and U+2029 are escaped so the files are also valid
// JavaScript.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, "\uFFFD"...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
