package sign

import "strings"

// PZIdentity is the signer's identity that a Profil Zaufany ("podpis
// zaufany") signature made by ePUAP carries inside the signed properties.
type PZIdentity struct {
	GivenName  string
	FamilyName string
	PESEL      string
	Shape      string // "PodpisZP" (xades:ClaimedRole/…PodpisZP) or "EPSignature" (the structure used since 2025)
}

// Local names read, in any namespace and letter case.
var (
	pzGiven  = []string{"imie", "givenname", "firstname"}
	pzFamily = []string{"nazwisko", "familyname", "surname"}
	pzPESEL  = []string{"pesel", "numerpesel", "personalidentifier"}
)

// findPZ looks for a PodpisZP or EPSignature element in the given (signed)
// subtrees and reads the identity from it by local names.
func findPZ(scopes []*node) *PZIdentity {
	for _, scope := range scopes {
		var id *PZIdentity
		walk(scope, func(e *node) {
			if id != nil {
				return
			}
			l := strings.ToLower(e.local)
			var shape string
			switch {
			case l == "podpiszp":
				shape = "PodpisZP"
			case strings.Contains(l, "epsignature"):
				shape = "EPSignature"
			default:
				return
			}
			cand := &PZIdentity{Shape: shape}
			walk(e, func(f *node) {
				l := strings.ToLower(f.local)
				v := func() string { return strings.TrimSpace(f.innerText()) }
				switch {
				case cand.GivenName == "" && oneOf(l, pzGiven):
					cand.GivenName = v()
				case cand.FamilyName == "" && oneOf(l, pzFamily):
					cand.FamilyName = v()
				case cand.PESEL == "" && oneOf(l, pzPESEL):
					// ETSI EN 319 412-1 semantics identifier: PNOPL-<PESEL>
					cand.PESEL = strings.TrimPrefix(v(), "PNOPL-")
				}
			})
			if cand.GivenName != "" || cand.FamilyName != "" || cand.PESEL != "" {
				id = cand
			}
		})
		if id != nil {
			return id
		}
	}
	return nil
}

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}
