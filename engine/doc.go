// Package engine holds what every part of Obieg shares: the error type with
// its kinds, and the small interfaces the engine offers to workflows and
// adapters. It imports only the standard library, so anything may import it.
package engine
