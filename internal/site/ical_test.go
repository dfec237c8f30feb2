package site

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCalendarGolden(t *testing.T) {
	files := exampleInternalSite(t)
	ics := files["calendar.ics"]
	if ics == nil {
		t.Fatal("no calendar.ics in the internal site")
	}
	checkICS(t, ics)
	for _, want := range []string{
		"UID:deadline-cobalt-shift-2026-08-04@marketplace",
		"UID:deadline-lanternmail-2027-01-01@marketplace",
		"UID:renewal-tidewater-db-2026-12-15@marketplace",
		"UID:renewal-tidewater-db-2027-12-15@marketplace",
		"DTSTART;VALUE=DATE:20261215",
		"DTSTAMP:20261128T000000Z",
	} {
		if !bytes.Contains(ics, []byte(want+"\r\n")) {
			t.Errorf("calendar lacks the line %q", want)
		}
	}
	// Applicants, declined and withdrawn partners have no dates to keep.
	for _, id := range []string{"sparrowsign", "palisade-waf", "forgeline-ci"} {
		if bytes.Contains(ics, []byte("-"+id+"-")) {
			t.Errorf("calendar has an event of %s", id)
		}
	}
	dashGolden(t, "testdata/calendar.ics", ics)
}

// checkICS checks the structure RFC 5545 asks for: CRLF line ends, lines
// of at most 75 octets with folds that keep UTF-8 whole, balanced
// BEGIN/END, and the calendar properties.
func checkICS(t *testing.T, ics []byte) {
	t.Helper()
	if !bytes.HasSuffix(ics, []byte("\r\n")) {
		t.Error("calendar does not end with CRLF")
	}
	raw := strings.Split(strings.TrimSuffix(string(ics), "\r\n"), "\r\n")
	var lines []string // unfolded
	for i, l := range raw {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") {
			if len(lines) == 0 {
				t.Fatalf("line %d continues nothing", i+1)
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	var stack []string
	props := map[string]int{}
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Errorf("content line without a colon: %q", l)
			continue
		}
		switch name {
		case "BEGIN":
			stack = append(stack, value)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				t.Fatalf("END:%s does not close %v", value, stack)
			}
			stack = stack[:len(stack)-1]
		case "SUMMARY", "DESCRIPTION", "X-WR-CALNAME":
			// Unescaped TEXT specials would split the value.
			if strings.ContainsAny(strings.NewReplacer(`\\`, "", `\,`, "", `\;`, "", `\n`, "").Replace(value), ",;\\") {
				t.Errorf("%s has unescaped specials: %q", name, value)
			}
		}
		if len(stack) == 1 {
			props[name]++
		}
	}
	if len(stack) != 0 {
		t.Errorf("unclosed: %v", stack)
	}
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Errorf("calendar is not one VCALENDAR: %q … %q", lines[0], lines[len(lines)-1])
	}
	for _, p := range []string{"PRODID", "VERSION", "CALSCALE", "X-WR-CALNAME"} {
		if props[p] != 1 {
			t.Errorf("VCALENDAR has %d %s", props[p], p)
		}
	}
	uids := map[string]bool{}
	for _, l := range lines {
		if u, ok := strings.CutPrefix(l, "UID:"); ok {
			if uids[u] {
				t.Errorf("UID %s twice", u)
			}
			uids[u] = true
		}
	}
}

func TestICalText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{`a\b`, `a\\b`},
		{"one, two; three", `one\, two\; three`},
		{"line\nbreak\r\nand CRLF", `line\nbreak\nand CRLF`},
		{"bell\a gone", "bell gone"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := icalText(tt.in); got != tt.want {
				t.Errorf("icalText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWriteFolded(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"short", "SUMMARY:short"},
		{"exactly 75", "DESCRIPTION:" + strings.Repeat("x", 63)},
		{"76", "DESCRIPTION:" + strings.Repeat("x", 64)},
		{"long ascii", "DESCRIPTION:" + strings.Repeat("abcdefghij", 30)},
		// Three-octet runes put a rune boundary off the 75-octet mark.
		{"utf-8", "SUMMARY:" + strings.Repeat("—é", 60)},
		{"four-octet", "X-WR-CALNAME:" + strings.Repeat("𝄞", 40)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			writeFolded(&b, tt.in)
			out := b.String()
			if !strings.HasSuffix(out, "\r\n") {
				t.Fatalf("no CRLF at the end: %q", out)
			}
			parts := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
			var unfolded strings.Builder
			for i, p := range parts {
				if len(p) > 75 {
					t.Errorf("part %d is %d octets", i, len(p))
				}
				if !utf8.ValidString(p) {
					t.Errorf("part %d splits a rune: %q", i, p)
				}
				if i > 0 {
					if !strings.HasPrefix(p, " ") {
						t.Errorf("continuation %d does not start with a space", i)
					}
					p = p[1:]
				}
				unfolded.WriteString(p)
			}
			if unfolded.String() != tt.in {
				t.Errorf("unfolds to %q, want %q", unfolded.String(), tt.in)
			}
			if len(tt.in) <= 75 && len(parts) != 1 {
				t.Errorf("a %d-octet line was folded", len(tt.in))
			}
		})
	}
}
