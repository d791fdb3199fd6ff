package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"obieg.dev/obieg/adapters/sign"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
	"obieg.dev/obieg/storage/postgres/pgtest"
	"obieg.dev/obieg/workflows/correspondence"
	"obieg.dev/obieg/workflows/tax"
)

// bundle: a server on its own database and blob store, with tokens for an
// administrator, an officer of FN and an officer of OR.
type bundle struct {
	t        *testing.T
	ctx      context.Context
	srv      *httptest.Server
	db       *postgres.DB
	reg      *registry.Service
	blobRoot string
	admin    string // tokens
	officer  string
	other    string
	router   routers.Router
}

func init() {
	// Validate XML bodies (BPMN) as opaque strings, as the document declares them.
	openapi3filter.RegisterBodyDecoder("application/xml", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder)
}

func setup(t *testing.T) *bundle { return setupWith(t, "") }

// setupWith uses the blob store at blobURL, or a file store in a temp dir.
func setupWith(t *testing.T, blobURL string) *bundle {
	t.Helper()
	ctx := context.Background()
	db := pgtest.New(t)
	root := ""
	if blobURL == "" {
		root = t.TempDir()
		blobURL = "file://" + root
	}
	blobs, err := blob.Open(ctx, blobURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	clk := func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, calendar.Warsaw()) }
	reg := registry.New(db, blobs, registry.Options{Clock: clk})
	fe, err := flow.New(db, flow.Options{Logger: slog.New(slog.DiscardHandler), PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := fe.StartWorkers(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fe.StopWorkers(context.Background()) })
	key, err := sign.DevelopmentKey("Wójt Gminy Testowo", "Urząd Gminy Testowo", clk())
	if err != nil {
		t.Fatal(err)
	}
	corr := correspondence.New(reg, fe)
	taxes := tax.New(reg, fe, blobs, tax.Options{Clock: clk, Logger: slog.New(slog.DiscardHandler), Settings: tax.Settings{Unit: "FN", ApproverUnit: "FN"},
		Sign: func(ctx context.Context, pdf []byte) ([]byte, error) {
			return sign.SignPDF(ctx, pdf, key, sign.PDFOptions{Name: "Wójt", Time: clk()})
		}})
	s := New(Config{Registry: reg, Flow: fe, Correspondence: corr, Tax: taxes, Blobs: blobs, Ready: db.Ready, Logger: slog.New(slog.DiscardHandler), MaxUploadSize: 2 << 20})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	b := &bundle{t: t, ctx: ctx, srv: srv, db: db, reg: reg, blobRoot: root}

	o, err := reg.CreateOffice(ctx, "Urząd Gminy Testowo", "testowo")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := reg.CreateUser(ctx, nil, o.ID, registry.NewUser{Login: "admin", Name: "Admin", Roles: []registry.Role{registry.RoleAdmin}})
	admin, _ := reg.Actor(ctx, o.ID, u.ID)
	reg.CreateUnit(ctx, admin, "FN", "Referat Finansowy", "")
	reg.CreateUnit(ctx, admin, "OR", "Referat Organizacyjny", "")
	f, _ := os.Open(filepath.Join("..", "..", "cmd", "obieg", "demo", "jrwa-gmina.csv"))
	defer f.Close()
	if _, err := reg.ImportJRWA(ctx, admin, "JRWA", calendar.NewDate(2012, 1, 1), nil, f); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ login, unit string }{{"officer", "FN"}, {"other", "OR"}} {
		pos, _ := reg.CreatePosition(ctx, admin, p.unit, "Inspektor", false)
		nu, _ := reg.CreateUser(ctx, admin, o.ID, registry.NewUser{Login: p.login, Name: p.login, Roles: []registry.Role{registry.RoleOfficer}})
		if err := reg.AssignPosition(ctx, admin, nu.ID, pos.ID); err != nil {
			t.Fatal(err)
		}
	}
	tok := func(login string) string {
		tk, err := reg.CreateToken(ctx, login, registry.NewToken{})
		if err != nil {
			t.Fatal(err)
		}
		return tk.Secret
	}
	b.admin, b.officer, b.other = tok("admin"), tok("officer"), tok("other")
	for _, deploy := range []func(context.Context, flow.Who) ([]flow.Definition, error){corr.Deploy, taxes.Deploy} {
		if _, err := deploy(ctx, correspondence.WhoOf(admin)); err != nil {
			t.Fatal(err)
		}
	}

	doc, err := openapi3.NewLoader().LoadFromData(openAPI)
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	if b.router, err = legacy.NewRouter(doc); err != nil {
		t.Fatal(err)
	}
	return b
}

// response is a finished exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, r.body)
	}
}

func (r *response) problem(t *testing.T) Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d, content type %q, want a problem: %s", r.status, ct, r.body)
	}
	var p Problem
	r.json(t, &p)
	return p
}

// do sends a request and checks the response against the OpenAPI document:
// the operation exists, the status is documented and the body matches.
func (b *bundle) do(method, path, token, contentType string, body []byte) *response {
	b.t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	b.checkSpec(req, res, data)
	return &response{status: res.StatusCode, header: res.Header, body: data}
}

func (b *bundle) checkSpec(req *http.Request, res *http.Response, data []byte) {
	b.t.Helper()
	route, params, err := b.router.FindRoute(req)
	if err != nil {
		b.t.Errorf("%s %s is not in openapi.json: %v", req.Method, req.URL.Path, err)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 res.StatusCode, Header: res.Header, Body: io.NopCloser(bytes.NewReader(data)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(b.ctx, in); err != nil {
		b.t.Errorf("%s %s → %d does not match openapi.json: %v", req.Method, req.URL.Path, res.StatusCode, err)
	}
}

func (b *bundle) postJSON(path, token string, v any) *response {
	b.t.Helper()
	data, _ := json.Marshal(v)
	return b.do(http.MethodPost, path, token, "application/json", data)
}

// part is one part of a multipart upload.
type part struct {
	name, filename, contentType string
	data                        []byte
}

func multipartBody(t *testing.T, parts ...part) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		cd := `form-data; name="` + p.name + `"`
		if p.filename != "" {
			cd += `; filename="` + p.filename + `"`
		}
		h.Set("Content-Disposition", cd)
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.data)
	}
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

func (b *bundle) count(table string) int {
	b.t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(b.ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		b.t.Fatal(err)
	}
	return n
}

// blobFiles counts files in the file store, committed and staged.
func (b *bundle) blobFiles() int {
	n := 0
	filepath.WalkDir(b.blobRoot, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}
