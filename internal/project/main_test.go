package project

import (
	"flag"
	"fmt"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// fixtureDir holds the content roots that tests and benchmarks share (the
// cloned corpus, the generated root). Each costs seconds to build and a
// benchmark function runs more than once, so each is built at most once per
// test binary, and TestMain removes them all at the end.
var fixtureDir string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "project-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixtureDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
