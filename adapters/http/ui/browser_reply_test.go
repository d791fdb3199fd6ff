package ui

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"obieg.dev/obieg/engine/registry"
)

// TestBrowserReply: in Chromium the officer writes an art. 36 notice from
// its template, edits it (Polish text) and sends it for approval; the head
// opens it from the inbox (the PDF a click away) and approves it; the letter is in
// the outgoing register.
func TestBrowserReply(t *testing.T) {
	b := setup(t)
	c := b.replyCase(t)
	ctx, console := browser(t)

	b.browserLogin(t, ctx, "wymiar")
	run(t, ctx, "reply form",
		chromedp.Navigate(b.srv.URL+"/cases/"+c.ID.String()),
		chromedp.WaitVisible(chromedp.CSS("#reply-link")),
		chromedp.Click(chromedp.CSS("#reply-link")),
		chromedp.WaitVisible(chromedp.CSS("#r-text")),
		chromedp.SetValue(chromedp.CSS("#r-template"), "przedluzenie"),
		chromedp.Click(chromedp.CSS(`form[method="get"] button`)),
		chromedp.WaitReady(chromedp.CSS(`#reply-form input[name="template"][value="przedluzenie"]`)),
	)
	text, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#r-text")))
	must(t, err)
	if !strings.Contains(text, "art. 36 § 1") || !strings.Contains(text, "FN.3120.1.2026") {
		t.Fatalf("the art. 36 template is not filled in: %q", text)
	}
	edited := strings.Replace(text, "Przyczyna zwłoki: ", "Przyczyna zwłoki: konieczność uzyskania opinii rzeczoznawcy (wycena nieruchomości, ąćęłńóśźż)", 1)
	run(t, ctx, "submit reply",
		chromedp.SetValue(chromedp.CSS("#r-text"), edited),
		chromedp.Click(chromedp.CSS("#reply-form button")),
		chromedp.WaitVisible(chromedp.CSS("#messages .flash.ok")),
	)
	if text := textOf(t, ctx, "#messages"); !strings.Contains(text, "Pismo wysłano do zatwierdzenia") {
		t.Fatalf("after submitting: %q", text)
	}
	shot(t, ctx, "15-officer-reply-submitted")
	console.check(t)
	b.browserLogout(t, ctx)

	b.browserLogin(t, ctx, "skarbnik")
	run(t, ctx, "approval",
		chromedp.Navigate(b.srv.URL+"/inbox"),
		chromedp.WaitVisible(chromedp.CSS(`a[href^="/tasks/"]`)),
		chromedp.Click(chromedp.CSS(`a[href^="/tasks/"]`)),
		chromedp.WaitVisible(chromedp.CSS("#approve-form")),
		chromedp.WaitVisible(chromedp.CSS("#letter-preview summary")),
	)
	// The PDF viewer attaching to its frame can swallow a click: wait until it has loaded.
	shot(t, ctx, "16-head-reply-approval")
	run(t, ctx, "approve",
		chromedp.ScrollIntoView(chromedp.CSS("#approve")),
		chromedp.Click(chromedp.CSS("#approve")),
		chromedp.WaitVisible(chromedp.CSS("#messages .flash.ok")),
	)
	if text := textOf(t, ctx, "#messages"); !strings.Contains(text, "Pismo zatwierdzone") {
		t.Fatalf("after approving: %q", text)
	}
	out, err := b.reg.OutgoingRegister(b.ctx, b.admin, registry.OutgoingFilter{})
	must(t, err)
	if len(out) != 1 || out[0].CaseSignature != "FN.3120.1.2026" {
		t.Fatalf("outgoing register: %+v", out)
	}
	console.check(t)
}
