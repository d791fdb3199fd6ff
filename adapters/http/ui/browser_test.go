package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"obieg.dev/obieg/engine/flow"
)

const chromium = "/usr/bin/chromium"

// browser starts Debian Chromium headless with a fresh profile. Without
// Chromium the test is skipped, unless OBIEG_REQUIRE_BROWSER is set.
func browser(t *testing.T) (context.Context, *consoleLog) {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("OBIEG_REQUIRE_BROWSER") != "" {
			t.Fatalf("OBIEG_REQUIRE_BROWSER is set but %s is missing: %v", chromium, err)
		}
		t.Skipf("%s is not installed (apt-get install -y chromium); set OBIEG_REQUIRE_BROWSER to make this a failure", chromium)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() { cancelB(); cancelA() })
	// The first run starts the browser: no timeout on it (it would stop the browser).
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	cl := &consoleLog{}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException || m.Type == chromedp.ConsoleWarning {
				cl.add(string(m.Type) + ": " + m.Text)
			}
		}
	}()
	// The console is really listened to: a probe message arrives.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`console.error("obieg-probe")`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "console probe", func() bool {
		cl.mu.Lock()
		defer cl.mu.Unlock()
		for i, l := range cl.lines {
			if strings.Contains(l, "obieg-probe") {
				cl.lines = append(cl.lines[:i], cl.lines[i+1:]...)
				return true
			}
		}
		return false
	})
	return ctx, cl
}

// consoleLog collects what the page reports: script errors and CSP violations.
type consoleLog struct {
	mu    sync.Mutex
	lines []string
}

func (c *consoleLog) add(s string) { c.mu.Lock(); c.lines = append(c.lines, s); c.mu.Unlock() }

func (c *consoleLog) check(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range c.lines {
		t.Logf("browser: %s", l)
		if strings.Contains(l, "Content Security Policy") || strings.HasPrefix(l, "exception") || strings.HasPrefix(l, "error") {
			t.Errorf("browser reported: %s", l)
		}
	}
	c.lines = nil
}

// expect drops the lines that contain s: messages the test caused on purpose.
func (c *consoleLog) expect(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	kept := c.lines[:0]
	for _, l := range c.lines {
		if !strings.Contains(l, s) {
			kept = append(kept, l)
		}
	}
	c.lines = kept
}

// artifacts is where screenshots go: $OBIEG_ARTIFACTS, else $TMPDIR/obieg-ui-artifacts.
func artifacts(t *testing.T) string {
	dir := os.Getenv("OBIEG_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "obieg-ui-artifacts")
	}
	must(t, os.MkdirAll(dir, 0o755))
	return dir
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(artifacts(t), name+".png")
	must(t, os.WriteFile(p, png, 0o644))
	t.Logf("screenshot: %s", p)
}

func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		shot(t, ctx, "failed-"+strings.ReplaceAll(step, " ", "-"))
		t.Fatalf("%s: %v", step, err)
	}
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *bundle) browserLogin(t *testing.T, ctx context.Context, login string) {
	t.Helper()
	run(t, ctx, "login "+login,
		chromedp.Navigate(b.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SetValue(chromedp.CSS("#login"), login),
		chromedp.SetValue(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
	)
}

func (b *bundle) browserLogout(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, "logout", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS("#login")))
}

// TestBrowser drives each role's main path in Chromium: the clerk
// registers a letter with Polish text and sees it in today's register; the
// head accepts it into a new case; the administrator creates a unit and
// deploys a process; the officer opens the task and the case with its
// diagram; the administrator retries the incident of a failed step.
func TestBrowser(t *testing.T) {
	b := setup(t)
	ctx, console := browser(t)
	scan, err := filepath.Abs("testdata/skan.pdf")
	must(t, err)

	// Registry clerk.
	const subject = "Wniosek o zaświadczenie o niezaleganiu w podatku od nieruchomości — pilne, ąćęłńóśźż"
	b.browserLogin(t, ctx, "kancelaria")
	run(t, ctx, "register form",
		chromedp.Navigate(b.srv.URL+"/incoming/new"),
		chromedp.WaitVisible(chromedp.CSS("#subject")),
		chromedp.SetValue(chromedp.CSS("#partyName"), "Zofia Łęcka-Źdźbło"),
		chromedp.SetValue(chromedp.CSS("#street"), "ul. Źródlana 5"),
		chromedp.SetValue(chromedp.CSS("#postalCode"), "00-001"),
		chromedp.SetValue(chromedp.CSS("#city"), "Przykładowo"),
		chromedp.SetValue(chromedp.CSS("#kind"), "application"),
		chromedp.SetValue(chromedp.CSS("#subject"), subject),
		chromedp.SetValue(chromedp.CSS("#unit"), "FN"),
		chromedp.SetValue(chromedp.CSS("#instruction"), "Proszę o rozpatrzenie i odpowiedź"),
		chromedp.SetValue(chromedp.CSS("#deadline"), "2026-11-30"),
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{scan}),
	)
	checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("party-new").checked`))
	must(t, err)
	if !checked {
		t.Error("the new-sender choice is not selected by default")
	}
	shot(t, ctx, "1-clerk-form")
	run(t, ctx, "register",
		chromedp.Click(chromedp.CSS("#register-submit")),
		chromedp.WaitVisible(chromedp.CSS("#messages .flash.ok")),
	)
	text := textOf(t, ctx, "#messages")
	if !strings.Contains(text, "RPW/1/2026") {
		t.Fatalf("after registering: %q", text)
	}
	// The sender is found as the clerk types (htmx).
	run(t, ctx, "party search",
		chromedp.SendKeys(chromedp.CSS("#party-q"), "Zofia"),
		chromedp.WaitVisible(chromedp.CSS(`#party-results label[for="party-0"]`)),
	)
	text = textOf(t, ctx, "#party-results")
	if !strings.Contains(text, "Zofia Łęcka-Źdźbło") {
		t.Fatalf("party search: %q", text)
	}
	shot(t, ctx, "2-clerk-party-search")
	run(t, ctx, "register table",
		chromedp.Navigate(b.srv.URL+"/incoming"),
		chromedp.WaitVisible(chromedp.CSS("#register table")),
	)
	text = textOf(t, ctx, "#register")
	if !strings.Contains(text, subject) || !strings.Contains(text, "RPW/1/2026") || !strings.Contains(text, "Zofia Łęcka-Źdźbło") {
		t.Fatalf("today's register: %q", text)
	}
	shot(t, ctx, "3-clerk-register-1280")
	run(t, ctx, "narrow", chromedp.EmulateViewport(768, 1024), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#register table")))
	shot(t, ctx, "3-clerk-register-768")
	run(t, ctx, "wide", chromedp.EmulateViewport(1280, 900))
	console.check(t)
	b.browserLogout(t, ctx)

	// Unit head: accept the item into a new case.
	b.browserLogin(t, ctx, "skarbnik")
	run(t, ctx, "inbox",
		chromedp.Navigate(b.srv.URL+"/inbox"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="jrwa"]`)),
	)
	text = textOf(t, ctx, "#main")
	if !strings.Contains(text, "RPW/1/2026") {
		t.Fatalf("inbox: %q", text)
	}
	shot(t, ctx, "4-head-inbox")
	run(t, ctx, "accept",
		chromedp.SetValue(chromedp.CSS(`input[name="jrwa"]`), "3120"),
		chromedp.SetValue(chromedp.CSS(`input[name="title"]`), "Zaświadczenie o niezaleganiu — Zofia Łęcka-Źdźbło"),
		chromedp.Click(chromedp.CSS(`input[name="jrwa"] ~ button`)),
		chromedp.WaitVisible(chromedp.CSS("h1 .sig")),
	)
	text = textOf(t, ctx, "h1")
	if !strings.Contains(text, "FN.3120.1.2026") {
		t.Fatalf("case after acceptance: %q", text)
	}
	shot(t, ctx, "5-head-case")
	console.check(t)
	b.browserLogout(t, ctx)

	// Administrator: a unit and a process.
	bpmn, err := filepath.Abs("testdata/rozpatrzenie.bpmn")
	must(t, err)
	b.browserLogin(t, ctx, "admin")
	run(t, ctx, "create unit",
		chromedp.Navigate(b.srv.URL+"/admin"),
		chromedp.WaitVisible(chromedp.CSS("#u-symbol")),
		chromedp.SetValue(chromedp.CSS("#u-symbol"), "GK"),
		chromedp.SetValue(chromedp.CSS("#u-name"), "Referat Gospodarki Komunalnej i Ochrony Środowiska"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/units"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#messages .flash.ok")),
	)
	text = textOf(t, ctx, "#units-h + table")
	if !strings.Contains(text, "Referat Gospodarki Komunalnej i Ochrony Środowiska") {
		t.Fatalf("units after creating GK: %q", text)
	}
	shot(t, ctx, "6-admin-unit")
	run(t, ctx, "deploy",
		chromedp.Navigate(b.srv.URL+"/admin/workflows"),
		chromedp.WaitVisible(chromedp.CSS("#bpmn")),
		chromedp.SetUploadFiles(chromedp.CSS("#bpmn"), []string{bpmn}),
		chromedp.Click(chromedp.CSS(`form[action="/admin/workflows"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#messages .flash.ok")),
	)
	text = textOf(t, ctx, "#messages")
	if !strings.Contains(text, "rozpatrzenie v1") {
		t.Fatalf("deploy: %q", text)
	}
	b.browserLogout(t, ctx)
	if _, err := b.flow.StartInstance(b.ctx, who(b.admin), "rozpatrzenie", "FN.3120.1.2026", nil); err != nil {
		t.Fatal(err)
	}

	// Case officer: the task, the case with its diagram, completing.
	b.browserLogin(t, ctx, "wymiar")
	run(t, ctx, "tasks",
		chromedp.Navigate(b.srv.URL+"/tasks"),
		chromedp.WaitVisible(chromedp.CSS(`#mine-h + table a[href^="/tasks/"]`)),
	)
	shot(t, ctx, "7-officer-tasks")
	run(t, ctx, "task",
		chromedp.Click(chromedp.CSS(`#mine-h + table a[href^="/tasks/"]`)),
		chromedp.WaitVisible(chromedp.CSS("#decision")),
		chromedp.Click(chromedp.CSS(`dd a[href^="/cases/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#diagram[data-state="rendered"]`)),
	)
	active, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#diagram .obieg-active[data-element-id="rozpatrz"]').length`))
	must(t, err)
	if active != 1 {
		t.Fatalf("the active task is not marked on the diagram (%d marked)", active)
	}
	shot(t, ctx, "8-officer-case-diagram")
	console.check(t)
	b.fail.Store(true)
	run(t, ctx, "complete",
		chromedp.Navigate(b.srv.URL+"/tasks"),
		chromedp.Click(chromedp.CSS(`#mine-h + table a[href^="/tasks/"]`)),
		chromedp.WaitVisible(chromedp.CSS("#decision")),
		chromedp.SetValue(chromedp.CSS("#decision"), "approve"),
		chromedp.SetValue(chromedp.CSS("#name-0"), "uzasadnienie"),
		chromedp.SetValue(chromedp.CSS("#value-0"), "Brak zaległości — wydać zaświadczenie"),
		chromedp.Click(chromedp.CSS(`form[action$="/complete"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#messages .flash.ok")),
	)
	b.browserLogout(t, ctx)

	// Administrator: the failed step is an incident; retry it.
	waitFor(t, "incident", func() bool {
		incs, err := b.flow.Incidents(b.ctx, who(b.admin), nil, false)
		return err == nil && len(incs) == 1
	})
	b.fail.Store(false)
	b.browserLogin(t, ctx, "admin")
	run(t, ctx, "incidents",
		chromedp.Navigate(b.srv.URL+"/admin/workflows"),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/retry"] button`)),
	)
	shot(t, ctx, "9-admin-incident")
	run(t, ctx, "retry",
		chromedp.Click(chromedp.CSS(`form[action$="/retry"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#messages .flash.ok")),
	)
	waitFor(t, "instance completed", func() bool {
		list, _, err := b.flow.Instances(b.ctx, who(b.admin), flow.InstanceFilter{Key: "rozpatrzenie"})
		return err == nil && len(list) == 1 && list[0].State == flow.StateCompleted
	})
	run(t, ctx, "after retry", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#inc-h")))
	shot(t, ctx, "10-admin-after-retry")
	console.check(t)
}

// TestBrowserTax: an officer of the tax unit types a paper IN-1 into the
// form (Polish text), is shown the field she left out, completes it and
// lands on the taxpayer's case; the decisions of the year list it.
func TestBrowserTax(t *testing.T) {
	b := setup(t)
	ctx, console := browser(t)
	b.browserLogin(t, ctx, "podatki")
	set := func(id, v string) chromedp.Action[chromedp.Void] { return chromedp.SetValue(chromedp.CSS("#"+id), v) }
	run(t, ctx, "IN-1 form",
		chromedp.Navigate(b.srv.URL+"/tax/declarations/new"),
		chromedp.WaitVisible(chromedp.CSS("#f-b-surname")),
		set("f-a-authority", "Wójt Gminy Testowo"),
		set("f-b-pesel", "85071402348"),
		set("f-b-firstName", "Łucja"),
		set("f-b-birthDate", "1985-07-14"),
		set("f-b-address-country", "Polska"),
		set("f-b-address-commune", "Testowo"),
		set("f-b-address-street", "ul. Źródlana"),
		set("f-b-address-house", "5"),
		set("f-b-address-city", "Testowo"),
		set("f-b-address-postalCode", "00-002"),
		chromedp.Click(chromedp.CSS("#f-c-kind-first")),
		chromedp.Click(chromedp.CSS("#f-c-event-arose")),
		set("f-c-date", "2026-10-10"),
		set("f-d-land-0-category", "land-other"),
		set("f-d-land-0-location", "Testowo, ul. Źródlana 5"),
		set("f-d-land-0-parcel", "0001 123/4"),
		set("f-d-land-0-area", "812,35"),
		set("f-d-buildings-0-category", "building-residential"),
		set("f-d-buildings-0-location", "Testowo, ul. Źródlana 5"),
		set("f-d-buildings-0-parcel", "0001 123/4"),
		set("f-d-buildings-0-area", "140,50"),
		set("f-d-buildings-0-areaFull", "120,50"),
		set("f-d-buildings-0-areaLow", "20,00"),
		set("f-filedOn", "2026-11-20"),
	)
	shot(t, ctx, "11-tax-in1-form")
	// The surname was left out: the form comes back with the problem at the field.
	run(t, ctx, "IN-1 problems",
		chromedp.Click(chromedp.CSS("#in1-submit")),
		chromedp.WaitVisible(chromedp.CSS("#f-b-surname-err")),
	)
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-b-firstName"))); err != nil || v != "Łucja" {
		t.Fatalf("the input is not kept: %q %v", v, err)
	}
	shot(t, ctx, "12-tax-in1-problems")
	console.expect("status of 422") // the form shown again with its problems
	run(t, ctx, "IN-1 register",
		set("f-b-surname", "Żółtowska-Ćwik"),
		chromedp.Click(chromedp.CSS("#in1-submit")),
		chromedp.WaitVisible(chromedp.CSS("h1 .sig")),
	)
	if text := textOf(t, ctx, "h1"); !strings.Contains(text, "FN-P.3120.1.2026") {
		t.Fatalf("case after registering the IN-1: %q", text)
	}
	if text := textOf(t, ctx, "#main"); !strings.Contains(text, "Żółtowska-Ćwik") {
		t.Errorf("the case does not name the taxpayer: %q", text)
	}
	shot(t, ctx, "13-tax-case")
	waitFor(t, "decision", func() bool {
		ds, err := b.tax.Decisions(b.ctx, b.admin, nil, 2026)
		return err == nil && len(ds) == 1
	})
	run(t, ctx, "decisions",
		chromedp.Navigate(b.srv.URL+"/tax/decisions?year=2026"),
		chromedp.WaitVisible(chromedp.CSS(`#decisions a[href^="/cases/"]`)),
	)
	shot(t, ctx, "14-tax-decisions")
	console.check(t)
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
