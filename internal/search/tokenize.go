package search

import (
	"bytes"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// stopWordList is split into stopWords. search.js carries the same string
// (TestStopWordsMatchClient compares them), so keep it on one line.
const stopWordList = "a an and are as at be been but by can do does for from had has have how i if in into is it its me my no not of on or our so than that the their them then there these they this those to too us was we were what when where which who why will with would you your"

// stopWords is filled once from stopWordList and only read afterwards;
// longestStop is the length of its longest word, so most words skip the
// lookup.
var stopWords, longestStop = func() (map[string]bool, int) {
	m := make(map[string]bool)
	n := 0
	for _, w := range strings.Fields(stopWordList) {
		m[w] = true
		n = max(n, len(w))
	}
	return m, n
}()

// tokenizer holds scratch buffers so that indexing a corpus allocates only
// for terms it has not seen. Its zero value is ready to use; it is not safe
// for concurrent use.
type tokenizer struct {
	comp       []byte // the parts of the current hyphenated compound, concatenated
	ends       []int  // offset in comp where each part ends
	allLetters bool   // every part of the compound contains a letter
	stem       []byte
	// scratch of analyze, kept between texts: a site's analyses grew a
	// map and three slices each, most of what analyzing allocated.
	index  map[string]int32
	buf    []byte  // the terms, concatenated
	lens   []int32 // length of each term
	counts []int32
}

// isWordRune reports whether r belongs to a word. Spacing marks (Mc) count
// because they carry vowels in Indic scripts; search.js uses the same
// classes: [\p{L}\p{N}\p{Mc}].
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mc, r)
}

// isIgnorable reports whether r is dropped without ending a word:
// nonspacing marks, which NFKD has split off accented letters (so "Über"
// is found by "uber"), and apostrophes (so "don't" is one word).
func isIgnorable(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '\''
	}
	return r == '\u2019' || unicode.Is(unicode.Mn, r)
}

// run splits s into terms and calls emit for each, in text order. The slice
// passed to emit is only valid during the call.
//
// In index mode (query false) a hyphenated compound whose parts all contain
// a letter yields its parts and then their join ("e-mail": mail, email);
// in query mode it yields only the join, so the query "e-mail" also finds
// documents that wrote "email".
func (z *tokenizer) run(s string, query bool, emit func(term []byte)) {
	s = norm.NFKD.String(s)
	z.comp, z.ends, z.allLetters = z.comp[:0], z.ends[:0], true
	inWord, letter := false, false
	for i := 0; ; {
		r, size := rune(-1), 0
		if i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if r >= 0 && isIgnorable(r) {
			i += size
			continue
		}
		if r >= 0 && isWordRune(r) {
			if r < utf8.RuneSelf {
				c := byte(r)
				letter = letter || c > '9'
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				z.comp = append(z.comp, c)
			} else {
				z.comp = utf8.AppendRune(z.comp, unicode.ToLower(r))
				letter = letter || unicode.IsLetter(r)
			}
			inWord = true
			i += size
			continue
		}
		if inWord {
			start := 0
			if n := len(z.ends); n > 0 {
				start = z.ends[n-1]
			}
			// A lone letter before "++" or "#" names a language: C++, C#, F#.
			if letter && utf8.RuneCount(z.comp[start:]) == 1 {
				if strings.HasPrefix(s[i:], "++") {
					z.comp = append(z.comp, "pp"...)
				} else if r == '#' {
					z.comp = append(z.comp, "sharp"...)
				}
			}
			z.ends = append(z.ends, len(z.comp))
			z.allLetters = z.allLetters && letter
			inWord, letter = false, false
			if r == '-' && i+1 < len(s) {
				if next, _ := utf8.DecodeRuneInString(s[i+1:]); isWordRune(next) {
					i += size
					continue
				}
			}
		}
		z.flush(query, emit)
		if r < 0 {
			return
		}
		i += size
	}
}

// flush emits the words of the current compound and empties it.
func (z *tokenizer) flush(query bool, emit func([]byte)) {
	join := len(z.ends) > 1 && z.allLetters
	if !query || !join {
		start := 0
		for _, end := range z.ends {
			z.word(z.comp[start:end], emit)
			start = end
		}
	}
	if join {
		z.word(z.comp, emit)
	}
	z.comp, z.ends, z.allLetters = z.comp[:0], z.ends[:0], true
}

// word filters one lowercased word and emits its stem.
func (z *tokenizer) word(w []byte, emit func([]byte)) {
	if utf8.RuneCount(w) < 2 || len(w) <= longestStop && stopWords[string(w)] {
		return
	}
	z.stem = append(z.stem[:0], w...)
	emit(stem(z.stem))
}

// stem strips common English inflections from a lowercase ASCII word, in
// place: plurals (-s, -es, -ies), -ing, -ed, -ied, and a final -e, so that
// "configure", "configured", "configures" and "configuring" meet at
// "configur". It is deliberately light: it never touches words with
// digits or non-ASCII letters, words shorter than four letters, or an
// -ing/-ed whose remaining stem has no vowel ("string", "shed"). The same
// steps are in stem() in search.js.
func stem(w []byte) []byte {
	if len(w) < 4 {
		return w
	}
	for _, c := range w {
		if c < 'a' || c > 'z' {
			return w
		}
	}
	has := func(suffix string) bool {
		return len(w) >= len(suffix) && string(w[len(w)-len(suffix):]) == suffix
	}
	n := len(w)
	switch {
	case has("ies") && n > 4:
		w = append(w[:n-3], 'y')
	case has("sses"):
		w = w[:n-2]
	case n > 4 && (has("xes") || has("ches") || has("shes") || has("zes")):
		w = w[:n-2]
	case has("s") && !has("ss") && !has("us"):
		w = w[:n-1]
	}
	n = len(w)
	switch {
	case has("ied") && n > 4:
		return append(w[:n-3], 'y')
	case has("ing") && n >= 6 && hasVowel(w[:n-3]):
		return undouble(w[:n-3])
	case has("ed") && n >= 5 && hasVowel(w[:n-2]):
		return undouble(w[:n-2])
	}
	if len(w) > 3 && has("e") {
		w = w[:len(w)-1]
	}
	return w
}

func hasVowel(w []byte) bool {
	for _, c := range w {
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y':
			return true
		}
	}
	return false
}

// undouble turns "runn" (from "running") into "run", keeping ll, ss, zz
// and doubled vowels, and never leaving fewer than three letters ("added").
func undouble(w []byte) []byte {
	n := len(w)
	if n >= 4 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouylsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

// Terms returns the terms the index holds for text, in text order, as the
// client computes them for a query when query is true. It exists for
// callers that want to show or test how text is indexed.
func Terms(text string, query bool) []string {
	var z tokenizer
	var out []string
	z.run(text, query, func(t []byte) { out = append(out, string(t)) })
	return out
}

// Analysis is the analysis of one text: its distinct terms in order of first
// occurrence, each with how often it occurs. It is immutable and may be
// shared between goroutines.
//
// A site keeps one for every article until its index is built, so it is
// compact: a term's length and count take a byte each, and the rare ones
// that do not fit are listed apart.
type Analysis struct {
	buf    []byte  // the terms, concatenated
	lens   []uint8 // length of each term in buf; wide: the next of long
	counts []uint8 // occurrences of each term; wide: the next of many
	long   []int32
	many   []int32
	length int // tokens in all
}

// wide marks a length or count kept in Analysis.long or Analysis.many.
const wide = 255

// terms is the number of distinct terms.
func (t *Analysis) terms() int { return len(t.lens) }

// each calls f with every term, in order, and its count. term is only
// valid during the call.
func (t *Analysis) each(f func(term []byte, n int32)) {
	off, li, mi := 0, 0, 0
	for i, l := range t.lens {
		n := int(l)
		if l == wide {
			n = int(t.long[li])
			li++
		}
		c := int32(t.counts[i])
		if c == wide {
			c = t.many[mi]
			mi++
		}
		f(t.buf[off:off+n], c)
		off += n
	}
}

// Analyze tokenizes text as Build indexes a document's Text.
func Analyze(text string) *Analysis {
	var z tokenizer
	return z.analyze(text)
}

// Analyzer is Analyze for many texts: it keeps its scratch between them.
// Its zero value is ready to use, and it is safe for concurrent use.
type Analyzer struct {
	pool sync.Pool // of *tokenizer
}

// Analyze is [Analyze].
func (an *Analyzer) Analyze(text string) *Analysis {
	z, _ := an.pool.Get().(*tokenizer)
	if z == nil {
		z = new(tokenizer)
	}
	t := z.analyze(text)
	an.pool.Put(z)
	return t
}

func (z *tokenizer) analyze(text string) *Analysis {
	if z.index == nil {
		z.index = map[string]int32{}
	}
	index := z.index
	clear(index)
	z.buf, z.lens, z.counts = z.buf[:0], z.lens[:0], z.counts[:0]
	length := 0
	z.run(text, false, func(term []byte) {
		length++
		if i, ok := index[string(term)]; ok {
			z.counts[i]++
			return
		}
		index[string(term)] = int32(len(z.counts))
		z.buf = append(z.buf, term...)
		z.lens = append(z.lens, int32(len(term)))
		z.counts = append(z.counts, 1)
	})
	// Callers keep the analyses of a whole site: the result is a compact
	// copy of the scratch, with no slack.
	t := &Analysis{buf: bytes.Clone(z.buf), lens: make([]uint8, len(z.lens)),
		counts: make([]uint8, len(z.counts)), length: length}
	for i, n := range z.lens {
		t.lens[i] = narrow(n, &t.long)
		t.counts[i] = narrow(z.counts[i], &t.many)
	}
	if len(index) > maxKeptTerms {
		// clear costs what the map grew to: one huge text must not slow
		// every later one.
		z.index, z.buf, z.lens, z.counts = nil, nil, nil, nil
	}
	return t
}

// narrow returns n as a byte, or wide after appending n to *rest.
func narrow(n int32, rest *[]int32) uint8 {
	if n < wide {
		return uint8(n)
	}
	*rest = append(*rest, n)
	return wide
}

// maxKeptTerms bounds the scratch a tokenizer keeps between texts; an
// article has a few hundred distinct terms.
const maxKeptTerms = 1 << 13
