package ui

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// testIssuer is a minimal OpenID Connect provider: discovery, JWKS with one
// RSA key, /authorize that sends the browser straight back with a code, and
// /token that checks the code, the client and the PKCE verifier and
// returns an RS256 ID token. Its fields choose what the next token says.
type testIssuer struct {
	t        *testing.T
	srv      *httptest.Server
	key      *rsa.PrivateKey
	clock    func() time.Time
	clientID string
	secret   string

	mu        sync.Mutex
	codes     map[string]authRequest
	login     string          // preferred_username of the next token
	nonce     string          // when set, the next token's nonce instead of the one asked for
	signWith  *rsa.PrivateKey // when set, the next token is signed with this key (same kid)
	expiresIn time.Duration   // lifetime of the next token (negative: already expired)
	exchanges int
}

type authRequest struct {
	nonce, challenge, redirect string
}

func newTestIssuer(t *testing.T, clock func() time.Time) *testIssuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	is := &testIssuer{t: t, key: key, clock: clock, clientID: "obieg-ui", secret: "tajne-haslo-klienta", codes: map[string]authRequest{}, expiresIn: 5 * time.Minute}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		base := is.srv.URL
		writeJSON(w, map[string]any{"issuer": base, "authorization_endpoint": base + "/authorize", "token_endpoint": base + "/token",
			"jwks_uri": base + "/jwks", "response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &is.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != is.clientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" ||
			q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" || !strings.Contains(q.Get("scope"), "openid") {
			http.Error(w, "bad authorization request: "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		code := rand.Text()
		is.mu.Lock()
		is.codes[code] = authRequest{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
		is.mu.Unlock()
		back, _ := url.Parse(q.Get("redirect_uri"))
		bq := url.Values{"code": {code}, "state": {q.Get("state")}}
		back.RawQuery = bq.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		is.mu.Lock()
		defer is.mu.Unlock()
		is.exchanges++
		id, secret, ok := r.BasicAuth()
		if !ok {
			id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
		}
		code := r.PostFormValue("code")
		req, found := is.codes[code]
		delete(is.codes, code)
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		switch {
		case id != is.clientID || secret != is.secret:
			tokenError(w, "invalid_client")
			return
		case !found || r.PostFormValue("grant_type") != "authorization_code" || r.PostFormValue("redirect_uri") != req.redirect:
			tokenError(w, "invalid_grant")
			return
		case base64.RawURLEncoding.EncodeToString(sum[:]) != req.challenge:
			tokenError(w, "invalid_grant") // PKCE
			return
		}
		nonce := req.nonce
		if is.nonce != "" {
			nonce = is.nonce
		}
		signer := is.key
		if is.signWith != nil {
			signer = is.signWith
		}
		now := is.clock()
		claims := map[string]any{"iss": is.srv.URL, "sub": "sub-" + is.login, "aud": is.clientID, "iat": now.Unix(),
			"exp": now.Add(is.expiresIn).Unix(), "nonce": nonce, "preferred_username": is.login, "name": "Test"}
		sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: signer}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		raw, err := jwt.Signed(sig).Claims(claims).Serialize()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, map[string]any{"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 300, "id_token": raw})
	})
	is.srv = httptest.NewServer(mux)
	t.Cleanup(is.srv.Close)
	return is
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func tokenError(w http.ResponseWriter, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
}

// next sets what the next ID token says, starting from a good token for login.
func (is *testIssuer) next(login string, change func(*testIssuer)) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.login, is.nonce, is.signWith, is.expiresIn = login, "", nil, 5*time.Minute
	if change != nil {
		change(is)
	}
}

// withOIDC configures single sign-on through is.
func withOIDC(is **testIssuer) option {
	return func(b *bundle, base string, cfg *Config) {
		*is = newTestIssuer(b.t, b.clock)
		cfg.OIDC = &OIDCConfig{Issuer: (*is).srv.URL, ClientID: (*is).clientID, ClientSecret: (*is).secret,
			RedirectURL: base + OIDCCallbackPath, Name: "Test IdP"}
		must(b.t, cfg.OIDC.Validate())
	}
}

// oidcLogin walks the browser through the flow: the login page's link, the
// provider, the callback. tamper may change the provider's answer (the
// callback URL) before the browser follows it. It returns the callback's
// response.
func (c *client) oidcLogin(next string, tamper func(*url.URL)) *page {
	t := c.b.t
	t.Helper()
	p := c.get("/login?next=" + url.QueryEscape(next))
	if !strings.Contains(p.body, "Zaloguj przez Test IdP") || !strings.Contains(p.body, `href="/login/oidc?next=`+url.QueryEscape(next)+`"`) {
		t.Fatalf("login page without single sign-on: %s", p.body)
	}
	p = c.get("/login/oidc?next=" + url.QueryEscape(next))
	if p.status != http.StatusFound {
		t.Fatalf("start: %d %s", p.status, p.body)
	}
	var cookies []string
	for _, ck := range p.header.Values("Set-Cookie") {
		cookies = append(cookies, ck)
		for _, want := range []string{"HttpOnly", "SameSite=Lax", "Max-Age=600", "Path=/"} {
			if !strings.Contains(ck, want) {
				t.Errorf("login attempt cookie %q lacks %q", ck, want)
			}
		}
	}
	if len(cookies) != 4 {
		t.Fatalf("cookies of the attempt: %q", cookies)
	}
	req, _ := http.NewRequest(http.MethodGet, p.header.Get("Location"), nil)
	p = c.do(req)
	if p.status != http.StatusFound {
		t.Fatalf("authorize: %d %s", p.status, p.body)
	}
	back, err := url.Parse(p.header.Get("Location"))
	must(t, err)
	if tamper != nil {
		tamper(back)
	}
	req, _ = http.NewRequest(http.MethodGet, back.String(), nil)
	return c.do(req)
}

func hasSession(p *page) bool {
	for _, ck := range p.header.Values("Set-Cookie") {
		if strings.HasPrefix(ck, "obieg_session=obs_") {
			return true
		}
	}
	return false
}

// Single sign-on: a good ID token opens the same session as a password;
// a wrong nonce, a bad signature, an expired token, an unknown user and a
// state that does not match are each refused without a session.
func TestOIDCLogin(t *testing.T) {
	var is *testIssuer
	b := setupWith(t, true, withOIDC(&is))

	t.Run("success", func(t *testing.T) {
		c := b.client()
		is.next("wymiar", nil)
		p := c.oidcLogin("/tasks", nil)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/tasks" || !hasSession(p) {
			t.Fatalf("callback: %d %q %v %s", p.status, p.header.Get("Location"), p.header.Values("Set-Cookie"), p.body)
		}
		cleared := 0
		for _, ck := range p.header.Values("Set-Cookie") {
			if strings.HasPrefix(ck, "obieg_oidc_") && strings.Contains(ck, "Max-Age=0") {
				cleared++
			}
		}
		if cleared != 4 {
			t.Errorf("the attempt's cookies are not cleared: %v", p.header.Values("Set-Cookie"))
		}
		p = c.get("/tasks")
		if p.status != http.StatusOK || !strings.Contains(p.body, "Piotr Zieliński") || c.csrf == "" {
			t.Fatalf("tasks after single sign-on: %d", p.status)
		}
		p = c.post("/logout", nil)
		if p.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", p.status)
		}
		if p := c.get("/tasks"); p.status != http.StatusSeeOther {
			t.Fatalf("after logout: %d", p.status)
		}
	})

	refused := []struct {
		name   string
		login  string
		change func(*testIssuer)
		tamper func(*url.URL)
		want   string
	}{
		{name: "wrong nonce", login: "wymiar", change: func(is *testIssuer) { is.nonce = "not-the-nonce" }, want: "Nie udało się potwierdzić tożsamości"},
		{name: "bad signature", login: "wymiar", change: func(is *testIssuer) {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			must(t, err)
			is.signWith = k
		}, want: "Nie udało się potwierdzić tożsamości"},
		{name: "expired token", login: "wymiar", change: func(is *testIssuer) { is.expiresIn = -time.Minute }, want: "Nie udało się potwierdzić tożsamości"},
		{name: "unknown user", login: "nieznany", want: "Użytkownik „nieznany” nie ma konta w systemie Obieg"},
		{name: "state mismatch", login: "wymiar", tamper: func(u *url.URL) {
			q := u.Query()
			q.Set("state", "forged-state")
			u.RawQuery = q.Encode()
		}, want: "Nie udało się potwierdzić tożsamości"},
		{name: "provider error", login: "wymiar", tamper: func(u *url.URL) {
			u.RawQuery = url.Values{"error": {"access_denied"}, "state": {u.Query().Get("state")}}.Encode()
		}, want: "Dostawca tożsamości odmówił logowania"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			c := b.client()
			is.next(tc.login, tc.change)
			p := c.oidcLogin("/tasks", tc.tamper)
			if p.status != http.StatusUnauthorized || hasSession(p) || !strings.Contains(p.body, tc.want) {
				t.Fatalf("refused login: %d session=%v %s", p.status, hasSession(p), p.body)
			}
			if p := c.get("/tasks"); p.status != http.StatusSeeOther {
				t.Fatalf("a session after a refused login: %d", p.status)
			}
		})
	}

	t.Run("callback without an attempt", func(t *testing.T) {
		is.mu.Lock()
		before := is.exchanges
		is.mu.Unlock()
		c := b.client()
		p := c.get(OIDCCallbackPath + "?code=x&state=y")
		if p.status != http.StatusUnauthorized || hasSession(p) || !strings.Contains(p.body, "Logowanie trwało zbyt długo") {
			t.Fatalf("callback without cookies: %d %s", p.status, p.body)
		}
		is.mu.Lock()
		defer is.mu.Unlock()
		if is.exchanges != before {
			t.Fatal("a code was exchanged without a login attempt")
		}
	})
}

// Without OIDC configured there is no single sign-on link and its paths do
// not exist.
func TestOIDCOff(t *testing.T) {
	b := setup(t)
	c := b.client()
	if p := c.get("/login"); strings.Contains(p.body, "/login/oidc") {
		t.Fatal("single sign-on offered without configuration")
	}
	if p := c.get("/login/oidc"); p.status != http.StatusNotFound {
		t.Fatalf("/login/oidc without configuration: %d", p.status)
	}
	for _, bad := range []OIDCConfig{
		{Issuer: "", ClientID: "x", RedirectURL: "https://ezd.example/login/oidc/callback"},
		{Issuer: "https://idp.example", ClientID: "", RedirectURL: "https://ezd.example/login/oidc/callback"},
		{Issuer: "https://idp.example", ClientID: "x", RedirectURL: "https://ezd.example/callback"},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v passes validation", bad)
		}
	}
}
