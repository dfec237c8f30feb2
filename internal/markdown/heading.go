package markdown

import (
	"strconv"
	"strings"
	"unicode"
)

// HeadingID returns the id for a heading with the given text, following
// GitHub: lowercase; letters (any script), digits, marks, '-' and '_'
// kept; each space becomes '-'; everything else (punctuation, emoji)
// dropped. So "Überblick" gives "überblick" and "What's new?" gives
// "whats-new". seen records the IDs handed out in one document: a repeat
// gets "-1", "-2", ... appended, skipping any suffix already taken. A nil
// seen disables that. A heading with nothing left gets "section".
func HeadingID(text string, seen map[string]int) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(text) {
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) || r == '-' || r == '_':
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsSpace(r):
			b.WriteByte('-')
		}
	}
	id := b.String()
	if id == "" {
		id = "section"
	}
	if seen == nil {
		return id
	}
	if _, dup := seen[id]; !dup {
		seen[id] = 0
		return id
	}
	base := id
	for {
		seen[base]++
		id = base + "-" + strconv.Itoa(seen[base])
		if _, dup := seen[id]; !dup {
			seen[id] = 0
			return id
		}
	}
}
