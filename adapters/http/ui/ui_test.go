package ui

import (
	"bytes"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestLoginLogout(t *testing.T) {
	b := setup(t)
	c := b.client()
	p := c.get("/tasks")
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/login?next=%2Ftasks" {
		t.Fatalf("without a session: %d %q", p.status, p.header.Get("Location"))
	}
	p = c.post("/login", url.Values{"login": {"wymiar"}, "password": {"zle-haslo-123"}})
	if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "Nieprawidłowy login lub hasło") {
		t.Fatalf("wrong password: %d", p.status)
	}
	p = c.post("/login", url.Values{"login": {"wymiar"}, "password": {password}, "next": {"/tasks"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/tasks" {
		t.Fatalf("login: %d %q", p.status, p.header.Get("Location"))
	}
	ck := p.header.Get("Set-Cookie")
	for _, want := range []string{"obieg_session=obs_", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(ck, want) {
			t.Errorf("session cookie %q lacks %q", ck, want)
		}
	}
	session := strings.TrimPrefix(strings.Split(ck, ";")[0], "obieg_session=")
	p = c.get("/tasks")
	if p.status != http.StatusOK || !strings.Contains(p.body, "Piotr Zieliński") {
		t.Fatalf("tasks after login: %d", p.status)
	}
	p = c.post("/logout", nil)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
		t.Fatalf("logout: %d", p.status)
	}
	if p := c.get("/tasks"); p.status != http.StatusSeeOther {
		t.Fatalf("after logout: %d", p.status)
	}
	// The old cookie value is dead on the server, not only in this browser.
	req, _ := http.NewRequest(http.MethodGet, b.srv.URL+"/tasks", nil)
	req.AddCookie(&http.Cookie{Name: "obieg_session", Value: session})
	if p := b.client().do(req); p.status != http.StatusSeeOther {
		t.Fatalf("replayed session after logout: %d", p.status)
	}
	// Open redirects are refused.
	p = c.post("/login", url.Values{"login": {"wymiar"}, "password": {password}, "next": {"//evil.example/x"}})
	if p.header.Get("Location") != "/" {
		t.Fatalf("next=//evil.example: redirected to %q", p.header.Get("Location"))
	}
}

func TestCSRF(t *testing.T) {
	b := setup(t)
	c := b.client()
	// Login itself must come from this origin.
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/login", strings.NewReader("login=admin&password="+url.QueryEscape(password)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if p := c.do(req); p.status != http.StatusForbidden {
		t.Fatalf("login from another origin: %d", p.status)
	}
	c.login("admin")
	form := url.Values{"symbol": {"GK"}, "name": {"Referat Gospodarki Komunalnej"}}
	if p := c.post("/admin/units", url.Values{"csrf": {""}, "symbol": {"GK"}, "name": {"x"}}); p.status != http.StatusForbidden {
		t.Fatalf("no token: %d", p.status)
	}
	if p := c.post("/admin/units", url.Values{"csrf": {strings.Repeat("0", 64)}, "symbol": {"GK"}, "name": {"x"}}); p.status != http.StatusForbidden {
		t.Fatalf("wrong token: %d", p.status)
	}
	// The right token from another origin (or with no Origin or Referer at all).
	for _, origin := range []string{"https://evil.example", ""} {
		f := url.Values{"csrf": {c.csrf}, "symbol": {"GK"}, "name": {"x"}}
		req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/admin/units", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if p := c.do(req); p.status != http.StatusForbidden {
			t.Fatalf("origin %q: %d", origin, p.status)
		}
	}
	units, _ := b.reg.Units(b.ctx, b.admin)
	for _, u := range units {
		if u.Symbol == "GK" {
			t.Fatal("a refused request created the unit")
		}
	}
	// A token of another session does not work either.
	other := b.client()
	other.login("admin")
	if p := c.post("/admin/units", url.Values{"csrf": {other.csrf}, "symbol": {"GK"}, "name": {"x"}}); p.status != http.StatusForbidden {
		t.Fatalf("another session's token: %d", p.status)
	}
	if p := c.post("/admin/units", form); p.status != http.StatusSeeOther {
		t.Fatalf("with the token: %d %s", p.status, p.body)
	}
	// A multipart form must send the token first.
	body, ct := multipartForm(t, [][2]string{{"name", "JRWA"}, {"csrf", c.csrf}, {"validFrom", "2026-01-01"}}, "", nil)
	req, _ = http.NewRequest(http.MethodPost, b.srv.URL+"/admin/jrwa", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Origin", b.srv.URL)
	if p := c.do(req); p.status != http.StatusForbidden {
		t.Fatalf("multipart with the token not first: %d", p.status)
	}
}

func TestSessionExpiry(t *testing.T) {
	b := setup(t)
	c := b.client()
	c.login("wymiar")
	// Sliding: activity keeps the session alive past one TTL.
	for range 3 {
		b.advance(25 * time.Minute)
		if p := c.get("/tasks"); p.status != http.StatusOK {
			t.Fatalf("active session expired: %d", p.status)
		}
	}
	b.advance(31 * time.Minute)
	p := c.get("/tasks")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
		t.Fatalf("idle session: %d %q", p.status, p.header.Get("Location"))
	}
	if !strings.Contains(p.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("the stale cookie is not cleared: %q", p.header.Get("Set-Cookie"))
	}
	// htmx requests are told where to go instead of getting the login page.
	c.login("wymiar")
	b.advance(31 * time.Minute)
	req, _ := http.NewRequest(http.MethodGet, b.srv.URL+"/parties?q=Jan", nil)
	req.Header.Set("HX-Request", "true")
	if p := c.do(req); p.status != http.StatusUnauthorized || !strings.HasPrefix(p.header.Get("HX-Redirect"), "/login") {
		t.Fatalf("htmx after expiry: %d %q", p.status, p.header.Get("HX-Redirect"))
	}
	// The absolute lifetime ends even an active session.
	c.login("wymiar")
	for range 12 * 60 / 20 {
		b.advance(20 * time.Minute)
		c.get("/tasks")
	}
	if p := c.get("/tasks"); p.status != http.StatusSeeOther {
		t.Fatalf("session older than 12 h: %d", p.status)
	}
}

func TestLanguageAndHeaders(t *testing.T) {
	b := setup(t)
	c := b.client()
	p := c.get("/login")
	if p.status != http.StatusOK || !strings.Contains(p.body, `<html lang="pl">`) || !strings.Contains(p.body, "Zaloguj") {
		t.Fatalf("Polish login page: %d", p.status)
	}
	for h, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
		if got := p.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	csp := p.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if regexp.MustCompile(`https?://`).MatchString(csp) {
		t.Errorf("CSP names an external source: %q", csp)
	}
	p = c.get("/lang?l=en&next=/login")
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" || !strings.Contains(p.header.Get("Set-Cookie"), "lang=en") {
		t.Fatalf("lang switch: %d %q %q", p.status, p.header.Get("Location"), p.header.Get("Set-Cookie"))
	}
	p = c.get("/login")
	if !strings.Contains(p.body, `<html lang="en">`) || !strings.Contains(p.body, "Log in") || strings.Contains(p.body, "Zaloguj") {
		t.Fatal("English login page is not English")
	}
	if p := c.get("/lang?l=xx"); p.status != http.StatusBadRequest {
		t.Fatalf("unknown language: %d", p.status)
	}
	if p := c.get("/lang?l=pl&next=https://evil.example/"); p.header.Get("Location") != "/" {
		t.Fatalf("lang redirect off-site: %q", p.header.Get("Location"))
	}
	// The API keeps its paths; the UI has the rest.
	if p := c.get("/api/v1/me"); p.status != http.StatusUnauthorized || p.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("API under the UI: %d %q", p.status, p.header.Get("Content-Type"))
	}
	if p := c.get("/healthz"); p.status != http.StatusOK {
		t.Fatalf("healthz: %d", p.status)
	}
	if p := c.get("/assets/vendor/htmx-2.0.4/htmx.min.js"); p.status != http.StatusOK || !strings.Contains(p.body, "htmx") {
		t.Fatalf("embedded htmx: %d", p.status)
	}
	if p := c.get("/no/such/page"); p.status != http.StatusNotFound {
		t.Fatalf("unknown page: %d", p.status)
	}
}

// Every catalogue key a template names exists in both languages, and the
// enumerations shown through the catalogue are complete.
func TestCatalogue(t *testing.T) {
	re := regexp.MustCompile(`t (?:\.L|\$\.L) "([A-Za-z_.]+)"`)
	files, _ := fs.Glob(embedded, "templates/*.html")
	for _, f := range files {
		data, _ := fs.ReadFile(embedded, f)
		for _, m := range re.FindAllStringSubmatch(string(data), -1) {
			for _, l := range languages {
				if _, ok := catalogue[l][m[1]]; !ok {
					t.Errorf("%s: key %q missing in %s", f, m[1], l)
				}
			}
		}
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if !strings.HasPrefix(name, "_") && name != "layout" {
			if _, ok := catalogue["en"][name+".title"]; !ok {
				t.Errorf("page %s has no title", name)
			}
		}
	}
	src, _ := os.ReadFile("i18n.go")
	for _, k := range regexp.MustCompile(`"(flash\.[A-Za-z]+)"`).FindAllStringSubmatch(readGo(t), -1) {
		if !strings.Contains(string(src), `"`+k[1]+`"`) {
			t.Errorf("flash key %q is not in the catalogue", k[1])
		}
	}
	for _, k := range []string{"error.invalid", "error.not_found", "error.conflict", "error.forbidden", "error.unauthenticated", "error.too_large", "error.other", "due.overdue", "due.soon"} {
		if tr("en", k) == k {
			t.Errorf("missing %s", k)
		}
	}
}

func readGo(t *testing.T) string {
	var all strings.Builder
	for _, f := range []string{"clerk.go", "officer.go", "head.go", "admin.go", "auth.go", "tax.go", "oidc.go", "reply.go"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	return all.String()
}

// multipartForm builds a form with fields in order and an optional file.
func multipartForm(t *testing.T, fields [][2]string, fileField string, file []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		must(t, mw.WriteField(f[0], f[1]))
	}
	if fileField != "" {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="` + fileField + `"; filename="skan.pdf"`}
		h["Content-Type"] = []string{"application/pdf"}
		w, err := mw.CreatePart(h)
		must(t, err)
		_, _ = w.Write(file)
	}
	must(t, mw.Close())
	return &buf, mw.FormDataContentType()
}

// The clerk registers and assigns a letter over plain HTTP; the head
// accepts it into a new case, which shows its scan; the postal book prints.
func TestClerkToHead(t *testing.T) {
	b := setup(t)
	clerk := b.client()
	clerk.login("kancelaria")
	if p := clerk.get("/incoming/new"); p.status != http.StatusOK || !strings.Contains(p.body, `hx-get="/parties"`) {
		t.Fatalf("form: %d", p.status)
	}
	pdf, err := os.ReadFile("testdata/skan.pdf")
	must(t, err)
	body, ct := multipartForm(t, [][2]string{{"csrf", clerk.csrf}, {"party", "new"}, {"partyName", "Zofia Łęcka-Źdźbło"}, {"partyKind", "person"},
		{"city", "Przykładowo"}, {"channel", "paper"}, {"kind", "application"}, {"subject", "Wniosek o ulgę w podatku od nieruchomości"},
		{"received", "2026-11-23"}, {"unit", "FN"}, {"instruction", "Rozpatrzyć"}, {"deadline", "2026-11-30"}}, "files", pdf)
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/incoming", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Origin", b.srv.URL)
	p := clerk.do(req)
	if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "flash=flash.registered&ref=RPW%2F1%2F2026") {
		t.Fatalf("register: %d %q %s", p.status, p.header.Get("Location"), p.body)
	}
	p = clerk.get("/incoming")
	if !strings.Contains(p.body, "RPW/1/2026") || !strings.Contains(p.body, "Zofia Łęcka-Źdźbło") || !strings.Contains(p.body, "zadekretowane") {
		t.Fatalf("today's register does not show the item: %s", p.body)
	}
	// htmx filter: only the table comes back.
	req, _ = http.NewRequest(http.MethodGet, b.srv.URL+"/incoming?from=2026-11-23&to=2026-11-23&channel=epuap", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", "register")
	if p := clerk.do(req); !strings.HasPrefix(strings.TrimSpace(p.body), "<table>") || strings.Contains(p.body, "RPW/1/2026") {
		t.Fatalf("filtered fragment: %s", p.body)
	}
	req, _ = http.NewRequest(http.MethodGet, b.srv.URL+"/parties?q=%C5%81%C4%99cka", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", "party-results")
	if p := clerk.do(req); !strings.Contains(p.body, "Zofia Łęcka-Źdźbło") || strings.Contains(p.body, "<html") {
		t.Fatalf("party search fragment: %s", p.body)
	}
	if p := clerk.get("/postal-book.pdf?date=2026-11-23"); p.status != http.StatusOK || p.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(p.body, "%PDF") {
		t.Fatalf("postal book PDF: %d %q", p.status, p.header.Get("Content-Type"))
	}

	head := b.client()
	head.login("skarbnik")
	p = head.get("/inbox")
	m := regexp.MustCompile(`action="/inbox/([0-9a-f-]+)/decide"`).FindStringSubmatch(p.body)
	if m == nil || !strings.Contains(p.body, "RPW/1/2026") {
		t.Fatalf("inbox: %s", p.body)
	}
	p = head.post("/inbox/"+m[1]+"/decide", url.Values{"decision": {"newCase"}, "jrwa": {"3120"}, "title": {"Ulga w podatku — Zofia Łęcka-Źdźbło"}})
	loc := p.header.Get("Location")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/cases/") || !strings.Contains(loc, "FN.3120.1.2026") {
		t.Fatalf("accept: %d %q %s", p.status, loc, p.body)
	}
	p = head.get(loc)
	if !strings.Contains(p.body, "FN.3120.1.2026") || !strings.Contains(p.body, "skan.pdf") || !strings.Contains(p.body, "<iframe") {
		t.Fatalf("case page: %s", p.body)
	}
	doc := regexp.MustCompile(`src="(/documents/[0-9a-f-]+/versions/1)"`).FindStringSubmatch(p.body)
	if doc == nil {
		t.Fatal("no preview link")
	}
	p = head.get(doc[1])
	if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/pdf" || p.header.Get("X-Frame-Options") != "SAMEORIGIN" || !strings.HasPrefix(p.body, "%PDF") {
		t.Fatalf("preview: %d %v", p.status, p.header)
	}
	if p := head.get("/unit-cases"); !strings.Contains(p.body, "FN.3120.1.2026") {
		t.Fatal("unit cases do not list the new case")
	}
	if p := head.get("/search?q=%C5%81%C4%99cka"); !strings.Contains(p.body, "FN.3120.1.2026") {
		t.Fatal("search by party does not find the case")
	}
	// The officer of FN may not read the register.
	off := b.client()
	off.login("wymiar")
	if p := off.get("/incoming"); p.status != http.StatusForbidden {
		t.Fatalf("officer reading the register: %d", p.status)
	}
}
