package gen

import (
	"math/rand/v2"
	"sort"
	"strings"
)

// headWords are the frequent words; rarer ones are made up from syllables.
// "overview" and "next" are left out so that no generated heading collides
// with the "Overview" and "Next Steps" headings that links point at.
var headWords = strings.Fields(`the to and a of you server in for is click on your network this with that be
can account select cloud from are will an or data as backup storage by if control portal group
blueprint deploy firewall policy load balancer instance template customer partner integration
credential monitor alert script package database cluster volume snapshot region datacenter schedule
retention license support engineer workflow settings page create enter name configure new button
user access password service public private address port virtual machine disk memory install
run command shown below following screen option menu each must then use need api request key
value file folder image default list table status details before after steps required
manage update delete add remove open window tab field type check box save changes`)

// vocabSize is the number of distinct words: the corpus has about 12,000,
// and a scaled-up knowledge base has more.
const vocabSize = 30000

var syllables = strings.Fields(`ka lo mi ner sta vo tri pel dan cor ex ium ble gra fen tos quo rin sal mek dor
vi pha zen tul bro cas lin mar pod ret sen tav wex yor ak el on ur is`)

// text draws words with a Zipf-like frequency over a fixed vocabulary, so
// that the search index and highlighting see text with a realistic spread
// of rare and common words.
type text struct {
	r     *rand.Rand
	vocab []string
	cum   []float64
}

func newText(r *rand.Rand) *text {
	t := &text{r: r, vocab: make([]string, vocabSize), cum: make([]float64, vocabSize)}
	copy(t.vocab, headWords)
	for k := len(headWords); k < vocabSize; k++ {
		var b strings.Builder
		n := k
		for {
			b.WriteString(syllables[n%len(syllables)])
			n /= len(syllables)
			if n == 0 {
				break
			}
		}
		t.vocab[k] = b.String()
	}
	sum := 0.0
	for k := range t.cum {
		sum += 1 / float64(k+2)
		t.cum[k] = sum
	}
	for k := range t.cum {
		t.cum[k] /= sum
	}
	return t
}

func (t *text) word() string {
	u := t.r.Float64()
	return t.vocab[min(len(t.vocab)-1, sort.SearchFloat64s(t.cum, u))]
}

func (t *text) words(n int) []string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = t.word()
	}
	return ws
}

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// title is a few words in title case, as headings and link texts are.
func (t *text) title(n int) string {
	ws := t.words(n)
	for i, w := range ws {
		ws[i] = capitalize(w)
	}
	return strings.Join(ws, " ")
}

// sentence is n words with, now and then, inline markup the corpus uses:
// bold UI labels, inline code and links to outside sites.
func (t *text) sentence(n int) string {
	ws := t.words(n)
	ws[0] = capitalize(ws[0])
	for i := 1; i < len(ws); i++ {
		switch t.r.IntN(160) {
		case 0:
			ws[i] = "**" + capitalize(ws[i]) + "**"
		case 1:
			ws[i] = "`" + ws[i] + "-" + t.word() + "`"
		case 2:
			ws[i] = "[" + ws[i] + "](https://www." + t.word() + ".example.com/docs/" + t.word() + ")"
		case 3:
			ws[i] = "*" + ws[i] + "*"
		}
	}
	return strings.Join(ws, " ") + "."
}

func (t *text) paragraph() string {
	var s []string
	for range 1 + t.r.IntN(4) {
		s = append(s, t.sentence(6+t.r.IntN(16)))
	}
	return strings.Join(s, " ")
}
