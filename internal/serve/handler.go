package serve

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html"
	"mime"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/marketplace-program/marketplace/internal/diag"
)

//go:embed live.js
var liveJS []byte

// Handler serves both sites, the live-reload endpoints and the script.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /__marketplace/live.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(liveJS)
	})
	mux.HandleFunc("GET /__marketplace/events", s.events)
	mux.HandleFunc("GET /__marketplace/status", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, s.Status())
	})
	mux.HandleFunc("GET /__marketplace/errors", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, diag.Report(s.snap.Load().diags))
	})
	mux.HandleFunc("GET /__marketplace/", http.NotFound)
	mux.HandleFunc("GET "+InternalPrefix, func(w http.ResponseWriter, r *http.Request) {
		if !s.opts.Internal {
			http.Error(w, "the internal site is not served on this address (see marketplace serve --help)", http.StatusNotFound)
			return
		}
		s.file(w, r, 1, strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(InternalPrefix, "/")))
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) { s.file(w, r, 0, r.URL.Path) })
	if !s.opts.LoopbackOnly {
		return mux
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackHost(r.Host) {
			http.Error(w, "this preview server answers only to localhost, 127.0.0.1 and [::1]", http.StatusForbidden)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// file serves the file at the site path p of one site.
func (s *Server) file(w http.ResponseWriter, r *http.Request, site int, p string) {
	w.Header().Set("Cache-Control", "no-cache")
	name := cleanName(p)
	data, snap, ok := s.lookup(r.Context(), site, name)
	if snap.sites[site] == nil {
		s.noBuild(w, r, name)
		return
	}
	if !ok && !strings.HasSuffix(name, "index.html") {
		// A page asked for without its trailing slash.
		if _, _, ok := s.lookup(r.Context(), site, name+"/index.html"); ok {
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return
		}
	}
	status := http.StatusOK
	if !ok {
		status = http.StatusNotFound
		name = "404.html"
		if data, ok = snap.sites[site].Get("404.html"); !ok {
			http.NotFound(w, r)
			return
		}
	}
	etag := etagOf(data)
	w.Header().Set("ETag", etag)
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(data)
	}
	w.Header().Set("Content-Type", ctype)
	if strings.HasSuffix(name, ".html") {
		data = inject(data, snap.status.Good, etag)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// etagOf identifies a file's bytes as built (before the script goes in),
// so the script can ask whether its page changed while it was away.
func etagOf(data []byte) string {
	h := fnv.New64a()
	h.Write(data)
	return fmt.Sprintf(`"%016x"`, h.Sum64())
}

// inject adds the live-reload script to a page: at the end of the body,
// so it never delays the page.
func inject(page []byte, good int, etag string) []byte {
	tag := fmt.Sprintf(`<script src="/__marketplace/live.js" data-build="%d" data-etag="%s" defer></script>`,
		good, html.EscapeString(etag))
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		i = len(page)
	}
	out := make([]byte, 0, len(page)+len(tag)+1)
	out = append(out, page[:i]...)
	out = append(out, tag...)
	out = append(out, '\n')
	return append(out, page[i:]...)
}

// noBuild answers before any build has succeeded: a page that says so,
// with the script, which shows the errors and reloads when a build works.
func (s *Server) noBuild(w http.ResponseWriter, r *http.Request, name string) {
	st := s.Status()
	if !strings.HasSuffix(name, ".html") {
		http.Error(w, "no successful build yet", http.StatusServiceUnavailable)
		return
	}
	msg := "The first build is running; this page reloads when it is done."
	if !st.OK && st.Seq > 0 {
		msg = "The content has errors, so there is nothing to show yet. Fix them and save: this page reloads by itself."
	}
	page := fmt.Sprintf(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>No successful build yet · marketplace serve</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2328}</style>
</head>
<body>
<h1>No successful build yet</h1>
<p id="no-build">%s</p>
</body>
</html>
`, html.EscapeString(msg))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write(inject([]byte(page), 0, `"none"`))
}

// events streams build events to one client: its current status first,
// then every build, with a comment every 15 seconds to keep proxies and
// the browser from timing the connection out.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch, cancel := s.hub.subscribe(8)
	defer cancel()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(kind string, v any) bool {
		data, _ := json.Marshal(v)
		_, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", kind, data)
		fl.Flush()
		return err == nil
	}
	fmt.Fprint(w, "retry: 500\n\n")
	if !send("status", s.Status()) {
		return
	}
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case ev := <-ch:
			if !send("build", ev) {
				return
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			fl.Flush()
		}
	}
}
