package history

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// TreeFS returns the files of a commit as an fs.FS, read from the object
// store without touching the working tree (build --ref). dir is the
// content root, the top of a working tree or any directory inside it; the
// FS is rooted at the same directory of the commit's tree. rev is a
// revision as git understands it: a hash, branch, tag, HEAD~1.
//
// The FS implements fs.ReadDirFS, fs.ReadFileFS and fs.StatFS and is safe
// for concurrent use: the tree is indexed up front, and blob reads, which
// go through go-git, take turns behind a mutex. Files' modification time
// is the commit's committer date.
func TreeFS(dir, rev string) (fs.FS, error) {
	top, rel, err := Find(dir)
	if err != nil {
		return nil, err
	}
	r, err := openRepo(top, false)
	if err != nil {
		return nil, err
	}
	if rev == "" {
		rev = "HEAD"
	}
	h, ok, err := r.resolve(rev)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("revision %q: no commits yet", rev)
	}
	w := &walker{r: r, trees: newTreeCache(64), stats: &Stats{}, subtree: map[plumbing.Hash]plumbing.Hash{}}
	c, err := w.commit(h)
	if err != nil {
		return nil, err
	}
	if rel != "" {
		w.root = strings.Split(rel, "/")
	}
	root, err := w.rootSubtree(c.TreeHash)
	if err != nil {
		return nil, err
	}
	if root.IsZero() {
		return nil, fmt.Errorf("%s does not exist in %s (%s)", rel, rev, h.String()[:12])
	}
	t := &treeFS{r: r, w: w, nodes: map[string]*node{}, mtime: c.Committer.When, rev: rev}
	t.nodes["."] = &node{name: ".", mode: modeTree, hash: root}
	if err := t.index(".", root); err != nil {
		return nil, err
	}
	return t, nil
}

type treeFS struct {
	mu    sync.Mutex // go-git is not safe for concurrent use
	r     *repo
	w     *walker
	nodes map[string]*node // by slash path; "." is the root
	mtime time.Time
	rev   string
}

type node struct {
	name     string
	mode     uint32
	hash     plumbing.Hash
	children []*node // directories only, sorted by name
	size     int64   // -1 until known; guarded by treeFS.mu
}

const (
	modeSymlink = 0o120000
	modeGitlink = 0o160000
)

func (t *treeFS) index(dir string, h plumbing.Hash) error {
	es, err := t.w.tree(h, strings.TrimPrefix(dir, "."))
	if err != nil {
		return err
	}
	n := t.nodes[dir]
	for _, e := range es {
		p := path.Join(dir, e.name)
		c := &node{name: e.name, mode: e.mode, hash: e.hash, size: -1}
		t.nodes[p] = c
		n.children = append(n.children, c)
		if e.isTree() {
			if err := t.index(p, e.hash); err != nil {
				return err
			}
		}
	}
	slices.SortFunc(n.children, func(a, b *node) int { return strings.Compare(a.name, b.name) })
	return nil
}

// lookup finds a path, following symbolic links inside the tree.
func (t *treeFS) lookup(op, name string) (*node, string, error) {
	if !fs.ValidPath(name) {
		return nil, "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	p := name
	for range 40 {
		n := t.nodes[p]
		if n == nil {
			// A symlinked directory in the middle of the path.
			if real, ok := t.resolveParents(p); ok && real != p {
				p = real
				continue
			}
			return nil, "", &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		if n.mode&modeTypeMsk != modeSymlink {
			return n, p, nil
		}
		target, err := t.read(n, p)
		if err != nil {
			return nil, "", &fs.PathError{Op: op, Path: name, Err: err}
		}
		next := path.Join(path.Dir(p), string(target))
		if path.IsAbs(string(target)) || !fs.ValidPath(next) {
			return nil, "", &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		p = next
	}
	return nil, "", &fs.PathError{Op: op, Path: name, Err: errors.New("too many levels of symbolic links")}
}

// resolveParents rewrites the first symlinked directory of p.
func (t *treeFS) resolveParents(p string) (string, bool) {
	segs := strings.Split(p, "/")
	for i := 1; i < len(segs); i++ {
		prefix := strings.Join(segs[:i], "/")
		n := t.nodes[prefix]
		if n == nil {
			return "", false
		}
		if n.mode&modeTypeMsk == modeSymlink {
			target, err := t.read(n, prefix)
			if err != nil || path.IsAbs(string(target)) {
				return "", false
			}
			next := path.Join(path.Dir(prefix), string(target), strings.Join(segs[i:], "/"))
			return next, fs.ValidPath(next)
		}
	}
	return "", false
}

func (t *treeFS) read(n *node, p string) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	data, err := t.r.object(plumbing.BlobObject, n.hash, t.repoPath(p))
	if err == nil {
		n.size = int64(len(data))
	}
	return data, err
}

func (t *treeFS) repoPath(p string) string {
	return strings.TrimSuffix(t.w.repoPath(p), "/")
}

func (t *treeFS) size(n *node, p string) (int64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n.size >= 0 {
		return n.size, nil
	}
	s, err := t.r.store.EncodedObjectSize(n.hash)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return 0, &MissingObjectError{Kind: "blob", Hash: n.hash.String(), Path: t.repoPath(p), Promisor: t.r.partial}
	}
	if err != nil {
		return 0, err
	}
	n.size = s
	return s, nil
}

func (t *treeFS) isDir(n *node) bool {
	return n.mode&modeTypeMsk == modeTree || n.mode&modeTypeMsk == modeGitlink
}

func (t *treeFS) info(n *node, p string) (fs.FileInfo, error) {
	fi := &fileInfoT{name: path.Base(p), mtime: t.mtime}
	switch {
	case t.isDir(n):
		fi.mode = fs.ModeDir | 0o755
	case n.mode == 0o100755:
		fi.mode = 0o755
	default:
		fi.mode = 0o644
	}
	if !t.isDir(n) {
		s, err := t.size(n, p)
		if err != nil {
			return nil, err
		}
		fi.size = s
	}
	if p == "." {
		fi.name = "."
	}
	return fi, nil
}

// Open implements fs.FS.
func (t *treeFS) Open(name string) (fs.File, error) {
	n, p, err := t.lookup("open", name)
	if err != nil {
		return nil, err
	}
	if t.isDir(n) {
		fi, err := t.info(n, p)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &dirFile{t: t, n: n, p: p, fi: fi}, nil
	}
	data, err := t.read(n, p)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	fi, _ := t.info(n, p)
	return &blobFile{Reader: bytes.NewReader(data), fi: fi}, nil
}

// ReadFile implements fs.ReadFileFS.
func (t *treeFS) ReadFile(name string) ([]byte, error) {
	n, p, err := t.lookup("read", name)
	if err != nil {
		return nil, err
	}
	if t.isDir(n) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory")}
	}
	data, err := t.read(n, p)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return data, nil
}

// Stat implements fs.StatFS.
func (t *treeFS) Stat(name string) (fs.FileInfo, error) {
	n, p, err := t.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	fi, err := t.info(n, p)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	return fi, nil
}

// ReadDir implements fs.ReadDirFS.
func (t *treeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	n, p, err := t.lookup("readdir", name)
	if err != nil {
		return nil, err
	}
	if !t.isDir(n) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	return t.entries(n, p), nil
}

func (t *treeFS) entries(n *node, p string) []fs.DirEntry {
	out := make([]fs.DirEntry, 0, len(n.children))
	for _, c := range n.children {
		out = append(out, &dirEntry{t: t, n: c, p: path.Join(p, c.name)})
	}
	return out
}

type fileInfoT struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
}

func (f *fileInfoT) Name() string       { return f.name }
func (f *fileInfoT) Size() int64        { return f.size }
func (f *fileInfoT) Mode() fs.FileMode  { return f.mode }
func (f *fileInfoT) ModTime() time.Time { return f.mtime }
func (f *fileInfoT) IsDir() bool        { return f.mode.IsDir() }
func (f *fileInfoT) Sys() any           { return nil }

type dirEntry struct {
	t *treeFS
	n *node
	p string
}

func (d *dirEntry) Name() string { return d.n.name }
func (d *dirEntry) IsDir() bool  { return d.t.isDir(d.n) }
func (d *dirEntry) Type() fs.FileMode {
	switch {
	case d.t.isDir(d.n):
		return fs.ModeDir
	case d.n.mode&modeTypeMsk == modeSymlink:
		return fs.ModeSymlink
	}
	return 0
}
func (d *dirEntry) Info() (fs.FileInfo, error) {
	fi, err := d.t.info(d.n, d.p)
	if err == nil && d.n.mode&modeTypeMsk == modeSymlink {
		fi.(*fileInfoT).mode = fs.ModeSymlink | 0o777
	}
	return fi, err
}
func (d *dirEntry) String() string { return fs.FormatDirEntry(d) }

type blobFile struct {
	*bytes.Reader
	fi fs.FileInfo
}

func (f *blobFile) Stat() (fs.FileInfo, error) { return f.fi, nil }
func (f *blobFile) Close() error               { return nil }

type dirFile struct {
	t    *treeFS
	n    *node
	p    string
	fi   fs.FileInfo
	list []fs.DirEntry
	read bool
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.fi, nil }
func (d *dirFile) Close() error               { return nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.p, Err: errors.New("is a directory")}
}

// ReadDir implements fs.ReadDirFile.
func (d *dirFile) ReadDir(count int) ([]fs.DirEntry, error) {
	if !d.read {
		d.list, d.read = d.t.entries(d.n, d.p), true
	}
	if count <= 0 {
		out := d.list
		d.list = nil
		return out, nil
	}
	if len(d.list) == 0 {
		return nil, io.EOF
	}
	k := min(count, len(d.list))
	out := d.list[:k]
	d.list = d.list[k:]
	return out, nil
}
