package project

import (
	"net/url"
	"testing"
)

// parseRef must read every destination as url.Parse does: it only skips
// url.Parse's allocations for plain paths.
func sameAsURLParse(t *testing.T, dest string) {
	t.Helper()
	got, gerr := parseRef(dest)
	want, werr := url.Parse(dest)
	if (gerr == nil) != (werr == nil) {
		t.Fatalf("parseRef(%q) error %v, url.Parse %v", dest, gerr, werr)
	}
	if gerr != nil {
		return
	}
	if got.Scheme != want.Scheme || got.Host != want.Host || got.Path != want.Path ||
		got.Fragment != want.Fragment || got.EscapedFragment() != want.EscapedFragment() {
		t.Errorf("parseRef(%q) = %#v, url.Parse %#v", dest, got, want)
	}
}

func TestParseRef(t *testing.T) {
	for _, dest := range []string{
		"", "#", "#part", "x.md", "../Backup/x.md#part", "images/a.png", "./a/b/", "a.md#x#y",
		"//evil.example/x", "https://example.com/a#b", "mailto:a@b.c", "a b.md", "%41.md", "a.md#%20",
		"/kb/x/", "?q=1", "a.md?x#y", "C:/x", "~user/x.md", "a.md#frag~_.-",
	} {
		sameAsURLParse(t, dest)
	}
}

func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"../a/b.md#c", "//h/p", "x:y", "a#b#c", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(sameAsURLParse)
}
