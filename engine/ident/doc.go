// Package ident checks the Polish identifiers people and organisations are
// known by — PESEL, NIP, REGON — with their check digits. It is a leaf
// package (standard library only) so that forms and adapters can validate
// without linking the registry and its database layer.
package ident
