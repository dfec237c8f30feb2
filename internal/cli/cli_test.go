package cli

import (
	"flag"
	"os"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expected output inside testscript files")

// today is the pinned clock of every script: the date the example content's
// expected standings were reviewed for.
var today = time.Date(2026, 11, 28, 15, 4, 5, 0, time.UTC)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"marketplace": func() {
			env := OSEnv()
			env.Now = func() time.Time { return today }
			os.Exit(Main(os.Args[1:], env))
		},
	})
}

// TestScripts runs the command line end to end, in-process, on the roots
// written inline in testdata/script/*.txtar. $REPO is this repository, for
// scripts that check the example content.
func TestScripts(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(e *testscript.Env) error {
			e.Setenv("REPO", wd+"/../..")
			// Every script runs with the article cache on, so repeated
			// runs in one script check that it changes nothing.
			e.Setenv(cacheEnv, e.WorkDir+"/.cache")
			return nil
		},
	})
}
