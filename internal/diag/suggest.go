package diag

// Suggest returns the candidate closest to word by edit distance, for a
// "did you mean" hint, or "" when none is close enough. Close enough is
// within max(2, len(word)/3) edits, so short ids tolerate a typo or two and
// long ones a few more, but an unrelated word suggests nothing. Ties go to
// the earlier candidate, so the hint is stable.
func Suggest(word string, candidates []string) string {
	limit := max(2, len([]rune(word))/3)
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if c == word {
			return c
		}
		if d := levenshtein(word, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// levenshtein returns the number of single-character insertions, deletions
// and substitutions that turn a into b, counting characters, not bytes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
