// Package web is Obieg's HTTP adapter (folder adapters/http): the REST API
// under /api/v1 with its OpenAPI document, health and metrics endpoints, and
// later the web UI and citizen portal.
//
// Handlers are thin: they parse the request, call the engine and render the
// result. Business rules and authorisation live in the engine; errors become
// RFC 9457 problem responses in one place (problem.go).
package web
