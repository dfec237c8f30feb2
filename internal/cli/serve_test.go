package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/testroot"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine to write while
// the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func exampleRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := testroot.CopyExample(root, "partners", "content"); err != nil {
		t.Fatal(err)
	}
	return root
}

func testEnv() (*Env, *syncBuffer, *syncBuffer) {
	out, errb := &syncBuffer{}, &syncBuffer{}
	return &Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: errb, Now: func() time.Time { return today },
		Getenv: func(string) string { return "" }}, out, errb
}

// TestBuildHasNoReloadScript: the live-reload script is served, never
// built.
func TestBuildHasNoReloadScript(t *testing.T) {
	root := exampleRoot(t)
	env, _, stderr := testEnv()
	if code := Main([]string{"--root", root, "build", "--keep-going"}, env); code != 0 && code != 1 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	n := 0
	for _, dir := range []string{"public", "internal-site"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			n++
			if bytes.Contains(data, []byte("__marketplace")) || bytes.Contains(data, []byte("EventSource")) {
				t.Errorf("%s holds the live-reload script", p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 50 {
		t.Fatalf("only %d files built", n)
	}
}

func TestServePortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	env, _, stderr := testEnv()
	code := Main([]string{"--root", exampleRoot(t), "serve", "--port", strconv.Itoa(port)}, env)
	want := "port " + strconv.Itoa(port) + " is in use; try --port 0 or another port"
	if code != 2 || !strings.Contains(stderr.String(), want) {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
}

func TestServeFlags(t *testing.T) {
	for _, args := range [][]string{{"--port", "70000"}, {"--bind", "not an address"}, {"extra"}} {
		env, _, stderr := testEnv()
		if code := Main(append([]string{"serve"}, args...), env); code != 2 {
			t.Errorf("serve %v: exit %d (%s), want 2", args, code, stderr)
		}
	}
}

// TestServeRun starts serve on a free loopback port, fetches pages while
// an event stream is open, and stops it the way Ctrl-C does.
func TestServeRun(t *testing.T) {
	for _, tt := range []struct {
		bind, expose   string
		internal, warn bool
	}{
		{"127.0.0.1", "", true, false},
		{"0.0.0.0", "", false, true},
		{"0.0.0.0", "expose", true, true},
	} {
		t.Run(tt.bind+tt.expose, func(t *testing.T) {
			env, stdout, stderr := testEnv()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			addr := make(chan string, 1)
			opts := &ServeOptions{Root: exampleRoot(t), Port: 0, Bind: tt.bind, ExposeInternal: tt.expose != "", AsOf: today,
				ready: func(a string) { addr <- a }}
			done := make(chan error, 1)
			go func() { done <- serveRun(ctx, env, opts) }()
			var base string
			select {
			case a := <-addr:
				_, port, _ := net.SplitHostPort(a)
				base = "http://127.0.0.1:" + port
			case err := <-done:
				t.Fatalf("serve ended: %v\n%s", err, stderr)
			case <-time.After(10 * time.Second):
				t.Fatal("serve did not start")
			}
			waitFor(t, func() bool { return strings.Contains(stdout.String(), "first build took") })
			if !strings.Contains(stdout.String(), "public site:   http://") {
				t.Errorf("stdout: %s", stdout)
			}
			if got := strings.Contains(stdout.String(), "internal site: http://"); got != tt.internal {
				t.Errorf("internal URL printed: %v, want %v", got, tt.internal)
			}
			if got := strings.Contains(stderr.String(), "warning: serving on"); got != tt.warn {
				t.Errorf("warning printed: %v, want %v (%s)", got, tt.warn, stderr)
			}
			if code := status(t, base+"/"); code != 200 {
				t.Errorf("GET /: %d", code)
			}
			want := 404
			if tt.internal {
				want = 200
			}
			if code := status(t, base+"/_internal/dashboard/"); code != want {
				t.Errorf("GET /_internal/dashboard/: %d, want %d", code, want)
			}
			// An open event stream must not hold up the shutdown.
			resp, err := http.Get(base + "/__marketplace/events")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			go io.Copy(io.Discard, resp.Body)
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve returned %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("serve did not stop")
			}
		})
	}
}

func status(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 20s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
