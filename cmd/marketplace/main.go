// Command marketplace validates, scores and publishes the partner
// marketplace kept in this repository. See README.md.
package main

import (
	"os"

	"github.com/marketplace-program/marketplace/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.OSEnv()))
}
