package edoreczenia

import (
	"fmt"
	"strconv"
	"strings"

	"obieg.dev/obieg/engine"
)

// ADE is an address for electronic delivery (adres do doręczeń
// elektronicznych, ustawa o doręczeniach elektronicznych art. 2 pkt 1),
// e.g. AE:PL-66081-65851-BHGEH-20. Only ParseADE and MakeADE make one, so a
// value of this type always has a valid shape and checksum.
type ADE struct{ s string }

// String returns the address in its canonical form.
func (a ADE) String() string { return a.s }

// IsZero reports whether a is the zero value (no address).
func (a ADE) IsZero() bool { return a.s == "" }

// MarshalText writes the canonical form.
func (a ADE) MarshalText() ([]byte, error) { return []byte(a.s), nil }

// UnmarshalText parses with ParseADE.
func (a *ADE) UnmarshalText(b []byte) error {
	v, err := ParseADE(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ParseADE checks an address of the form AE:PL-NNNNN-NNNNN-XXXXX-NN: the
// prefix AE (adres elektroniczny) and the ISO 3166 country code PL, two
// groups of five digits, a group of five capital letters A–Z and two check
// digits (see ADEChecksum). Surrounding spaces are ignored; anything else
// out of shape is refused with an engine.KindInvalid error naming the field
// "ade" (or "ade.checksum" when only the check digits are wrong).
func ParseADE(s string) (ADE, error) {
	const op = "edoreczenia.ParseADE"
	s = strings.TrimSpace(s)
	if s == "" {
		return ADE{}, engine.Invalid(op, "ade", "the e-Doręczenia address is empty")
	}
	if len(s) != len("AE:PL-00000-00000-AAAAA-00") {
		return ADE{}, engine.Invalid(op, "ade", "%q is not an e-Doręczenia address (AE:PL-NNNNN-NNNNN-XXXXX-NN)", clip(s))
	}
	if !strings.HasPrefix(s, "AE:PL-") {
		return ADE{}, engine.Invalid(op, "ade", "%q does not start with AE:PL-", clip(s))
	}
	parts := strings.Split(s[len("AE:PL-"):], "-")
	if len(parts) != 4 || len(parts[0]) != 5 || len(parts[1]) != 5 || len(parts[2]) != 5 || len(parts[3]) != 2 {
		return ADE{}, engine.Invalid(op, "ade", "%q is not an e-Doręczenia address (AE:PL-NNNNN-NNNNN-XXXXX-NN)", clip(s))
	}
	if !allDigits(parts[0]) || !allDigits(parts[1]) {
		return ADE{}, engine.Invalid(op, "ade", "%q: the first two groups must be digits", s)
	}
	if !allUpper(parts[2]) {
		return ADE{}, engine.Invalid(op, "ade", "%q: the third group must be five capital letters A–Z", s)
	}
	if !allDigits(parts[3]) {
		return ADE{}, engine.Invalid(op, "ade", "%q: the check digits must be digits", s)
	}
	want := ADEChecksum(parts[0], parts[1], parts[2])
	if got, _ := strconv.Atoi(parts[3]); got != want {
		return ADE{}, engine.Invalid(op, "ade.checksum", "%q: the check digits should be %02d", s, want)
	}
	return ADE{s: s}, nil
}

// MakeADE builds a valid address from its ten digits and five letters,
// computing the check digits (for simulators, tests and seeding).
func MakeADE(digits, letters string) (ADE, error) {
	if len(digits) != 10 || !allDigits(digits) {
		return ADE{}, engine.Invalid("edoreczenia.MakeADE", "digits", "ten digits are needed")
	}
	if len(letters) != 5 || !allUpper(letters) {
		return ADE{}, engine.Invalid("edoreczenia.MakeADE", "letters", "five capital letters A–Z are needed")
	}
	return ParseADE(fmt.Sprintf("AE:PL-%s-%s-%s-%02d", digits[:5], digits[5:], letters, ADEChecksum(digits[:5], digits[5:], letters)))
}

// ADEChecksum computes the two check digits of an address from its two
// digit groups and its letter group: the absolute difference between the sum
// of the letters' ASCII codes and the sum of the two groups read as
// numbers, reduced to the sum of its decimal digits.
//
// Source, and how sure this is: no official description of the algorithm
// was found (the statute and the published UA API say only "two check
// digits"). The algorithm comes from an open-source validator found by code
// search (a Django validate_eda function, repository not named by the
// search index), and was checked against addresses published by public
// bodies on their own pages: Urząd Gminy Czarnożyły AE:PL-66081-65851-BHGEH-20,
// Urząd Gminy Michałowice AE:PL-84192-40504-UIWTR-22, RDOŚ w Warszawie
// AE:PL-10609-91337-SAIBG-23, and three more from public repositories — all
// match, while ISO 7064 MOD 97-10 (the fallback the design names) matches
// none of them. The result is at most 2+9·5 = 47 for real inputs, so it
// always fits two digits. If COI publishes the rule, replace this function
// and keep the examples in ade_test.go.
func ADEChecksum(group1, group2, letters string) int {
	a, _ := strconv.Atoi(group1)
	b, _ := strconv.Atoi(group2)
	sum := 0
	for _, r := range letters {
		sum += int(r)
	}
	d := sum - (a + b)
	if d < 0 {
		d = -d
	}
	cs := 0
	for ; d > 0; d /= 10 {
		cs += d % 10
	}
	return cs
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func allUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

// clip shortens untrusted text quoted in an error message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
