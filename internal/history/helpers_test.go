package history

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needGit skips a test when the git command is missing, except on CI
// where its absence is a broken runner.
func needGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("git is not installed (required on CI)")
		}
		t.Skip("git is not installed")
	}
}

// gitEnv is a deterministic environment for the git command: no user or
// system config, fixed identities.
func gitEnv(home string, extra ...string) []string {
	env := []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + filepath.Join(home, ".gitconfig-none"),
		"GIT_AUTHOR_NAME=Test Author",
		"GIT_AUTHOR_EMAIL=author@example.com",
		"GIT_COMMITTER_NAME=Test Committer",
		"GIT_COMMITTER_EMAIL=committer@example.com",
		"LC_ALL=C",
		"GIT_LITERAL_PATHSPECS=1",
	}
	return append(env, extra...)
}

// gitRun runs git in dir and returns its standard output.
func gitRun(t testing.TB, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	return string(out)
}

// corpusBundle is the real knowledge base's history (4,631 commits).
const corpusBundle = "../../../shared/corpus/publickb.bundle"

// cloneCorpus clones the corpus bundle into a fresh temp dir.
func cloneCorpus(t testing.TB) string {
	t.Helper()
	needGit(t)
	bundle, err := filepath.Abs(corpusBundle)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bundle); err != nil {
		t.Skipf("corpus bundle not available: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "publickb")
	gitRun(t, filepath.Dir(dir), gitEnv(t.TempDir()), "clone", "-q", bundle, dir)
	return dir
}
