// Command marketplace validates, scores and publishes the partner
// marketplace kept in this repository. See README.md.
package main

import (
	"os"
	"slices"

	"github.com/marketplace-program/marketplace/internal/cli"
	"github.com/marketplace-program/marketplace/internal/hugepage"
)

// heapHint is how much of the heap is advised for huge pages: all a
// validate of a large root uses, and the first part of a build's.
const heapHint = 512 << 20

func main() {
	// The commands run once and build their heap at once, which huge pages
	// make much cheaper on virtual machines (see package hugepage). serve
	// lives long with a heap that comes and goes, the case in which the Go
	// runtime stopped asking for them; MARKETPLACE_HUGEPAGES=off opts out.
	if !slices.Contains(os.Args[1:], "serve") && os.Getenv("MARKETPLACE_HUGEPAGES") != "off" {
		hugepage.Prefer(heapHint)
	}
	os.Exit(cli.Main(os.Args[1:], cli.OSEnv()))
}
