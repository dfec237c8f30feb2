package site_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/marketplace-program/marketplace/internal/browsertest"

	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/publish"
	"github.com/marketplace-program/marketplace/internal/site"
)

// TestBrowser drives the public site of the example content in headless
// Chromium: the listing, its filters and their URL state, the site search
// and an article page. It needs Debian's chromium; without it the test is
// skipped, except under CI=true where a missing browser is a failure.
func TestBrowser(t *testing.T) {
	exe := browsertest.Chromium(t)

	p, err := project.Open(os.DirFS(filepath.Join("..", "..")), project.Options{AsOf: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := site.NewBuilder(site.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, err := b.Build(p, site.Public)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "site")
	if err := publish.Write(dir, files); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()

	// What the example content must show, from the project itself.
	var listed, gold int
	for _, pa := range p.Partners {
		if pa.Listed() {
			listed++
			if pa.Standing.Tier == "gold" {
				gold++
			}
		}
	}
	if listed != 6 || gold == 0 {
		t.Fatalf("example content: %d certified partners (%d Gold), want 6 with some Gold", listed, gold)
	}
	var art *project.Article
	for _, a := range p.Articles {
		if a.PartnerID == "kestrel-backup" && !a.Internal() {
			art = a
		}
	}
	if art == nil {
		t.Fatal("example content: no public Kestrel Vault article")
	}

	artifacts := os.Getenv("MARKETPLACE_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, browsertest.Options(t, exe, chromedp.WindowSize(1280, 900))...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer bcancel()

	// A script error anywhere fails the test.
	jsErrors := browsertest.Errors(t, bctx)

	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			png, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			path := filepath.Join(artifacts, name+".png")
			t.Logf("screenshot: %s", path)
			return os.WriteFile(path, png, 0o644)
		})
	}
	// waitFor polls a JavaScript condition in the page until it is true or
	// five seconds pass.
	waitFor := func(what, expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(5*time.Second),
				chromedp.WithPollingInterval(25*time.Millisecond))(ctx, tg)
			if err != nil {
				return fmt.Errorf("waiting for %s: %w", what, err)
			}
			return nil
		})
	}
	do := func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		start := time.Now()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s: %v", name, time.Since(start).Round(time.Millisecond))
	}
	eval := func(expr string, v any) {
		t.Helper()
		var err error
		switch v := v.(type) {
		case *int:
			*v, err = chromedp.Run(bctx, chromedp.Evaluate[int](expr))
		case *bool:
			*v, err = chromedp.Run(bctx, chromedp.Evaluate[bool](expr))
		case *string:
			*v, err = chromedp.Run(bctx, chromedp.Evaluate[string](expr))
		case *[]string:
			*v, err = chromedp.Run(bctx, chromedp.Evaluate[[]string](expr))
		default:
			t.Fatalf("eval: unsupported %T", v)
		}
		if err != nil {
			t.Fatalf("evaluate %s: %v", expr, err)
		}
	}
	const visibleCards = `[...document.querySelectorAll('.partner-card')].filter(c => c.checkVisibility())`

	// The listing, complete before any filter.
	do("load listing",
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#result-count")),
		shot("listing"),
	)
	var total, visible int
	eval(`document.querySelectorAll('.partner-card').length`, &total)
	eval(visibleCards+`.length`, &visible)
	if total != listed || visible != listed {
		t.Errorf("listing: %d cards, %d visible; want %d certified partners", total, visible, listed)
	}

	// Filter by tier Gold: only Gold cards stay, and the URL says so.
	do("filter gold",
		chromedp.Click(chromedp.CSS(`input[name="tier"][value="gold"]`)),
		waitFor("tier=gold in the URL", `location.search.includes('tier=gold')`),
		shot("listing-gold"),
	)
	var tiers []string
	var search, count string
	eval(visibleCards+`.map(c => c.dataset.tier)`, &tiers)
	eval(`location.search`, &search)
	eval(`document.getElementById('result-count').textContent`, &count)
	checkGold := func(when string) {
		t.Helper()
		if len(tiers) != gold {
			t.Errorf("%s: %d visible cards %v, want the %d Gold partners", when, len(tiers), tiers, gold)
		}
		for _, tier := range tiers {
			if tier != "gold" {
				t.Errorf("%s: a %q card is visible", when, tier)
			}
		}
	}
	checkGold("after clicking Gold")
	if want := fmt.Sprintf("%d of %d", gold, listed); !strings.Contains(count, want) {
		t.Errorf("count after clicking Gold = %q, want it to contain %q", count, want)
	}
	t.Logf("filtered URL query: %s", search)

	// Reloading the shared URL restores the filter.
	do("reload filtered",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS("#result-count")),
		waitFor("the restored filter", visibleCards+`.length === `+fmt.Sprint(gold)),
	)
	var checked bool
	eval(`document.querySelector('input[name="tier"][value="gold"]').checked`, &checked)
	eval(visibleCards+`.map(c => c.dataset.tier)`, &tiers)
	if !checked {
		t.Error("after reload: the Gold checkbox is not checked")
	}
	checkGold("after reload")

	// Site search finds the partner's public article.
	slug := path.Base(strings.TrimSuffix(art.URL, "/"))
	results := `[...document.querySelectorAll('#site-search-results a')]`
	do("search",
		chromedp.SendKeys(chromedp.CSS("#site-search"), "getting started kestrel"),
		waitFor("a search result for "+slug, results+`.some(a => a.pathname.endsWith('/`+slug+`/'))`),
		shot("search"),
	)
	var href string
	eval(results+`.find(a => a.pathname.endsWith('/`+slug+`/')).href`, &href)

	// The article: title, table of contents and body.
	do("article",
		chromedp.Navigate(href),
		chromedp.WaitVisible(chromedp.CSS("#article-title")),
		shot("article"),
	)
	var title, body string
	var toc []string
	eval(`document.getElementById('article-title').textContent`, &title)
	eval(`[...document.querySelectorAll('.toc a')].filter(a => a.checkVisibility()).map(a => a.textContent)`, &toc)
	eval(`document.querySelector('.article .prose').innerText`, &body)
	if title != art.Title {
		t.Errorf("article title = %q, want %q", title, art.Title)
	}
	if len(toc) == 0 {
		t.Error("article: no visible table of contents")
	}
	for _, h := range toc {
		if !strings.Contains(body, h) {
			t.Errorf("article: TOC entry %q is not a heading of the body", h)
		}
	}
	if !strings.Contains(body, "Kestrel") {
		t.Errorf("article body does not mention Kestrel: %.200q", body)
	}

	for _, e := range jsErrors() {
		t.Errorf("JavaScript error: %s", e)
	}
}
