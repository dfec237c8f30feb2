// Package browsertest starts headless Chromium for the tests that check
// what a person sees (the built site, live reload), with the flags this
// machine needs, and collects the page's script errors.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Chromium returns Debian's chromium (or $CHROMIUM, or another
// Chromium-family browser). Without one the test is skipped, except under
// CI=true, where the browser tests must run.
func Chromium(t testing.TB) string {
	t.Helper()
	if env := os.Getenv("CHROMIUM"); env != "" {
		return env
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found; CI=true requires the browser test (apt-get install chromium)")
	}
	t.Skip("chromium not found: install it (apt-get install chromium) to run the browser test")
	return ""
}

// Options are the allocator options every browser test uses: headless, no
// sandbox (tests run as root), a fresh profile, and no background traffic,
// which the closed network here refuses. Callers add window size and more.
func Options(t testing.TB, exe string, more ...chromedp.ExecAllocatorOption) []chromedp.ExecAllocatorOption {
	return append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	}, more...)
}

// Errors records the script errors thrown in the browser context ctx;
// the returned func lists them so far.
func Errors(t testing.TB, ctx context.Context) func() []string {
	t.Helper()
	var mu sync.Mutex
	var errs []string
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			errs = append(errs, (&chromedp.ExceptionError{ExceptionDetails: e.ExceptionDetails}).Error())
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}
