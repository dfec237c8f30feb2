package history

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// cacheMagic starts the cache file; its version changes whenever the
// meaning of the cached data does, and a file of another version is
// ignored (and replaced).
const cacheMagic = "marketplace-history v1"

// The cache file is text, one record a line, so that it is quick to parse
// (a warm run is mostly this parse) and readable when debugging:
//
//	marketplace-history v1
//	root "docs"                  the content root the paths are relative to
//	head <commit>                the commit it was computed for
//	path "content/a.md"          the path table; the first is path 0
//	commit <id> <committer-unix> <author-unix> <author-tz-seconds> <parents|-> <path-ids|-> "<author>" "<email>"
//
// Lists are comma-separated; strings are Go-quoted. Commits are the ones
// reachable from head, in walk order. The file holds facts about commits
// only, not per-file answers, so .mailmap edits apply without a rebuild
// and a later HEAD needs only its new commits diffed: replaying the walk
// order over 5,000 commits takes about a millisecond.

// cache is the decoded cache.
type cache struct {
	head    plumbing.Hash
	paths   *pathTable
	commits map[plumbing.Hash]*commitRec
}

// cacheFile names the cache of a content root.
func cacheFile(gitDir, rootRel, dir string) string {
	name := "marketplace-history"
	if rootRel != "" {
		sum := sha1.Sum([]byte(rootRel))
		name += "-" + hex.EncodeToString(sum[:6])
	}
	name += ".json"
	if dir == "" {
		return filepath.Join(gitDir, name)
	}
	abs, err := filepath.Abs(gitDir)
	if err != nil {
		abs = gitDir
	}
	sum := sha1.Sum([]byte(abs))
	return filepath.Join(dir, hex.EncodeToString(sum[:8]), name)
}

// readCache returns nil when there is no usable cache: none yet, another
// version, another root, or a damaged file (which the next write replaces).
func readCache(file, rootRel string) *cache {
	if file == "" {
		return nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	c, err := parseCache(string(data), rootRel)
	if err != nil {
		return nil
	}
	return c
}

var errCache = errors.New("damaged history cache")

func parseCache(data, rootRel string) (*cache, error) {
	line := func() (string, bool) {
		l, rest, ok := strings.Cut(data, "\n")
		if !ok {
			return "", false
		}
		data = rest
		return l, true
	}
	if l, _ := line(); l != cacheMagic {
		return nil, errCache
	}
	if l, _ := line(); l != "root "+strconv.Quote(rootRel) {
		return nil, errCache
	}
	c := &cache{paths: newPathTable(nil), commits: map[plumbing.Hash]*commitRec{}}
	l, _ := line()
	hs, ok := strings.CutPrefix(l, "head ")
	if !ok {
		return nil, errCache
	}
	if c.head, ok = parseHash(hs); !ok {
		return nil, errCache
	}
	var paths []string
	for {
		l, ok := line()
		if !ok {
			break
		}
		if q, ok := strings.CutPrefix(l, "path "); ok {
			p, err := strconv.Unquote(q)
			if err != nil {
				return nil, errCache
			}
			paths = append(paths, p)
			continue
		}
		rec, err := parseCommitLine(l, len(paths))
		if err != nil {
			return nil, err
		}
		c.commits[rec.id] = rec
	}
	c.paths = newPathTable(paths)
	return c, nil
}

func parseCommitLine(l string, npaths int) (*commitRec, error) {
	l, ok := strings.CutPrefix(l, "commit ")
	if !ok {
		return nil, errCache
	}
	var f [6]string
	for i := range f {
		if f[i], l, ok = strings.Cut(l, " "); !ok {
			return nil, errCache
		}
	}
	rec := &commitRec{}
	var err1, err2, err3 error
	if rec.id, ok = parseHash(f[0]); !ok {
		return nil, errCache
	}
	rec.time, err1 = strconv.ParseInt(f[1], 10, 64)
	rec.date, err2 = strconv.ParseInt(f[2], 10, 64)
	rec.tz, err3 = strconv.Atoi(f[3])
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, errCache
	}
	if f[4] != "-" {
		for p := range strings.SplitSeq(f[4], ",") {
			h, ok := parseHash(p)
			if !ok {
				return nil, errCache
			}
			rec.parents = append(rec.parents, h)
		}
	}
	if f[5] != "-" {
		rec.paths = make([]int, 0, strings.Count(f[5], ",")+1)
		for p := range strings.SplitSeq(f[5], ",") {
			id, err := strconv.Atoi(p)
			if err != nil || id < 0 || id >= npaths {
				return nil, errCache
			}
			rec.paths = append(rec.paths, id)
		}
	}
	var err error
	if rec.name, l, err = unquotePrefix(l); err != nil {
		return nil, err
	}
	if l, ok = strings.CutPrefix(l, " "); !ok {
		return nil, errCache
	}
	if rec.email, l, err = unquotePrefix(l); err != nil || l != "" {
		return nil, errCache
	}
	return rec, nil
}

func unquotePrefix(s string) (string, string, error) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", "", errCache
	}
	u, err := strconv.Unquote(q)
	if err != nil {
		return "", "", errCache
	}
	return u, s[len(q):], nil
}

func parseHash(s string) (plumbing.Hash, bool) {
	var h plumbing.Hash
	if len(s) != 2*len(h) {
		return h, false
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, false
	}
	return h, true
}

// writeCache replaces the cache atomically (a concurrent reader sees the
// old file or the new one), keeping only the paths still referenced.
func writeCache(file, rootRel string, head plumbing.Hash, paths []string, ordered []*commitRec) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nroot %s\nhead %s\n", cacheMagic, strconv.Quote(rootRel), head)
	remap := make([]int, len(paths))
	n := 0
	for _, c := range ordered {
		for _, id := range c.paths {
			if remap[id] == 0 {
				n++
				remap[id] = n // 1-based so that 0 means unseen
				fmt.Fprintf(&b, "path %s\n", strconv.Quote(paths[id]))
			}
		}
	}
	num := func(ss []string) string {
		if len(ss) == 0 {
			return "-"
		}
		return strings.Join(ss, ",")
	}
	for _, c := range ordered {
		var ps, ids []string
		for _, p := range c.parents {
			ps = append(ps, p.String())
		}
		for _, id := range c.paths {
			ids = append(ids, strconv.Itoa(remap[id]-1))
		}
		fmt.Fprintf(&b, "commit %s %d %d %d %s %s %s %s\n", c.id, c.time, c.date, c.tz, num(ps), num(ids), strconv.Quote(c.name), strconv.Quote(c.email))
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".marketplace-history-*")
	if err != nil {
		return err
	}
	_, werr := tmp.WriteString(b.String())
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), file)
	}
	if werr != nil {
		os.Remove(tmp.Name())
	}
	return werr
}
