package history

import (
	"bytes"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
)

// entry is one line of a tree object.
type entry struct {
	name string
	mode uint32
	hash plumbing.Hash
}

const (
	modeTree    = 0o040000
	modeTypeMsk = 0o170000
)

func (e entry) isTree() bool { return e.mode&modeTypeMsk == modeTree }

// parseTree decodes a raw tree object. go-git's object.Tree does the same
// through a bufio.Reader and per-entry string building; this is the hot
// loop of a cold walk, so it works on the bytes directly.
func parseTree(data []byte) ([]entry, error) {
	n := bytes.Count(data, []byte{0})
	es := make([]entry, 0, n)
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		if sp <= 0 {
			return nil, fmt.Errorf("malformed tree entry")
		}
		var mode uint32
		for _, c := range data[:sp] {
			if c < '0' || c > '7' {
				return nil, fmt.Errorf("malformed tree entry mode %q", data[:sp])
			}
			mode = mode<<3 | uint32(c-'0')
		}
		data = data[sp+1:]
		nul := bytes.IndexByte(data, 0)
		if nul < 0 || len(data) < nul+1+20 {
			return nil, fmt.Errorf("truncated tree entry")
		}
		e := entry{name: string(data[:nul]), mode: mode}
		copy(e.hash[:], data[nul+1:nul+21])
		es = append(es, e)
		data = data[nul+21:]
	}
	return es, nil
}

// compareEntries orders entries the way git sorts a tree: by name, a
// subtree's name read as if it ended in "/". A file and a directory of the
// same name are therefore different entries, which is what a diff wants
// (the file went away, the directory's files came).
func compareEntries(a, b entry) int {
	an, bn := a.name, b.name
	n := min(len(an), len(bn))
	if c := compareStrings(an[:n], bn[:n]); c != 0 {
		return c
	}
	ac, bc := tail(an, n, a.isTree()), tail(bn, n, b.isTree())
	switch {
	case ac < bc:
		return -1
	case ac > bc:
		return 1
	}
	return 0
}

func tail(name string, n int, tree bool) int {
	if n < len(name) {
		return int(name[n])
	}
	if tree {
		return '/'
	}
	return 0
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// treeCache keeps decoded trees by hash. Consecutive commits share most of
// their trees, so two generations of a bounded map (a cheap LRU: a hit in
// the old generation is promoted, a full young generation becomes the old
// one) hold the working set of a walk.
type treeCache struct {
	young, old map[plumbing.Hash][]entry
	limit      int
}

func newTreeCache(limit int) *treeCache {
	return &treeCache{young: map[plumbing.Hash][]entry{}, old: map[plumbing.Hash][]entry{}, limit: limit}
}

func (c *treeCache) get(h plumbing.Hash) ([]entry, bool) {
	if es, ok := c.young[h]; ok {
		return es, true
	}
	if es, ok := c.old[h]; ok {
		c.put(h, es)
		return es, true
	}
	return nil, false
}

func (c *treeCache) put(h plumbing.Hash, es []entry) {
	if len(c.young) >= c.limit {
		c.old, c.young = c.young, make(map[plumbing.Hash][]entry, c.limit)
	}
	c.young[h] = es
}
