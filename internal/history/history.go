// Package history dates and attributes the files of a content root from
// its Git history: when each file was created and last updated, and who
// wrote it.
//
// # Semantics
//
// For a path, the commits counted are exactly those that
//
//	git log --full-history --no-merges -- <path>
//
// lists: every non-merge commit reachable from HEAD (or the revision asked
// for) whose tree differs at that path from its parent's tree (a root
// commit's from the empty tree). Renames are not followed, as plain
// git log -- path does not follow them: the old path's history ends at the
// rename and the new path's begins there. Merge commits never count.
//
// Dates are author dates (git log's %ad), in the author's own time zone,
// so a date printed as YYYY-MM-DD is the one git log --date=short prints.
// Updated is the date of the first commit git log lists, created that of
// the last: the commits are ordered the way git log walks them, newest
// committer date first, a commit always before its parents' turn. Authors
// are the distinct author names after .mailmap (%aN), most recent
// contribution first.
//
// # One walk
//
// The whole history is read once: each new commit's tree is compared with
// its parent's, subtree by subtree, and an identical subtree hash ends the
// comparison there, so a commit that touched one article costs a few tree
// reads whatever the size of the repository. The result is cached on disk
// (see Options.CacheDir) and later runs read only the commits added since.
//
// # Incomplete repositories
//
// A shallow clone does not know when its files were created; Load then
// returns a warning and a History that knows nothing, so pages show no
// date rather than a wrong one. A directory outside any repository gives
// a notice and the same empty History. A partial clone is read as far as
// its objects go, and a missing object is reported as such (see
// MissingObjectError).
package history

import (
	"cmp"
	"container/heap"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// Options configure Load.
type Options struct {
	// CacheDir, when set, holds the cache instead of the repository's git
	// directory: <CacheDir>/<repo-id>/history*.json, repo-id derived from
	// the git directory's absolute path. The default is
	// <git-dir>/marketplace-history.json (marketplace-history-<root-id>.json
	// for a content root below the top of the repository): it lives and
	// dies with the clone and is never inside the content tree.
	CacheDir string
	// NoCache neither reads nor writes a cache.
	NoCache bool
	// Rev is the revision to read history as of ("" for HEAD): a commit
	// hash, branch, tag or an expression such as HEAD~1.
	Rev string
}

// Stats describe what a Load did.
type Stats struct {
	Head    string // the commit the history is as of
	Commits int    // commits reachable from it
	Walked  int    // commits read from the object store, not the cache
	Trees   int    // tree objects decoded
	Cached  bool   // a cache was read
}

// History answers for the files of one content root. It is immutable and
// safe for concurrent use.
type History struct {
	files map[string]*fileInfo // by root-relative slash path
	stats Stats
}

type fileInfo struct {
	created, updated time.Time
	authors          []string
}

// File returns the creation and last update dates and the authors of a
// root-relative path such as "content/guides/setup.md"; ok is false when
// no commit touched it (or history is unknown). It satisfies site.History.
func (h *History) File(p string) (created, updated time.Time, authors []string, ok bool) {
	if h == nil {
		return
	}
	fi := h.files[p]
	if fi == nil {
		return
	}
	return fi.created, fi.updated, slices.Clone(fi.authors), true
}

// Len is the number of paths the history knows.
func (h *History) Len() int {
	if h == nil {
		return 0
	}
	return len(h.files)
}

// Stats describe the Load that made h.
func (h *History) Stats() Stats {
	if h == nil {
		return Stats{}
	}
	return h.stats
}

// Open finds the repository holding dir (searching upward for .git) and
// loads the history of dir as a content root. Outside any repository it
// returns an empty History and one notice.
func Open(dir string, opts Options) (*History, []string, error) {
	top, rel, err := Find(dir)
	if errors.Is(err, ErrNotRepository) {
		return empty(), []string{notRepoNotice(dir)}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return Load(top, rel, opts)
}

func empty() *History { return &History{files: map[string]*fileInfo{}} }

func notRepoNotice(dir string) string {
	return fmt.Sprintf("note: %s is not in a Git repository: article dates come from front matter only", dir)
}

// Load computes the history of the content root rootRel (slash-separated,
// relative to the top of the working tree; "" for the top itself) of the
// repository whose working tree is repoDir. Notices are for the user:
// they say why the history is empty (not a repository, a shallow clone,
// no commits yet) or that the cache could not be written.
func Load(repoDir, rootRel string, opts Options) (*History, []string, error) {
	rootRel = strings.Trim(filepath.ToSlash(rootRel), "/")
	if rootRel == "." {
		rootRel = ""
	}
	r, err := openRepo(repoDir, true)
	if errors.Is(err, ErrNotRepository) {
		return empty(), []string{notRepoNotice(repoDir)}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer r.close()

	shallow, err := r.shallow()
	if err != nil {
		return nil, nil, err
	}
	if shallow {
		return empty(), []string{fmt.Sprintf("warning: %s is a shallow clone: its history is cut off, so Git dates and authors are unknown and pages show front-matter dates only (fetch the full history: git fetch --unshallow, or fetch-depth: 0 with actions/checkout)", repoDir)}, nil
	}
	head, ok, err := r.resolve(opts.Rev)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return empty(), []string{fmt.Sprintf("note: %s has no commits yet: article dates come from front matter only", repoDir)}, nil
	}

	var notices []string
	h := &History{stats: Stats{Head: head.String()}}
	cachePath := ""
	if !opts.NoCache {
		cachePath = cacheFile(r.gitDir, rootRel, opts.CacheDir)
	}
	c := readCache(cachePath, rootRel)
	h.stats.Cached = c != nil
	if c == nil {
		c = &cache{paths: newPathTable(nil), commits: map[plumbing.Hash]*commitRec{}}
	}

	w := &walker{r: r, trees: newTreeCache(8192), paths: c.paths, stats: &h.stats, subtree: map[plumbing.Hash]plumbing.Hash{}}
	if rootRel != "" {
		w.root = strings.Split(rootRel, "/")
	}
	fresh, err := w.walkNew(head, c.commits)
	if err != nil {
		return nil, nil, err
	}
	for _, rec := range fresh {
		c.commits[rec.id] = rec
	}
	ordered, ok := order(head, c.commits)
	if !ok {
		// The cache lost a parent (edited by hand, or a bug): start over.
		c = &cache{paths: newPathTable(nil), commits: map[plumbing.Hash]*commitRec{}}
		w.paths, h.stats.Cached = c.paths, false
		if fresh, err = w.walkNew(head, c.commits); err != nil {
			return nil, nil, err
		}
		for _, rec := range fresh {
			c.commits[rec.id] = rec
		}
		if ordered, ok = order(head, c.commits); !ok {
			return nil, nil, fmt.Errorf("history of %s: commit graph is incomplete", repoDir)
		}
	}
	h.stats.Commits = len(ordered)
	// A build of an older revision leaves an existing cache alone: it
	// still serves HEAD, and the old revision's commits are in it anyway
	// when the revision is an ancestor.
	keep := opts.Rev != "" && h.stats.Cached
	if cachePath != "" && !keep && (len(fresh) > 0 || c.head != head) {
		if err := writeCache(cachePath, rootRel, head, c.paths.list, ordered); err != nil {
			notices = append(notices, fmt.Sprintf("note: history cache not written: %v", err))
		}
	}

	mm, err := readMailmap(r, opts.Rev, head)
	if err != nil {
		return nil, nil, err
	}
	h.files = aggregate(ordered, c.paths.list, mm)
	return h, notices, nil
}

// readMailmap reads .mailmap as git log would: from the working tree, or
// for a past revision from that commit's tree (the build then reflects the
// repository as it was).
func readMailmap(r *repo, rev string, head plumbing.Hash) (mailmap, error) {
	if rev == "" {
		data, err := os.ReadFile(filepath.Join(r.top, ".mailmap"))
		if err != nil {
			return mailmap{}, nil
		}
		return parseMailmap(data), nil
	}
	w := &walker{r: r, trees: newTreeCache(16), stats: &Stats{}}
	c, err := w.commit(head)
	if err != nil {
		return nil, err
	}
	es, err := w.tree(c.TreeHash, "")
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.name == ".mailmap" && !e.isTree() {
			data, err := r.object(plumbing.BlobObject, e.hash, ".mailmap")
			if err != nil {
				return nil, err
			}
			return parseMailmap(data), nil
		}
	}
	return mailmap{}, nil
}

// order lists the commits reachable from head in git log's order: a
// queue by committer date, newest first, ties in the order the commits
// were queued, each commit queuing its parents when it leaves. ok is false
// when a reachable commit is missing from all.
func order(head plumbing.Hash, all map[plumbing.Hash]*commitRec) ([]*commitRec, bool) {
	first := all[head]
	if first == nil {
		return nil, false
	}
	out := make([]*commitRec, 0, len(all))
	seen := map[plumbing.Hash]bool{head: true}
	q := &walkQueue{{first, 0}}
	seq := 1
	for q.Len() > 0 {
		c := heap.Pop(q).(queued).c
		out = append(out, c)
		for _, p := range c.parents {
			if seen[p] {
				continue
			}
			seen[p] = true
			pc := all[p]
			if pc == nil {
				return nil, false
			}
			heap.Push(q, queued{pc, seq})
			seq++
		}
	}
	return out, true
}

type queued struct {
	c   *commitRec
	seq int
}

type walkQueue []queued

func (q walkQueue) Len() int { return len(q) }
func (q walkQueue) Less(i, j int) bool {
	if q[i].c.time != q[j].c.time {
		return q[i].c.time > q[j].c.time
	}
	return q[i].seq < q[j].seq
}
func (q walkQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *walkQueue) Push(x any)   { *q = append(*q, x.(queued)) }
func (q *walkQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// aggregate attributes the ordered commits (newest first) to their paths.
func aggregate(ordered []*commitRec, paths []string, mm mailmap) map[string]*fileInfo {
	byID := make([]*fileInfo, len(paths))
	zones := map[int]*time.Location{}
	names := map[[2]string]string{}
	for _, c := range ordered {
		if len(c.paths) == 0 {
			continue
		}
		loc := zones[c.tz]
		if loc == nil {
			loc = time.FixedZone(tzName(c.tz), c.tz)
			zones[c.tz] = loc
		}
		when := time.Unix(c.date, 0).In(loc)
		key := [2]string{c.name, c.email}
		name, ok := names[key]
		if !ok {
			name = mm.name(c.name, c.email)
			names[key] = name
		}
		for _, id := range c.paths {
			fi := byID[id]
			if fi == nil {
				fi = &fileInfo{updated: when}
				byID[id] = fi
			}
			fi.created = when
			if !slices.Contains(fi.authors, name) {
				fi.authors = append(fi.authors, name)
			}
		}
	}
	files := make(map[string]*fileInfo, len(paths))
	for id, fi := range byID {
		if fi != nil {
			files[paths[id]] = fi
		}
	}
	return files
}

// tzName spells an offset the way a commit header does: -0500.
func tzName(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d%02d", sign, off/3600, off/60%60)
}

// sortedPaths lists the known paths (for tests and debugging).
func (h *History) sortedPaths() []string {
	ps := make([]string, 0, len(h.files))
	for p := range h.files {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, cmp.Compare)
	return ps
}
