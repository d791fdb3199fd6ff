package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"obieg.dev/obieg/engine"
)

// Problem is an RFC 9457 problem document. Field names the input at fault.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Field    string `json:"field,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// StatusOf is the one mapping from error kinds to HTTP statuses (the API
// and the web UI both answer by it).
func StatusOf(k engine.Kind) int {
	switch k {
	case engine.KindInvalid:
		return http.StatusBadRequest
	case engine.KindNotFound:
		return http.StatusNotFound
	case engine.KindConflict:
		return http.StatusConflict
	case engine.KindForbidden:
		return http.StatusForbidden
	case engine.KindUnauthenticated:
		return http.StatusUnauthorized
	case engine.KindUnavailable:
		return http.StatusServiceUnavailable
	case engine.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// problemTypes give each kind a stable type URI for clients to switch on.
var problemTypes = map[int]string{
	http.StatusBadRequest:            "https://obieg.dev/problems/invalid",
	http.StatusNotFound:              "https://obieg.dev/problems/not-found",
	http.StatusConflict:              "https://obieg.dev/problems/conflict",
	http.StatusForbidden:             "https://obieg.dev/problems/forbidden",
	http.StatusUnauthorized:          "https://obieg.dev/problems/unauthenticated",
	http.StatusServiceUnavailable:    "https://obieg.dev/problems/unavailable",
	http.StatusRequestEntityTooLarge: "https://obieg.dev/problems/too-large",
	http.StatusUnsupportedMediaType:  "https://obieg.dev/problems/unsupported-media-type",
	http.StatusMethodNotAllowed:      "https://obieg.dev/problems/method-not-allowed",
	http.StatusInternalServerError:   "about:blank",
}

// writeError renders err as a problem response and logs it once, here.
// Server-side failures are logged with their cause and shown to the client
// only as a request id to quote.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := StatusOf(engine.KindOf(err))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		status = http.StatusRequestEntityTooLarge
	}
	var mte *mediaTypeError
	if errors.As(err, &mte) {
		s.writeProblem(w, Problem{Status: http.StatusUnsupportedMediaType, Field: "Content-Type", Detail: mte.Error(), Instance: r.URL.Path})
		return
	}
	p := Problem{Status: status, Title: http.StatusText(status), Field: engine.FieldOf(err), Instance: r.URL.Path}
	if status >= 500 {
		p.Detail = "internal error; quote request id " + requestID(r.Context())
		s.logger.ErrorContext(r.Context(), "request failed", slog.String("error", err.Error()), slog.Int("status", status))
	} else {
		p.Detail = engine.MessageOf(err)
		if mbe != nil {
			p.Detail = "request body is larger than the limit"
		}
		s.logger.DebugContext(r.Context(), "request refused", slog.String("error", err.Error()), slog.Int("status", status))
	}
	s.writeProblem(w, p)
}

func (s *Server) writeProblem(w http.ResponseWriter, p Problem) {
	if p.Type == "" {
		p.Type = problemTypes[p.Status]
		if p.Type == "" {
			p.Type = "about:blank"
		}
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="obieg"`)
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
