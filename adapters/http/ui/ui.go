package ui

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/workflows/correspondence"
	"obieg.dev/obieg/workflows/tax"
)

//go:embed assets templates/*.html templates/letters/*.txt
var embedded embed.FS

// Config is what the UI needs.
type Config struct {
	Registry *registry.Service
	Flow     *flow.Engine
	// Correspondence, when set, runs dekretacja through the incoming-item
	// workflow (incoming.bpmn): registering an item starts it, the clerk's
	// assignment completes its first task and the unit head's inbox lists
	// its acceptance tasks. When nil, assignments are made and decided on
	// the registry directly from the item's page.
	Correspondence *correspondence.Workflows
	// Tax, when set, adds the property-tax pages: the IN-1 form for
	// officers (/tax/declarations/new) and the decisions of a year
	// (/tax/decisions). When nil they are not shown.
	Tax           *tax.Service
	Blobs         blob.Store
	Logger        *slog.Logger
	Clock         func() time.Time // default time.Now; the registry has its own
	SessionTTL    time.Duration    // idle timeout of a session; default 30 minutes
	Secure        bool             // Secure flag (and __Host- prefix) on cookies: set behind HTTPS
	MaxUploadSize int64            // bytes per upload; default 100 MiB
	// OIDC, when set, adds single sign-on ("Zaloguj przez …") beside the
	// password form; call its Validate when reading the configuration.
	OIDC *OIDCConfig
}

// handler serves the UI.
type handler struct {
	reg    *registry.Service
	flow   *flow.Engine
	corr   *correspondence.Workflows
	tax    *tax.Service
	blobs  blob.Store
	logger *slog.Logger
	clock  func() time.Time
	ttl    time.Duration
	secure bool
	max    int64
	oidc   *oidcLogin // nil: no single sign-on
	pages  *pages
	mux    *http.ServeMux
}

// New builds the UI handler. Mount it at "/" beside the API: it serves
// every path that is not /api/, /healthz, /readyz or /metrics.
func New(cfg Config) http.Handler {
	h := &handler{reg: cfg.Registry, flow: cfg.Flow, corr: cfg.Correspondence, tax: cfg.Tax, blobs: cfg.Blobs, logger: cfg.Logger,
		clock: cfg.Clock, ttl: cfg.SessionTTL, secure: cfg.Secure, max: cfg.MaxUploadSize, oidc: newOIDCLogin(cfg.OIDC), mux: http.NewServeMux()}
	if h.logger == nil {
		h.logger = slog.Default()
	}
	if h.clock == nil {
		h.clock = time.Now
	}
	if h.ttl <= 0 {
		h.ttl = 30 * time.Minute
	}
	if h.ttl > registry.SessionMaxLifetime {
		h.ttl = registry.SessionMaxLifetime
	}
	if h.max <= 0 {
		h.max = 100 << 20
	}
	h.pages = mustParsePages()
	h.routes()
	return h
}

func (h *handler) routes() {
	assets, _ := fs.Sub(embedded, "assets")
	static := http.StripPrefix("/assets/", http.FileServerFS(assets))
	h.mux.Handle("GET /assets/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		static.ServeHTTP(w, r)
	}))
	h.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

	// Without a session.
	h.mux.HandleFunc("GET /login", h.public(h.loginForm))
	h.mux.HandleFunc("POST /login", h.publicAction(h.login))
	h.mux.HandleFunc("GET /lang", h.public(h.setLang))
	h.mux.HandleFunc("GET /login/oidc", h.public(h.oidcStart))
	h.mux.HandleFunc("GET "+OIDCCallbackPath, h.public(h.oidcCallback))

	// With a session; POSTs also need the CSRF token.
	get := func(pattern string, fn handlerFunc) { h.mux.HandleFunc("GET "+pattern, h.page(fn)) }
	post := func(pattern string, fn handlerFunc) { h.mux.HandleFunc("POST "+pattern, h.action(fn)) }

	get("/{$}", h.home)
	post("/logout", h.logout)
	get("/search", h.search)

	// Kancelaria.
	get("/incoming/new", h.incomingForm)
	post("/incoming", h.registerIncoming)
	get("/incoming", h.incomingRegister)
	get("/incoming/{id}", h.incomingItem)
	post("/incoming/{id}/assign", h.assignItem)
	get("/parties", h.partySearch)
	get("/outgoing", h.outgoingRegister)
	get("/postal-book", h.postalBook)
	get("/postal-book.pdf", h.postalBookPDF)
	get("/return-receipts", h.returnReceiptForm)
	post("/return-receipts", h.returnReceipt)

	// Case officer.
	get("/tasks", h.tasks)
	get("/tasks/{id}", h.task)
	post("/tasks/{id}/claim", h.claimTask)
	post("/tasks/{id}/complete", h.completeTask)
	get("/cases/{id}", h.caseView)
	get("/documents/{id}/versions/{n}", h.versionContent)
	get("/definitions/{id}/xml", h.definitionXML)
	get("/cases/{id}/reply", h.replyForm)
	post("/cases/{id}/reply", h.submitReply)
	get("/replies/{task}", h.replyTask)
	post("/replies/{task}/decide", h.decideReply)
	post("/replies/{task}/revise", h.reviseReply)

	// Unit head.
	get("/inbox", h.inbox)
	post("/inbox/{task}/decide", h.decideTask)
	post("/assignments/{id}/accept", h.acceptAssignment)
	post("/assignments/{id}/return", h.returnAssignment)
	get("/unit-cases", h.unitCases)

	// Property tax (when configured).
	get("/tax/declarations/new", h.declarationForm)
	post("/tax/declarations", h.registerDeclaration)
	get("/tax/decisions", h.decisions)

	// Administrator.
	get("/admin", h.admin)
	post("/admin/units", h.createUnit)
	post("/admin/positions", h.createPosition)
	post("/admin/users", h.createUser)
	post("/admin/substitutions", h.createSubstitution)
	post("/admin/jrwa", h.importJRWA)
	get("/admin/workflows", h.workflows)
	post("/admin/workflows", h.deployWorkflow)
	post("/admin/incidents/{id}/retry", h.retryIncident)

	h.mux.HandleFunc("/", h.public(func(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
		return errNotFound
	}))
}

// ServeHTTP sets the security headers on every response and dispatches.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", csp)
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	if h.secure {
		hd.Set("Strict-Transport-Security", "max-age=31536000")
	}
	h.mux.ServeHTTP(w, r)
}

// csp allows this origin only. Inline style attributes are allowed (not
// <style> elements or scripts): the bpmn-js viewer colours SVG shapes with
// them. frame-src/object-src 'self' let a case show its own PDFs.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; " +
	"font-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// handlerFunc is a UI endpoint; a returned error is rendered by fail.
type handlerFunc func(w http.ResponseWriter, r *http.Request, rc *reqCtx) error

// reqCtx is what a request knows about its user.
type reqCtx struct {
	actor *registry.Actor
	csrf  string
	token string
	lang  string
}
