package diag

import "testing"

func TestSuggest(t *testing.T) {
	ids := []string{"admission", "certification", "press-release", "customer-deployment", "cca-expo", "view-ezine"}
	tests := []struct {
		name, word, want string
	}{
		{"exact", "cca-expo", "cca-expo"},
		{"one typo", "admision", "admission"},
		{"transposition", "press-relaese", "press-release"},
		{"long word tolerates more", "customer-deploymnets", "customer-deployment"},
		{"unrelated", "quickstart", ""},
		{"empty word", "", ""},
		{"short word within two", "cca-exp", "cca-expo"},
		{"unicode counts characters", "viéw-ezine", "view-ezine"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Suggest(tc.word, ids); got != tc.want {
				t.Errorf("Suggest(%q) = %q, want %q", tc.word, got, tc.want)
			}
		})
	}
	if got := Suggest("x", nil); got != "" {
		t.Errorf("Suggest with no candidates = %q", got)
	}
}

func TestLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"flaw", "lawn", 2},
		{"é", "e", 1},
	}
	for _, tc := range tests {
		if got := levenshtein(tc.a, tc.b); got != tc.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
