package ui

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
)

// Cookie names. With Secure, the session cookie takes the __Host- prefix:
// the browser then refuses it unless it is Secure, host-only and Path=/.
func (h *handler) sessionCookie() string {
	if h.secure {
		return "__Host-obieg_session"
	}
	return "obieg_session"
}

const langCookie = "lang"

// errCSRF is a state-changing request without a valid token or from
// another origin.
var errCSRF = engine.E("ui.csrf", engine.KindForbidden, "the form has expired or did not come from this site; reload the page and try again")

var errNotFound = engine.E("ui", engine.KindNotFound, "no such page")

// public wraps an endpoint that needs no session (it may still have one).
func (h *handler) public(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc := &reqCtx{lang: langOf(r)}
		if c, err := r.Cookie(h.sessionCookie()); err == nil {
			if a, s, err := h.reg.SessionActor(r.Context(), c.Value, h.ttl); err == nil {
				rc.actor, rc.csrf, rc.token = a, s.CSRF, c.Value
			}
		}
		h.run(w, r, rc, fn)
	}
}

// publicAction is a POST without a session (login): same-origin only.
func (h *handler) publicAction(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc := &reqCtx{lang: langOf(r)}
		if !sameOrigin(r) {
			h.fail(w, r, rc, errCSRF)
			return
		}
		h.run(w, r, rc, fn)
	}
}

// page wraps an endpoint that needs a session; without one the browser is
// sent to the login page and brought back afterwards.
func (h *handler) page(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc, ok := h.session(w, r)
		if !ok {
			return
		}
		h.run(w, r, rc, fn)
	}
}

// action wraps a state-changing endpoint: a session, this origin, and the
// session's CSRF token in the X-CSRF-Token header (htmx) or the "csrf" form
// field. A multipart form must send the csrf field first, so that nothing
// of the upload is stored before the token is checked.
func (h *handler) action(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc, ok := h.session(w, r)
		if !ok {
			return
		}
		if !sameOrigin(r) || !h.checkCSRF(r, rc.csrf) {
			h.logger.WarnContext(r.Context(), "ui: CSRF check failed", "path", r.URL.Path, "user", rc.actor.Login)
			h.fail(w, r, rc, errCSRF)
			return
		}
		h.run(w, r, rc, fn)
	}
}

func (h *handler) run(w http.ResponseWriter, r *http.Request, rc *reqCtx, fn handlerFunc) {
	if err := fn(w, r, rc); err != nil {
		h.fail(w, r, rc, err)
	}
}

// session loads the request's session, or answers with a way to log in.
func (h *handler) session(w http.ResponseWriter, r *http.Request) (*reqCtx, bool) {
	rc := &reqCtx{lang: langOf(r)}
	c, err := r.Cookie(h.sessionCookie())
	if err == nil {
		a, s, err := h.reg.SessionActor(r.Context(), c.Value, h.ttl)
		if err == nil {
			rc.actor, rc.csrf, rc.token = a, s.CSRF, c.Value
			return rc, true
		}
		if !engine.Is(engine.KindUnauthenticated, err) {
			h.fail(w, r, rc, err)
			return nil, false
		}
		h.clearSession(w) // expired or ended: drop the stale cookie
	}
	target := "/login"
	if r.Method == http.MethodGet {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusUnauthorized)
		return nil, false
	}
	if r.Method != http.MethodGet {
		h.fail(w, r, rc, engine.E("ui.session", engine.KindUnauthenticated, "your session has expired; log in again"))
		return nil, false
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil, false
}

// sameOrigin: browsers send Origin on every POST; an older one may send
// only Referer. A request with neither is refused.
func sameOrigin(r *http.Request) bool {
	src := r.Header.Get("Origin")
	if src == "" || src == "null" {
		src = r.Header.Get("Referer")
	}
	if src == "" {
		return false
	}
	u, err := url.Parse(src)
	if err != nil || u.Host == "" {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

func (h *handler) checkCSRF(r *http.Request, want string) bool {
	if want == "" {
		return false
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct == "multipart/form-data" {
			got = h.firstMultipartField(r, "csrf")
		} else {
			r.Body = http.MaxBytesReader(nil, r.Body, 1<<20)
			got = r.PostFormValue("csrf")
		}
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// firstMultipartField reads the first part of a multipart body, which must
// be the named field, and leaves the reader on r for the handler.
func (h *handler) firstMultipartField(r *http.Request, name string) string {
	r.Body = http.MaxBytesReader(nil, r.Body, h.max)
	mr, err := r.MultipartReader()
	if err != nil {
		return ""
	}
	p, err := mr.NextPart()
	if err != nil || p.FormName() != name {
		return ""
	}
	v, err := io.ReadAll(io.LimitReader(p, 256))
	if err != nil {
		return ""
	}
	r.MultipartForm = nil
	setMultipart(r, mr)
	return string(v)
}

type multipartKey struct{}

// setMultipart keeps the reader whose first part was consumed.
func setMultipart(r *http.Request, mr *multipart.Reader) {
	*r = *r.WithContext(context.WithValue(r.Context(), multipartKey{}, mr))
}

func multipartOf(r *http.Request) (*multipart.Reader, error) {
	if mr, ok := r.Context().Value(multipartKey{}).(*multipart.Reader); ok {
		return mr, nil
	}
	return nil, errors.New("no multipart body")
}

func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

func (h *handler) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: h.sessionCookie(), Value: token, Path: "/", HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
}

func (h *handler) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: h.sessionCookie(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
}

func (h *handler) loginForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if rc.actor != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return h.render(w, r, rc, http.StatusOK, "login", h.loginData(localPath(r.URL.Query().Get("next"))))
}

// loginData is what the login page shows: where to go afterwards and, with
// single sign-on configured, the provider's name.
func (h *handler) loginData(next string) map[string]string {
	d := map[string]string{"Next": next}
	if h.oidc != nil {
		d["OIDC"] = h.oidc.cfg.Name
		d["OIDCStart"] = "/login/oidc?next=" + url.QueryEscape(next)
	}
	return d
}

func (h *handler) login(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	login := strings.TrimSpace(r.PostFormValue("login"))
	next := localPath(r.PostFormValue("next"))
	a, err := h.reg.Login(r.Context(), login, r.PostFormValue("password"))
	if err != nil {
		if !engine.Is(engine.KindUnauthenticated, err) {
			return err
		}
		h.logger.InfoContext(r.Context(), "ui: login failed", "login", login)
		d := h.loginData(next)
		d["Login"], d["Error"] = login, "login.failed"
		return h.render(w, r, rc, http.StatusUnauthorized, "login", d)
	}
	s, err := h.reg.CreateSession(r.Context(), a, h.ttl)
	if err != nil {
		return err
	}
	h.setSession(w, s.Token)
	h.logger.InfoContext(r.Context(), "ui: login", "login", a.Login)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (h *handler) logout(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := h.reg.EndSession(r.Context(), rc.token); err != nil {
		return err
	}
	h.clearSession(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// setLang stores the language choice (a preference, not server state) and
// goes back where the user was.
func (h *handler) setLang(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	l := r.URL.Query().Get("l")
	if _, ok := catalogue[l]; !ok {
		return engine.Invalid("ui.lang", "l", "unknown language %q", l)
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
	return nil
}

// localPath keeps redirects on this site: a path, not "//host" or a URL.
func localPath(p string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
		return "/"
	}
	if u, err := url.Parse(p); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return p
}

func langOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil {
		if _, ok := catalogue[c.Value]; ok {
			return c.Value
		}
	}
	return "pl"
}

// has reports whether the actor has any of the roles.
func has(a *registry.Actor, roles ...registry.Role) bool {
	for _, r := range roles {
		if a.Has(r) {
			return true
		}
	}
	return false
}

// home sends each user to where their work is.
func (h *handler) home(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	to := "/tasks"
	switch a := rc.actor; {
	case a.Has(registry.RoleRegistry):
		to = "/incoming/new"
	case a.Has(registry.RoleHead):
		to = "/inbox"
	case a.Has(registry.RoleAdmin):
		to = "/admin"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
