package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/project"
)

// CodeOwnersOptions are the flags of codeowners.
type CodeOwnersOptions struct {
	Root  string
	Check bool
	AsOf  time.Time
}

func newCodeOwnersCmd(env *Env, g *globals, runF func(*CodeOwnersOptions) error) *cobra.Command {
	opts := &CodeOwnersOptions{}
	cmd := &cobra.Command{
		Use:   "codeowners",
		Short: "Write .github/CODEOWNERS from the partners' maintainers and the ecosystem team",
		Long: `codeowners writes .github/CODEOWNERS so that GitHub asks the right people to
review each pull request: the ecosystem team (program.yaml's team) owns
everything; each partner's maintainers (partner.yaml's maintainers) share its
partners/<id>/ folder and content/<id>/ with the team; ledgers stay the team's.

Run it after changing maintainers or the team, and commit the result; validate
reports a stale file (codeowners.stale). With --check nothing is written, and
the exit status is 1 when the file is missing or out of date.`,
		Example: `  $ marketplace codeowners
  $ marketplace codeowners --check`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Root = g.root
			// Ownership does not depend on the date; today keeps the
			// ledgers' future-date checks quiet.
			t, err := parseAsOf("", env)
			if err != nil {
				return err
			}
			opts.AsOf = t
			if runF != nil {
				return runF(opts)
			}
			return codeOwnersRun(env, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Check, "check", false, "write nothing; exit 1 if the file is missing or out of date")
	return cmd
}

func codeOwnersRun(env *Env, opts *CodeOwnersOptions) error {
	p, err := openProject(env, opts.Root, opts.AsOf)
	if err != nil {
		return err
	}
	// Owners come from program.yaml and partner.yaml files: with errors in
	// those, the file would grant or drop rights by accident.
	var bad diag.List
	for _, d := range p.Diags.Errors() {
		if d.File == "program.yaml" || (strings.HasPrefix(d.File, "partners/") && strings.HasSuffix(d.File, "/partner.yaml")) {
			bad.Add(d)
		}
	}
	if len(bad) > 0 {
		if err := printDiags(env, "text", bad, p.Sources()); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "codeowners: %s unchanged (fix the errors first)\n", project.CodeOwnersPath)
		return errProblems
	}
	want := p.CodeOwners()
	path := filepath.Join(opts.Root, filepath.FromSlash(project.CodeOwnersPath))
	have, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	upToDate := err == nil && bytes.Equal(bytes.ReplaceAll(have, []byte("\r\n"), []byte("\n")), want)
	switch {
	case upToDate:
		fmt.Fprintf(env.Stderr, "%s is up to date\n", project.CodeOwnersPath)
		return nil
	case opts.Check && err != nil:
		fmt.Fprintf(env.Stderr, "%s is missing\n    hint: run: marketplace codeowners\n", project.CodeOwnersPath)
		return errProblems
	case opts.Check:
		fmt.Fprintf(env.Stderr, "%s is out of date\n    hint: run: marketplace codeowners\n", project.CodeOwnersPath)
		return errProblems
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, want, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "wrote %s\n", project.CodeOwnersPath)
	return nil
}
