// Package marketplace holds the defaults that ship inside the binary: the
// rules file (program.yaml), the JSON Schemas (schema/) and, later, the site
// templates. They are the same files a content root carries at its top, so
// the repository's own copies are the defaults and cannot drift from them.
package marketplace

import "embed"

// Defaults is the embedded copy of the repository's program.yaml, schema/ and templates/ ("all:" keeps the _partials).
//
//go:embed program.yaml schema/*.schema.json all:templates
var Defaults embed.FS
