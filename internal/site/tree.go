package site

import (
	"maps"
	"strings"

	"github.com/marketplace-program/marketplace/internal/publish"
)

// Tree is a site's files as Incremental builds them: an immutable base
// under a layer of what changed since. A build copies the layer, not the
// tens of thousands of files of a large site; once the layer grows, it is
// folded into a new base. A Tree is never changed once returned, so
// readers (a server) need no lock.
type Tree struct {
	base    publish.Files
	layer   publish.Files   // added or replaced since base
	removed map[string]bool // removed since base; never also in layer
	n       int
}

// NewTree makes a tree of files, which it keeps: the caller must not
// change them afterwards.
func NewTree(files publish.Files) *Tree { return &Tree{base: files, n: len(files)} }

// Get returns a file.
func (t *Tree) Get(name string) ([]byte, bool) {
	if t == nil || t.removed[name] {
		return nil, false
	}
	if d, ok := t.layer[name]; ok {
		return d, true
	}
	d, ok := t.base[name]
	return d, ok
}

// Len is the number of files.
func (t *Tree) Len() int {
	if t == nil {
		return 0
	}
	return t.n
}

// Files returns all files as one map, a copy the caller may keep.
func (t *Tree) Files() publish.Files {
	if t == nil {
		return nil
	}
	out := maps.Clone(t.base)
	for name := range t.removed {
		delete(out, name)
	}
	maps.Copy(out, t.layer)
	return out
}

// with returns a tree that has put's files over t's and lacks the names
// in remove (a name in both is put).
func (t *Tree) with(put publish.Files, remove map[string]bool) *Tree {
	if t == nil {
		return NewTree(put)
	}
	n := &Tree{base: t.base, layer: maps.Clone(t.layer), removed: maps.Clone(t.removed), n: t.n}
	if n.layer == nil {
		n.layer = publish.Files{}
	}
	if n.removed == nil {
		n.removed = map[string]bool{}
	}
	for name := range remove {
		if _, ok := put[name]; ok {
			continue
		}
		if _, ok := n.Get(name); ok {
			n.n--
			delete(n.layer, name)
			if _, inBase := n.base[name]; inBase {
				n.removed[name] = true
			}
		}
	}
	for name, data := range put {
		if _, ok := n.Get(name); !ok {
			n.n++
		}
		delete(n.removed, name)
		n.layer[name] = data
	}
	// Fold the layer in once copying it costs a fair share of copying
	// everything.
	if len(n.layer)+len(n.removed) > 1024+len(n.base)/8 {
		return NewTree(n.Files())
	}
	return n
}

// names lists the files whose names start with prefix.
func (t *Tree) names(prefix string) []string {
	var out []string
	for name := range t.base {
		if strings.HasPrefix(name, prefix) && !t.removed[name] {
			if _, over := t.layer[name]; !over {
				out = append(out, name)
			}
		}
	}
	for name := range t.layer {
		if strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	return out
}
