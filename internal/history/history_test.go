package history

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// gitRepo builds a repository with the git command, one dated commit at a
// time, so that the expected history is known and git log can be asked.
type gitRepo struct {
	t   testing.TB
	dir string
	env []string
}

func newGitRepo(t testing.TB) *gitRepo {
	t.Helper()
	needGit(t)
	r := &gitRepo{t: t, dir: filepath.Join(t.TempDir(), "repo"), env: gitEnv(t.TempDir())}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *gitRepo) git(args ...string) string {
	r.t.Helper()
	return gitRun(r.t, r.dir, r.env, args...)
}

func (r *gitRepo) write(p, content string) {
	r.t.Helper()
	f := filepath.Join(r.dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *gitRepo) chmod(p string, mode os.FileMode) {
	r.t.Helper()
	if err := os.Chmod(filepath.Join(r.dir, filepath.FromSlash(p)), mode); err != nil {
		r.t.Fatal(err)
	}
}

// commit records everything in the working tree, authored by who
// ("Name <email>") at when (ISO 8601 with zone); the committer date is the
// same unless given.
func (r *gitRepo) commit(who, when string, committed ...string) {
	r.t.Helper()
	cd := when
	if len(committed) > 0 {
		cd = committed[0]
	}
	r.git("add", "-A")
	gitRun(r.t, r.dir, append(r.env, "GIT_AUTHOR_DATE="+when, "GIT_COMMITTER_DATE="+cd),
		"commit", "-q", "--allow-empty", "-m", "at "+when, "--author="+who)
}

// gitFactsOf asks git log about a root-relative path.
func (r *gitRepo) gitFactsOf(root, p string) (gitFacts, bool) {
	out := strings.TrimSpace(r.git("log", "--full-history", "--no-merges", "--format=%aN|%ad", "--date=short", "--", path.Join(root, p)))
	if out == "" {
		return gitFacts{}, false
	}
	return factsFromLog(strings.Split(out, "\n")), true
}

const (
	alice = "Alice <alice@example.com>"
	bob   = "Bob <bob@example.com>"
	carol = "Carol <carol@example.com>"
	dave  = "Dave <dave@example.com>"
)

func TestScenarios(t *testing.T) {
	type want struct {
		path    string
		ok      bool
		created string
		updated string
		authors []string
	}
	tests := []struct {
		name  string
		root  string // content root inside the repository
		build func(r *gitRepo)
		want  []want
	}{
		{
			name: "add",
			build: func(r *gitRepo) {
				r.write("content/a.md", "a")
				r.commit(alice, "2024-01-02T10:00:00+01:00")
			},
			want: []want{{"content/a.md", true, "2024-01-02", "2024-01-02", []string{"Alice"}}},
		},
		{
			name: "modify",
			build: func(r *gitRepo) {
				r.write("content/a.md", "a")
				r.write("content/b.md", "b")
				r.commit(alice, "2024-01-02T10:00:00+01:00")
				r.write("content/a.md", "a2")
				r.commit(bob, "2024-02-03T10:00:00+01:00")
				r.write("content/a.md", "a3")
				r.commit(alice, "2024-03-04T10:00:00+01:00")
			},
			want: []want{
				{"content/a.md", true, "2024-01-02", "2024-03-04", []string{"Alice", "Bob"}},
				{"content/b.md", true, "2024-01-02", "2024-01-02", []string{"Alice"}},
			},
		},
		{
			name: "delete and re-add",
			build: func(r *gitRepo) {
				r.write("content/a.md", "a")
				r.write("content/keep.md", "k")
				r.commit(alice, "2024-01-02T10:00:00Z")
				r.git("rm", "-q", "content/a.md")
				r.commit(bob, "2024-02-03T10:00:00Z")
				r.write("content/a.md", "a again")
				r.commit(carol, "2024-03-04T10:00:00Z")
			},
			want: []want{{"content/a.md", true, "2024-01-02", "2024-03-04", []string{"Carol", "Bob", "Alice"}}},
		},
		{
			name: "rename",
			build: func(r *gitRepo) {
				r.write("content/old.md", "same text, long enough to be detected as a rename by git")
				r.commit(alice, "2024-01-02T10:00:00Z")
				r.git("mv", "content/old.md", "content/new.md")
				r.commit(bob, "2024-02-03T10:00:00Z")
			},
			want: []want{
				{"content/old.md", true, "2024-01-02", "2024-02-03", []string{"Bob", "Alice"}},
				{"content/new.md", true, "2024-02-03", "2024-02-03", []string{"Bob"}},
			},
		},
		{
			name: "merge commits are ignored",
			build: func(r *gitRepo) {
				r.write("content/a.md", "a")
				r.write("content/b.md", "b")
				r.commit(alice, "2024-01-02T10:00:00Z")
				r.git("checkout", "-q", "-b", "feature")
				r.write("content/a.md", "a from feature")
				r.commit(carol, "2024-02-03T10:00:00Z")
				r.git("checkout", "-q", "main")
				r.write("content/c.md", "c")
				r.commit(bob, "2024-03-04T10:00:00Z")
				// An "evil" merge that also edits b.md: still a merge.
				gitRun(t, r.dir, append(r.env, "GIT_AUTHOR_DATE=2024-04-05T10:00:00Z", "GIT_COMMITTER_DATE=2024-04-05T10:00:00Z"),
					"merge", "-q", "--no-ff", "--no-commit", "feature")
				r.write("content/b.md", "b edited in the merge")
				r.git("add", "-A")
				gitRun(t, r.dir, append(r.env, "GIT_AUTHOR_DATE=2024-04-05T10:00:00Z", "GIT_COMMITTER_DATE=2024-04-05T10:00:00Z"),
					"commit", "-q", "-m", "merge", "--author="+dave)
			},
			want: []want{
				{"content/a.md", true, "2024-01-02", "2024-02-03", []string{"Carol", "Alice"}},
				{"content/b.md", true, "2024-01-02", "2024-01-02", []string{"Alice"}},
				{"content/c.md", true, "2024-03-04", "2024-03-04", []string{"Bob"}},
			},
		},
		{
			name: "mailmap joins two emails under one name",
			build: func(r *gitRepo) {
				r.write(".mailmap", "# people\nAlice Smith <alice@new.example>\nAlice Smith <alice@new.example> <ALICE@old.example>\nRobert <bob@example.com> Bobby <bob@example.com>\n")
				r.write("content/a.md", "a")
				r.commit("alice <alice@old.example>", "2024-01-02T10:00:00Z")
				r.write("content/a.md", "a2")
				r.commit("A. Smith <alice@new.example>", "2024-02-03T10:00:00Z")
				r.write("content/a.md", "a3")
				r.commit("Bobby <bob@example.com>", "2024-03-04T10:00:00Z")
				r.write("content/a.md", "a4")
				r.commit(bob, "2024-04-05T10:00:00Z")
			},
			want: []want{{"content/a.md", true, "2024-01-02", "2024-04-05", []string{"Bob", "Robert", "Alice Smith"}}},
		},
		{
			name: "content root in a subdirectory",
			root: "site/docs",
			build: func(r *gitRepo) {
				r.write("site/docs/content/a.md", "a")
				r.write("other/x.md", "x")
				r.commit(alice, "2024-01-02T10:00:00Z")
				r.write("other/x.md", "x2")
				r.commit(bob, "2024-02-03T10:00:00Z")
				r.write("site/docs/content/a.md", "a2")
				r.commit(carol, "2024-03-04T10:00:00Z")
			},
			want: []want{
				{"content/a.md", true, "2024-01-02", "2024-03-04", []string{"Carol", "Alice"}},
				{"other/x.md", false, "", "", nil},
				{"site/docs/content/a.md", false, "", "", nil},
			},
		},
		{
			name: "asset file",
			build: func(r *gitRepo) {
				r.write("content/a.md", "a")
				r.write("content/img/logo.png", "\x89PNG\r\n\x1a\n\x00\x01")
				r.commit(alice, "2024-01-02T10:00:00Z")
				r.write("content/img/logo.png", "\x89PNG\r\n\x1a\n\x00\x02")
				r.commit(bob, "2024-02-03T10:00:00Z")
			},
			want: []want{{"content/img/logo.png", true, "2024-01-02", "2024-02-03", []string{"Bob", "Alice"}}},
		},
		{
			name: "dates are in the author's zone",
			build: func(r *gitRepo) {
				r.write("content/a.md", "a")
				r.commit(alice, "2024-01-02T23:30:00-08:00") // 2024-01-03 in UTC
				r.write("content/a.md", "a2")
				r.commit(bob, "2024-01-05T00:30:00+09:00") // 2024-01-04 in UTC
			},
			want: []want{{"content/a.md", true, "2024-01-02", "2024-01-05", []string{"Bob", "Alice"}}},
		},
		{
			name: "file replaced by a directory, mode change",
			build: func(r *gitRepo) {
				r.write("content/x", "file")
				r.write("content/run.sh", "echo")
				r.commit(alice, "2024-01-02T10:00:00Z")
				r.git("rm", "-q", "content/x")
				r.write("content/x/a.md", "now a dir")
				r.commit(bob, "2024-02-03T10:00:00Z")
				r.chmod("content/run.sh", 0o755)
				r.commit(carol, "2024-03-04T10:00:00Z")
			},
			want: []want{
				{"content/x", true, "2024-01-02", "2024-02-03", []string{"Bob", "Alice"}},
				{"content/x/a.md", true, "2024-02-03", "2024-02-03", []string{"Bob"}},
				{"content/run.sh", true, "2024-01-02", "2024-03-04", []string{"Carol", "Alice"}},
			},
		},
		{
			name: "order follows the walk, not the author date",
			build: func(r *gitRepo) {
				r.write("content/a.md", "a")
				r.commit(alice, "2024-03-01T10:00:00Z")
				// Rebased work: authored before the first commit, committed after.
				r.write("content/a.md", "a2")
				r.commit(bob, "2024-01-15T10:00:00Z", "2024-03-02T10:00:00Z")
			},
			want: []want{{"content/a.md", true, "2024-03-01", "2024-01-15", []string{"Bob", "Alice"}}},
		},
		{
			name: "never committed",
			build: func(r *gitRepo) {
				r.write("content/a.md", "a")
				r.commit(alice, "2024-01-02T10:00:00Z")
				r.write("content/draft.md", "not yet committed")
			},
			want: []want{{"content/draft.md", false, "", "", nil}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newGitRepo(t)
			tt.build(r)
			h, notices, err := Load(r.dir, tt.root, Options{NoCache: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(notices) != 0 {
				t.Errorf("notices: %q", notices)
			}
			for _, w := range tt.want {
				got, ok := factsOf(h, w.path)
				if ok != w.ok {
					t.Errorf("%s: ok = %v, want %v", w.path, ok, w.ok)
					continue
				}
				if !ok {
					continue
				}
				exp := gitFacts{created: w.created, updated: w.updated, authors: w.authors}
				if fmt.Sprint(got) != fmt.Sprint(exp) {
					t.Errorf("%s:\n got %v\nwant %v", w.path, got, exp)
				}
				// The expectation itself is what git log says.
				if g, _ := r.gitFactsOf(tt.root, w.path); fmt.Sprint(g) != fmt.Sprint(exp) {
					t.Errorf("%s: git log says %v, the test expects %v", w.path, g, exp)
				}
			}
		})
	}
}

// TestCacheIncremental checks that a second run walks only the new
// commits and answers exactly as a cold run does, including after history
// is rewritten under the cache.
func TestCacheIncremental(t *testing.T) {
	r := newGitRepo(t)
	r.write("content/a.md", "a")
	r.commit(alice, "2024-01-02T10:00:00Z")
	r.write("content/b.md", "b")
	r.commit(bob, "2024-02-03T10:00:00Z")
	opts := Options{CacheDir: t.TempDir()}

	step := func(name string, wantWalked int, wantCached bool) {
		t.Helper()
		h, _, err := Load(r.dir, "", opts)
		if err != nil {
			t.Fatal(err)
		}
		cold, _, err := Load(r.dir, "", Options{NoCache: true})
		if err != nil {
			t.Fatal(err)
		}
		if s := h.Stats(); s.Walked != wantWalked || s.Cached != wantCached {
			t.Errorf("%s: walked %d commits (cached %v), want %d (%v)", name, s.Walked, s.Cached, wantWalked, wantCached)
		}
		if !reflect.DeepEqual(h.files, cold.files) {
			t.Errorf("%s: cached history differs from a cold one:\n got %v\nwant %v", name, dump(h), dump(cold))
		}
		if h.Stats().Commits != cold.Stats().Commits {
			t.Errorf("%s: %d commits, cold %d", name, h.Stats().Commits, cold.Stats().Commits)
		}
	}
	step("first run", 2, false)
	step("same HEAD", 0, true)

	r.write("content/a.md", "a2")
	r.commit(carol, "2024-03-04T10:00:00Z")
	step("one new commit", 1, true)

	r.git("checkout", "-q", "-b", "side", "HEAD~1")
	r.write("content/c.md", "c")
	r.commit(dave, "2024-03-05T10:00:00Z")
	r.git("checkout", "-q", "main")
	gitRun(t, r.dir, append(r.env, "GIT_AUTHOR_DATE=2024-03-06T10:00:00Z", "GIT_COMMITTER_DATE=2024-03-06T10:00:00Z"), "merge", "-q", "--no-ff", "-m", "merge side", "side")
	step("merged branch", 2, true)

	gitRun(t, r.dir, append(r.env, "GIT_AUTHOR_DATE=2024-03-07T10:00:00Z", "GIT_COMMITTER_DATE=2024-03-07T10:00:00Z"), "commit", "-q", "--amend", "-m", "amended merge")
	step("amended HEAD", 1, true)

	r.git("reset", "-q", "--hard", "HEAD~1")
	step("reset to an ancestor", 0, true)

	// .mailmap is applied when answering, not cached.
	r.write(".mailmap", "Alicia <alice@example.com>\n")
	h, _, err := Load(r.dir, "", opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, a, _ := h.File("content/a.md"); !reflect.DeepEqual(a, []string{"Carol", "Alicia"}) {
		t.Errorf("after .mailmap edit: authors %q", a)
	}

	// A damaged cache is ignored and replaced.
	matches, _ := filepath.Glob(filepath.Join(opts.CacheDir, "*", "marketplace-history*.json"))
	if len(matches) != 1 {
		t.Fatalf("cache files: %q", matches)
	}
	if err := os.WriteFile(matches[0], []byte("marketplace-history v1\nroot \"\"\nhead zz\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	step("damaged cache", 3, false)
	step("rewritten cache", 0, true)
}

// TestCacheDefaultLocation checks that the cache lives in the git
// directory, never in the content tree.
func TestCacheDefaultLocation(t *testing.T) {
	r := newGitRepo(t)
	r.write("docs/content/a.md", "a")
	r.commit(alice, "2024-01-02T10:00:00Z")
	for _, root := range []string{"", "docs"} {
		if _, _, err := Load(r.dir, root, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := filepath.Glob(filepath.Join(r.dir, ".git", "marketplace-history*.json"))
	if len(got) != 2 {
		t.Errorf("cache files in .git: %q, want one per content root", got)
	}
	if status := r.git("status", "--porcelain", "--ignored"); status != "" {
		t.Errorf("the working tree changed:\n%s", status)
	}
	h, _, err := Load(r.dir, "docs", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := h.Stats(); !s.Cached || s.Walked != 0 {
		t.Errorf("second run: %+v", s)
	}
}

func dump(h *History) string {
	var b strings.Builder
	for _, p := range h.sortedPaths() {
		fi := h.files[p]
		fmt.Fprintf(&b, "%s %s %s %q\n", p, fi.created, fi.updated, fi.authors)
	}
	return b.String()
}

func TestShallowClone(t *testing.T) {
	r := newGitRepo(t)
	r.write("content/a.md", "a")
	r.commit(alice, "2024-01-02T10:00:00Z")
	r.write("content/a.md", "a2")
	r.commit(bob, "2024-02-03T10:00:00Z")
	clone := filepath.Join(t.TempDir(), "shallow")
	gitRun(t, r.dir, r.env, "clone", "-q", "--depth", "1", "file://"+r.dir, clone)

	h, notices, err := Open(filepath.Join(clone, "content"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "shallow clone") {
		t.Errorf("notices = %q, want one shallow-clone warning", notices)
	}
	for _, p := range []string{"a.md", "content/a.md"} {
		if _, _, _, ok := h.File(p); ok {
			t.Errorf("%s: known in a shallow clone", p)
		}
	}
	if h.Len() != 0 {
		t.Errorf("shallow history knows %d paths", h.Len())
	}
}

func TestNotARepository(t *testing.T) {
	dir := t.TempDir()
	h, notices, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "not in a Git repository") {
		t.Errorf("notices = %q", notices)
	}
	if _, _, _, ok := h.File("content/a.md"); ok {
		t.Error("a path is known outside a repository")
	}
	if _, err := TreeFS(dir, "HEAD"); !errors.Is(err, ErrNotRepository) {
		t.Errorf("TreeFS outside a repository: %v", err)
	}
}

func TestNoCommitsYet(t *testing.T) {
	r := newGitRepo(t)
	r.write("content/a.md", "a")
	h, notices, err := Load(r.dir, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "no commits") || h.Len() != 0 {
		t.Errorf("notices = %q, %d paths", notices, h.Len())
	}
}

func TestRev(t *testing.T) {
	r := newGitRepo(t)
	r.write("content/a.md", "a")
	r.commit(alice, "2024-01-02T10:00:00Z")
	r.write("content/a.md", "a2")
	r.write("content/b.md", "b")
	r.commit(bob, "2024-02-03T10:00:00Z")
	h, _, err := Load(r.dir, "", Options{Rev: "HEAD~1", NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := factsOf(h, "content/a.md"); got.updated != "2024-01-02" {
		t.Errorf("a.md as of HEAD~1: %v", got)
	}
	if _, _, _, ok := h.File("content/b.md"); ok {
		t.Error("b.md known before it existed")
	}
	if _, _, err := Load(r.dir, "", Options{Rev: "no-such-branch"}); err == nil || !strings.Contains(err.Error(), "no-such-branch") {
		t.Errorf("unknown revision: %v", err)
	}
}

func TestPartialClone(t *testing.T) {
	r := newGitRepo(t)
	r.git("config", "uploadpack.allowFilter", "true")
	r.write("content/a.md", "a")
	r.commit(alice, "2024-01-02T10:00:00Z")
	r.write("content/a.md", "a2")
	r.commit(bob, "2024-02-03T10:00:00Z")

	t.Run("blobless: history works, reading a missing blob says why", func(t *testing.T) {
		clone := filepath.Join(t.TempDir(), "blobless")
		gitRun(t, r.dir, r.env, "clone", "-q", "--no-checkout", "--filter=blob:none", "file://"+r.dir, clone)
		h, notices, err := Load(clone, "", Options{NoCache: true})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := factsOf(h, "content/a.md"); got.created != "2024-01-02" || got.updated != "2024-02-03" || len(notices) != 0 {
			t.Errorf("history of a blobless clone: %v %q", got, notices)
		}
		fsys, err := TreeFS(clone, "HEAD")
		if err != nil {
			t.Fatal(err)
		}
		_, err = fs.ReadFile(fsys, "content/a.md")
		var missing *MissingObjectError
		if !errors.As(err, &missing) || missing.Kind != "blob" || missing.Path != "content/a.md" || missing.Promisor != "origin" {
			t.Fatalf("reading a filtered-out blob: %v", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "partial clone") || !strings.Contains(msg, missing.Hash) {
			t.Errorf("message does not explain: %s", msg)
		}
		if errors.Is(err, fs.ErrNotExist) {
			t.Error("a missing blob reads as a missing file")
		}
	})
	t.Run("treeless: history names the missing tree", func(t *testing.T) {
		clone := filepath.Join(t.TempDir(), "treeless")
		gitRun(t, r.dir, r.env, "clone", "-q", "--no-checkout", "--filter=tree:0", "file://"+r.dir, clone)
		_, _, err := Load(clone, "", Options{NoCache: true})
		var missing *MissingObjectError
		if !errors.As(err, &missing) || missing.Kind != "tree" || !strings.Contains(err.Error(), "partial clone") {
			t.Fatalf("treeless clone: %v", err)
		}
	})
}

func TestTreeFS(t *testing.T) {
	r := newGitRepo(t)
	r.write("site/content/a.md", "old a")
	r.write("site/content/guides/b.md", "b")
	r.write("site/partners/x/partner.yaml", "id: x")
	r.write("site/run.sh", "echo")
	r.write("README.md", "top")
	r.commit(alice, "2024-01-02T10:00:00Z")
	r.chmod("site/run.sh", 0o755)
	if err := os.Symlink("content/a.md", filepath.Join(r.dir, "site", "link.md")); err != nil {
		t.Fatal(err)
	}
	r.write("site/content/a.md", "new a")
	r.commit(bob, "2024-02-03T10:00:00Z")
	r.write("site/content/a.md", "uncommitted")

	fsys, err := TreeFS(filepath.Join(r.dir, "site"), "HEAD~1")
	if err != nil {
		t.Fatal(err)
	}
	if data, err := fs.ReadFile(fsys, "content/a.md"); err != nil || string(data) != "old a" {
		t.Errorf("content/a.md at HEAD~1 = %q, %v", data, err)
	}
	if _, err := fs.Stat(fsys, "link.md"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("link.md at HEAD~1: %v", err)
	}
	if err := fstest.TestFS(fsys, "content/a.md", "content/guides/b.md", "partners/x/partner.yaml", "run.sh"); err != nil {
		t.Error(err)
	}

	head, err := TreeFS(filepath.Join(r.dir, "site"), "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(head, "content/a.md", "link.md", "run.sh"); err != nil {
		t.Error(err)
	}
	if data, err := fs.ReadFile(head, "link.md"); err != nil || string(data) != "new a" {
		t.Errorf("link.md at HEAD = %q, %v", data, err)
	}
	if st, err := fs.Stat(head, "run.sh"); err != nil || st.Mode() != 0o755 || st.Size() != 4 {
		t.Errorf("run.sh: %v %v", st, err)
	}
	entries, err := fs.ReadDir(head, ".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"content", "link.md", "partners", "run.sh"}; !reflect.DeepEqual(names, want) {
		t.Errorf("ReadDir(.) = %q, want %q", names, want)
	}
	if _, err := head.Open("../README.md"); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Open(../README.md): %v", err)
	}
	if _, err := TreeFS(filepath.Join(r.dir, "site"), "nope"); err == nil {
		t.Error("unknown revision accepted")
	}

	// Concurrent reads, as project.Open does them.
	done := make(chan error)
	for range 8 {
		go func() {
			var err error
			for range 50 {
				var data []byte
				if data, err = fs.ReadFile(head, "content/a.md"); err == nil && string(data) != "new a" {
					err = fmt.Errorf("read %q", data)
				}
				if err != nil {
					break
				}
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestLinkedWorktree reads a checkout made by git worktree add, whose .git
// is a file pointing into the main repository's git directory.
func TestLinkedWorktree(t *testing.T) {
	r := newGitRepo(t)
	r.write("content/a.md", "a")
	r.commit(alice, "2024-01-02T10:00:00Z")
	r.git("branch", "other")
	r.write("content/a.md", "a2")
	r.commit(bob, "2024-02-03T10:00:00Z")
	wt := filepath.Join(t.TempDir(), "wt")
	r.git("worktree", "add", "-q", wt, "other")

	h, notices, err := Open(filepath.Join(wt, "content"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := factsOf(h, "a.md"); got.updated != "2024-01-02" || len(notices) != 0 {
		t.Errorf("worktree on branch other: %v %q", got, notices)
	}
	fsys, err := TreeFS(wt, "main")
	if err != nil {
		t.Fatal(err)
	}
	if data, err := fs.ReadFile(fsys, "content/a.md"); err != nil || string(data) != "a2" {
		t.Errorf("main from the worktree: %q %v", data, err)
	}
}
