package prcheck

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// revisions are the three commits a check works from.
type revisions struct {
	base, head, mergeBase *object.Commit
}

func resolve(repo *git.Repository, rev string) (*object.Commit, error) {
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("revision %q: %w", rev, err)
	}
	c, err := repo.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("revision %q: %w", rev, err)
	}
	return c, nil
}

func resolveAll(repo *git.Repository, base, head string) (*revisions, error) {
	b, err := resolve(repo, base)
	if err != nil {
		return nil, err
	}
	h, err := resolve(repo, head)
	if err != nil {
		return nil, err
	}
	mb, err := b.MergeBase(h)
	if err != nil {
		return nil, fmt.Errorf("merge base of %s and %s: %w", base, head, err)
	}
	if len(mb) == 0 {
		return nil, fmt.Errorf("%s and %s have no common ancestor (a shallow clone? fetch with full history)", base, head)
	}
	// Criss-cross merges can give several bases; any of them is a fair
	// "before", and the smallest hash keeps the choice stable.
	slices.SortFunc(mb, func(a, b *object.Commit) int { return strings.Compare(a.Hash.String(), b.Hash.String()) })
	return &revisions{base: b, head: h, mergeBase: mb[0]}, nil
}

// diffTrees lists the files that differ between two commits, following
// renames, sorted by path.
func diffTrees(ctx context.Context, from, to *object.Commit) ([]File, error) {
	a, err := from.Tree()
	if err != nil {
		return nil, err
	}
	b, err := to.Tree()
	if err != nil {
		return nil, err
	}
	opts := *object.DefaultDiffTreeOptions
	opts.DetectRenames = true
	changes, err := object.DiffTreeWithOptions(ctx, a, b, &opts)
	if err != nil {
		return nil, err
	}
	var files []File
	for _, c := range changes {
		from, to := c.From.Name, c.To.Name
		switch {
		case from == "":
			files = append(files, File{Path: to, Status: Added})
		case to == "":
			files = append(files, File{Path: from, Status: Deleted})
		case from != to:
			files = append(files, File{Path: to, From: from, Status: Renamed})
		default:
			files = append(files, File{Path: to, Status: Modified})
		}
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}
