package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/marketplace-program/marketplace/internal/serve"
	"github.com/marketplace-program/marketplace/internal/watch"
)

// ServeOptions are the flags of serve.
type ServeOptions struct {
	Root           string
	Port           int
	Bind           string
	Poll           bool
	ExposeInternal bool
	AsOf           time.Time
	// ready, when set, is told the address once the server listens
	// (tests).
	ready func(addr string)
}

func newServeCmd(env *Env, g *globals, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{}
	var asOf string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Preview both sites locally, rebuilding and reloading as you edit",
		Long: `serve builds the public and the internal site in memory and serves them:
the public site at http://127.0.0.1:1313/ and the internal site under
http://127.0.0.1:1313/_internal/ (built with that path prefix, so its links
stay inside it). Nothing is written to disk.

Every folder of the root is watched. When you save a file, only what it
affects is rebuilt, and open pages reload by themselves once the build has
finished, keeping their scroll position (a stylesheet change is swapped in
without a reload). When a save breaks something, the pages keep showing
the last good version with an overlay listing the errors as validate
prints them; fixing the file removes it. One line per rebuild says what
changed and how long it took.

Both sites are served on the loopback address only. --bind with another
address makes the public site reachable from other machines and prints a
warning; the internal site, which shows escalation contacts, is then not
served unless --expose-internal is given too.

If inotify runs out of watches (a very large tree), serve says which
kernel setting to raise; --poll watches by checking modification times
every half second instead.`,
		Example: `  $ marketplace serve
  $ marketplace serve --port 0                  # any free port
  $ marketplace serve --bind 0.0.0.0            # public site on the network
  $ marketplace serve --poll                    # network file systems, containers`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Root = g.root
			t, err := parseAsOf(asOf, env)
			if err != nil {
				return err
			}
			opts.AsOf = t
			if opts.Port < 0 || opts.Port > 65535 {
				return usagef("--port %d: want 0 to 65535", opts.Port)
			}
			if net.ParseIP(opts.Bind) == nil && opts.Bind != "localhost" {
				return usagef("--bind %q: want an IP address such as 127.0.0.1 or 0.0.0.0", opts.Bind)
			}
			if runF != nil {
				return runF(opts)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return serveRun(ctx, env, opts)
		},
	}
	cmd.Flags().IntVar(&opts.Port, "port", 1313, "TCP `port` to listen on (0 picks a free one)")
	cmd.Flags().StringVar(&opts.Bind, "bind", "127.0.0.1", "`address` to listen on; anything but loopback exposes the public site")
	cmd.Flags().BoolVar(&opts.Poll, "poll", false, "watch by polling modification times instead of inotify")
	cmd.Flags().BoolVar(&opts.ExposeInternal, "expose-internal", false, "also serve the internal site on a non-loopback --bind address")
	cmd.Flags().StringVar(&asOf, "as-of", "", "standings as of `YYYY-MM-DD` (default today)")
	return cmd
}

func serveRun(ctx context.Context, env *Env, opts *ServeOptions) error {
	if st, err := os.Stat(opts.Root); err != nil || !st.IsDir() {
		return fmt.Errorf("content root %s is not a directory", opts.Root)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(opts.Bind, strconv.Itoa(opts.Port)))
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("port %d is in use; try --port 0 or another port", opts.Port)
	}
	if err != nil {
		return err
	}
	defer ln.Close()
	addr := ln.Addr().(*net.TCPAddr)
	host := opts.Bind
	loopback := opts.Bind == "localhost" || net.ParseIP(opts.Bind).IsLoopback()
	if ip := net.ParseIP(opts.Bind); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	base := "http://" + net.JoinHostPort(host, strconv.Itoa(addr.Port)) + "/"
	internal := loopback || opts.ExposeInternal
	if !loopback {
		if internal {
			fmt.Fprintf(env.Stderr, "warning: serving on %s with --expose-internal: anyone who can reach this address sees the internal site, escalation contacts included\n", addr)
		} else {
			fmt.Fprintf(env.Stderr, "warning: serving on %s: the public site is reachable from other machines; the internal site is not served (add --expose-internal to serve it too)\n", addr)
		}
	}

	w, err := watch.New(opts.Root, watch.Options{Poll: opts.Poll, Skip: []string{"public", "internal-site"}})
	if err != nil {
		return err
	}
	defer w.Close()
	srv, err := serve.New(serve.Options{Root: opts.Root, AsOf: opts.AsOf, Internal: internal, BaseURL: base, Log: env.Stderr,
		LoopbackOnly: loopback})
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second,
		// Event streams never end by themselves: they end with ctx.
		BaseContext: func(net.Listener) context.Context { return ctx }}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	fmt.Fprintf(env.Stdout, "public site:   %s\n", base)
	if internal {
		fmt.Fprintf(env.Stdout, "internal site: %s%s\n", base, serve.InternalPrefix[1:])
	}
	if opts.ready != nil {
		opts.ready(addr.String())
	}
	ev := srv.Build(nil, true)
	fmt.Fprintf(env.Stdout, "first build took %s; watching %s for changes (Ctrl-C stops)\n", ev.Took.Round(time.Millisecond), opts.Root)

	go srv.Run(ctx, w.Batches())
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case err := <-w.Errors():
				fmt.Fprintf(env.Stderr, "watch: %v\n", err)
			}
		}
	}()

	select {
	case <-ctx.Done():
	case err := <-served:
		return err
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shut); err != nil {
		return err
	}
	fmt.Fprintln(env.Stderr, "stopped")
	return nil
}
