package load

import "testing"

func TestUnclosedQuote(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
	}{
		{"double", "name: \"Beta\nsummary: x\n", 6},
		{"single after closed ones", "a: 'ok'\nb: 'it''s\n", 11},
		{"escaped quote inside", "a: \"say \\\"hi\\\"\nb: c\n", 3},
		{"quote inside plain value", "a: don't\nb: \"x\"\n", -1},
		{"quote in comment", "# it's\na: b\n", -1},
		{"list item", "- \"x\n", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := unclosedQuote([]byte(tc.in)); got != tc.want {
				t.Errorf("unclosedQuote(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}
