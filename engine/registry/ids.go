package registry

import "obieg.dev/obieg/engine/ident"

// ValidPESEL checks a PESEL number (see ident.ValidPESEL).
func ValidPESEL(s string) bool { return ident.ValidPESEL(s) }

// ValidNIP checks a NIP number (see ident.ValidNIP).
func ValidNIP(s string) bool { return ident.ValidNIP(s) }

// ValidREGON checks a REGON number (see ident.ValidREGON).
func ValidREGON(s string) bool { return ident.ValidREGON(s) }
