package search

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// codecTexts have terms and counts in both the byte and the wide form.
var codecTexts = map[string]string{
	"empty":     "",
	"plain":     "kestrel backups restore kestrel vaults",
	"long term": "before " + strings.Repeat("x", 300) + " after",
	"many":      strings.Repeat("alpha beta ", 300) + "gamma",
	"both wide": strings.Repeat("delta ", 70000) + strings.Repeat("y", 70000) + " omega",
}

func TestAnalysisBinaryRoundTrip(t *testing.T) {
	for name, text := range codecTexts {
		t.Run(name, func(t *testing.T) {
			a := Analyze(text)
			data, err := a.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var b Analysis
			if err := b.UnmarshalBinary(data); err != nil {
				t.Fatalf("UnmarshalBinary of MarshalBinary's output: %v", err)
			}
			if got, want := dump(&b), dump(a); got != want {
				t.Errorf("decoded analysis is\n%.200s\nwant\n%.200s", got, want)
			}
			if b.length != a.length {
				t.Errorf("length %d, want %d", b.length, a.length)
			}
		})
	}
}

// TestAnalysisBinaryRejectsDamage cuts and alters a valid encoding: every
// cut must fail, and every one-byte change must fail or decode into an
// analysis that each can walk.
func TestAnalysisBinaryRejectsDamage(t *testing.T) {
	a := Analyze(strings.Repeat("sigma ", 300) + strings.Repeat("w", 400) + " tau upsilon")
	data, _ := a.MarshalBinary()
	for n := range len(data) {
		var b Analysis
		if err := b.UnmarshalBinary(data[:n]); err == nil {
			t.Errorf("the first %d of %d bytes decoded", n, len(data))
		}
	}
	for i := range data {
		for _, v := range []byte{0, 1, wide, data[i] ^ 0x80} {
			bad := bytes.Clone(data)
			bad[i] = v
			var b Analysis
			if b.UnmarshalBinary(bad) == nil {
				dump(&b) // panics if the lengths do not add up
			}
		}
	}
}

func FuzzAnalysisBinary(f *testing.F) {
	for _, text := range codecTexts {
		if len(text) < 1000 {
			data, _ := Analyze(text).MarshalBinary()
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a Analysis
		if a.UnmarshalBinary(data) != nil {
			return
		}
		again, _ := a.MarshalBinary()
		var b Analysis
		if err := b.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-encoding of an accepted analysis fails: %v", err)
		}
		if !reflect.DeepEqual(a, b) || dump(&a) != dump(&b) {
			t.Fatal("re-encoding changed the analysis")
		}
	})
}

// dump lists an analysis's terms with their counts.
func dump(a *Analysis) string {
	var s strings.Builder
	a.each(func(term []byte, n int32) {
		s.WriteString(string(term))
		s.WriteByte(' ')
		s.WriteString(strings.Repeat("|", min(int(n), 3)))
		s.WriteByte(byte('0' + n%10))
		s.WriteByte('\n')
	})
	return s.String()
}
