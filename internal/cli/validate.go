package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/load"
	"github.com/marketplace-program/marketplace/internal/model"
	"github.com/marketplace-program/marketplace/internal/project"
)

// ValidateOptions are the flags of validate.
type ValidateOptions struct {
	Root   string
	Format string
	Strict bool
	AsOf   time.Time
}

func newValidateCmd(env *Env, g *globals, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{}
	var out outputFlags
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check every partner, ledger and article; print each problem at file:line:col",
		Long: `validate loads the whole content root, checks it against the JSON Schemas and the
program's rules, and prints every problem in one run, sorted by file, line and column.

Exit status: 0 when there are no errors, 1 when there are errors (or warnings
with --strict), 2 when the command itself was used wrongly.`,
		Example: `  $ marketplace validate
  $ marketplace validate --format github   # annotations on a pull request
  $ marketplace validate --format json --as-of 2026-01-31`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Root = g.root
			var err error
			if opts.Format, opts.AsOf, err = out.resolve(env); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return validateRun(env, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "treat warnings as errors (exit 1)")
	out.add(cmd, "judge the ledgers", "text", "json", "github")
	return cmd
}

func validateRun(env *Env, opts *ValidateOptions) error {
	p, err := openProject(env, opts.Root, opts.AsOf)
	if err != nil {
		return err
	}
	if err := printDiags(env, opts.Format, p.Diags, p.Sources()); err != nil {
		return err
	}
	if p.Diags.HasErrors() || (opts.Strict && len(p.Diags) > 0) {
		return errProblems
	}
	return nil
}

// printDiags writes diagnostics in the chosen format: text and github to
// standard error and standard output respectively, as compilers and the
// Actions runner expect; json to standard output.
func printDiags(env *Env, format string, l diag.List, sources map[string]*diag.Source) error {
	switch format {
	case "json":
		return diag.WriteJSON(env.Stdout, l)
	case "github":
		return diag.WriteGitHub(env.Stdout, l)
	}
	if err := diag.WriteText(env.Stderr, l, sources); err != nil {
		return err
	}
	return writeSummary(env.Stderr, l)
}

func writeSummary(w io.Writer, l diag.List) error {
	e, wn := len(l.Errors()), len(l.Warnings())
	if e == 0 && wn == 0 {
		return nil
	}
	_, err := fmt.Fprintf(w, "%s, %s\n", plural(e, "error"), plural(wn, "warning"))
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func openProject(env *Env, root string, asOf time.Time) (*project.Project, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("content root: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("content root %s is not a directory", root)
	}
	// None of the commands that open a project this way render articles,
	// so files the cache vouches for need not even be read.
	return openCached(env, root, load.DirFS(root), project.Options{AsOf: asOf, SkipUnchanged: true})
}

// outputFlags are the --format and --as-of flags most commands share.
type outputFlags struct {
	formats []string
	format  string
	asOf    string
}

// add registers both flags; the first format is the default.
func (o *outputFlags) add(cmd *cobra.Command, asOfUsage string, formats ...string) {
	o.formats = formats
	list := strings.Join(formats[:len(formats)-1], ", ") + " or " + formats[len(formats)-1]
	cmd.Flags().StringVar(&o.format, "format", formats[0], "output `format`: "+list)
	cmd.Flags().StringVar(&o.asOf, "as-of", "", asOfUsage+" as of `YYYY-MM-DD` (default today)")
}

// resolve checks the format and reads the date.
func (o *outputFlags) resolve(env *Env) (string, time.Time, error) {
	if err := checkFormat(o.format, o.formats...); err != nil {
		return "", time.Time{}, err
	}
	t, err := parseAsOf(o.asOf, env)
	return o.format, t, err
}

func checkFormat(format string, allowed ...string) error {
	if !slices.Contains(allowed, format) {
		return usagef("unknown --format %q: use one of %v", format, allowed)
	}
	return nil
}

// parseAsOf reads --as-of; the default is today's date in UTC.
func parseAsOf(s string, env *Env) (time.Time, error) {
	if s == "" {
		y, m, d := env.Now().UTC().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	t, ok := model.ParseDate(s)
	if !ok {
		return time.Time{}, usagef("--as-of %q is not a date: use YYYY-MM-DD", s)
	}
	return t, nil
}
