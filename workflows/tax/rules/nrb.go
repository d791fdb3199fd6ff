package rules

import (
	"strconv"
	"strings"

	"obieg.dev/obieg/engine"
)

// NRB (numer rachunku bankowego) is the Polish form of an IBAN without the
// country code: 2 check digits, the 8-digit bank routing number (numer
// rozliczeniowy: 3 digits of the bank, 4 of the branch, 1 check digit) and
// 16 digits of the account (domain-rules §9; IBAN per ISO 13616).
const nrbLen = 26

// VirtualAccount returns the individual (virtual) account number of a payer:
// the office's bank routing number, then the office's prefix (agreed with
// the bank), then payerID, zero-padded, filling the 16 account digits, and
// ISO 13616 check digits in front. The result is 26 digits without spaces;
// see [FormatNRB].
//
// The routing number's own check digit is verified (weights 3, 9, 7, 1, 3,
// 9, 7 of the numer rozliczeniowy), so a mistyped bank is caught before
// thousands of decisions print a dead account.
func VirtualAccount(bankRouting8 string, officePrefix string, payerID int64) (string, error) {
	const op = "rules.VirtualAccount"
	if len(bankRouting8) != 8 || !allDigits(bankRouting8) {
		return "", engine.Invalid(op, "bank_routing", "routing number %q is not 8 digits", bankRouting8)
	}
	if !routingCheckOK(bankRouting8) {
		return "", engine.Invalid(op, "bank_routing", "routing number %q has a wrong check digit", bankRouting8)
	}
	if !allDigits(officePrefix) || len(officePrefix) >= 16 {
		return "", engine.Invalid(op, "office_prefix", "prefix %q is not 0–15 digits", officePrefix)
	}
	if payerID < 0 {
		return "", engine.Invalid(op, "payer_id", "payer id is negative")
	}
	width := 16 - len(officePrefix)
	id := strconv.FormatInt(payerID, 10)
	if len(id) > width {
		return "", engine.Invalid(op, "payer_id", "payer id %d does not fit in %d digits after prefix %q", payerID, width, officePrefix)
	}
	bban := bankRouting8 + officePrefix + strings.Repeat("0", width-len(id)) + id
	return checkDigits(bban) + bban, nil
}

// ValidNRB reports whether s is a valid NRB: 26 digits, optionally preceded
// by "PL" and grouped with spaces, whose ISO 13616 check (the country code
// and check digits moved to the end, P = 25, L = 21, the whole mod 97) is 1.
func ValidNRB(s string) bool {
	n := normaliseNRB(s)
	return len(n) == nrbLen && allDigits(n) && mod97(n[2:]+"2521"+n[:2]) == 1
}

// FormatNRB groups a valid NRB for print: "61 1090 1014 0000 0712 1981 2874".
func FormatNRB(s string) string {
	n := normaliseNRB(s)
	if len(n) != nrbLen {
		return s
	}
	var b strings.Builder
	b.WriteString(n[:2])
	for i := 2; i < nrbLen; i += 4 {
		b.WriteByte(' ')
		b.WriteString(n[i : i+4])
	}
	return b.String()
}

func normaliseNRB(s string) string {
	n := strings.ToUpper(strings.NewReplacer(" ", "", "\u00a0", "", "-", "").Replace(strings.TrimSpace(s)))
	return strings.TrimPrefix(n, "PL")
}

// checkDigits returns the two ISO 13616 check digits of a Polish BBAN:
// 98 − (BBAN + "PL00" as digits) mod 97.
func checkDigits(bban string) string {
	c := 98 - mod97(bban+"252100")
	return string([]byte{byte('0' + c/10), byte('0' + c%10)})
}

// mod97 returns the decimal number s modulo 97, digit by digit.
func mod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		r = (r*10 + int(s[i]-'0')) % 97
	}
	return r
}

// routingCheckOK verifies the last digit of a numer rozliczeniowy: the
// weighted sum of the first seven digits (weights 3, 9, 7, 1, 3, 9, 7) plus
// the check digit is a multiple of 10.
func routingCheckOK(r string) bool {
	w := [7]int{3, 9, 7, 1, 3, 9, 7}
	sum := 0
	for i, wi := range w {
		sum += int(r[i]-'0') * wi
	}
	return (sum+int(r[7]-'0'))%10 == 0
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
