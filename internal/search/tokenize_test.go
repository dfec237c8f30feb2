package search

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// tokenCases are the tricky strings both tokenizers must agree on;
// TestClientInNode feeds them to search.js.
var tokenCases = []struct {
	name, in     string
	index, query []string // nil means none
}{
	{"accents fold", "Über café naïve Ångström", []string{"uber", "caf", "naiv", "angstrom"}, nil},
	{"apostrophe joins", "don't won’t kestrel's", []string{"dont", "wont", "kestrel"}, nil},
	{"languages", "C++ C# F# and c", []string{"cpp", "csharp", "fsharp"}, nil},
	{"letters and digits", "IPv6 2FA S3 v1.2", []string{"ipv6", "2fa", "s3", "v1"}, nil},
	{"hyphen compound", "e-mail wi-fi", []string{"mail", "email", "wi", "fi", "wifi"}, []string{"email", "wifi"}},
	{"compound with numbers stays split", "x86-64 2015-03-02", []string{"x86", "64", "2015", "03", "02"}, nil},
	{"double hyphen splits", "backup--restore", []string{"backup", "restor"}, nil},
	{"stop words and short words", "The cat is on a mat I x", []string{"cat", "mat"}, nil},
	{"dotted i and sigma", "İstanbul ΣΊΣΥΦΟΣ", []string{"istanbul", "σισυφοσ"}, nil},
	{"compatibility forms", "ﬁle ＡＢＣ ①②", []string{"fil", "abc", "12"}, nil},
	{"punctuation splits", "node.js/kestrel_vault:8080", []string{"nod", "js", "kestrel", "vault", "8080"}, nil},
	{"cjk and cyrillic", "東京 Москва", []string{"東京", "москва"}, nil},
	{"invalid utf-8", "ab\xffcd", []string{"ab", "cd"}, nil},
	{"empty", "  ", nil, nil},
}

func TestTerms(t *testing.T) {
	for _, tc := range tokenCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Terms(tc.in, false); !slices.Equal(got, tc.index) {
				t.Errorf("index Terms(%q) = %q, want %q", tc.in, got, tc.index)
			}
			want := tc.query
			if want == nil {
				want = tc.index
			}
			if got := Terms(tc.in, true); !slices.Equal(got, want) {
				t.Errorf("query Terms(%q) = %q, want %q", tc.in, got, want)
			}
		})
	}
}

func TestStem(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"backups", "backup"},
		{"policies", "policy"},
		{"ties", "tie"},
		{"classes", "class"},
		{"boxes", "box"},
		{"matches", "match"},
		{"caches", "cach"},
		{"cache", "cach"},
		{"status", "status"},
		{"access", "access"},
		{"apis", "api"},
		{"configure", "configur"},
		{"configured", "configur"},
		{"configuring", "configur"},
		{"configures", "configur"},
		{"running", "run"},
		{"stopped", "stop"},
		{"installed", "install"},
		{"added", "add"},
		{"agreed", "agre"},
		{"agree", "agre"},
		{"applied", "apply"},
		{"settings", "set"},
		{"string", "string"},
		{"thing", "thing"},
		{"need", "need"},
		{"use", "use"},
		{"ipv6s", "ipv6s"},
		{"über", "über"},
		{"kestrel", "kestrel"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := string(stem([]byte(tc.in))); got != tc.want {
				t.Errorf("stem(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestStopWordsMatchClient guards the one list that is written twice.
func TestStopWordsMatchClient(t *testing.T) {
	m := regexp.MustCompile(`const STOP = new Set\('([^']*)'\.split`).FindSubmatch(clientJS)
	if m == nil {
		t.Fatal("search.js: no STOP list found")
	}
	if got := string(m[1]); got != stopWordList {
		t.Errorf("search.js STOP list differs from stopWordList:\n js: %s\n go: %s", got, stopWordList)
	}
	if !slices.IsSorted(strings.Fields(stopWordList)) {
		t.Error("stopWordList is not sorted")
	}
}

// TestClientSafety checks the client for the habits the package comment
// promises: text goes into the DOM as text, and files are found relative
// to the script.
func TestClientSafety(t *testing.T) {
	src, err := os.ReadFile("search.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "import("} {
		if strings.Contains(string(src), bad) {
			t.Errorf("search.js uses %s", bad)
		}
	}
	if !strings.Contains(string(src), "import.meta.url") {
		t.Error("search.js does not resolve files against import.meta.url")
	}
}

func FuzzTerms(f *testing.F) {
	for _, tc := range tokenCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, query := range []bool{false, true} {
			for _, term := range Terms(s, query) {
				if len([]rune(term)) < 2 {
					t.Errorf("Terms(%q) has short term %q", s, term)
				}
			}
		}
	})
}

// TestAnalysisCounts checks an analysis against Terms: every distinct
// term in order of first occurrence, with its count, including terms and
// counts too large for the compact form's byte.
func TestAnalysisCounts(t *testing.T) {
	long := strings.Repeat("x", 300)
	longer := strings.Repeat("y", 70000)
	tests := map[string]string{
		"empty":         "",
		"plain":         "kestrel backups restore kestrel vaults",
		"long term":     "before " + long + " after " + long,
		"many":          strings.Repeat("alpha beta ", 300) + "gamma",
		"very many":     strings.Repeat("delta ", 70000) + longer + " omega",
		"254 and 255":   strings.Repeat("epsilon ", 254) + strings.Repeat("zeta ", 255) + strings.Repeat("q", 254) + " " + strings.Repeat("r", 255),
		"mixed scripts": "Über café naïve don't e-mail C++ IPv6",
	}
	var an Analyzer
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			var want []string
			count := map[string]int32{}
			for _, term := range Terms(text, false) {
				if count[term] == 0 {
					want = append(want, term)
				}
				count[term]++
			}
			for _, a := range []*Analysis{Analyze(text), an.Analyze(text)} {
				var got []string
				a.each(func(term []byte, n int32) {
					got = append(got, string(term))
					if n != count[string(term)] {
						t.Errorf("%.20s… counted %d times, want %d", term, n, count[string(term)])
					}
				})
				if !slices.Equal(got, want) || a.terms() != len(want) || a.length != len(Terms(text, false)) {
					t.Errorf("terms %d (%d tokens), want %d (%d)", a.terms(), a.length, len(want), len(Terms(text, false)))
				}
			}
		})
	}
}
