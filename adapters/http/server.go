package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/workflows/correspondence"
	"obieg.dev/obieg/workflows/tax"
)

// Config is what the server needs.
type Config struct {
	Registry *registry.Service
	Flow     *flow.Engine
	// Correspondence, when set, hands recorded deliveries to the dispatch
	// workflows waiting for them.
	Correspondence *correspondence.Workflows
	Tax            *tax.Service // nil: the tax routes answer 503
	Blobs          blob.Store
	Ready          func(context.Context) error // readiness of dependencies (database)
	Logger         *slog.Logger
	MaxUploadSize  int64 // bytes per document upload; default 100 MiB
	Registerer     prometheus.Registerer
	Gatherer       prometheus.Gatherer
	// UI, when set, serves every path the API does not (the web UI, adapters/http/ui).
	UI http.Handler
}

// Server serves the API.
type Server struct {
	reg       *registry.Service
	flow      *flow.Engine
	corr      *correspondence.Workflows
	tax       *tax.Service
	blobs     blob.Store
	ready     func(context.Context) error
	logger    *slog.Logger
	maxUpload int64
	routes    []route
	mux       *http.ServeMux
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	gatherer  prometheus.Gatherer
}

// route is one API endpoint. The table of routes is what the OpenAPI test
// checks the document against.
type route struct {
	method, pattern string
	public          bool // no authentication
	h               func(http.ResponseWriter, *http.Request, *registry.Actor) error
}

// New builds the server and its routes.
func New(cfg Config) *Server {
	s := &Server{reg: cfg.Registry, flow: cfg.Flow, corr: cfg.Correspondence, tax: cfg.Tax, blobs: cfg.Blobs, ready: cfg.Ready, logger: cfg.Logger, maxUpload: cfg.MaxUploadSize, mux: http.NewServeMux()}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if s.maxUpload <= 0 {
		s.maxUpload = 100 << 20
	}
	reg, gat := cfg.Registerer, cfg.Gatherer
	if reg == nil {
		r := prometheus.NewRegistry()
		r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		reg, gat = r, r
	}
	s.gatherer = gat
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "obieg_http_requests_total", Help: "HTTP requests by route and status."}, []string{"route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "obieg_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"route"})
	reg.MustRegister(s.requests, s.latency)
	s.routes = s.apiRoutes()
	for _, rt := range s.routes {
		s.mux.Handle(rt.method+" "+rt.pattern, s.endpoint(rt))
	}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]string{"status": "ok"}) })
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(gat, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("GET /api/v1/openapi.json", serveOpenAPI)
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeProblem(w, Problem{Status: http.StatusNotFound, Detail: "no such endpoint: " + r.Method + " " + r.URL.Path, Instance: r.URL.Path})
	})
	if cfg.UI != nil {
		s.mux.Handle("/", cfg.UI)
	}
	return s
}

// ServeHTTP adds a request id, recovers from panics and logs each request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("X-Request-Id")
	if id == "" || len(id) > 64 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	ctx := context.WithValue(r.Context(), requestIDKey{}, id)
	r = r.WithContext(ctx)
	w.Header().Set("X-Request-Id", id)
	sw := &statusWriter{ResponseWriter: w}
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.logger.ErrorContext(ctx, "panic", slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			if sw.status == 0 {
				s.writeProblem(sw, Problem{Status: 500, Detail: "internal error; quote request id " + id})
			}
		}
		s.logger.InfoContext(ctx, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.code()), slog.Duration("duration", time.Since(start)), slog.String("request_id", id))
	}()
	s.mux.ServeHTTP(sw, r)
}

// endpoint wraps a route with authentication and metrics.
func (s *Server) endpoint(rt route) http.Handler {
	label := rt.method + " " + rt.pattern
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw, _ := w.(*statusWriter)
		defer func() {
			code := 0
			if sw != nil {
				code = sw.code()
			}
			s.requests.WithLabelValues(label, strconv.Itoa(code)).Inc()
			s.latency.WithLabelValues(label).Observe(time.Since(start).Seconds())
		}()
		var actor *registry.Actor
		if !rt.public {
			var err error
			if actor, err = s.authenticate(r); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		if err := rt.h(w, r, actor); err != nil {
			s.writeError(w, r, err)
		}
	})
}

func (s *Server) authenticate(r *http.Request) (*registry.Actor, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, engine.E("web.authenticate", engine.KindUnauthenticated, "a bearer token is required (Authorization: Bearer obg_…)")
	}
	return s.reg.Authenticate(r.Context(), strings.TrimSpace(token))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.ready != nil {
		if err := s.ready(r.Context()); err != nil {
			s.writeProblem(w, Problem{Status: http.StatusServiceUnavailable, Detail: "database is not reachable"})
			return
		}
	}
	writeJSON(w, 200, map[string]string{"status": "ready"})
}

type requestIDKey struct{}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
