package history

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	gitcache "github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// ErrNotRepository means no .git was found in a directory or above it.
var ErrNotRepository = errors.New("not inside a Git repository")

// Find locates the repository holding dir by looking for .git in dir and
// its parents, as git does. It returns the top of the working tree and
// dir's slash-separated path relative to it ("" when dir is the top).
func Find(dir string) (top, rel string, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	// Resolve symlinks so that the relative path is computed between two
	// real paths (a temp dir under a symlinked /tmp, a linked checkout).
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	for d := abs; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			r, err := filepath.Rel(d, abs)
			if err != nil {
				return "", "", err
			}
			if r == "." {
				r = ""
			}
			return d, filepath.ToSlash(r), nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", "", fmt.Errorf("%s: %w", dir, ErrNotRepository)
		}
		d = parent
	}
}

// repo is an open repository. Its go-git handles are not safe for
// concurrent use: one goroutine at a time.
type repo struct {
	top     string // working tree
	gitDir  string // .git, or the directory a .git file points to
	store   *filesystem.Storage
	git     *git.Repository
	partial string // promisor remote of a partial clone, "" otherwise
}

// openRepo opens the repository whose working tree is top. keep keeps pack
// file descriptors open between reads (much faster for a walk that reads
// thousands of objects); the caller must then call close.
//
// It does not use git.PlainOpenWithOptions: that opens packs again for
// every object read and refuses partial clones outright ("unknown
// extension: partialclone"), while history needs only commits and trees,
// which a blob-less partial clone has.
func openRepo(top string, keep bool) (*repo, error) {
	gitDir, err := gitDirOf(top)
	if err != nil {
		return nil, err
	}
	dot := osfs.New(gitDir)
	var fsys = dot
	if common, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		// A linked worktree: objects and refs live in the common dir.
		c := strings.TrimSpace(string(common))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		fsys = dotgit.NewRepositoryFilesystem(dot, osfs.New(c))
	}
	st := filesystem.NewStorageWithOptions(fsys, gitcache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: keep})
	r := &repo{top: top, gitDir: gitDir, store: st}
	cfg, err := st.Config()
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("%s: reading Git config: %w", gitDir, err)
	}
	r.partial = promisor(cfg)
	g, err := git.Open(partialStorer{st}, nil)
	if err != nil {
		st.Close()
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, fmt.Errorf("%s: %w", top, ErrNotRepository)
		}
		return nil, fmt.Errorf("%s: opening Git repository: %w", top, err)
	}
	r.git = g
	return r, nil
}

func (r *repo) close() { r.store.Close() }

// gitDirOf follows a .git file ("gitdir: ..." of linked worktrees and
// submodules) to the real git directory.
func gitDirOf(top string) (string, error) {
	p := filepath.Join(top, ".git")
	st, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("%s: %w", top, ErrNotRepository)
	}
	if st.IsDir() {
		return p, nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return "", err
	}
	line := strings.TrimSpace(string(data))
	target, ok := strings.CutPrefix(line, "gitdir:")
	if !ok {
		return "", fmt.Errorf("%s: not a gitdir file", p)
	}
	target = strings.TrimSpace(target)
	if !filepath.IsAbs(target) {
		target = filepath.Join(top, target)
	}
	return target, nil
}

// promisor returns the promisor remote when the repository is a partial
// clone (git clone --filter=...), whose missing objects are fetched on
// demand by git but which go-git cannot fetch.
func promisor(cfg *config.Config) string {
	if cfg == nil || cfg.Raw == nil {
		return ""
	}
	if cfg.Raw.HasSection("extensions") {
		for _, o := range cfg.Raw.Section("extensions").Options {
			if strings.EqualFold(o.Key, "partialclone") && o.Value != "" {
				return o.Value
			}
		}
	}
	for _, s := range cfg.Raw.Section("remote").Subsections {
		if strings.EqualFold(s.Option("promisor"), "true") {
			return s.Name
		}
	}
	return ""
}

// partialStorer hides the partialclone extension from go-git, which
// otherwise refuses to open the repository. The extension changes nothing
// about how present objects are read; absent ones are reported by
// missingObject.
type partialStorer struct{ *filesystem.Storage }

func (s partialStorer) Config() (*config.Config, error) {
	cfg, err := s.Storage.Config()
	if err != nil || cfg.Raw == nil || !cfg.Raw.HasSection("extensions") {
		return cfg, err
	}
	c := *cfg
	raw := *cfg.Raw
	c.Raw = &raw
	raw.Sections = nil
	for _, sec := range cfg.Raw.Sections {
		if sec.IsName("extensions") {
			cp := *sec
			cp.Options = nil
			for _, o := range sec.Options {
				if !strings.EqualFold(o.Key, "partialclone") {
					cp.Options = append(cp.Options, o)
				}
			}
			if len(cp.Options) == 0 {
				continue
			}
			sec = &cp
		}
		raw.Sections = append(raw.Sections, sec)
	}
	return &c, nil
}

// shallow reports whether the repository is a shallow clone (its history
// is cut off, so the oldest commit it has is not the file's creation).
func (r *repo) shallow() (bool, error) {
	hs, err := r.store.Shallow()
	if err != nil {
		return false, err
	}
	if len(hs) > 0 {
		return true, nil
	}
	_, err = os.Stat(filepath.Join(r.gitDir, "shallow"))
	return err == nil, nil
}

// MissingObjectError is an object the walk or a read needed that the
// object store does not have.
type MissingObjectError struct {
	Kind     string // "commit", "tree" or "blob"
	Hash     string
	Path     string // the path it was needed for, when known
	Promisor string // the promisor remote of a partial clone, "" otherwise
}

func (e *MissingObjectError) Error() string {
	what := e.Kind + " " + e.Hash
	if e.Path != "" {
		what += " (" + e.Path + ")"
	}
	if e.Promisor != "" {
		return fmt.Sprintf("%s is not in the local object store: this is a partial clone (promisor remote %q) and objects it filtered out are only fetched on demand by the git command; fetch them first (git fetch --refetch %s, or clone without --filter)", what, e.Promisor, e.Promisor)
	}
	return fmt.Sprintf("%s is missing from the object store: the repository is incomplete or corrupt (try git fsck)", what)
}

func (e *MissingObjectError) Is(target error) bool { return target == plumbing.ErrObjectNotFound }

// object reads a raw object, turning "not found" into a MissingObjectError.
func (r *repo) object(t plumbing.ObjectType, h plumbing.Hash, p string) ([]byte, error) {
	o, err := r.store.EncodedObject(t, h)
	if err != nil {
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return nil, &MissingObjectError{Kind: t.String(), Hash: h.String(), Path: p, Promisor: r.partial}
		}
		return nil, fmt.Errorf("reading %s %s: %w", t, h, err)
	}
	rd, err := o.Reader()
	if err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", t, h, err)
	}
	defer rd.Close()
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", t, h, err)
	}
	return data, nil
}

// resolve turns a revision ("" for HEAD) into a commit hash. ok is false
// for a repository without commits yet.
func (r *repo) resolve(rev string) (h plumbing.Hash, ok bool, err error) {
	if rev == "" {
		ref, err := r.git.Head()
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			return plumbing.ZeroHash, false, nil
		}
		if err != nil {
			return plumbing.ZeroHash, false, fmt.Errorf("reading HEAD: %w", err)
		}
		return ref.Hash(), true, nil
	}
	hp, err := r.git.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("revision %q: %w", rev, err)
	}
	return *hp, true, nil
}
