package edoreczenia

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"obieg.dev/obieg/adapters/sign"
	"obieg.dev/obieg/engine"
)

// JWTBearerAssertionType is the client_assertion_type of RFC 7523 §2.2.
const JWTBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// Auth obtains access tokens with the OAuth 2.0 client credentials grant
// (RFC 6749 §4.4). The client authenticates either with a secret (HTTP
// Basic, RFC 6749 §2.3.1) or, when Key is set, with a JWT signed RS256 by
// the office's key (private_key_jwt, RFC 7523 §2.2). A token is reused
// until shortly before it expires; a 401 from the API drops it.
type Auth struct {
	TokenURL     string
	ClientID     string
	ClientSecret string    // used when Key is nil
	Key          *sign.Key // signs the client assertion (x5t#S256 names its certificate)
	Scope        string    // e.g. "read_messages write_messages read_settings write_settings"
	// Audience of the assertion; default TokenURL (RFC 7523 §3 point 3).
	Audience string
	HTTP     *http.Client // default: 30 s timeout
	Clock    func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

// tokenSkew is how long before its expiry a token is no longer used.
const tokenSkew = 30 * time.Second

func (a *Auth) now() time.Time {
	if a.Clock != nil {
		return a.Clock()
	}
	return time.Now()
}

// Token returns a valid access token, asking for a new one when the cached
// one is missing or about to expire.
func (a *Auth) Token(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token != "" && a.now().Add(tokenSkew).Before(a.expires) {
		return a.token, nil
	}
	tok, ttl, err := a.fetch(ctx)
	if err != nil {
		return "", err
	}
	a.token, a.expires = tok, a.now().Add(ttl)
	return tok, nil
}

// Invalidate forgets the cached token (after the API refused it).
func (a *Auth) Invalidate() {
	a.mu.Lock()
	a.token = ""
	a.mu.Unlock()
}

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func (a *Auth) fetch(ctx context.Context) (string, time.Duration, error) {
	const op = "edoreczenia.Token"
	if a.TokenURL == "" || a.ClientID == "" {
		return "", 0, engine.Errorf(op, engine.KindInvalid, "no token URL or client id configured")
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	if a.Scope != "" {
		form.Set("scope", a.Scope)
	}
	if a.Key != nil {
		assertion, err := a.Assertion()
		if err != nil {
			return "", 0, err
		}
		form.Set("client_id", a.ClientID)
		form.Set("client_assertion_type", JWTBearerAssertionType)
		form.Set("client_assertion", assertion)
	} else if a.ClientSecret == "" {
		return "", 0, engine.Errorf(op, engine.KindInvalid, "neither a client secret nor a key is configured")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, engine.E(op, engine.KindInvalid, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if a.Key == nil {
		// RFC 6749 §2.3.1: the client id and secret, form-encoded, as Basic credentials.
		req.SetBasicAuth(url.QueryEscape(a.ClientID), url.QueryEscape(a.ClientSecret))
	}
	hc := a.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	res, err := hc.Do(req)
	if err != nil {
		return "", 0, engine.E(op, engine.KindUnavailable, "the authorisation server did not answer", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return "", 0, engine.E(op, engine.KindUnavailable, "reading the token answer", err)
	}
	var ans tokenAnswer
	_ = json.Unmarshal(body, &ans)
	switch {
	case res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests:
		return "", 0, engine.Errorf(op, engine.KindUnavailable, "the authorisation server answered HTTP %d", res.StatusCode)
	case res.StatusCode == http.StatusBadRequest || res.StatusCode == http.StatusUnauthorized:
		return "", 0, engine.Errorf(op, engine.KindUnauthenticated, "the authorisation server refused the client: %s %s", ans.Error, clip(ans.Description))
	case res.StatusCode != http.StatusOK:
		return "", 0, engine.Errorf(op, engine.KindUnavailable, "the authorisation server answered HTTP %d", res.StatusCode)
	case ans.AccessToken == "" || !strings.EqualFold(ans.TokenType, "bearer"):
		return "", 0, engine.Errorf(op, engine.KindUnavailable, "the authorisation server gave no bearer token")
	}
	ttl := time.Duration(ans.ExpiresIn) * time.Second
	if ttl <= 0 {
		ttl = 5 * time.Minute // RFC 6749 §5.1: expires_in is only recommended
	}
	return ans.AccessToken, ttl, nil
}

// Assertion builds the client assertion of RFC 7523 §3: iss and sub are the
// client id, aud the token endpoint, a short lifetime and a unique jti,
// signed RS256 with the office's key; the header names the certificate by
// its SHA-256 thumbprint (x5t#S256, RFC 7515 §4.1.8).
func (a *Auth) Assertion() (string, error) {
	const op = "edoreczenia.Assertion"
	if a.Key == nil || a.Key.Signer == nil || a.Key.Certificate == nil {
		return "", engine.Errorf(op, engine.KindInvalid, "no signing key configured")
	}
	if _, ok := a.Key.Signer.Public().(*rsa.PublicKey); !ok {
		return "", engine.Errorf(op, engine.KindInvalid, "the key is not RSA: RS256 needs an RSA key")
	}
	thumb := sha256.Sum256(a.Key.Certificate.Raw)
	header := map[string]string{"alg": "RS256", "typ": "JWT", "x5t#S256": b64url(thumb[:])}
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", engine.E(op, err)
	}
	now := a.now()
	aud := a.Audience
	if aud == "" {
		aud = a.TokenURL
	}
	claims := map[string]any{"iss": a.ClientID, "sub": a.ClientID, "aud": aud, "jti": hex.EncodeToString(jti),
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()}
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	signing := b64url(h) + "." + b64url(c)
	digest := sha256.Sum256([]byte(signing))
	sig, err := a.Key.Signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return "", engine.E(op, "signing the client assertion", err)
	}
	return signing + "." + b64url(sig), nil
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// TLSConfig is the mutual TLS set-up for the service: the office's
// certificate and key as the client certificate (the UA API authenticates
// EZD systems by X.509, see the document's description) and the CA
// certificates the server must chain to (nil: the system pool).
func TLSConfig(key *sign.Key, roots *x509.CertPool) (*tls.Config, error) {
	if key == nil || key.Certificate == nil || key.Signer == nil {
		return nil, engine.Invalid("edoreczenia.TLSConfig", "key", "a client certificate with its private key is needed")
	}
	chain := [][]byte{key.Certificate.Raw}
	for _, c := range key.Chain {
		chain = append(chain, c.Raw)
	}
	cert := tls.Certificate{Certificate: chain, PrivateKey: key.Signer, Leaf: key.Certificate}
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}, RootCAs: roots}, nil
}

// HTTPClient is an http.Client using TLSConfig with a timeout.
func HTTPClient(key *sign.Key, roots *x509.CertPool, timeout time.Duration) (*http.Client, error) {
	cfg, err := TLSConfig(key, roots)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	return &http.Client{Transport: tr, Timeout: timeout}, nil
}
