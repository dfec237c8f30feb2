// Package prcheck judges a pull request: what it changes, whether its
// author may change it, and what it does to the program. It is what
// "marketplace check-pr" prints and what CI gates a pull request on.
//
// # Before and after
//
// "Before" is the merge base of the base and head revisions, not the base
// branch's tip: a pull request is judged by its own changes, not by what
// landed on main since it branched. Both trees are read from Git (never the
// working tree) and checked with project.Open, like validate does.
//
// # Problems in the change
//
// A pull request is never blocked by an older problem elsewhere. A problem
// found in the head tree belongs to the change when it is on a file the
// change touches (added, modified or renamed), or when the base tree does
// not have it: problems are compared by file, rule and message, without
// line numbers, which edits above them shift. So an unchanged article that
// links to an article the change removed or renamed gets a new link.broken
// error, and that error is the change's. Every other head problem is
// listed as existing; base problems gone from the head are listed as
// fixed.
//
// # Ownership
//
// With an author, every changed path (both sides of a rename) is checked
// against who may change it, read from the base tree only, so a pull
// request cannot grant itself rights:
//
//	owner.ledger           partners/<id>/ledger.yaml: the ecosystem team only
//	owner.program          program.yaml, schema/, templates/, cmd/, internal/,
//	                       .github/ and anything else outside partners/ and
//	                       content/: the ecosystem team only
//	owner.program-content  content/ outside a partner's folder (program-wide
//	                       articles): the ecosystem team only
//	owner.other-partner    partners/<id>/ (but the ledger) and content/<id>/ of
//	                       a partner whose base maintainers do not include
//	                       the author
//	owner.self-maintainer  a partner.yaml that adds the author to maintainers:
//	                       only the current maintainers or the team may
//
// The team is program.yaml's team at the base. A partner folder new in the
// change (no partners/<id>/partner.yaml at the base) may be added by
// anyone: its partner.yaml, logo and other files but the ledger, and
// content/<id>/. A change to .github/CODEOWNERS is allowed to anyone when
// the head's file is exactly what "marketplace codeowners" generates from
// the head, since it then says nothing the other, separately checked,
// changes do not.
package prcheck

import (
	"context"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/marketplace-program/marketplace"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/history"
	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/schema"
)

// Status says how a file changed.
type Status string

// File statuses.
const (
	Added    Status = "added"
	Modified Status = "modified"
	Deleted  Status = "deleted"
	Renamed  Status = "renamed"
)

// File is one changed file.
type File struct {
	Path   string `json:"path"`           // the head path; the base path of a deleted file
	From   string `json:"from,omitempty"` // the base path of a renamed file
	Status Status `json:"status"`
}

// paths returns the paths the change touches: both sides of a rename.
func (f File) paths() []string {
	if f.From != "" {
		return []string{f.From, f.Path}
	}
	return []string{f.Path}
}

// Options configure Check.
type Options struct {
	// Dir is the top of the Git work tree, which is also the content root.
	Dir string
	// Base and Head are revisions (a branch, tag, hash, "origin/main",
	// "HEAD~2"). Head defaults to HEAD.
	Base, Head string
	// Author is the pull request author's GitHub handle; empty skips the
	// ownership check.
	Author string
	// AsOf is the date both trees are judged for.
	AsOf time.Time
	// PreviewURL prefixes article links in the summary; empty leaves them
	// site-relative.
	PreviewURL string
	// Schemas, when set, is reused for both trees.
	Schemas *schema.Validator
}

// Result is the verdict on a change.
type Result struct {
	Base, Head, MergeBase string // commit hashes
	Author                string

	Files      []File          // sorted by path
	Articles   []ArticleChange // sorted by path
	Partners   []PartnerImpact // sorted by id
	Violations []Violation     // sorted by file, then rule
	// New holds the head's problems that belong to the change; Existing
	// the head's other problems; Fixed the base's problems the head no
	// longer has. All sorted.
	New, Existing, Fixed diag.List
	// Sources are the head's files, for printing problems in context.
	Sources map[string]*diag.Source
}

// Failed reports whether the change must not be merged as it is.
func (r *Result) Failed() bool { return len(r.Violations) > 0 || r.New.HasErrors() }

// Check compares the merge base of opts.Base and opts.Head with opts.Head.
// An error means the check could not run (no repository, unknown revision,
// unreadable objects); problems with the content are in the Result.
func Check(ctx context.Context, opts Options) (*Result, error) {
	if opts.Head == "" {
		opts.Head = "HEAD"
	}
	repo, err := git.PlainOpen(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (check-pr needs the top of a Git work tree as its root)", opts.Dir, err)
	}
	revs, err := resolveAll(repo, opts.Base, opts.Head)
	if err != nil {
		return nil, err
	}
	files, err := diffTrees(ctx, revs.mergeBase, revs.head)
	if err != nil {
		return nil, err
	}
	v := opts.Schemas
	if v == nil {
		if v, err = schema.New(marketplace.Defaults); err != nil {
			return nil, err
		}
	}
	var projects [2]*project.Project
	for i, c := range [2]*object.Commit{revs.mergeBase, revs.head} {
		fsys, err := history.TreeFS(opts.Dir, c.Hash.String())
		if err != nil {
			return nil, err
		}
		if projects[i], err = project.Open(fsys, project.Options{AsOf: opts.AsOf, Schemas: v}); err != nil {
			return nil, err
		}
	}
	r := Analyze(projects[0], projects[1], files, AnalyzeOptions{Author: opts.Author, PreviewURL: opts.PreviewURL})
	r.Base, r.Head, r.MergeBase = revs.base.Hash.String(), revs.head.Hash.String(), revs.mergeBase.Hash.String()
	return r, nil
}
