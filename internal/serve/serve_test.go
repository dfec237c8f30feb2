package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/testroot"
)

var asOf = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

const (
	article     = "content/kestrel-backup/public/getting-started-with-kestrel-vault.md"
	articleURL  = "/kb/partners/kestrel-backup/getting-started-with-kestrel-vault/"
	partnerYAML = "partners/kestrel-backup/partner.yaml"
)

// exampleRoot copies the repository's example content into a temporary
// root.
func exampleRoot(t testing.TB) string {
	t.Helper()
	root := t.TempDir()
	if err := testroot.CopyExample(root, "partners", "content"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "program.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "program.yaml", string(data))
	return root
}

func writeFile(t testing.TB, root, name, data string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, root, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func newServer(t testing.TB, root string, internal bool) *Server {
	t.Helper()
	s, err := New(Options{Root: root, AsOf: asOf, Internal: internal})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func get(t testing.TB, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	return rec
}

func TestHandler(t *testing.T) {
	root := exampleRoot(t)
	s := newServer(t, root, true)
	h := s.Handler()

	// Before any build: a page that says so, with the script.
	rec := get(t, h, "/")
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "No successful build yet") ||
		!strings.Contains(rec.Body.String(), "/__marketplace/live.js") {
		t.Errorf("before the first build: %d %.300s", rec.Code, rec.Body)
	}

	if ev := s.Build(nil, true); !ev.OK {
		t.Fatalf("first build failed:\n%s", ev.Text)
	}
	tests := []struct {
		target, want string
		code         int
		ctype        string
	}{
		{"/", `<script src="/__marketplace/live.js" data-build="1"`, 200, "text/html"},
		{articleURL, "Kestrel", 200, "text/html"},
		{strings.TrimSuffix(articleURL, "/"), "", http.StatusMovedPermanently, ""},
		{"/no/such/page/", "We can't find that page", 404, "text/html"},
		{"/assets/site.css", "", 200, "text/css"},
		{"/_internal/", `href="/_internal/dashboard/"`, 200, "text/html"},
		{"/_internal/dashboard/", `href="/_internal/dashboard/tidewater-db/"`, 200, "text/html"},
		{"/_internal/dashboard/tidewater-db/", `<a href="/_internal/dashboard/">Back to the program dashboard</a>`, 200, "text/html"},
		{"/search/manifest.json", `"docs"`, 200, "application/json"},
		{"/__marketplace/live.js", "EventSource", 200, "text/javascript"},
		{"/__marketplace/status", `"ok": true`, 200, "application/json"},
		{"/__marketplace/errors", `"errors": []`, 200, "application/json"},
		{"/__marketplace/nothing", "", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rec := get(t, h, tt.target)
			if rec.Code != tt.code {
				t.Fatalf("status %d, want %d", rec.Code, tt.code)
			}
			if !strings.Contains(rec.Body.String(), tt.want) {
				t.Errorf("body lacks %q: %.300s", tt.want, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type %q, want %q", ct, tt.ctype)
			}
			if strings.HasPrefix(tt.ctype, "text/html") && strings.Count(rec.Body.String(), "live.js") != 1 {
				t.Error("the script must be injected exactly once")
			}
			if !strings.HasPrefix(tt.ctype, "text/html") && strings.Contains(rec.Body.String(), `data-build=`) {
				t.Error("the script was injected into a file that is not a page")
			}
		})
	}

	// Internal pages link inside /_internal/.
	body := get(t, h, "/_internal/kb/").Body.String()
	if strings.Contains(body, `href="/kb/`) || !strings.Contains(body, `href="/_internal/kb/`) {
		t.Errorf("internal KB page links out of /_internal/: %.500s", body)
	}
}

func TestInternalNotServed(t *testing.T) {
	s := newServer(t, exampleRoot(t), false)
	s.Build(nil, true)
	for _, target := range []string{"/_internal/dashboard/", "/_internal/dashboard/tidewater-db/", "/dashboard/tidewater-db/"} {
		if rec := get(t, s.Handler(), target); rec.Code != 404 || strings.Contains(rec.Body.String(), "dashboard") {
			t.Errorf("%s served without Internal: %d", target, rec.Code)
		}
	}
	if rec := get(t, s.Handler(), "/"); rec.Code != 200 {
		t.Errorf("public site: %d", rec.Code)
	}
}

// TestFailedBuild: a broken file keeps the last good pages and reports
// the errors as validate does; the next good build clears them.
func TestFailedBuild(t *testing.T) {
	root := exampleRoot(t)
	s := newServer(t, root, true)
	h := s.Handler()
	s.Build(nil, true)
	before := get(t, h, articleURL).Body.String()

	orig := readFile(t, root, partnerYAML)
	writeFile(t, root, partnerYAML, "name: [\n"+orig)
	ev := s.Build([]string{partnerYAML}, false)
	if ev.OK || ev.Errors != 1 || ev.Good != 1 || len(ev.Changed) != 0 {
		t.Fatalf("broken partner.yaml: %+v", ev)
	}
	// Exactly what validate prints for the errors.
	cold, err := project.Open(os.DirFS(root), project.Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	diag.WriteText(&want, cold.Diags.Errors(), cold.Sources())
	if ev.Text != want.String() || !strings.Contains(ev.Text, "partners/kestrel-backup/partner.yaml:3:1: error:") ||
		!strings.Contains(ev.Text, "    3 | summary:") || !strings.Contains(ev.Text, "hint: ") {
		t.Errorf("error text:\n%s\nwant (as validate prints it):\n%s", ev.Text, want.String())
	}
	if got := get(t, h, articleURL).Body.String(); !sameExceptScript(got, before) {
		t.Error("a failed build changed the page served")
	}
	var report struct {
		Errors []struct {
			File string
			Line int
			Rule string
		}
	}
	if err := json.Unmarshal(get(t, h, "/__marketplace/errors").Body.Bytes(), &report); err != nil {
		t.Fatal(err)
	}
	if len(report.Errors) != 1 || report.Errors[0].File != partnerYAML || report.Errors[0].Line != 3 || report.Errors[0].Rule != "yaml.syntax" {
		t.Errorf("errors endpoint: %+v", report.Errors)
	}
	var st Status
	json.Unmarshal(get(t, h, "/__marketplace/status").Body.Bytes(), &st)
	if st.OK || st.Good != 1 || st.Seq != 2 || !strings.Contains(st.Text, "yaml.syntax") {
		t.Errorf("status: %+v", st)
	}

	writeFile(t, root, partnerYAML, orig)
	if ev := s.Build([]string{partnerYAML}, false); !ev.OK || ev.Errors != 0 || ev.Good != 3 {
		t.Fatalf("fixed: %+v", ev)
	}
	json.Unmarshal(get(t, h, "/__marketplace/errors").Body.Bytes(), &report)
	if len(report.Errors) != 0 {
		t.Errorf("errors after the fix: %+v", report.Errors)
	}
}

// TestFirstBuildFails: with nothing good to show, pages explain why and
// carry the script (which shows the errors); the first good build serves.
func TestFirstBuildFails(t *testing.T) {
	root := exampleRoot(t)
	orig := readFile(t, root, partnerYAML)
	writeFile(t, root, partnerYAML, "name: [\n"+orig)
	s := newServer(t, root, true)
	h := s.Handler()
	if ev := s.Build(nil, true); ev.OK {
		t.Fatal("the build should fail")
	}
	rec := get(t, h, articleURL)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "content has errors") ||
		!strings.Contains(rec.Body.String(), `data-build="0"`) {
		t.Errorf("%d %.400s", rec.Code, rec.Body)
	}
	if rec := get(t, h, "/assets/site.css"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("a file before any good build: %d", rec.Code)
	}
	writeFile(t, root, partnerYAML, orig)
	if ev := s.Build([]string{partnerYAML}, false); !ev.OK || ev.Good != 2 {
		t.Fatalf("fixed: %+v", ev)
	}
	if rec := get(t, h, articleURL); rec.Code != 200 {
		t.Errorf("after the fix: %d", rec.Code)
	}
}

// TestEvents reads the event stream: the status first, then each build.
func TestEvents(t *testing.T) {
	root := exampleRoot(t)
	s := newServer(t, root, true)
	s.Build(nil, true)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/__marketplace/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	events := sseReader(resp.Body)
	if kind, data := events(); kind != "status" || !strings.Contains(data, `"good":1`) {
		t.Fatalf("first event %s %s", kind, data)
	}
	writeFile(t, root, article, readFile(t, root, article)+"\nNew words.\n")
	go s.Build([]string{article}, false)
	kind, data := events()
	var ev Event
	json.Unmarshal([]byte(data), &ev)
	if kind != "build" || !ev.OK || ev.Seq != 2 || !contains(ev.Changed, articleURL) || !contains(ev.Changed, "/_internal"+articleURL) {
		t.Errorf("build event %s %s", kind, data)
	}
}

// sseReader returns a function reading the next event's name and data.
func sseReader(r io.Reader) func() (string, string) {
	sc := bufio.NewScanner(r)
	return func() (string, string) {
		var kind, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "" && kind != "":
				return kind, data
			case strings.HasPrefix(line, "event: "):
				kind = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				data = line[len("data: "):]
			}
		}
		return "", ""
	}
}

// TestSearchWaits: a search file asked for while the index is being built
// comes from the new index, never the old one.
func TestSearchWaits(t *testing.T) {
	root := exampleRoot(t)
	s := newServer(t, root, true)
	h := s.Handler()
	s.Build(nil, true)
	writeFile(t, root, article, readFile(t, root, article)+"\nZyzzyvaword appears.\n")
	s.Build([]string{article}, false)
	// No waiting here: the handler waits for the index itself.
	var m struct{ Shards []string }
	if err := json.Unmarshal(get(t, h, "/search/manifest.json").Body.Bytes(), &m); err != nil || len(m.Shards) == 0 {
		t.Fatalf("manifest: %v %v", err, m)
	}
	var terms strings.Builder
	for i := range m.Shards {
		terms.WriteString(get(t, h, fmt.Sprintf("/search/terms-%03d.json", i)).Body.String())
	}
	if !strings.Contains(terms.String(), `"zyzzyvaword"`) {
		t.Error("the search index served lacks the new word")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sameExceptScript compares two served pages, ignoring the script tag
// (its build number changes with every build).
func sameExceptScript(a, b string) bool {
	strip := func(s string) string {
		i := strings.Index(s, `<script src="/__marketplace/live.js"`)
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], "</script>")
		return s[:i] + s[i+j:]
	}
	return strip(a) == strip(b)
}

// TestLoopbackOnly: a server on the loopback address answers only to
// loopback names (no DNS rebinding into the internal site).
func TestLoopbackOnly(t *testing.T) {
	s, err := New(Options{Root: exampleRoot(t), AsOf: asOf, Internal: true, LoopbackOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Build(nil, true)
	h := s.Handler()
	for host, want := range map[string]int{"localhost:1313": 200, "127.0.0.1:1313": 200, "[::1]:1313": 200, "127.0.0.1": 200,
		"evil.example:1313": 403, "192.168.1.5:1313": 403} {
		req := httptest.NewRequest("GET", "/_internal/", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Host %s: %d, want %d", host, rec.Code, want)
		}
	}
}
