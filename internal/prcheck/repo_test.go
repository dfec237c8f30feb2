package prcheck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"golang.org/x/tools/txtar"
)

// asOf is the pinned date every check in these tests is judged for.
var asOf = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

// testRepo is a real Git repository in a temp dir, built with go-git, with
// fixed signatures and dates so that commit hashes never change.
type testRepo struct {
	t    *testing.T
	dir  string
	repo *git.Repository
	wt   *git.Worktree
	n    int
}

// newTestRepo commits testdata/base.txtar as the first commit.
func newTestRepo(t *testing.T) *testRepo {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	r := &testRepo{t: t, dir: dir, repo: repo, wt: wt}
	ar, err := txtar.ParseFile("testdata/base.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		r.write(f.Name, string(f.Data))
	}
	r.commit("base")
	return r
}

func (r *testRepo) write(name, data string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) read(name string) string {
	r.t.Helper()
	b, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(name)))
	if err != nil {
		r.t.Fatal(err)
	}
	return string(b)
}

// edit replaces old with new in a file, which must contain old.
func (r *testRepo) edit(name, old, new string) {
	r.t.Helper()
	s := r.read(name)
	if !strings.Contains(s, old) {
		r.t.Fatalf("%s does not contain %q", name, old)
	}
	r.write(name, strings.Replace(s, old, new, 1))
}

func (r *testRepo) remove(name string) {
	r.t.Helper()
	if err := os.Remove(filepath.Join(r.dir, filepath.FromSlash(name))); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) rename(from, to string) {
	r.t.Helper()
	r.write(to, r.read(from))
	r.remove(from)
}

// commit stages everything (git add -A) and commits it on the current
// branch, one minute after the previous commit.
func (r *testRepo) commit(msg string) string {
	r.t.Helper()
	if err := r.wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		r.t.Fatal(err)
	}
	r.n++
	sig := &object.Signature{Name: "Test", Email: "test@example.com",
		When: time.Date(2026, 11, 1, 12, r.n, 0, 0, time.UTC)}
	h, err := r.wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		r.t.Fatal(err)
	}
	return h.String()
}

// branch creates a branch at the current commit and checks it out.
func (r *testRepo) branch(name string) {
	r.t.Helper()
	if err := r.wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(name), Create: true}); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) checkout(name string) {
	r.t.Helper()
	if err := r.wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(name)}); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) check(base, head, author string) *Result {
	r.t.Helper()
	res, err := Check(context.Background(), Options{Dir: r.dir, Base: base, Head: head, Author: author, AsOf: asOf})
	if err != nil {
		r.t.Fatal(err)
	}
	return res
}
