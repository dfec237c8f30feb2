package diag

import (
	"bytes"
	"sort"
	"sync"
	"unicode/utf8"
)

// Source is one input file with a table of where its lines start, so that a
// byte offset found by any parser turns into a line and column, and a line
// number into the text an error printout shows under the message.
//
// Lines end at "\n", "\r\n" or a lone "\r" (the corpus has all three).
type Source struct {
	Name string // path relative to the content root, slash-separated
	Data []byte

	// The line table is made on first use: most files of a large root
	// never need a position, and the tables of all of them were a tenth of
	// what checking it allocated.
	once   sync.Once
	starts []int // byte offset at which each line starts

	// excerpt holds some lines of a file that was not read (see
	// NewExcerpt); LineText answers from it while Data is nil.
	excerpt map[int]string
}

// NewSource returns the source of data. It does not copy it.
func NewSource(name string, data []byte) *Source {
	return &Source{Name: name, Data: data}
}

// NewExcerpt returns the source of a file that was not read, of which the
// given lines (by number, from 1, without line ends) are known: enough to
// print the diagnostics an earlier reading found in it.
func NewExcerpt(name string, lines map[int]string) *Source {
	return &Source{Name: name, excerpt: lines}
}

// Excerpt returns the given lines of s, as NewExcerpt takes them; lines
// that s does not hold are left out.
func (s *Source) Excerpt(lines []int) map[int]string {
	m := map[int]string{}
	for _, n := range lines {
		if text, ok := s.LineText(n); ok {
			m[n] = text
		}
	}
	return m
}

// lines returns the table of line starts, safe for concurrent use.
func (s *Source) lines() []int {
	if s.Data == nil {
		// Not read (yet): a table made now would outlive the reading.
		return []int{0}
	}
	s.once.Do(func() {
		n := 1 + bytes.Count(s.Data, []byte{'\n'})
		s.starts = make([]int, 1, n)
		for i := 0; i < len(s.Data); i++ {
			switch s.Data[i] {
			case '\n':
				s.starts = append(s.starts, i+1)
			case '\r':
				if i+1 < len(s.Data) && s.Data[i+1] == '\n' {
					i++
				}
				s.starts = append(s.starts, i+1)
			}
		}
	})
	return s.starts
}

// Lines returns the number of lines.
func (s *Source) Lines() int { return len(s.lines()) }

// Pos turns a byte offset into a position. Offsets outside the data are
// clamped to it, so a parser's off-by-one never yields a position outside
// the file.
func (s *Source) Pos(offset int) Pos {
	offset = max(0, min(offset, len(s.Data)))
	lines := s.lines()
	i := sort.Search(len(lines), func(i int) bool { return lines[i] > offset }) - 1
	col := utf8.RuneCount(s.Data[lines[i]:offset]) + 1
	return Pos{File: s.Name, Line: i + 1, Col: col}
}

// LineText returns line n (1-based) without its line end, or "" and false
// when there is no such line.
func (s *Source) LineText(n int) (string, bool) {
	if s.Data == nil && s.excerpt != nil {
		text, ok := s.excerpt[n]
		return text, ok
	}
	lines := s.lines()
	if n < 1 || n > len(lines) {
		return "", false
	}
	start, end := lines[n-1], len(s.Data)
	if n < len(lines) {
		end = lines[n]
	}
	for end > start && (s.Data[end-1] == '\n' || s.Data[end-1] == '\r') {
		end--
	}
	return string(s.Data[start:end]), true
}

// Offset turns a line and column (1-based, column in characters) back into
// a byte offset. Out-of-range values are clamped to the nearest place in the
// file.
func (s *Source) Offset(line, col int) int {
	lines := s.lines()
	if line < 1 {
		return 0
	}
	if line > len(lines) {
		return len(s.Data)
	}
	off := lines[line-1]
	end := len(s.Data)
	if line < len(lines) {
		end = lines[line]
	}
	for c := 1; c < col && off < end; c++ {
		_, size := utf8.DecodeRune(s.Data[off:end])
		off += size
	}
	return off
}

// At returns the position of line and column in this file.
func (s *Source) At(line, col int) Pos { return Pos{File: s.Name, Line: line, Col: col} }
