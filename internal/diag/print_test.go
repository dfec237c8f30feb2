package diag

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestWriteText(t *testing.T) {
	src := NewSource("partners/acme/partner.yaml", []byte("name: Acme\n\tsummary: x\ncategories: [stor]\n"))
	tests := []struct {
		name string
		d    Diagnostic
		want string
	}{
		{
			name: "caret under column with hint",
			d:    Diagnostic{Pos: Pos{File: src.Name, Line: 3, Col: 14}, Rule: "partner.category", Msg: `unknown category "stor"`, Hint: `did you mean "storage"?`},
			want: "partners/acme/partner.yaml:3:14: error: unknown category \"stor\" [partner.category]\n" +
				"    3 | categories: [stor]\n" +
				"      |              ^\n" +
				"    hint: did you mean \"storage\"?\n",
		},
		{
			name: "tabs are kept in the caret line",
			d:    Diagnostic{Pos: Pos{File: src.Name, Line: 2, Col: 2}, Severity: Warning, Rule: "yaml.syntax", Msg: "tab"},
			want: "partners/acme/partner.yaml:2:2: warning: tab [yaml.syntax]\n" +
				"    2 | \tsummary: x\n" +
				"      | \t^\n",
		},
		{
			name: "whole-file diagnostic has no excerpt",
			d:    Diagnostic{Pos: Pos{File: src.Name}, Rule: "partner.no-ledger", Msg: "no ledger"},
			want: "partners/acme/partner.yaml: error: no ledger [partner.no-ledger]\n",
		},
		{
			name: "unknown source prints the message only",
			d:    Diagnostic{Pos: Pos{File: "other.yaml", Line: 1, Col: 1}, Rule: "r", Msg: "m"},
			want: "other.yaml:1:1: error: m [r]\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteText(&b, List{tc.d}, map[string]*Source{src.Name: src}); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", b.String(), tc.want)
			}
		})
	}
}

func TestWriteTextNeutralizesControlCharacters(t *testing.T) {
	src := NewSource("a.md", []byte("title: \x1b[31mred\n"))
	var b bytes.Buffer
	WriteText(&b, List{{Pos: Pos{File: "a.md", Line: 1, Col: 8}, Rule: "r", Msg: "m"}}, map[string]*Source{"a.md": src})
	if bytes.ContainsRune(b.Bytes(), 0x1b) {
		t.Errorf("escape character reached the terminal: %q", b.String())
	}
}

func TestWriteGitHub(t *testing.T) {
	l := List{
		{Pos: Pos{File: "content/a,b.md", Line: 4, Col: 2}, Rule: "article.raw-html", Severity: Warning, Msg: "100% raw", Hint: "use: Markdown"},
		{Pos: Pos{File: "partners/x"}, Rule: "partner.file-missing", Msg: "no partner.yaml"},
	}
	var b bytes.Buffer
	if err := WriteGitHub(&b, l); err != nil {
		t.Fatal(err)
	}
	want := "::warning file=content/a%2Cb.md,line=4,col=2,title=article.raw-html::100%25 raw%0Ahint: use: Markdown\n" +
		"::error file=partners/x,title=partner.file-missing::no partner.yaml\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestWriteJSONHasEmptyListsNotNull(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, nil); err != nil {
		t.Fatal(err)
	}
	var got map[string][]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["errors"] == nil || got["warnings"] == nil {
		t.Errorf("want [] for both lists, got %s", b.String())
	}
}

func TestSortOrdersAndDedupes(t *testing.T) {
	l := List{
		{Pos: Pos{File: "b", Line: 1, Col: 1}, Rule: "r", Msg: "m"},
		{Pos: Pos{File: "a", Line: 10, Col: 1}, Rule: "r", Msg: "m"},
		{Pos: Pos{File: "a", Line: 2, Col: 5}, Rule: "r", Msg: "m"},
		{Pos: Pos{File: "a", Line: 2, Col: 5}, Rule: "r", Msg: "m"},
	}
	l.Sort()
	var got []string
	for _, d := range l {
		got = append(got, d.Pos.String())
	}
	want := []string{"a:2:5", "a:10:1", "b:1:1"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestSourcePos(t *testing.T) {
	src := NewSource("f", []byte("ab\r\nçd\re\nf"))
	tests := []struct {
		off       int
		line, col int
		lineText  string
	}{
		{0, 1, 1, "ab"},
		{2, 1, 3, "ab"},
		{4, 2, 1, "çd"},
		{6, 2, 2, "çd"}, // after the two-byte ç
		{8, 3, 1, "e"},
		{10, 4, 1, "f"},
		{99, 4, 2, "f"}, // clamped
	}
	for _, tc := range tests {
		p := src.Pos(tc.off)
		if p.Line != tc.line || p.Col != tc.col {
			t.Errorf("Pos(%d) = %d:%d, want %d:%d", tc.off, p.Line, p.Col, tc.line, tc.col)
		}
		if text, _ := src.LineText(p.Line); text != tc.lineText {
			t.Errorf("LineText(%d) = %q, want %q", p.Line, text, tc.lineText)
		}
		if tc.off <= len(src.Data) {
			if back := src.Offset(p.Line, p.Col); back != tc.off {
				t.Errorf("Offset(%d, %d) = %d, want %d", p.Line, p.Col, back, tc.off)
			}
		}
	}
}
