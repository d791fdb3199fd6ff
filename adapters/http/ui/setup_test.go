package ui

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	web "obieg.dev/obieg/adapters/http"
	"obieg.dev/obieg/adapters/sign"
	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres/pgtest"
	"obieg.dev/obieg/workflows/correspondence"
	"obieg.dev/obieg/workflows/tax"
)

// password of every test user.
const password = "hasło-testowe-123"

// bundle: the API with the UI mounted, on its own database, with the demo
// office's shape: an administrator, the registry clerk (OR-K), the head of
// FN and an officer of FN.
type bundle struct {
	t     *testing.T
	ctx   context.Context
	srv   *httptest.Server
	reg   *registry.Service
	flow  *flow.Engine
	tax   *tax.Service
	now   atomic.Int64 // unix microseconds of the test clock
	admin *registry.Actor
	fail  atomic.Bool // test.record fails while set
}

func (b *bundle) clock() time.Time { return time.UnixMicro(b.now.Load()).In(calendar.Warsaw()) }

func (b *bundle) advance(d time.Duration) { b.now.Add(d.Microseconds()) }

func setup(t *testing.T) *bundle { t.Helper(); return setupWith(t, true) }

// option changes the UI's configuration; base is the test server's URL.
type option func(b *bundle, base string, cfg *Config)

// setupWith is setup with the incoming-item workflow on the UI and API, or
// without it (dekretacja decided on the registry), and options.
func setupWith(t *testing.T, workflow bool, opts ...option) *bundle {
	t.Helper()
	ctx := context.Background()
	b := &bundle{t: t, ctx: ctx}
	b.now.Store(time.Date(2026, 11, 23, 10, 0, 0, 0, calendar.Warsaw()).UnixMicro())
	db := pgtest.New(t)
	blobs, err := blob.Open(ctx, "file://"+t.TempDir())
	must(t, err)
	t.Cleanup(func() { blobs.Close() })
	logger := slog.New(slog.DiscardHandler)
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	b.reg = registry.New(db, blobs, registry.Options{Clock: b.clock, Logger: logger})
	b.flow, err = flow.New(db, flow.Options{Logger: logger, PollInterval: 50 * time.Millisecond})
	must(t, err)
	b.flow.Register("test.record", func(ctx context.Context, c *engine.Call) error {
		if b.fail.Load() {
			return errors.New("the records system does not answer")
		}
		return nil
	})
	corr := correspondence.New(b.reg, b.flow)
	corr.Clock = b.clock
	key, err := sign.DevelopmentKey("Wójt Gminy Testowo", "Urząd Gminy Testowo", b.clock())
	must(t, err)
	b.tax = tax.New(b.reg, b.flow, blobs, tax.Options{Clock: b.clock, Logger: logger,
		Settings: tax.Settings{Signatory: "Jan Wójtowski", Position: "Wójt Gminy Testowo"},
		Sign: func(ctx context.Context, pdf []byte) ([]byte, error) {
			return sign.SignPDF(ctx, pdf, key, sign.PDFOptions{Name: "Jan Wójtowski", Reason: "Decyzja podatkowa", Location: "Testowo", Time: b.clock()})
		}})
	must(t, b.flow.StartWorkers(ctx))
	t.Cleanup(func() { b.flow.StopWorkers(context.Background()) })

	o, err := b.reg.CreateOffice(ctx, "Urząd Gminy Testowo", "testowo")
	must(t, err)
	must(t, b.reg.SetOfficeAddress(ctx, o.ID, "ul. Rynek 1\n00-001 Testowo"))
	u, err := b.reg.CreateUser(ctx, nil, o.ID, registry.NewUser{Login: "admin", Name: "Administrator", Password: password, Roles: []registry.Role{registry.RoleAdmin}})
	must(t, err)
	b.admin, err = b.reg.Actor(ctx, o.ID, u.ID)
	must(t, err)
	for _, un := range []struct{ symbol, name, parent string }{
		{"OR", "Referat Organizacyjny", ""}, {"OR-K", "Kancelaria ogólna", "OR"}, {"FN", "Referat Finansowy", ""},
		{"FN-P", "Referat Podatków i Opłat", "FN"},
	} {
		_, err := b.reg.CreateUnit(ctx, b.admin, un.symbol, un.name, un.parent)
		must(t, err)
	}
	for _, p := range []struct {
		login, name, unit, position string
		head                        bool
		role                        registry.Role
	}{
		{"kancelaria", "Katarzyna Lewandowska", "OR-K", "Referent ds. kancelaryjnych", false, registry.RoleRegistry},
		{"skarbnik", "Małgorzata Kamińska", "FN", "Skarbnik Gminy", true, registry.RoleHead},
		{"wymiar", "Piotr Zieliński", "FN", "Inspektor ds. wymiaru podatków", false, registry.RoleOfficer},
		{"podatki", "Ewa Wróblewska", "FN-P", "Inspektor ds. podatku od nieruchomości", false, registry.RoleOfficer},
	} {
		pos, err := b.reg.CreatePosition(ctx, b.admin, p.unit, p.position, p.head)
		must(t, err)
		nu, err := b.reg.CreateUser(ctx, b.admin, o.ID, registry.NewUser{Login: p.login, Name: p.name, Password: password, Roles: []registry.Role{p.role}})
		must(t, err)
		must(t, b.reg.AssignPosition(ctx, b.admin, nu.ID, pos.ID))
	}
	f, err := os.Open(filepath.Join("..", "..", "..", "cmd", "obieg", "demo", "jrwa-gmina.csv"))
	must(t, err)
	defer f.Close()
	_, err = b.reg.ImportJRWA(ctx, b.admin, "JRWA", calendar.NewDate(2012, 1, 1), nil, f)
	must(t, err)
	_, err = corr.Deploy(ctx, who(b.admin))
	must(t, err)
	_, err = b.tax.Deploy(ctx, who(b.admin))
	must(t, err)
	// The council's rates for 2026.
	to := calendar.NewDate(2026, 12, 31)
	for cat, v := range map[string]string{"land_business": "1.40", "land_water": "7.00", "land_other": "0.70",
		"building_residential": "1.20", "building_business": "35.00", "building_seed_trade": "16.00",
		"building_health": "7.00", "building_other": "11.00", "structure": "2"} {
		_, err := b.tax.SetEntry(ctx, b.admin, tax.Entry{Kind: tax.KindRate, Key: cat, Value: v, ValidFrom: calendar.NewDate(2026, 1, 1), ValidTo: &to,
			LegalBasis: "Uchwała nr XV/100/2025 Rady Gminy Testowo"})
		must(t, err)
	}

	uiCorr := corr
	if !workflow {
		uiCorr = nil
	}
	b.srv = httptest.NewUnstartedServer(nil) // its address is known before it starts: options may need it
	cfg := Config{Registry: b.reg, Flow: b.flow, Correspondence: uiCorr, Tax: b.tax, Blobs: blobs, Logger: logger, Clock: b.clock, SessionTTL: 30 * time.Minute, MaxUploadSize: 4 << 20}
	for _, o := range opts {
		o(b, "http://"+b.srv.Listener.Addr().String(), &cfg)
	}
	ui := New(cfg)
	b.srv.Config.Handler = web.New(web.Config{Registry: b.reg, Flow: b.flow, Correspondence: uiCorr, Blobs: blobs, Logger: logger, UI: ui})
	b.srv.Start()
	t.Cleanup(b.srv.Close)
	return b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// client is a browser-like HTTP client: cookies kept, redirects not
// followed (tests look at them), Origin sent on POSTs.
type client struct {
	b    *bundle
	http *http.Client
	csrf string
}

func (b *bundle) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{b: b, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(req *http.Request) *page {
	c.b.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	p := &page{status: res.StatusCode, header: res.Header, body: string(data)}
	if m := csrfRe.FindStringSubmatch(p.body); m != nil {
		c.csrf = m[1]
	}
	return p
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func (c *client) get(path string) *page {
	c.b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.b.srv.URL+path, nil)
	return c.do(req)
}

// post sends a form; the csrf field is added unless the form has one.
func (c *client) post(path string, form url.Values) *page {
	c.b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok && c.csrf != "" {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, c.b.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.b.srv.URL)
	return c.do(req)
}

func (c *client) login(login string) {
	c.b.t.Helper()
	p := c.post("/login", url.Values{"login": {login}, "password": {password}, "next": {"/tasks"}})
	if p.status != http.StatusSeeOther {
		c.b.t.Fatalf("login %s: %d %s", login, p.status, p.body)
	}
	c.get("/tasks") // picks up the CSRF token
	if c.csrf == "" {
		c.b.t.Fatal("no CSRF token on the page after login")
	}
}
