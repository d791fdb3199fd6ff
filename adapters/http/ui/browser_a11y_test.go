package ui

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// unlabelled lists the form controls of the page a screen reader could not
// name: no <label for>, no enclosing label, no aria-label(ledby).
const unlabelled = `Array.from(document.querySelectorAll("input, select, textarea")).filter(function (e) {
	if (e.type === "hidden" || e.type === "submit" || e.type === "button") return false;
	if (e.getAttribute("aria-label") || e.getAttribute("aria-labelledby") || e.closest("label")) return false;
	return !(e.id && document.querySelector('label[for="' + e.id + '"]'));
}).map(function (e) { return e.name || e.id || e.outerHTML.slice(0, 60); })`

// TestBrowserKeyboardAndLabels: the clerk signs in with the keyboard alone;
// the first Tab on a page (without an autofocused field) reaches the skip link, which moves to the main
// content; every form control of the main pages of each role has a name
// for screen readers, and each page has one main landmark and a heading.
func TestBrowserKeyboardAndLabels(t *testing.T) {
	b := setup(t)
	ctx, console := browser(t)
	run(t, ctx, "keyboard login",
		chromedp.Navigate(b.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.KeyEvent("kancelaria"), // the login field has autofocus
		chromedp.KeyEvent(kb.Tab),
		chromedp.KeyEvent(password),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
	)
	run(t, ctx, "skip link",
		chromedp.Navigate(b.srv.URL+"/outgoing"), // a page with no autofocused field
		chromedp.WaitVisible(chromedp.CSS("main h1")),
		chromedp.KeyEvent(kb.Tab),
	)
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.className`))
	must(t, err)
	if !strings.Contains(focused, "skip") {
		t.Fatalf("the first Tab focuses %q, not the skip link", focused)
	}
	run(t, ctx, "follow skip link", chromedp.KeyEvent(kb.Enter))
	if id, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`)); id != "main" {
		t.Fatalf("the skip link moved focus to %q", id)
	}
	check := func(who string, pages ...string) {
		t.Helper()
		b.browserLogout(t, ctx)
		b.browserLogin(t, ctx, who)
		for _, p := range pages {
			run(t, ctx, "open "+p, chromedp.Navigate(b.srv.URL+p), chromedp.WaitVisible(chromedp.CSS("main h1")))
			bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](unlabelled))
			must(t, err)
			if len(bad) > 0 {
				t.Errorf("%s %s: controls without a label: %v", who, p, bad)
			}
			mains, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("main").length`))
			must(t, err)
			if mains != 1 {
				t.Errorf("%s: %d main landmarks", p, mains)
			}
		}
	}
	check("kancelaria", "/incoming/new", "/incoming", "/outgoing", "/return-receipts", "/search?q=wniosek")
	check("wymiar", "/tasks", "/search?q=podatek")
	check("podatki", "/tax/declarations/new", "/tax/decisions")
	check("admin", "/admin", "/inbox")
	console.check(t)
}
