package web

import (
	_ "embed"
	"net/http"
)

// openAPI is the API's OpenAPI 3 document, kept by hand next to routes.go.
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}
