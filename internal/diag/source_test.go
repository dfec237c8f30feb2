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
