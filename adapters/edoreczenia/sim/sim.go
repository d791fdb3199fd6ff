package sim

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"obieg.dev/obieg/adapters/edoreczenia"
)

// Client is an OAuth client the simulator knows: it authenticates with
// Secret (client_secret_basic or client_secret_post) or with a client
// assertion signed by the key of Cert (RFC 7523). Addresses limits the
// mailboxes its tokens open; empty means all.
type Client struct {
	ID        string
	Secret    string
	Cert      *x509.Certificate
	Addresses []string
}

// Options configure a simulator.
type Options struct {
	Clients  []Client
	Clock    func() time.Time // default time.Now; drives timestamps and deemed delivery
	TokenTTL time.Duration    // default 1 h
	Logger   *slog.Logger
	// Callback delivery: attempts per notification (default 5), the first
	// wait between attempts (doubling; default 100 ms) and the client.
	CallbackAttempts int
	CallbackBackoff  time.Duration
	HTTP             *http.Client
	// Issuer names the service in evidences.
	Issuer string
}

// Faults make the simulator misbehave on request: every Every-th API call
// (token requests included) fails with Status (default 503), every call
// waits Delay first, and Duplicates lists every page's first message twice.
type Faults struct {
	Every      int           `json:"every"`
	Status     int           `json:"status"`
	Delay      time.Duration `json:"-"`
	DelayText  string        `json:"delay"`
	Duplicates bool          `json:"duplicates"`
}

// Server is the simulator. Create it with New and serve Handler().
type Server struct {
	opts Options

	mu        sync.Mutex
	tokens    map[string]token
	jtis      map[string]bool
	seq       int
	messages  map[string]*message
	order     []*message
	refs      map[string]string // sender + reference → message id
	tasks     map[string][]string
	drafts    map[string]*draft
	evidences map[string]*evidence
	evOrder   []*evidence
	threads   map[string]*thread
	subs      map[string][]*subscription
	register  map[string]string // identifier → ADE (the search service)
	faults    Faults
	calls     int
	closed    bool

	callbacks sync.WaitGroup
	stop      chan struct{}
}

type token struct {
	client  *Client
	expires time.Time
}

// New returns an empty simulator.
func New(opts Options) *Server {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.CallbackAttempts <= 0 {
		opts.CallbackAttempts = 5
	}
	if opts.CallbackBackoff <= 0 {
		opts.CallbackBackoff = 100 * time.Millisecond
	}
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{Timeout: 5 * time.Second}
	}
	if opts.Issuer == "" {
		opts.Issuer = "Symulator e-Doręczeń (Obieg)"
	}
	return &Server{opts: opts, tokens: map[string]token{}, jtis: map[string]bool{}, messages: map[string]*message{},
		refs: map[string]string{}, tasks: map[string][]string{}, drafts: map[string]*draft{}, evidences: map[string]*evidence{},
		threads: map[string]*thread{}, subs: map[string][]*subscription{}, stop: make(chan struct{})}
}

// Close stops callback retries and waits for callbacks in flight.
func (s *Server) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.stop)
	}
	s.mu.Unlock()
	s.callbacks.Wait()
}

// Handler serves the UA API under /api/v1, the token endpoint at
// /oauth2/token and the simulator's own API under /sim/.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", s.faulty(s.token))
	mux.HandleFunc("/api/v1/{addr}/{rest...}", s.faulty(s.api))
	mux.HandleFunc("POST /sim/messages", s.simDeliver)
	mux.HandleFunc("POST /sim/messages/{id}/open", s.simOpen)
	mux.HandleFunc("POST /sim/faults", s.simFaults)
	mux.HandleFunc("POST /sim/tick", s.simTick)
	mux.HandleFunc("GET /sim/mailboxes/{addr}", s.simMailbox)
	mux.HandleFunc("GET /search/addresses", s.faulty(s.search))
	mux.HandleFunc("POST /sim/register", s.simRegister)
	return mux
}

// SetFaults changes the injected faults and restarts the call count.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Every > 0 && f.Status == 0 {
		f.Status = http.StatusServiceUnavailable
	}
	s.faults, s.calls = f, 0
}

func (s *Server) faulty(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls++
		f, n := s.faults, s.calls
		s.mu.Unlock()
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if f.Every > 0 && n%f.Every == 0 {
			writeError(w, f.Status, "SIMULATED_FAULT", fmt.Sprintf("simulated failure of call %d", n))
			return
		}
		h(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with the document's ErrorResponse: an array of ErrorInfo.
func writeError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, []edoreczenia.ErrorInfo{{Error: code, ErrorDescription: desc}})
}

// --- OAuth 2.0 token endpoint ---------------------------------------------

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	oauthErr := func(status int, code, desc string) {
		writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
	}
	if err := r.ParseForm(); err != nil {
		oauthErr(http.StatusBadRequest, "invalid_request", "form expected")
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", "only client_credentials")
		return
	}
	var c *Client
	var err error
	if r.PostForm.Get("client_assertion_type") != "" {
		c, err = s.checkAssertion(r)
	} else {
		c, err = s.checkSecret(r)
	}
	if err != nil {
		oauthErr(http.StatusUnauthorized, "invalid_client", err.Error())
		return
	}
	buf := make([]byte, 24)
	_, _ = rand.Read(buf)
	tok := base64.RawURLEncoding.EncodeToString(buf)
	s.mu.Lock()
	s.tokens[tok] = token{client: c, expires: s.opts.Clock().Add(s.opts.TokenTTL)}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(s.opts.TokenTTL.Seconds())})
}

func (s *Server) client(id string) *Client {
	for i := range s.opts.Clients {
		if s.opts.Clients[i].ID == id {
			return &s.opts.Clients[i]
		}
	}
	return nil
}

func (s *Server) checkSecret(r *http.Request) (*Client, error) {
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	c := s.client(id)
	if c == nil || c.Secret == "" || subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		return nil, fmt.Errorf("unknown client or wrong secret")
	}
	return c, nil
}

// checkAssertion verifies an RFC 7523 client assertion: RS256 by the
// client's certificate key, iss = sub = client id, aud = this token
// endpoint, not expired, jti not seen before.
func (s *Server) checkAssertion(r *http.Request) (*Client, error) {
	if r.PostForm.Get("client_assertion_type") != edoreczenia.JWTBearerAssertionType {
		return nil, fmt.Errorf("unsupported client_assertion_type")
	}
	parts := strings.Split(r.PostForm.Get("client_assertion"), ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("the assertion is not a JWS compact serialisation")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		Iss, Sub, Jti string
		Aud           any
		Exp, Nbf      int64
	}
	if err := decodePart(parts[0], &header); err != nil || header.Alg != "RS256" {
		return nil, fmt.Errorf("the assertion must be RS256")
	}
	if err := decodePart(parts[1], &claims); err != nil {
		return nil, fmt.Errorf("the assertion's claims cannot be read")
	}
	c := s.client(claims.Iss)
	if c == nil || c.Cert == nil || claims.Sub != claims.Iss {
		return nil, fmt.Errorf("unknown client")
	}
	if id := r.PostForm.Get("client_id"); id != "" && id != c.ID {
		return nil, fmt.Errorf("client_id does not match the assertion")
	}
	pub, ok := c.Cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("the client's key is not RSA")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("bad signature encoding")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		return nil, fmt.Errorf("the assertion's signature does not verify")
	}
	endpoint := "http://" + r.Host + r.URL.Path
	if r.TLS != nil {
		endpoint = "https://" + r.Host + r.URL.Path
	}
	if !audience(claims.Aud, endpoint) {
		return nil, fmt.Errorf("the assertion is not for %s", endpoint)
	}
	now := s.opts.Clock().Unix()
	if claims.Exp < now || claims.Nbf > now+60 || claims.Jti == "" {
		return nil, fmt.Errorf("the assertion is expired, not yet valid or has no jti")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.jtis[claims.Jti] {
		return nil, fmt.Errorf("the assertion was used before")
	}
	s.jtis[claims.Jti] = true
	return c, nil
}

func decodePart(p string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func audience(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		for _, x := range a {
			if x == want {
				return true
			}
		}
	}
	return false
}

// authorise checks the bearer token and that it opens the mailbox.
func (s *Server) authorise(w http.ResponseWriter, r *http.Request, addr string) bool {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	s.mu.Lock()
	t, found := s.tokens[tok]
	s.mu.Unlock()
	switch {
	case !ok || !found:
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, "invalid_token", "a valid bearer token is required")
		return false
	case !s.opts.Clock().Before(t.expires):
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, "invalid_token", "the token expired")
		return false
	case len(t.client.Addresses) > 0 && !slices.Contains(t.client.Addresses, addr):
		writeError(w, http.StatusForbidden, "insufficient_scope", "the client may not use mailbox "+addr)
		return false
	}
	return true
}

// --- callbacks ------------------------------------------------------------

// notify posts a MessageStatement to url, retrying with a doubling wait.
// Callers hold s.mu.
func (s *Server) notify(url, addr, kind string, items ...edoreczenia.NotificationItem) {
	if url == "" || s.closed {
		return
	}
	body, _ := json.Marshal(edoreczenia.Notification{EDeliveryAddress: addr, NotificationType: kind, Items: items})
	s.callbacks.Add(1)
	go func() {
		defer s.callbacks.Done()
		wait := s.opts.CallbackBackoff
		for attempt := 1; attempt <= s.opts.CallbackAttempts; attempt++ {
			if s.post(url, body) {
				return
			}
			if attempt == s.opts.CallbackAttempts {
				s.opts.Logger.Warn("simulator: callback given up", "url", url, "attempts", attempt)
				return
			}
			t := time.NewTimer(wait)
			select {
			case <-s.stop:
				t.Stop()
				return
			case <-t.C:
			}
			wait *= 2
		}
	}()
}

func (s *Server) post(url string, body []byte) bool {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.opts.HTTP.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return strings.ToUpper(h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:])
}
