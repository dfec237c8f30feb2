package diag

import (
	"testing"
	"unicode/utf8"
)

// FuzzSourcePos checks that Pos and Offset are inverse at every character
// boundary, whatever the line ends and however broken the UTF-8.
func FuzzSourcePos(f *testing.F) {
	for _, s := range []string{
		"", "a", "\n", "\r", "\r\n", "a\nb\r\nc\rd", "\r\r\n\n\r", "é\nü\r\n中文\r",
		"\ufeffbom\n", "\xff\xfe\n\xe2\x82\n", "x\r\n\r\n", "tab\tbed\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewSource("f", data)
		if s.Lines() < 1 {
			t.Fatalf("Lines() = %d", s.Lines())
		}
		for off := 0; ; {
			p := s.Pos(off)
			if p.Line < 1 || p.Line > s.Lines() || p.Col < 1 {
				t.Fatalf("Pos(%d) = %v out of range (%d lines)", off, p, s.Lines())
			}
			if _, ok := s.LineText(p.Line); !ok {
				t.Fatalf("LineText(%d) missing", p.Line)
			}
			if back := s.Offset(p.Line, p.Col); back != off {
				t.Fatalf("Offset(Pos(%d) = %d:%d) = %d", off, p.Line, p.Col, back)
			}
			if off == len(data) {
				break
			}
			_, size := utf8.DecodeRune(data[off:])
			off += size
		}
		if p := s.Pos(len(data) + 10); p != s.Pos(len(data)) {
			t.Fatalf("Pos past the end = %v, want %v", p, s.Pos(len(data)))
		}
	})
}

// TestExcerpt: the source of an unread file answers for the lines it was
// given, and for every line once its data is filled in, whatever was asked
// of it before.
func TestExcerpt(t *testing.T) {
	full := NewSource("a.md", []byte("one\r\ntwo\nthree\n"))
	ex := full.Excerpt([]int{2, 9})
	if len(ex) != 1 || ex[2] != "two" {
		t.Fatalf("Excerpt = %v, want only line 2", ex)
	}
	s := NewExcerpt("a.md", ex)
	for _, tc := range []struct {
		line int
		text string
		ok   bool
	}{{1, "", false}, {2, "two", true}, {3, "", false}} {
		if text, ok := s.LineText(tc.line); text != tc.text || ok != tc.ok {
			t.Errorf("unread LineText(%d) = %q, %v; want %q, %v", tc.line, text, ok, tc.text, tc.ok)
		}
	}
	if got := s.Pos(5); got.Line != 1 {
		t.Errorf("unread Pos(5) = %v", got)
	}
	s.Data = full.Data
	if text, ok := s.LineText(3); text != "three" || !ok {
		t.Errorf("after reading, LineText(3) = %q, %v", text, ok)
	}
	if got := s.Pos(6); got.Line != 2 || got.Col != 2 {
		t.Errorf("after reading, Pos(6) = %v, want 2:2", got)
	}
}
