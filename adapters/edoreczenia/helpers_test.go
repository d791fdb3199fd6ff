package edoreczenia_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"obieg.dev/obieg/adapters/edoreczenia"
	"obieg.dev/obieg/adapters/edoreczenia/sim"
	"obieg.dev/obieg/adapters/sign"
	"obieg.dev/obieg/engine"
)

const specFile = "testdata/uaapi_3.0.8.1.yaml"

// specCheck is an http.RoundTripper that validates every request to the
// UA API against the shipped OpenAPI document before sending it, and every
// response after. A request that does not validate is not sent: RoundTrip
// fails and the failure is recorded; Fail (default t.Errorf) is called for
// every violation, so a test using it fails.
type specCheck struct {
	router routers.Router
	base   http.RoundTripper
	Fail   func(format string, args ...any)

	mu       sync.Mutex
	failures []string
	calls    map[string]int // "METHOD /path-template" → count
}

func loadSpec(t testing.TB, serverURL string) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(specFile)
	if err != nil {
		t.Fatal(err)
	}
	// The document's server is relative ('/api/v1'); route against ours.
	doc.Servers = openapi3.Servers{{URL: serverURL + "/api/v1"}}
	return doc
}

func newSpecCheck(t testing.TB, serverURL string, base http.RoundTripper) *specCheck {
	t.Helper()
	r, err := legacy.NewRouter(loadSpec(t, serverURL))
	if err != nil {
		t.Fatal(err)
	}
	if base == nil {
		base = http.DefaultTransport
	}
	return &specCheck{router: r, base: base, Fail: t.Errorf, calls: map[string]int{}}
}

var errNotInSpec = errors.New("request does not validate against the OpenAPI document")

func bearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	if !strings.HasPrefix(h, "Bearer ") || len(h) < len("Bearer x") {
		return errors.New("no bearer token")
	}
	return nil
}

func (c *specCheck) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.mu.Lock()
	c.failures = append(c.failures, msg)
	c.mu.Unlock()
	c.Fail("%s", msg)
}

// Failures returns the violations seen so far.
func (c *specCheck) Failures() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.failures...)
}

// Calls reports how many requests went to one operation ("POST /{eDeliveryAddress}/messages").
func (c *specCheck) Calls(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[op]
}

func (c *specCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") {
		return c.base.RoundTrip(req) // token endpoint, simulator API
	}
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		c.fail("%s %s: no such operation in the document: %v", req.Method, req.URL.Path, err)
		return nil, errNotInSpec
	}
	c.mu.Lock()
	c.calls[req.Method+" "+route.Path]++
	c.mu.Unlock()
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: bearer, MultiError: true}}
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
		c.fail("request %s %s does not validate: %v", req.Method, req.URL.Path, err)
		return nil, errNotInSpec
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	res, err := c.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(data))
	if res.StatusCode == http.StatusOK || res.StatusCode == http.StatusAccepted || res.StatusCode == http.StatusBadRequest {
		// The statuses the document describes; others (401, 404, 503 …) it
		// leaves open and are not checked.
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
		out.SetBodyBytes(data)
		if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
			c.fail("response %d to %s %s does not validate: %v\n%.400s", res.StatusCode, req.Method, req.URL.Path, err, data)
		}
	}
	return res, nil
}

// Addresses used by the tests (valid check digits, made by MakeADE).
var (
	officeADE  = mustADE("1234567890", "OBIEG")
	citizenADE = mustADE("1111122222", "JANKO")
	firmADE    = mustADE("5555566666", "FIRMA")
)

func mustADE(digits, letters string) string {
	a, err := edoreczenia.MakeADE(digits, letters)
	if err != nil {
		panic(err)
	}
	return a.String()
}

// clock is a settable clock for the simulator and the client.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a simulator behind an httptest server, a spec-checking client for
// the office and one for a citizen.
type env struct {
	sim     *sim.Server
	srv     *httptest.Server
	check   *specCheck
	clock   *clock
	office  *edoreczenia.Client
	citizen *edoreczenia.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := newClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s := sim.New(sim.Options{Clock: clk.Now, CallbackBackoff: 20 * time.Millisecond, Clients: []sim.Client{
		{ID: "obieg", Secret: "tajne haslo", Addresses: []string{officeADE}},
		{ID: "jan", Secret: "jan-secret", Addresses: []string{citizenADE}},
	}})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() { srv.Close(); s.Close() })
	check := newSpecCheck(t, srv.URL, nil)
	hc := &http.Client{Transport: check, Timeout: 20 * time.Second}
	mk := func(id, secret string) *edoreczenia.Client {
		return &edoreczenia.Client{BaseURL: srv.URL + "/api/v1", HTTP: hc,
			Auth: &edoreczenia.Auth{TokenURL: srv.URL + "/oauth2/token", ClientID: id, ClientSecret: secret, HTTP: hc, Clock: clk.Now}}
	}
	return &env{sim: s, srv: srv, check: check, clock: clk, office: mk("obieg", "tajne haslo"), citizen: mk("jan", "jan-secret")}
}

// newKey makes a self-signed RSA certificate with its key.
func newKey(t *testing.T, cn string, parent *sign.Key, isCA bool) *sign.Key {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}, DNSNames: []string{"localhost"},
		IPAddresses: nil}
	if isCA {
		tmpl.IsCA, tmpl.BasicConstraintsValid, tmpl.KeyUsage = true, true, x509.KeyUsageCertSign|x509.KeyUsageDigitalSignature
	}
	issuer, signer := tmpl, any(priv)
	if parent != nil {
		issuer, signer = parent.Certificate, parent.Signer
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, &priv.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &sign.Key{Certificate: cert, Signer: priv}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// wantKind fails unless err is an *engine.Error of the kind.
func wantKind(t *testing.T, err error, kind engine.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want kind %v", kind)
	}
	var e *engine.Error
	if !errors.As(err, &e) {
		t.Fatalf("%v is not an *engine.Error", err)
	}
	if got := engine.KindOf(err); got != kind {
		t.Fatalf("kind of %q = %v, want %v", err, got, kind)
	}
}
