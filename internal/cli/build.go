package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/marketplace-program/marketplace/internal/history"
	"github.com/marketplace-program/marketplace/internal/load"
	"github.com/marketplace-program/marketplace/internal/markdown"
	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/publish"
	"github.com/marketplace-program/marketplace/internal/site"
)

// BuildOptions are the flags of build.
type BuildOptions struct {
	Root        string
	Out         string
	InternalOut string
	BaseURL     string
	EditURL     string
	KeepGoing   bool
	Format      string
	AsOf        time.Time
	// Ref renders the sites as of a commit, read from the object store;
	// "" renders the working tree.
	Ref string
}

func newBuildCmd(env *Env, g *globals, runF func(*BuildOptions) error) *cobra.Command {
	opts := &BuildOptions{}
	var out outputFlags
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Render the public site and the internal support site",
		Long: `build checks the content root like validate, then renders two separate sites:
the public one (marketplace listing, partner pages, public KB, search, feeds) into
--out, default public/, and the internal one for the support team (everything
public plus internal articles, support cards and the program dashboard) into
--internal-out, default internal-site/. Neither may be inside the other.

Each site is written into a temporary directory beside its target and then
swapped into place, so readers never see a half-written site; files the two
sites share (images, stylesheets) are hard links to one copy when both
directories are on one file system. With validation
errors nothing is written and build exits 1; --keep-going writes the sites
anyway (for previews of a broken tree and legacy imports), still reports every
error and still exits 1.

Pages are dated and attributed from Git history: the repository holding --root
is found by searching upward for .git, and each article's created and updated
dates and its authors (after .mailmap) are those git log lists for its path.
The history is cached in the git directory, so later builds read only new
commits. A shallow clone (CI's default depth 1) cannot know when files were
created: build then warns once and shows front-matter dates only; outside a
Git repository it says so once and does the same.

--ref renders the sites as of a commit (a hash, branch, tag or HEAD~1): the
content root is read from Git's object store, history ends at that commit, and
the working tree is not touched.`,
		Example: `  $ marketplace build
  $ marketplace build --base-url https://partners.example.com/ --out /srv/www --internal-out /srv/support
  $ marketplace build --ref v2.3.0 --out /tmp/preview --internal-out /tmp/preview-internal`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Root = g.root
			var err error
			if opts.Format, opts.AsOf, err = out.resolve(env); err != nil {
				return err
			}
			if opts.EditURL == "" {
				if srv, repo := env.Getenv("GITHUB_SERVER_URL"), env.Getenv("GITHUB_REPOSITORY"); srv != "" && repo != "" {
					opts.EditURL = srv + "/" + repo + "/edit/main/"
				}
			}
			if err := checkOutputs(opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return buildRun(env, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Out, "out", "public", "public site `directory` (relative paths are under --root)")
	cmd.Flags().StringVar(&opts.InternalOut, "internal-out", "internal-site", "internal site `directory` (relative paths are under --root)")
	cmd.Flags().StringVar(&opts.BaseURL, "base-url", "", "absolute `URL` the public site is served from (for feeds, sitemap and a path prefix)")
	cmd.Flags().StringVar(&opts.EditURL, "edit-url", "", "`URL` prefix of \"edit this page\" links (default from $GITHUB_SERVER_URL/$GITHUB_REPOSITORY)")
	cmd.Flags().BoolVar(&opts.KeepGoing, "keep-going", false, "write the sites even with validation errors (still exits 1)")
	out.add(cmd, "compute standings", "text", "json", "github")
	cmd.Flags().StringVar(&opts.Ref, "ref", "", "render the content as of Git `revision` (hash, branch, tag, HEAD~1) instead of the working tree")
	return cmd
}

func outPath(root, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(root, p)
}

// checkOutputs refuses output directories that would nest (the internal
// site inside the public one would publish it) or overwrite the content.
func checkOutputs(o *BuildOptions) error {
	pub, _ := filepath.Abs(outPath(o.Root, o.Out))
	in, _ := filepath.Abs(outPath(o.Root, o.InternalOut))
	root, _ := filepath.Abs(o.Root)
	within := func(a, b string) bool {
		rel, err := filepath.Rel(b, a)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	}
	switch {
	case within(pub, in) || within(in, pub):
		return usagef("--out %s and --internal-out %s must be separate directories, neither inside the other", o.Out, o.InternalOut)
	case within(root, pub) || within(root, in):
		return usagef("an output directory may not contain the content root")
	}
	for _, dir := range []string{"partners", "content", "schema", "templates", "cmd", "internal", ".git"} {
		d := filepath.Join(root, dir)
		if within(pub, d) || within(in, d) {
			return usagef("an output directory may not be inside %s/", dir)
		}
	}
	return nil
}

// buildGOGC is the build's GOGC unless the environment sets one;
// cachedBuildGOGC replaces it when the caches are in use.
const (
	buildGOGC       = 75
	cachedBuildGOGC = 50
)

func buildRun(env *Env, opts *BuildOptions) error {
	start := time.Now()
	setGC := env.Getenv("GOGC") == ""
	if setGC {
		// Much of a build's heap lives to its end (the project, every
		// article's search analysis), so Go's default GOGC of 100 lets
		// the heap grow to twice that before collecting. At 10,000
		// articles the peak is 425, 490 and 545 MiB at GOGC 50, 75 and
		// 100, for 26, 23 and 21 CPU-s; at 50,000 articles 75 peaks at
		// 2.1 GiB. At 75 the peak stays well under GOGC 50's before
		// article pages were written as their bodies were rendered (605
		// MiB, 3 GiB), for a tenth less CPU time: at scale a CI runner's
		// memory is the tighter limit. GOGC, when set, wins.
		defer debug.SetGCPercent(debug.SetGCPercent(buildGOGC))
	}
	fsys, err := contentFS(opts)
	if err != nil {
		return err
	}
	// One Markdown engine scans the bodies for validation and renders them.
	md := markdown.New()
	var p *project.Project
	var bodies *site.BodyCache
	if opts.Ref == "" {
		// Opened first: its files are read while the root is.
		bodies = openBodyCache(env, opts.Root)
		if bodies != nil && setGC {
			// The cache tables (every body's HTML and every article's
			// checks) live on top of the rest, the bodies until every
			// article is rendered (site.Options.CloseBodies): at 10,000
			// articles cached builds peaked at 589 to 644 MiB at GOGC 75
			// and 525 to 541 at 50 while the bodies lived to the end, and
			// at 567 to 596 and 512 to 516 once they did not, with no CPU
			// time to tell apart.
			debug.SetGCPercent(cachedBuildGOGC)
		}
		// Files that stat says are unchanged since a run read them are
		// left unread: an article's text is read when its body is not in
		// the body cache.
		p, err = openCached(env, opts.Root, fsys, project.Options{AsOf: opts.AsOf, SkipUnchanged: true, Markdown: md})
	} else { // a commit's files stay out of the working tree's table
		p, err = project.Open(fsys, project.Options{AsOf: opts.AsOf, Markdown: md})
	}
	if err != nil {
		return err
	}
	if err := printDiags(env, opts.Format, p.Diags, p.Sources()); err != nil {
		return err
	}
	failed := p.Diags.HasErrors()
	if failed && !opts.KeepGoing {
		fmt.Fprintln(env.Stderr, "build: nothing written (fix the errors, or use --keep-going for a preview)")
		return errProblems
	}
	p.DropSyntax()
	var tmpl fs.FS
	if st, err := fs.Stat(fsys, "templates"); err == nil && st.IsDir() {
		if tmpl, err = fs.Sub(fsys, "templates"); err != nil {
			return err
		}
	}
	// History is read on this goroutine, before rendering starts: go-git
	// is not safe for concurrent use, the History it returns is.
	hist, notices, err := history.Open(opts.Root, history.Options{Rev: opts.Ref})
	if err != nil {
		return fmt.Errorf("git history: %w", err)
	}
	for _, n := range notices {
		fmt.Fprintln(env.Stderr, n)
	}
	b, err := site.NewBuilder(site.Options{BaseURL: opts.BaseURL, RepoURL: opts.EditURL, Templates: tmpl, History: hist,
		Markdown: md, DropText: true, Bodies: bodies, CloseBodies: true})
	if err != nil {
		return usageError{err}
	}
	// Pages go to disk as they are rendered: a large site is never held
	// in memory whole. The public site links the files it shares with
	// the internal one.
	in, err := publish.NewWriter(outPath(opts.Root, opts.InternalOut), nil)
	if err != nil {
		return err
	}
	pub, err := publish.NewWriter(outPath(opts.Root, opts.Out), in)
	if err != nil {
		in.Abort()
		return err
	}
	if err := b.BuildBothTo(p, pub, in); err != nil {
		pub.Abort()
		in.Abort()
		return err
	}
	if err := publish.CommitAll(pub, in); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "built %s (%d files) and %s (%d files) from %d articles and %d partners in %s\n",
		opts.Out, pub.Len(), opts.InternalOut, in.Len(), len(p.Articles), len(p.Partners),
		time.Since(start).Round(time.Millisecond))
	if failed {
		return errProblems
	}
	return nil
}

// contentFS is the content root: the directory, or with --ref the tree of
// that commit.
func contentFS(opts *BuildOptions) (fs.FS, error) {
	if opts.Ref == "" {
		st, err := os.Stat(opts.Root)
		if err != nil {
			return nil, fmt.Errorf("content root: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("content root %s is not a directory", opts.Root)
		}
		return load.DirFS(opts.Root), nil
	}
	fsys, err := history.TreeFS(opts.Root, opts.Ref)
	if err != nil {
		return nil, fmt.Errorf("--ref %s: %w", opts.Ref, err)
	}
	return fsys, nil
}
