// Command gencorpus writes a deterministic content root for benchmarks:
//
//	go run ./cmd/gencorpus -partners 2000 -articles 10000 -seed 1 DIR
//
// DIR is created if missing and must be empty. The root validates cleanly
// as of gen.AsOf (2026-11-28); see internal/gen.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/marketplace-program/marketplace/internal/gen"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("gencorpus", flag.ContinueOnError)
	partners := fs.Int("partners", 200, "number of partners")
	articles := fs.Int("articles", 1000, "number of articles")
	seed := fs.Uint64("seed", 1, "random seed; the same flags always give the same files")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: gencorpus [-partners N] [-articles M] [-seed S] DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || *partners < 0 || *articles < 0 {
		fs.Usage()
		return 2
	}
	dir := fs.Arg(0)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		return 1
	}
	// A root written over an older one would keep files the new one does
	// not have, and measure those too.
	if ents, err := os.ReadDir(dir); err != nil || len(ents) > 0 {
		if err == nil {
			err = fmt.Errorf("%s is not empty", dir)
		}
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		return 1
	}
	if err := gen.Write(dir, gen.Options{Partners: *partners, Articles: *articles, Seed: *seed}); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		return 1
	}
	return 0
}
