// Package registry is the case and document registry of Obieg: offices and
// their organisation (units, positions, users, substitutions), the JRWA,
// cases with their signatures and spis spraw, documents with immutable
// versions, and the hash-chained metryka.
//
// Every change that matters is written in one transaction together with its
// metryka entry. Authorisation (role × unit scope × case participation) is
// checked here, not in the HTTP layer. The package must not import an
// adapter, a workflow or an HTTP framework.
package registry
