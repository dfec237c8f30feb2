// Package cli is the marketplace command line. Each command lives in its own
// file as an options struct filled by flags and a run function; commands
// reach the outside world only through an Env, so tests run them in-process
// with buffers, a temp root and a pinned clock.
//
// Exit codes are decided here and nowhere else: 0 success, 1 the input has
// problems (validation errors, or warnings with --strict), 2 the command was
// used wrongly or could not read or write what it needed.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"
)

// Env is everything a command may touch outside its arguments.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Now is the clock; tests pin it.
	Now func() time.Time
	// Getenv reads the environment (for CI detection and author names).
	Getenv func(string) string
}

// OSEnv is the Env of a real process.
func OSEnv() *Env {
	return &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Now: time.Now, Getenv: os.Getenv}
}

// Version is the tool's release; the build's VCS revision is appended when
// the binary carries one.
const Version = "0.1.0"

func versionString() string {
	v := Version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "+" + s.Value[:12]
			}
		}
	}
	return v
}

// exitError carries an exit code for a problem that has already been
// reported to the user.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// errProblems means the input has problems that were already printed.
var errProblems = exitError{1}

// usageError is a wrong call: bad flag value, unknown partner format, etc.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// Main runs the command line and returns the process exit code.
func Main(args []string, env *Env) int {
	root, g := newRootCmd(env)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.Execute()
	// Profiles are written whatever the command's outcome: a slow failing
	// build is worth profiling too.
	if perr := g.profiles.stop(); perr != nil && err == nil {
		err = perr
	}
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintf(env.Stderr, "marketplace: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(env.Stderr, "Run 'marketplace --help' for usage.")
	}
	return 2
}

// globals are the flags every command shares.
type globals struct {
	root     string
	profiles profiles
}

func newRootCmd(env *Env) (*cobra.Command, *globals) {
	g := &globals{}
	cmd := &cobra.Command{
		Use:   "marketplace",
		Short: "Validate, score and publish the partner marketplace",
		Long: `marketplace checks the partner program's repository — partners' listing data,
the ecosystem team's ledgers and the KB articles — against the JSON Schemas and
the program's rules, computes each partner's reward points and tier, and
reports every problem at its file:line:column with a hint.`,
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.PersistentFlags().StringVar(&g.root, "root", ".", "content root `DIR` (holds partners/, content/, program.yaml)")
	g.profiles.add(cmd)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	cmd.AddCommand(
		newValidateCmd(env, g, nil),
		newBuildCmd(env, g, nil),
		newPointsCmd(env, g, nil),
		newReportCmd(env, g, nil),
		newNewCmd(env, g),
		newCheckPRCmd(env, g, nil),
		newCodeOwnersCmd(env, g, nil),
		newServeCmd(env, g, nil),
	)
	return cmd, g
}

// wrapArgs makes cobra's positional-argument errors usage errors (exit 2).
func wrapArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
