package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/marketplace-program/marketplace/internal/prcheck"
)

// CheckPROptions are the flags of check-pr.
type CheckPROptions struct {
	Root       string
	Base, Head string
	Author     string
	Format     string
	PreviewURL string
	AsOf       time.Time
}

func newCheckPRCmd(env *Env, g *globals, runF func(*CheckPROptions) error) *cobra.Command {
	opts := &CheckPROptions{}
	var out outputFlags
	cmd := &cobra.Command{
		Use:   "check-pr --base REV",
		Short: "Judge a pull request: changed files, ownership, impact, and only its own problems",
		Long: `check-pr compares the merge base of --base and --head (default HEAD) with --head,
both read from Git (never from the working tree), and prints what the change does:
the files it changes (renames followed), the articles it adds, edits or removes
with links to their pages, each affected partner's listing, points and tier
before and after, and the problems it brings.

Only problems in the change fail it: those on a file it touches, and those the
head has that the base has not (compared by file, rule and message), such as an
unchanged article whose link the change broke. Older problems elsewhere are
listed as existing and never block.

With --author, every changed file is checked against who may change it, read
from the base revision: a partner's maintainers own partners/<id>/ (but not
ledger.yaml) and content/<id>/; the ecosystem team (program.yaml's team) owns
the rest. Violations are errors with rule ids owner.ledger, owner.program,
owner.program-content, owner.other-partner and owner.self-maintainer.

--root must be the top of the Git work tree.

Exit status: 0 when nothing in the change blocks it, 1 on ownership
violations or errors in the change, 2 when the check could not run.`,
		Example: `  $ marketplace check-pr --base origin/main
  $ marketplace check-pr --base origin/main --author octocat --format markdown >> "$GITHUB_STEP_SUMMARY"
  $ marketplace check-pr --base main --head my-branch --format json`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Root = g.root
			if opts.Base == "" {
				return usagef("check-pr needs --base, the branch the pull request goes into (e.g. origin/main)")
			}
			var err error
			if opts.Format, opts.AsOf, err = out.resolve(env); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return checkPRRun(cmd.Context(), env, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Base, "base", "", "`REV` the pull request goes into (branch, tag or commit)")
	cmd.Flags().StringVar(&opts.Head, "head", "HEAD", "`REV` of the pull request")
	cmd.Flags().StringVar(&opts.Author, "author", "", "pull request author's GitHub `HANDLE`; checks who may change what")
	cmd.Flags().StringVar(&opts.PreviewURL, "preview-url", "", "`URL` of the built preview site, for article links (default site-relative)")
	out.add(cmd, "judge the ledgers", "text", "json", "markdown", "github")
	return cmd
}

func checkPRRun(ctx context.Context, env *Env, opts *CheckPROptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	res, err := prcheck.Check(ctx, prcheck.Options{
		Dir: opts.Root, Base: opts.Base, Head: opts.Head, Author: opts.Author,
		AsOf: opts.AsOf, PreviewURL: opts.PreviewURL,
	})
	if err != nil {
		return err
	}
	switch opts.Format {
	case "json":
		err = prcheck.WriteJSON(env.Stdout, res)
	case "markdown":
		err = prcheck.WriteMarkdown(env.Stdout, res)
	case "github":
		err = prcheck.WriteGitHub(env.Stdout, res)
	default:
		err = prcheck.WriteText(env.Stdout, res)
	}
	if err != nil {
		return err
	}
	if res.Failed() {
		return errProblems
	}
	return nil
}
