// Package ui is the web user interface of Obieg: server-rendered HTML
// (html/template with auto-escaping) enhanced with htmx, for the registry
// office (kancelaria), case officers, unit heads and administrators.
//
// It calls the registry and the workflow engine in-process, like the JSON
// API, and serves every path that is not the API's (/api/, /healthz,
// /readyz, /metrics). Sessions are server-side rows (registry
// CreateSession/SessionActor/EndSession) named by an HttpOnly, SameSite=Lax
// cookie; every state-changing request must come from this origin (Origin
// check) and carry the session's CSRF token in a hidden field or the
// X-CSRF-Token header. Pages are Polish first, English by the "lang" cookie;
// every string goes through the catalogue in i18n.go. Scripts (htmx, the
// bpmn-js viewer) and styles are embedded: the Content-Security-Policy
// allows this origin only.
//
// With Config.OIDC set, people may also log in through an OpenID Connect
// provider (oidc.go): the provider proves who they are, the registry user
// of that login must already exist, and the session is the same.
//
// Files by area: ui.go (wiring, middleware, routes), auth.go (login,
// sessions, CSRF), oidc.go (single sign-on), render.go (templates,
// errors), i18n.go, clerk.go, officer.go, reply.go (letters from the
// templates in templates/letters, approved by the head and dispatched),
// head.go, admin.go.
package ui
