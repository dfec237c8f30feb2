package history

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// commitRec is what the history keeps of one commit: enough to replay
// git's walk order and to attribute the commit to the paths it changed.
type commitRec struct {
	id      plumbing.Hash
	parents []plumbing.Hash
	time    int64 // committer date: git log's walk order
	name    string
	email   string
	date    int64 // author date, Unix seconds
	tz      int   // author time zone, seconds east of UTC
	paths   []int // indexes into the path table; nil for merges
}

// walker diffs new commits. Everything it does goes through one repo on
// one goroutine.
type walker struct {
	r     *repo
	root  []string // the content root inside the repository, split
	trees *treeCache
	paths *pathTable
	stats *Stats
	// subtree holds the content root's tree of each commit seen, so that a
	// child and its parent are each looked up once.
	subtree map[plumbing.Hash]plumbing.Hash
}

// pathTable interns root-relative paths.
type pathTable struct {
	list  []string
	index map[string]int
}

func newPathTable(list []string) *pathTable {
	t := &pathTable{list: list, index: make(map[string]int, len(list))}
	for i, p := range list {
		t.index[p] = i
	}
	return t
}

func (t *pathTable) id(p string) int {
	if i, ok := t.index[p]; ok {
		return i
	}
	t.list = append(t.list, p)
	t.index[p] = len(t.list) - 1
	return len(t.list) - 1
}

// walkNew reads every commit reachable from head that known does not hold,
// and diffs each non-merge one against its parent.
func (w *walker) walkNew(head plumbing.Hash, known map[plumbing.Hash]*commitRec) ([]*commitRec, error) {
	var fresh []*commitRec
	seen := map[plumbing.Hash]bool{head: true}
	stack := []plumbing.Hash{head}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if known[h] != nil {
			continue
		}
		c, err := w.commit(h)
		if err != nil {
			return nil, err
		}
		rec := &commitRec{
			id:      h,
			parents: c.ParentHashes,
			time:    c.Committer.When.Unix(),
			name:    c.Author.Name,
			email:   c.Author.Email,
			date:    c.Author.When.Unix(),
		}
		_, rec.tz = c.Author.When.Zone()
		if w.subtree[h], err = w.rootSubtree(c.TreeHash); err != nil {
			return nil, err
		}
		fresh = append(fresh, rec)
		for _, p := range c.ParentHashes {
			if !seen[p] {
				seen[p] = true
				stack = append(stack, p)
			}
		}
	}
	w.stats.Walked += len(fresh)
	for _, rec := range fresh {
		if len(rec.parents) > 1 {
			continue // git log --no-merges
		}
		var parent plumbing.Hash // the empty tree for a root commit
		if len(rec.parents) == 1 {
			var err error
			if parent, err = w.subtreeOf(rec.parents[0]); err != nil {
				return nil, err
			}
		}
		tree, err := w.subtreeOf(rec.id)
		if err != nil {
			return nil, err
		}
		rec.paths = []int{}
		if err := w.diff("", parent, tree, func(p string) { rec.paths = append(rec.paths, w.paths.id(p)) }); err != nil {
			return nil, err
		}
	}
	return fresh, nil
}

func (w *walker) commit(h plumbing.Hash) (*object.Commit, error) {
	c, err := object.GetCommit(w.r.store, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, &MissingObjectError{Kind: "commit", Hash: h.String(), Promisor: w.r.partial}
	}
	if err != nil {
		return nil, fmt.Errorf("reading commit %s: %w", h, err)
	}
	return c, nil
}

// subtreeOf returns the tree of the content root in commit h, the zero
// hash when the commit has no such directory.
func (w *walker) subtreeOf(h plumbing.Hash) (plumbing.Hash, error) {
	if t, ok := w.subtree[h]; ok {
		return t, nil
	}
	c, err := w.commit(h)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	t, err := w.rootSubtree(c.TreeHash)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	w.subtree[h] = t
	return t, nil
}

// rootSubtree descends from a commit's tree to the content root's.
func (w *walker) rootSubtree(t plumbing.Hash) (plumbing.Hash, error) {
	for i, name := range w.root {
		es, err := w.tree(t, strings.Join(w.root[:i], "/"))
		if err != nil {
			return plumbing.ZeroHash, err
		}
		t = plumbing.ZeroHash
		for _, e := range es {
			if e.name == name && e.isTree() {
				t = e.hash
				break
			}
		}
		if t.IsZero() {
			break
		}
	}
	return t, nil
}

// tree returns a decoded tree; the zero hash is the empty tree.
func (w *walker) tree(h plumbing.Hash, p string) ([]entry, error) {
	if h.IsZero() {
		return nil, nil
	}
	if es, ok := w.trees.get(h); ok {
		return es, nil
	}
	data, err := w.r.object(plumbing.TreeObject, h, w.repoPath(p))
	if err != nil {
		return nil, err
	}
	es, err := parseTree(data)
	if err != nil {
		return nil, fmt.Errorf("tree %s (%s): %w", h, w.repoPath(p), err)
	}
	w.stats.Trees++
	w.trees.put(h, es)
	return es, nil
}

func (w *walker) repoPath(p string) string {
	full := strings.Join(append(w.root[:len(w.root):len(w.root)], p), "/")
	full = strings.Trim(full, "/")
	if full == "" {
		return "/"
	}
	return full + "/"
}

// diff reports every non-tree path whose blob or mode differs between
// trees a and b, skipping subtrees whose hashes are equal: an unchanged
// directory costs one comparison however large it is.
func (w *walker) diff(prefix string, a, b plumbing.Hash, emit func(string)) error {
	if a == b {
		return nil
	}
	ta, err := w.tree(a, prefix)
	if err != nil {
		return err
	}
	tb, err := w.tree(b, prefix)
	if err != nil {
		return err
	}
	i, j := 0, 0
	for i < len(ta) || j < len(tb) {
		var c int
		switch {
		case i == len(ta):
			c = 1
		case j == len(tb):
			c = -1
		default:
			c = compareEntries(ta[i], tb[j])
		}
		switch {
		case c < 0:
			if err := w.one(prefix, ta[i], emit); err != nil {
				return err
			}
			i++
		case c > 0:
			if err := w.one(prefix, tb[j], emit); err != nil {
				return err
			}
			j++
		default:
			ea, eb := ta[i], tb[j]
			if ea.isTree() {
				if err := w.diff(prefix+ea.name+"/", ea.hash, eb.hash, emit); err != nil {
					return err
				}
			} else if ea.hash != eb.hash || ea.mode != eb.mode {
				emit(prefix + ea.name)
			}
			i++
			j++
		}
	}
	return nil
}

// one reports an entry present on one side only: a file, or every file
// under a directory.
func (w *walker) one(prefix string, e entry, emit func(string)) error {
	if !e.isTree() {
		emit(prefix + e.name)
		return nil
	}
	return w.diff(prefix+e.name+"/", plumbing.ZeroHash, e.hash, emit)
}
