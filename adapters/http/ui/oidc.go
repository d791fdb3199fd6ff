package ui

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
)

// OIDCConfig turns on single sign-on through an OpenID Connect identity
// provider (authorization code flow with PKCE, state and nonce). The
// provider only says who the person is: the registry user with the login
// named by LoginClaim must exist and be active (no accounts are created on
// the fly), and the session is the same server-side session a local login
// opens.
type OIDCConfig struct {
	Issuer       string // the provider's issuer URL; its /.well-known/openid-configuration is read on first use
	ClientID     string
	ClientSecret string
	// RedirectURL is this site's callback as registered at the provider; its
	// path must be OIDCCallbackPath, e.g. https://ezd.example.gov.pl/login/oidc/callback.
	RedirectURL string
	// LoginClaim is the ID token claim holding the registry login; default
	// "preferred_username".
	LoginClaim string
	// Name is shown on the login page ("Zaloguj przez <Name>"); default the
	// issuer's host.
	Name string
}

// OIDCCallbackPath is where the provider sends the browser back.
const OIDCCallbackPath = "/login/oidc/callback"

// oidcCookieTTL bounds the time between leaving for the provider and
// coming back: state, nonce and PKCE verifier are forgotten after it.
const oidcCookieTTL = 10 * time.Minute

// Validate reports a configuration that cannot work, with a message naming
// the setting; call it when the configuration is read (New assumes it).
func (c *OIDCConfig) Validate() error {
	const op = "ui.OIDCConfig"
	iss, err := url.Parse(c.Issuer)
	if c.Issuer == "" || err != nil || iss.Host == "" || (iss.Scheme != "https" && iss.Scheme != "http") {
		return engine.Invalid(op, "issuer", "the OIDC issuer must be an http(s) URL, got %q", c.Issuer)
	}
	if c.ClientID == "" {
		return engine.Invalid(op, "clientId", "the OIDC client id is required")
	}
	red, err := url.Parse(c.RedirectURL)
	if c.RedirectURL == "" || err != nil || red.Host == "" || red.Path != OIDCCallbackPath {
		return engine.Invalid(op, "redirectUrl", "the OIDC redirect URL must be this site's %s, got %q", OIDCCallbackPath, c.RedirectURL)
	}
	return nil
}

// oidcLogin is the single sign-on of a handler. The provider's metadata is
// discovered on first use (and again after a failure), so the server
// starts while the provider is down.
type oidcLogin struct {
	cfg OIDCConfig
	mu  sync.Mutex
	rp  *oidcRP // nil until discovered
}

// oidcRP is what discovery gives: the OAuth 2 client and the ID token
// verifier.
type oidcRP struct {
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

func newOIDCLogin(cfg *OIDCConfig) *oidcLogin {
	if cfg == nil {
		return nil
	}
	c := *cfg
	if c.LoginClaim == "" {
		c.LoginClaim = "preferred_username"
	}
	if c.Name == "" {
		if u, err := url.Parse(c.Issuer); err == nil {
			c.Name = u.Host
		}
	}
	return &oidcLogin{cfg: c}
}

// provider discovers the provider once.
func (o *oidcLogin) provider(ctx context.Context, now func() time.Time) (*oidcRP, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.rp != nil {
		return o.rp, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, o.cfg.Issuer)
	if err != nil {
		return nil, engine.E("ui.oidc", engine.KindUnavailable, "the identity provider does not answer; try again later or log in with a password", err)
	}
	o.rp = &oidcRP{
		oauth: oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, RedirectURL: o.cfg.RedirectURL,
			Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"}},
		verifier: p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID, Now: now}),
	}
	return o.rp, nil
}

// The short-lived cookies that carry the login attempt to the callback.
const (
	oidcState    = "state"
	oidcNonce    = "nonce"
	oidcVerifier = "pkce"
	oidcNext     = "next"
)

func (h *handler) oidcCookie(name string) string {
	if h.secure {
		return "__Host-obieg_oidc_" + name
	}
	return "obieg_oidc_" + name
}

func (h *handler) setOIDCCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: h.oidcCookie(name), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// oidcStart sends the browser to the provider with a fresh state, nonce
// and PKCE challenge, keeping them (and where to go afterwards) in cookies.
func (h *handler) oidcStart(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if h.oidc == nil {
		return errNotFound
	}
	next := localPath(r.URL.Query().Get("next"))
	if rc.actor != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	rp, err := h.oidc.provider(r.Context(), h.clock)
	if err != nil {
		return err
	}
	state, err := randomToken()
	if err != nil {
		return engine.E("ui.oidcStart", err)
	}
	nonce, err := randomToken()
	if err != nil {
		return engine.E("ui.oidcStart", err)
	}
	verifier := oauth2.GenerateVerifier()
	age := int(oidcCookieTTL / time.Second)
	h.setOIDCCookie(w, oidcState, state, age)
	h.setOIDCCookie(w, oidcNonce, nonce, age)
	h.setOIDCCookie(w, oidcVerifier, verifier, age)
	h.setOIDCCookie(w, oidcNext, url.QueryEscape(next), age)
	http.Redirect(w, r, rp.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
	return nil
}

// errOIDC is a refused single sign-on: the reason goes to the log, the
// person sees the catalogue message key (with the login for an unknown
// user).
type errOIDC struct {
	key, login string
	cause      error
}

func (e *errOIDC) Error() string { return e.key + ": " + fmt.Sprint(e.cause) }

// oidcCallback finishes the login: the state must match its cookie, the
// code is exchanged with the PKCE verifier, the ID token is verified
// (signature, issuer, audience, expiry) and must carry the nonce, and the
// login claim must name an active registry user.
func (h *handler) oidcCallback(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if h.oidc == nil {
		return errNotFound
	}
	cookie := func(name string) string {
		if c, err := r.Cookie(h.oidcCookie(name)); err == nil {
			return c.Value
		}
		return ""
	}
	state, nonce, verifier := cookie(oidcState), cookie(oidcNonce), cookie(oidcVerifier)
	next, _ := url.QueryUnescape(cookie(oidcNext))
	next = localPath(next)
	for _, n := range []string{oidcState, oidcNonce, oidcVerifier, oidcNext} {
		h.setOIDCCookie(w, n, "", -1) // one attempt per start
	}
	a, err := h.oidcActor(r, state, nonce, verifier)
	if err != nil {
		var e *errOIDC
		if !errors.As(err, &e) {
			return err
		}
		h.logger.WarnContext(r.Context(), "ui: single sign-on refused", "reason", e.key, "login", e.login, "error", e.cause)
		data := h.loginData(next)
		data["Error"], data["Who"] = e.key, e.login
		return h.render(w, r, rc, http.StatusUnauthorized, "login", data)
	}
	if rc.token != "" {
		_ = h.reg.EndSession(r.Context(), rc.token) // a new login replaces any session of this browser
	}
	s, err := h.reg.CreateSession(r.Context(), a, h.ttl)
	if err != nil {
		return err
	}
	h.setSession(w, s.Token)
	h.logger.InfoContext(r.Context(), "ui: login", "login", a.Login, "via", "oidc")
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// oidcActor is the registry actor the ID token of this callback names.
func (h *handler) oidcActor(r *http.Request, state, nonce, verifier string) (*registry.Actor, error) {
	ctx := r.Context()
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return nil, &errOIDC{key: "login.oidcDenied", cause: fmt.Errorf("provider error %q: %s", e, q.Get("error_description"))}
	}
	if state == "" || verifier == "" || nonce == "" {
		return nil, &errOIDC{key: "login.oidcExpired", cause: errors.New("no login attempt in progress (cookies missing or expired)")}
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		return nil, &errOIDC{key: "login.oidcFailed", cause: errors.New("state does not match")}
	}
	code := q.Get("code")
	if code == "" {
		return nil, &errOIDC{key: "login.oidcFailed", cause: errors.New("no authorization code")}
	}
	rp, err := h.oidc.provider(ctx, h.clock)
	if err != nil {
		return nil, err
	}
	xctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	tok, err := rp.oauth.Exchange(xctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, &errOIDC{key: "login.oidcFailed", cause: fmt.Errorf("code exchange: %w", err)}
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, &errOIDC{key: "login.oidcFailed", cause: errors.New("the token response has no id_token")}
	}
	idt, err := rp.verifier.Verify(xctx, raw)
	if err != nil {
		return nil, &errOIDC{key: "login.oidcFailed", cause: fmt.Errorf("ID token: %w", err)}
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return nil, &errOIDC{key: "login.oidcFailed", cause: errors.New("ID token nonce does not match")}
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, &errOIDC{key: "login.oidcFailed", cause: fmt.Errorf("ID token claims: %w", err)}
	}
	login, _ := claims[h.oidc.cfg.LoginClaim].(string)
	login = strings.ToLower(strings.TrimSpace(login))
	if login == "" {
		return nil, &errOIDC{key: "login.oidcNoClaim", cause: fmt.Errorf("ID token of %q has no claim %q", idt.Subject, h.oidc.cfg.LoginClaim)}
	}
	a, err := h.reg.ActorByLogin(ctx, login)
	if engine.Is(engine.KindNotFound, err) || engine.Is(engine.KindUnauthenticated, err) {
		return nil, &errOIDC{key: "login.oidcUnknown", login: login, cause: err}
	}
	if err != nil {
		return nil, err
	}
	return a, nil
}
