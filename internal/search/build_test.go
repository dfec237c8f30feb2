package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// smallCorpus is the hand-written corpus the ranking and client tests use.
func smallCorpus() []Doc {
	docs := []Doc{
		{URL: "/partners/kestrel/", Title: "Kestrel Vault", Kind: "partner", Section: "Kestrel Vault",
			Summary: "Encrypted backup vaults for cloud workloads.", Text: "Kestrel Vault keeps encrypted backups of volumes and databases.", Boost: 2},
		{URL: "/kb/backup/restore-a-backup/", Title: "Restore a backup", Kind: "article", Section: "Backup",
			Text: "Pick a snapshot and restore it to a new volume. The restore keeps the original."},
		{URL: "/kb/backup/schedules/", Title: "Snapshot schedules", Kind: "article", Section: "Backup",
			Text: "Schedules take a snapshot every night. A backup is only as good as its last restore test, so test a restore every month."},
		{URL: "/kb/security/email-alerts/", Title: "E-mail alerts for failed logins", Kind: "article", Section: "Security",
			Text: "Send an email to the owner when a login fails three times. Works with 2FA and IPv6 addresses."},
		{URL: "kb/security/rotate-keys/", Title: "Rotating encryption keys", Kind: "article", Section: "Security",
			Text: "Rotate the encryption key of a vault without downtime. Über-admins can rotate keys for every tenant."},
		{URL: "/kb/devops/cpp-agent/", Title: "Building the agent with C++", Kind: "article", Section: "Devops",
			Text: "The agent is written in C++ and builds with CMake. Bindings exist for C# and Go."},
		{URL: "/kb/networking/<script>alert(1)</script>/", Title: `<img src=x onerror="alert(1)">`, Kind: "article", Section: "Networking & <b>DNS</b>",
			Text: "Markup in titles must arrive as text."},
		// U+FA0E sorts after U+20000 in UTF-16, before it in UTF-8.
		{URL: "/kb/misc/astral/", Title: "Astral", Kind: "article", Section: "Misc", Text: "\U00020000\U00020000 \uFA0E\uFA0E"},
	}
	// Filler pushes the corpus past one docs chunk and one shard in the
	// client test's small configuration.
	r := rand.New(rand.NewPCG(3, 4))
	vocab := vocabulary(600, r)
	for i := range 300 {
		var text []string
		for range 60 {
			// Made-up words only, so that ranking tests see just the docs above.
			made := vocab[len(commonWords)+len(domainWords):]
			text = append(text, made[r.IntN(len(made))])
		}
		docs = append(docs, Doc{
			URL: fmt.Sprintf("/kb/misc/filler-%03d/", i), Title: fmt.Sprintf("Filler %s %d", text[0], i),
			Kind: "article", Section: "Misc", Text: strings.Join(text, " "),
		})
	}
	return docs
}

func TestBuildDeterministic(t *testing.T) {
	docs := smallCorpus()
	want := Build(docs)
	t.Run("twice", func(t *testing.T) {
		assertSameFiles(t, want, Build(docs))
	})
	t.Run("shuffled input", func(t *testing.T) {
		shuffled := slices.Clone(docs)
		rand.New(rand.NewPCG(5, 6)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		assertSameFiles(t, want, Build(shuffled))
	})
	t.Run("input not modified", func(t *testing.T) {
		again := smallCorpus()
		if !slices.Equal(docs, again) {
			t.Error("Build reordered or changed its argument")
		}
	})
	t.Run("build id follows content", func(t *testing.T) {
		changed := slices.Clone(docs)
		changed[1].Text += " extra"
		if readManifest(t, Build(changed)).Build == readManifest(t, want).Build {
			t.Error("changing a document kept the same build id")
		}
	})
}

func assertSameFiles(t *testing.T, want, got map[string][]byte) {
	t.Helper()
	if !slices.Equal(slices.Sorted(maps.Keys(want)), slices.Sorted(maps.Keys(got))) {
		t.Fatalf("file sets differ:\n got %q\nwant %q", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	for name, b := range want {
		if !bytes.Equal(b, got[name]) {
			t.Errorf("%s differs between builds", name)
		}
	}
}

// decodedIndex is an index read back through encoding/json.
type decodedIndex struct {
	m     manifest
	terms map[string]map[int]int // term → doc → weight
	shard map[string]int         // term → shard number
	docs  [][5]string
}

func decodeIndex(t *testing.T, files map[string][]byte) decodedIndex {
	t.Helper()
	ix := decodedIndex{m: readManifest(t, files), terms: map[string]map[int]int{}, shard: map[string]int{}}
	var last string
	for s := range ix.m.Shards {
		name := fmt.Sprintf("search/terms-%03d.json", s)
		var entries [][2]json.RawMessage
		if err := json.Unmarshal(files[name], &entries); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, e := range entries {
			var term string
			var flat []int
			if err := json.Unmarshal(e[0], &term); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(e[1], &flat); err != nil {
				t.Fatal(err)
			}
			if i == 0 && term != ix.m.Shards[s] {
				t.Errorf("%s starts with %q, manifest says %q", name, term, ix.m.Shards[s])
			}
			if compareUTF16(term, last) <= 0 {
				t.Errorf("%s: term %q not after %q", name, term, last)
			}
			last = term
			postings := map[int]int{}
			doc := 0
			for j := 0; j+1 < len(flat); j += 2 {
				if j > 0 && flat[j] <= 0 {
					t.Errorf("%s: %q: delta %d", name, term, flat[j])
				}
				doc += flat[j]
				if flat[j+1] < 1 {
					t.Errorf("%s: %q: weight %d", name, term, flat[j+1])
				}
				postings[doc] = flat[j+1]
			}
			ix.terms[term], ix.shard[term] = postings, s
		}
	}
	for c := range ix.m.Chunks {
		name := fmt.Sprintf("search/docs-%03d.json", c)
		var chunk [][5]string
		if err := json.Unmarshal(files[name], &chunk); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c < ix.m.Chunks-1 && len(chunk) != ix.m.ChunkSize {
			t.Errorf("%s has %d docs, want %d", name, len(chunk), ix.m.ChunkSize)
		}
		ix.docs = append(ix.docs, chunk...)
	}
	return ix
}

func TestBuildLayout(t *testing.T) {
	docs := smallCorpus()
	files := buildFiles(docs, config{shardBytes: 2 << 10, chunkSize: 50})
	ix := decodeIndex(t, files)

	if ix.m.Version != formatVersion || ix.m.Docs != len(docs) || len(ix.docs) != len(docs) {
		t.Errorf("manifest = %+v, decoded %d docs; want %d docs", ix.m, len(ix.docs), len(docs))
	}
	if len(ix.m.Shards) < 5 {
		t.Errorf("only %d shards with a 2 KB target", len(ix.m.Shards))
	}
	want := 2 + len(ix.m.Shards) + ix.m.Chunks // manifest, search.js
	if len(files) != want {
		t.Errorf("%d files, want %d", len(files), want)
	}
	if !bytes.Equal(files["search/search.js"], clientJS) {
		t.Error("search/search.js is not the embedded client")
	}
	for term, s := range ix.shard {
		if got := ix.m.shardOf(term); got != s {
			t.Errorf("term %q is in shard %d, lookup finds %d", term, s, got)
		}
	}
	if !slices.IsSortedFunc(ix.docs, func(a, b [5]string) int { return strings.Compare(a[0], b[0]) }) {
		t.Error("documents are not numbered in URL order")
	}

	num := func(url string) int {
		i := slices.IndexFunc(ix.docs, func(d [5]string) bool { return d[0] == url })
		if i < 0 {
			t.Fatalf("no doc %s", url)
		}
		return i
	}
	for _, tc := range []struct {
		name, term, url string
		present         bool
	}{
		{"title word", "kestrel", "/partners/kestrel/", true},
		{"stemmed body word", "backup", "/partners/kestrel/", true},
		{"section word", "security", "kb/security/rotate-keys/", true},
		{"accent folded", "uber", "kb/security/rotate-keys/", true},
		{"compound join", "email", "/kb/security/email-alerts/", true},
		{"compound part", "mail", "/kb/security/email-alerts/", true},
		{"language name", "cpp", "/kb/devops/cpp-agent/", true},
		{"stop word", "the", "/kb/backup/restore-a-backup/", false},
		{"summary is not indexed", "workload", "/partners/kestrel/", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ok := ix.terms[tc.term][num(tc.url)]
			if ok != tc.present {
				t.Errorf("posting %q in %s: %v, want %v", tc.term, tc.url, ok, tc.present)
			}
		})
	}

	t.Run("title outweighs body", func(t *testing.T) {
		title := ix.terms["restor"][num("/kb/backup/restore-a-backup/")]
		body := ix.terms["restor"][num("/kb/backup/schedules/")]
		if title <= body {
			t.Errorf("weight in title %d, in body only %d", title, body)
		}
	})
	t.Run("summary", func(t *testing.T) {
		d := ix.docs[num("/kb/backup/restore-a-backup/")]
		if d[3] != "Pick a snapshot and restore it to a new volume. The restore keeps the original." {
			t.Errorf("summary from text = %q", d[3])
		}
		if k := ix.docs[num("/partners/kestrel/")]; k[4] != "partner" || k[2] != "Kestrel Vault" {
			t.Errorf("partner doc = %q", k)
		}
	})
}

func TestBuildEmpty(t *testing.T) {
	files := Build(nil)
	m := readManifest(t, files)
	if m.Docs != 0 || m.Chunks != 0 || len(m.Shards) != 0 || len(files) != 2 {
		t.Errorf("Build(nil) = %d files, manifest %+v", len(files), m)
	}
	if !strings.Contains(string(files["search/manifest.json"]), `"shards":[]`) {
		t.Errorf("manifest shards must be an empty array: %s", files["search/manifest.json"])
	}
}

func TestBoost(t *testing.T) {
	doc := func(url string, boost float64) Doc {
		return Doc{URL: url, Title: "Same title", Text: "same words here", Boost: boost}
	}
	for _, tc := range []struct {
		name  string
		boost float64
		ratio float64 // weight relative to boost 1
	}{
		{"zero means one", 0, 1},
		{"negative means one", -3, 1},
		{"NaN means one", math.NaN(), 1},
		{"infinite means one", math.Inf(1), 1},
		{"double", 2, 2},
		{"capped", 1e9, maxBoost},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix := decodeIndex(t, Build([]Doc{doc("/a/", 1), doc("/b/", tc.boost)}))
			a, b := float64(ix.terms["same"][0]), float64(ix.terms["same"][1])
			if got := b / a; math.Abs(got-tc.ratio) > 0.05*tc.ratio {
				t.Errorf("weight ratio %v (%v/%v), want %v", got, b, a, tc.ratio)
			}
		})
	}
}

func TestCompareUTF16(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"a", "ab", -1},
		{"b", "ab", 1},
		{"é", "z", 1},
		{"\U00020000", "\uFA0E", -1}, // bytes say +1
		{"x\U00020001", "x\U00020000", 1},
		{"\U00020000", "\U00010000", 1},
		{"\uE000", "\uD7FF", 1},
	} {
		if got := compareUTF16(tc.a, tc.b); got != tc.want {
			t.Errorf("compareUTF16(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestTrimSummary(t *testing.T) {
	long := strings.Repeat("lorem ipsum ", 30)
	for _, tc := range []struct{ name, in, want string }{
		{"short kept", "  A short\n summary. ", "A short summary."},
		{"cut at a word", long, strings.TrimSpace(long[:156]) + "…"},
		{"no space to cut at", strings.Repeat("é", 200), strings.Repeat("é", 160) + "…"},
		{"invalid utf-8", "a\xffb", "a\uFFFDb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := trimSummary(tc.in)
			if got != tc.want {
				t.Errorf("trimSummary = %q, want %q", got, tc.want)
			}
			if n := len([]rune(got)); n > summaryLen+1 {
				t.Errorf("summary has %d characters", n)
			}
		})
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " backslash \`, "ctl \x00\x01\x1f\x7f\n\r\t", "line\u2028sep\u2029", "bad \xff\xfe utf8", "<script>&amp;</script>", "emoji 🦅 Über"} {
		t.Run(s, func(t *testing.T) {
			b := appendJSONString(nil, s)
			var got string
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
			if want := string([]rune(s)); got != want {
				t.Errorf("round trip = %q, want %q", got, want)
			}
			if bytes.ContainsAny(b, "\u2028\u2029") {
				t.Errorf("%q keeps a raw line separator", b)
			}
		})
	}
}

func FuzzBuild(f *testing.F) {
	for _, tc := range tokenCases {
		f.Add(tc.in, tc.in)
	}
	f.Fuzz(func(t *testing.T, title, text string) {
		files := Build([]Doc{{URL: title, Title: title, Text: text, Summary: text}, {URL: "/x/", Title: text}})
		for name, b := range files {
			if strings.HasSuffix(name, ".json") && !json.Valid(b) {
				t.Fatalf("%s is not valid JSON: %q", name, b)
			}
		}
	})
}

// A precomputed Analysis must give the index Build makes from the text.
func TestBuildWithAnalysisMatchesText(t *testing.T) {
	docs := []Doc{
		{URL: "a/", Title: "Configure backups", Section: "Backup", Text: "Configuring backups: configure the e-mail alerts, then configure C++ hooks. Backups, backups!"},
		{URL: "b/", Title: "Über restore", Section: "Restore", Text: "Restore über alles; restoring don't restores the café's backups", Boost: 2},
		{URL: "c/", Title: "Empty", Text: ""},
	}
	want := Build(docs)
	for i := range docs {
		docs[i].Analysis = Analyze(docs[i].Text)
	}
	got := Build(docs)
	if len(got) != len(want) {
		t.Fatalf("%d files with analyses, %d without", len(got), len(want))
	}
	for name, data := range want {
		if !bytes.Equal(got[name], data) {
			t.Errorf("%s differs when docs carry their Analysis:\n got %s\nwant %s", name, got[name], data)
		}
	}
}

// buildFiles is build with the files collected, as Build does.
func buildFiles(docs []Doc, cfg config) map[string][]byte {
	files := map[string][]byte{}
	build(docs, nil, cfg, func(name string, data []byte) { files[name] = data })
	return files
}

// TestBuildToStreams checks that BuildTo hands over each file once, the
// manifest last, and that they are Build's files.
func TestBuildToStreams(t *testing.T) {
	docs := smallCorpus()
	var names []string
	got := map[string][]byte{}
	BuildTo(docs, func(name string, data []byte) {
		if _, dup := got[name]; dup {
			t.Errorf("%s put twice", name)
		}
		names = append(names, name)
		got[name] = data
	})
	if len(names) == 0 || names[len(names)-1] != "search/manifest.json" {
		t.Fatalf("files put in order %v; want the manifest last", names)
	}
	assertSameFiles(t, Build(docs), got)
}

// Indexes built one after another with one Vocabulary, as the two sites
// build theirs, are the files each makes with none: in any order, over
// overlapping sets of docs, with analyses shared and not, and with terms
// that are a title in one index and a body term in another.
func TestBuildWithVocabulary(t *testing.T) {
	all := smallCorpus()
	for i := range all {
		if all[i].Kind == "article" && i%3 != 0 {
			all[i].Analysis = Analyze(all[i].Text)
		}
	}
	// A body term of another doc as the only word of a title, and a
	// title-only term no body has.
	all = append(all,
		Doc{URL: "/kb/x/vault/", Title: "vault", Kind: "article", Section: "Zzyzx", Text: "nothing", Analysis: Analyze("nothing")},
		Doc{URL: "/kb/x/empty/", Title: "Quokka", Kind: "article", Analysis: Analyze("")})
	var public, odd []Doc
	for i, d := range all {
		if i%2 == 0 {
			public = append(public, d)
		}
		if i%5 == 1 {
			odd = append(odd, d)
		}
	}
	// The public site's docs are other values with the same analyses.
	for i := range public {
		public[i].URL = "pub" + public[i].URL
	}
	cfgs := map[string]config{
		"default": {shardBytes: defaultShardBytes, chunkSize: defaultChunkSize},
		"small":   {shardBytes: 512, chunkSize: 7},
	}
	for name, cfg := range cfgs {
		for _, order := range [][]string{{"all", "public", "odd"}, {"odd", "public", "all"}, {"public", "public", "all"}} {
			t.Run(name+"/"+strings.Join(order, ","), func(t *testing.T) {
				sets := map[string][]Doc{"all": all, "public": public, "odd": odd}
				v := NewVocabulary()
				for _, set := range order {
					got := map[string][]byte{}
					build(sets[set], v, cfg, func(name string, data []byte) { got[name] = data })
					assertSameFiles(t, buildFiles(sets[set], cfg), got)
				}
				if len(v.of) == 0 {
					t.Error("the vocabulary remembered no analysis")
				}
			})
		}
	}
}
