package load

import (
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/marketplace-program/marketplace/internal/diag"
)

// Update re-reads the given paths of a root into a copy of prev, as if the
// root had been loaded again: the result and its diagnostics are what Load
// would return for the root as it is now. prevDiags are the diagnostics
// that produced prev (from Load or an earlier Update).
//
// changed holds slash paths relative to the root of files or folders that
// were created, written, renamed or removed. A partner folder is always
// read again as a whole (it holds two small files), a path under content/
// as the file or folder it names; a folder that is gone takes everything
// under it along. Paths that Load does not read are ignored. Everything
// not named is reused, so the articles of prev and their Sources are
// shared with the result and must not be changed by either owner.
//
// Update falls back to a full Load when it cannot attribute what it would
// drop: a change to the partners/ or content/ folder itself, or an earlier
// problem reading the root.
func Update(prev *Repo, prevDiags diag.List, fsys fs.FS, changed []string, opts Options) (*Repo, diag.List) {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	u, ok := unitsOf(changed)
	if !ok || prev == nil || slices.ContainsFunc(prevDiags, func(d diag.Diagnostic) bool {
		return d.File == "." || d.File == "partners" || d.File == "content"
	}) {
		return Load(fsys, opts)
	}
	w := &walker{fsys: fsys, opts: opts}
	if u.program {
		if e, ok := lstatEntry(fsys, "program.yaml"); ok && w.regular("program.yaml", e) {
			w.addFile("program.yaml", e, kindProgram, nil)
		}
	}
	for id := range u.partners {
		if e, ok := lstatEntry(fsys, "partners/"+id); ok {
			w.scanPartner(e)
		}
	}
	for _, p := range u.content {
		e, ok := lstatEntry(fsys, p)
		if !ok || !realDirs(fsys, path.Dir(p)) {
			continue
		}
		if e.IsDir() && e.Type()&fs.ModeSymlink == 0 {
			if err := fs.WalkDir(fsys, p, w.visitContent); err != nil {
				w.diags.Errorf(diag.Pos{File: p}, "load.read", "", "cannot read: %v", err)
			}
			continue
		}
		_ = w.visitContent(p, e, nil)
	}
	w.run()
	fresh := w.assemble()

	// Cloning the map and deleting from it costs less than filling a new
	// one with every source of the root.
	repo := &Repo{Program: prev.Program, Sources: maps.Clone(prev.Sources)}
	if repo.Sources == nil {
		repo.Sources = map[string]*diag.Source{}
	}
	if u.program {
		repo.Program = fresh.Program
	}
	for name := range repo.Sources {
		// Only what Load reads: later stages may add sources of their own
		// (the CODEOWNERS check does) that are theirs to add again.
		if !loaded(name) || u.covers(name) {
			delete(repo.Sources, name)
		}
	}
	for name, src := range fresh.Sources {
		repo.Sources[name] = src
	}
	repo.Partners = merge(prev.Partners, fresh.Partners, func(pd *PartnerDir) bool { return u.partners[pd.ID] },
		func(a, b *PartnerDir) int { return strings.Compare(a.ID, b.ID) })
	repo.Articles = mergeIn(dropContent(prev.Articles, func(a *Article) string { return a.Path }, u.content), fresh.Articles,
		func(a, b *Article) int { return strings.Compare(a.Path, b.Path) })
	repo.Assets = mergeIn(dropContent(prev.Assets, func(a *Asset) string { return a.Path }, u.content), fresh.Assets,
		func(a, b *Asset) int { return strings.Compare(a.Path, b.Path) })

	var diags diag.List
	for _, d := range prevDiags {
		if !u.covers(d.File) {
			diags.Add(d)
		}
	}
	diags.Append(w.diags)
	diags.Sort()
	return repo, diags
}

func loaded(name string) bool {
	return name == "program.yaml" || strings.HasPrefix(name, "partners/") || strings.HasPrefix(name, "content/")
}

// units are the parts of a root that Update reads again.
type units struct {
	program  bool
	partners map[string]bool
	content  []string // paths under content/, none inside another
}

// covers reports whether a file's earlier state is replaced by the update.
func (u units) covers(name string) bool {
	if name == "program.yaml" {
		return u.program
	}
	if rest, ok := strings.CutPrefix(name, "partners/"); ok {
		id, _, _ := strings.Cut(rest, "/")
		return u.partners[id]
	}
	for _, p := range u.content {
		if strings.HasPrefix(name, p) && (len(name) == len(p) || name[len(p)] == '/') {
			return true
		}
	}
	return false
}

// unitsOf sorts changed paths into units; ok is false when only a full
// load can tell what changed.
func unitsOf(changed []string) (units, bool) {
	u := units{partners: map[string]bool{}}
	var content []string
	for _, c := range changed {
		c = path.Clean(strings.TrimPrefix(strings.ReplaceAll(c, `\`, "/"), "./"))
		segs := strings.Split(c, "/")
		switch {
		case c == "." || c == "partners" || c == "content" || strings.HasPrefix(c, "../") || c == ".." || path.IsAbs(c):
			return u, false
		case c == "program.yaml":
			u.program = true
		case segs[0] == "partners":
			// Load skips dot-folders, and files directly in partners/.
			if len(segs) >= 2 && !strings.HasPrefix(segs[1], ".") {
				u.partners[segs[1]] = true
			}
		case segs[0] == "content":
			if !slices.ContainsFunc(segs[1:], func(s string) bool { return strings.HasPrefix(s, ".") }) {
				content = append(content, c)
			}
		}
	}
	// A folder covers the paths under it.
	slices.Sort(content)
	for _, c := range content {
		if n := len(u.content); n > 0 && (c == u.content[n-1] || strings.HasPrefix(c, u.content[n-1]+"/")) {
			continue
		}
		u.content = append(u.content, c)
	}
	return u, true
}

// merge keeps the elements of prev that are not dropped and merges in
// fresh; both are sorted by cmp, and so is the result. With nothing to
// drop or add, prev itself is returned.
func merge[T any](prev, fresh []T, drop func(T) bool, cmp func(a, b T) int) []T {
	kept := prev
	if first := slices.IndexFunc(prev, drop); first >= 0 {
		kept = slices.Clone(prev[:first])
		for _, x := range prev[first:] {
			if !drop(x) {
				kept = append(kept, x)
			}
		}
	}
	return mergeIn(kept, fresh, cmp)
}

// dropContent returns prev, sorted by path, without the elements under
// the content units (sorted, none inside another). Each unit is one path
// or the block of paths under a folder, both found by binary search: a
// preview rebuild of one article would otherwise compare every path of a
// root with tens of thousands of assets.
func dropContent[T any](prev []T, pathOf func(T) string, units []string) []T {
	at := func(key string) int {
		i, _ := slices.BinarySearchFunc(prev, key, func(x T, k string) int { return strings.Compare(pathOf(x), k) })
		return i
	}
	type span struct{ lo, hi int }
	var spans []span
	for _, c := range units {
		if i := at(c); i < len(prev) && pathOf(prev[i]) == c {
			spans = append(spans, span{i, i + 1})
		}
		// "0" is the byte after "/": [c/, c0) holds exactly the paths
		// under folder c.
		if lo, hi := at(c+"/"), at(c+"0"); lo < hi {
			spans = append(spans, span{lo, hi})
		}
	}
	if len(spans) == 0 {
		return prev
	}
	// A unit "a-b" sorts between "a" and "a/...": put spans in order.
	slices.SortFunc(spans, func(a, b span) int { return a.lo - b.lo })
	kept := make([]T, 0, len(prev))
	next := 0
	for _, sp := range spans {
		kept = append(kept, prev[next:sp.lo]...)
		next = sp.hi
	}
	kept = append(kept, prev[next:]...)
	if len(kept) == 0 {
		return nil // as Load leaves an empty list
	}
	return kept
}

// mergeIn merges fresh into kept, both sorted by cmp. With nothing to add,
// kept itself is returned.
func mergeIn[T any](kept, fresh []T, cmp func(a, b T) int) []T {
	if len(kept) == 0 && len(fresh) == 0 {
		return nil // as Load leaves an empty list
	}
	if len(fresh) == 0 {
		return kept
	}
	out := make([]T, 0, len(kept)+len(fresh))
	for len(kept) > 0 || len(fresh) > 0 {
		if len(fresh) == 0 || (len(kept) > 0 && cmp(kept[0], fresh[0]) <= 0) {
			out, kept = append(out, kept[0]), kept[1:]
		} else {
			out, fresh = append(out, fresh[0]), fresh[1:]
		}
	}
	return out
}

// lstatEntry describes p without following a symbolic link, as ReadDir
// would list it; ok is false when p does not exist.
func lstatEntry(fsys fs.FS, p string) (fs.DirEntry, bool) {
	var info fs.FileInfo
	var err error
	if rl, ok := fsys.(fs.ReadLinkFS); ok {
		info, err = rl.Lstat(p)
	} else {
		info, err = fs.Stat(fsys, p)
	}
	if err != nil {
		return nil, false
	}
	return fs.FileInfoToDirEntry(info), true
}

// realDirs reports whether every folder from content/ down to dir is a
// folder and not a link to one: Load does not walk into links, so neither
// may Update.
func realDirs(fsys fs.FS, dir string) bool {
	for d := dir; d != "content" && d != "." && d != "/"; d = path.Dir(d) {
		e, ok := lstatEntry(fsys, d)
		if !ok || !e.IsDir() || e.Type()&fs.ModeSymlink != 0 {
			return false
		}
	}
	return true
}
