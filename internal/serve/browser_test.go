package serve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/marketplace-program/marketplace/internal/browsertest"

	"github.com/marketplace-program/marketplace/internal/watch"
)

// TestBrowser drives live reload in headless Chromium against a real
// server watching real files: an edit shows up without navigating (at the
// same scroll position), a broken partner.yaml shows the overlay over the
// old page and the fix removes it, a stylesheet change is swapped in
// without a reload, and several tabs share one event stream. Without
// Chromium the test is skipped, except under CI=true.
func TestBrowser(t *testing.T) {
	exe := browsertest.Chromium(t)
	root := exampleRoot(t)
	// A root stylesheet override from the start, so that editing it is a
	// static-file change rather than a new templates folder.
	css, err := os.ReadFile(filepath.Join("..", "..", "templates", "static", "site.css"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "templates/static/site.css", string(css))
	l := startLive(t, root, watch.Options{})

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, browsertest.Options(t, exe,
		chromedp.WindowSize(1000, 500),
		// Hidden tabs must keep running their scripts.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
	)...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer bcancel()
	// A script error anywhere fails the test.
	jsErrors := browsertest.Errors(t, bctx)

	// waitFor evaluates a condition every 20ms until it holds; a reload
	// in between (which is what some waits are for) only means retrying.
	waitFor := func(what, expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			deadline := time.Now().Add(15 * time.Second)
			var last error
			for time.Now().Before(deadline) {
				ok, err := chromedp.Evaluate[bool]("Boolean("+expr+")")(ctx, tg)
				if err == nil && ok {
					return nil
				}
				last = err
				time.Sleep(20 * time.Millisecond)
			}
			return fmt.Errorf("waiting for %s: timed out (last error %v)", what, last)
		})
	}
	do := func(ctx context.Context, name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		start := time.Now()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s: %v", name, time.Since(start).Round(time.Millisecond))
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("evaluate %s: %v", expr, err)
		}
		return v
	}
	// connected waits until the page's script holds the event stream:
	// the server then has two subscribers, the test and the browser.
	connected := func(n int) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for l.s.hub.count() != n+1 {
			if time.Now().After(deadline) {
				t.Fatalf("%d event streams open, want %d", l.s.hub.count()-1, n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	const overlay = `document.getElementById('marketplace-overlay')`
	const overlayText = overlay + `?.shadowRoot?.querySelector('pre')?.textContent ?? ''`

	// Open the article, scrolled down a little, and mark the document: a
	// reload loses the mark, an in-place update keeps it.
	do(bctx, "open the article",
		chromedp.Navigate(l.url+articleURL),
		chromedp.WaitVisible(chromedp.CSS("#article-title")),
	)
	connected(1)
	eval(`document.body.style.minHeight = '3000px'; window.scrollTo(0, 240); window.__mark = 'same document'; ''`)

	// 1. Change the text on disk: the page reloads by itself, in place.
	orig := readFile(t, root, article)
	writeFile(t, root, article, orig+"\nLivereloadword appears here.\n")
	if ev := l.next(); !ev.OK {
		t.Fatalf("build failed:\n%s", ev.Text)
	}
	do(bctx, "see the new text",
		waitFor("the new text", `document.querySelector('.article .prose')?.innerText.includes('Livereloadword')`),
	)
	if mark := eval(`String(window.__mark)`); mark == "same document" {
		t.Error("the page was not reloaded")
	}
	if y := eval(`String(Math.round(window.scrollY))`); y != "240" {
		t.Errorf("scroll position after the reload: %s, want 240", y)
	}
	connected(1)

	// 2. Break partner.yaml: the overlay names the file and line, the old
	// content stays.
	good := readFile(t, root, partnerYAML)
	writeFile(t, root, partnerYAML, "name: [\n"+good)
	ev := l.next()
	if ev.OK {
		t.Fatal("the broken partner.yaml built")
	}
	do(bctx, "see the overlay", waitFor("the overlay", overlayText+`.includes('partners/kestrel-backup/partner.yaml:3:1')`))
	text := eval(overlayText)
	for _, want := range []string{"[yaml.syntax]", "    3 | summary:", "hint:"} {
		if !strings.Contains(text, want) {
			t.Errorf("overlay lacks %q:\n%s", want, text)
		}
	}
	if text != ev.Text {
		t.Errorf("overlay text differs from validate's:\n%s\nwant\n%s", text, ev.Text)
	}
	if body := eval(`document.querySelector('.article .prose').innerText`); !strings.Contains(body, "Livereloadword") {
		t.Error("the last good content is gone")
	}

	// 3. Fix it: the overlay goes.
	writeFile(t, root, partnerYAML, good)
	if ev := l.next(); !ev.OK {
		t.Fatalf("fixed partner.yaml failed:\n%s", ev.Text)
	}
	do(bctx, "overlay gone", waitFor("the overlay to go", overlay+` === null`))

	// 4. A stylesheet change is swapped in without a reload.
	eval(`window.__mark = 'before css'; ''`)
	writeFile(t, root, "templates/static/site.css", string(css)+"\nbody { outline: 3px solid rgb(1, 2, 3); }\n")
	if ev := l.next(); !ev.OK || len(ev.Changed) == 0 {
		t.Fatalf("css build: %+v", ev)
	}
	do(bctx, "new stylesheet", waitFor("the new style", `getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'`))
	if mark := eval(`String(window.__mark)`); mark != "before css" {
		t.Error("a stylesheet change reloaded the page")
	}

	// 5. More tabs share the one event stream, and all of them update.
	var tabs []context.Context
	for i := range 3 {
		tctx, tcancel := chromedp.NewContext(bctx)
		defer tcancel()
		do(tctx, fmt.Sprintf("open tab %d", i+2), chromedp.Navigate(l.url+"/kb/"), chromedp.WaitVisible(chromedp.CSS("main")))
		tabs = append(tabs, tctx)
	}
	connected(1)
	writeFile(t, root, partnerYAML, "name: [\n"+good)
	l.next()
	for i, tctx := range tabs {
		do(tctx, fmt.Sprintf("overlay in tab %d", i+2), waitFor("the overlay", overlayText+`.includes('partner.yaml:3:1')`))
	}
	writeFile(t, root, partnerYAML, good)
	l.next()
	for i, tctx := range tabs {
		do(tctx, fmt.Sprintf("overlay gone in tab %d", i+2), waitFor("the overlay to go", overlay+` === null`))
	}
	connected(1)

	for _, e := range jsErrors() {
		t.Errorf("JavaScript error: %s", e)
	}
}
