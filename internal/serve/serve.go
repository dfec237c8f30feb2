// Package serve is the live preview behind "marketplace serve": it builds
// both sites in memory, serves them over HTTP, rebuilds what an edit
// affects as soon as a file is saved, and tells open pages to reload.
//
// # Sites
//
// The public site is served at /, the internal site under /_internal/,
// built with that base path so its links stay inside it. Pages are served
// from the last good build; a build with errors swaps nothing.
//
// # Live reload
//
// Every HTML page served gets one script (never part of a build's
// output): /__marketplace/live.js. It listens to build events over
// Server-Sent Events at /__marketplace/events, and
//   - reloads the page once a build that changed it has finished (never
//     before), keeping the scroll position across the reload;
//   - swaps a stylesheet in place when only CSS changed;
//   - shows an overlay listing the errors of a failed build, exactly as
//     validate prints them, over the last good page, and removes it when
//     a build succeeds.
//
// Browsers allow six HTTP/1.1 connections per host across all tabs, and
// an EventSource holds one open. The script therefore elects one tab per
// browser (a Web Lock held for the life of the tab) to hold the only
// EventSource; it passes events to the other tabs over a
// BroadcastChannel. When that tab closes, its lock passes to another tab,
// which connects. Browsers without Web Locks fall back to one connection
// per tab.
//
// # Endpoints
//
//	/__marketplace/events   text/event-stream: "status" then "build" events
//	/__marketplace/status   the current status as JSON (same shape as an event)
//	/__marketplace/errors   the diagnostics of the latest build, in validate's JSON shape
//	/__marketplace/live.js  the client script
//
// # Search
//
// The search index covers every page, so it cannot be patched for one
// edit and takes seconds on a large root. It is built right after the
// pages are published, in the background; requests for /search/ files
// wait for it, so a client never sees an index older than the pages.
package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/load"
	"github.com/marketplace-program/marketplace/internal/markdown"
	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/site"
	"github.com/marketplace-program/marketplace/internal/watch"
)

// InternalPrefix is where the internal site is served.
const InternalPrefix = "/_internal/"

// Options configure a Server.
type Options struct {
	// Root is the content root on disk.
	Root string
	// AsOf is the date standings are computed for.
	AsOf time.Time
	// Internal serves the internal site under InternalPrefix.
	Internal bool
	// BaseURL is the absolute URL the server is reached at, e.g.
	// "http://127.0.0.1:1313/", for the few absolute URLs of a site
	// (feeds); default "http://localhost/".
	BaseURL string
	// Log receives one line per build, and the errors of failed builds.
	Log io.Writer
	// LoopbackOnly refuses requests whose Host header is not a loopback
	// name, so a web page cannot reach a server on the loopback address
	// through a DNS name of its own (DNS rebinding) and read the
	// internal site.
	LoopbackOnly bool
}

// Server builds and serves the sites of one root. Build runs one build
// at a time; the handler serves whatever the last good build produced.
type Server struct {
	opts Options
	fsys fs.FS
	md   *markdown.Engine
	proj *project.Incremental

	mu       sync.Mutex // one build at a time; guards the fields below
	sites    [2]*site.Incremental
	seq      int
	building atomic.Bool

	snap atomic.Pointer[snapshot]
	hub  *hub

	searchMu sync.Mutex // one search index build at a time
}

// snapshot is what the handler serves; it is never changed once stored.
type snapshot struct {
	seq   int
	sites [2]*site.Tree // last good build; nil before the first
	// status is the latest build's outcome, good or not.
	status Status
	diags  diag.List
	// search, when set, is completing the search index of sites.
	search *pendingSearch
}

type pendingSearch struct {
	done  chan struct{}
	sites [2]*site.Tree // complete, after done
	err   error
	// settled is closed after done, once the garbage of the build and
	// its index has been collected.
	settled chan struct{}
}

// Status is the outcome of the latest build, as the client script and
// /__marketplace/status see it.
type Status struct {
	Seq int `json:"seq"`
	// OK is false when the latest build failed; the pages served are
	// then those of the last good build (none when Seq has never been OK).
	OK       bool `json:"ok"`
	Building bool `json:"building"`
	// Good is the number of the build being served, 0 before the first.
	Good     int `json:"good"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	// Text is the errors as validate prints them.
	Text string `json:"text,omitempty"`
}

// Event describes one finished build.
type Event struct {
	Status
	// Paths are the changed source paths the build was for (none for a
	// full build).
	Paths []string `json:"paths"`
	// Changed are the URLs whose content changed: public pages as "/x/",
	// internal ones under InternalPrefix. Empty for a failed build.
	Changed []string `json:"changed"`
	// Pages counts changed HTML pages.
	Pages int           `json:"pages"`
	Took  time.Duration `json:"-"`
	Full  bool          `json:"full"`
}

// New prepares a server; nothing is built until Build.
func New(opts Options) (*Server, error) {
	if opts.BaseURL == "" {
		opts.BaseURL = "http://localhost/"
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	fsys := load.DirFS(opts.Root)
	md := markdown.New() // scans and renders: one goldmark instance
	in, err := project.NewIncremental(fsys, project.Options{AsOf: opts.AsOf, Markdown: md})
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, fsys: fsys, md: md, proj: in, hub: newHub()}
	s.snap.Store(&snapshot{})
	return s, nil
}

// builders makes the two site builders with the root's templates.
func (s *Server) builders() ([2]*site.Incremental, error) {
	var out [2]*site.Incremental
	tmpl := os.DirFS(filepath.Join(s.opts.Root, "templates"))
	pub, err := site.NewBuilder(site.Options{Templates: tmpl, Markdown: s.md})
	if err != nil {
		return out, err
	}
	internal, err := site.NewBuilder(site.Options{Templates: tmpl, Markdown: s.md,
		BaseURL: strings.TrimSuffix(s.opts.BaseURL, "/") + InternalPrefix})
	if err != nil {
		return out, err
	}
	out[0], out[1] = pub.Incremental(site.Public), internal.Incremental(site.Internal)
	for i := range out {
		out[i].DeferSearch = true
		out[i].Adopt(s.sites[i])
	}
	return out, nil
}

// relevant reports whether a changed path can change a site.
func relevant(p string) bool {
	if p == "program.yaml" || p == project.CodeOwnersPath {
		return true
	}
	top, _, _ := strings.Cut(p, "/")
	switch top {
	case "partners", "content", "templates", "schema":
		return true
	}
	return false
}

// Build rebuilds after the given paths changed (slash paths relative to
// the root); all rebuilds everything, as the first build does. It returns
// when the pages are published and the event is sent.
func (s *Server) Build(changed []string, all bool) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	s.building.Store(true)
	defer s.building.Store(false)
	s.seq++
	ev := Event{Paths: changed, Full: all || s.sites[0] == nil}
	ev.Seq = s.seq

	p, fails := s.build(changed, ev.Full)
	prev := s.snap.Load()
	// A failed build serves the last good files, search index included.
	next := &snapshot{seq: s.seq, sites: prev.sites, search: prev.search}
	if p != nil {
		next.diags = p.Diags
	}
	if fails == nil && p != nil && p.Diags.HasErrors() {
		fails = p.Diags.Errors()
	}
	var changes [2]*site.Change
	if fails == nil {
		// The two sites share nothing but the project, which they only
		// read: build them side by side.
		var errs [2]error
		var wg sync.WaitGroup
		for i := range s.sites {
			wg.Go(func() { changes[i], errs[i] = s.sites[i].Build(p) })
		}
		wg.Wait()
		if err := errors.Join(errs[0], errs[1]); err != nil {
			// A template that fails to execute: nothing to point at in
			// the content, so it is reported as it is. Both builders are
			// started afresh next time, so neither is a step ahead.
			fails = diag.List{{Pos: diag.Pos{File: "templates"}, Rule: "serve.render", Msg: err.Error()}}
			next.diags = append(slices.Clone(next.diags), fails...)
			s.sites[0].Reset()
			s.sites[1].Reset()
		}
	}
	if fails == nil {
		for i, ch := range changes {
			next.sites[i] = ch.Files
			prefix := "/"
			if i == 1 {
				if !s.opts.Internal {
					continue
				}
				prefix = InternalPrefix
			}
			for _, name := range ch.Changed {
				if strings.HasSuffix(name, ".html") {
					ev.Pages++
				}
				ev.Changed = append(ev.Changed, prefix+strings.TrimSuffix(name, "index.html"))
			}
		}
		next.search = nil
		if changes[0].Search != nil || changes[1].Search != nil {
			next.search = &pendingSearch{done: make(chan struct{}), settled: make(chan struct{}), sites: next.sites}
		}
		ev.OK, ev.Good = true, s.seq
	} else {
		ev.Good = prev.status.Good
		var b bytes.Buffer
		var sources map[string]*diag.Source
		if p != nil {
			sources = p.Sources()
		}
		_ = diag.WriteText(&b, fails, sources)
		ev.Text = b.String()
	}
	ev.Errors, ev.Warnings = len(next.diags.Errors()), len(next.diags.Warnings())
	if fails != nil && ev.Errors == 0 {
		ev.Errors = len(fails)
	}
	next.status = ev.Status
	s.snap.Store(next)
	ev.Took = time.Since(start)
	s.log(ev)
	s.hub.publish(ev)
	if next.search != nil && next.search != prev.search {
		go s.completeSearch(next, changes)
	}
	return ev
}

// build brings the project up to date; fails is set when it could not.
func (s *Server) build(changed []string, all bool) (*project.Project, diag.List) {
	// Templates are parsed when a builder is made: a change to one needs
	// new builders (which keep the rendered bodies). Static files are
	// only copied, which the next build can do.
	remake := all || s.sites[0] == nil
	static := false
	for _, c := range changed {
		if rest, ok := strings.CutPrefix(c, "templates/"); ok || c == "templates" {
			if strings.HasPrefix(rest, "static/") {
				static = true
			} else {
				remake = true
			}
		}
		if c == "schema" || strings.HasPrefix(c, "schema/") {
			all = true
		}
	}
	if remake {
		sites, err := s.builders()
		if err != nil {
			return nil, diag.List{{Pos: diag.Pos{File: "templates"}, Rule: "serve.templates", Msg: err.Error()}}
		}
		s.sites = sites
	} else if static {
		s.sites[0].Static, s.sites[1].Static = true, true
	}
	p, err := s.proj.Update(changed, all)
	if err != nil {
		return nil, diag.List{{Pos: diag.Pos{File: "."}, Rule: "serve.open", Msg: err.Error()}}
	}
	return p, nil
}

// completeSearch builds the search indexes of a snapshot, unless a newer
// build has made them moot.
func (s *Server) completeSearch(snap *snapshot, changes [2]*site.Change) {
	ps := snap.search
	defer close(ps.settled)
	s.buildSearch(ps, changes)
	if ps.err == nil {
		// Collect the garbage of the build and its index now, while the
		// author reads the page, rather than make the next save's rebuild
		// sweep it and assist the collector: that was most of the spread
		// between the median and the slow saves.
		runtime.GC()
	}
}

func (s *Server) buildSearch(ps *pendingSearch, changes [2]*site.Change) {
	defer close(ps.done)
	s.searchMu.Lock()
	defer s.searchMu.Unlock()
	if cur := s.snap.Load(); cur.search != ps {
		ps.err = errSuperseded
		return
	}
	for i, ch := range changes {
		if ch.Search == nil {
			continue
		}
		files, err := ch.Search()
		if err != nil {
			ps.err = err
			return
		}
		ps.sites[i] = files
	}
}

var errSuperseded = errors.New("superseded by a newer build")

func (s *Server) log(ev Event) {
	took := ev.Took.Round(time.Millisecond)
	if took == 0 {
		took = ev.Took.Round(time.Microsecond)
	}
	what := "everything"
	if !ev.Full {
		what = summarize(ev.Paths)
	}
	if !ev.OK {
		fmt.Fprintf(s.opts.Log, "build failed in %s: %s: %s (still serving the last good build)\n%s", took, what,
			plural(ev.Errors, "error"), ev.Text)
		return
	}
	verb := "rebuilt"
	if ev.Seq == 1 {
		verb = "built"
	}
	fmt.Fprintf(s.opts.Log, "%s in %s: %s (%s)\n", verb, took, what, plural(ev.Pages, "page"))
}

func summarize(paths []string) string {
	if len(paths) == 0 {
		return "no files"
	}
	if len(paths) <= 3 {
		return strings.Join(paths, ", ")
	}
	return fmt.Sprintf("%s (+%d more)", strings.Join(paths[:3], ", "), len(paths)-3)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Subscribe delivers every build event until cancel is called. The
// channel holds up to 64 events; a subscriber that falls further behind
// misses events (the browser side only needs the latest).
func (s *Server) Subscribe() (<-chan Event, func()) { return s.hub.subscribe(64) }

// Status returns the status of the latest build.
func (s *Server) Status() Status {
	st := s.snap.Load().status
	st.Building = s.building.Load()
	return st
}

// Run rebuilds on every batch of changes until ctx is done or batches is
// closed. Batches that touch nothing a site is built from are skipped.
func (s *Server) Run(ctx context.Context, batches <-chan watch.Batch) {
	for {
		select {
		case <-ctx.Done():
			return
		case b, ok := <-batches:
			if !ok {
				return
			}
			var paths []string
			for _, p := range b.Paths {
				if relevant(p) {
					paths = append(paths, p)
				}
			}
			if len(paths) == 0 && !b.Rescan {
				continue
			}
			s.Build(paths, b.Rescan)
		}
	}
}

// lookup finds a file for a URL path, waiting for the search index when
// it is being built. site is 0 (public) or 1.
func (s *Server) lookup(ctx context.Context, which int, name string) ([]byte, *snapshot, bool) {
	for {
		snap := s.snap.Load()
		files := snap.sites[which]
		if strings.HasPrefix(name, "search/") && snap.search != nil {
			select {
			case <-snap.search.done:
			case <-ctx.Done():
				return nil, snap, false
			}
			if errors.Is(snap.search.err, errSuperseded) {
				continue // a newer build has its own index coming
			}
			if snap.search.err == nil {
				files = snap.search.sites[which]
			}
		}
		data, ok := files.Get(name)
		return data, snap, ok
	}
}

// cleanName turns a URL path into a file name of a site.
func cleanName(p string) string {
	name := strings.TrimPrefix(path.Clean("/"+p), "/")
	if name == "" || strings.HasSuffix(p, "/") {
		if name != "" {
			name += "/"
		}
		name += "index.html"
	}
	return name
}
