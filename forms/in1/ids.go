package in1

import (
	"obieg.dev/obieg/engine/ident"
	"regexp"
	"strings"
	"time"

	"obieg.dev/obieg/engine/calendar"
)

// kwValues are the values of the characters of a księga wieczysta number
// in its check-digit computation (the table of the Ministry of Justice for
// the electronic land register): digits are themselves, then X = 10 and
// the letters A–Z without Q, V and X from 11 to 33.
var kwValues = func() [256]int8 {
	var t [256]int8
	for i := range t {
		t[i] = -1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = int8(c - '0')
	}
	t['X'] = 10
	for i, c := range "ABCDEFGHIJKLMNOPRSTUWYZ" {
		t[c] = int8(11 + i)
	}
	return t
}()

var kwRe = regexp.MustCompile(`^[0-9A-Z]{4}/[0-9]{8}/[0-9]$`)

// KWCheckDigit computes the check digit of a księga wieczysta from the
// court department code (4 characters, e.g. "WA1M") and the 8-digit
// number: the characters' values weighted 1, 3, 7, 1, 3, 7 … summed,
// modulo 10. ok is false when the input has the wrong shape.
func KWCheckDigit(court, number string) (digit int, ok bool) {
	s := court + number
	if len(court) != 4 || len(number) != 8 || !digitsOnly(number) {
		return 0, false
	}
	w := [3]int{1, 3, 7}
	sum := 0
	for i := 0; i < len(s); i++ {
		v := kwValues[s[i]]
		if v < 0 {
			return 0, false
		}
		sum += int(v) * w[i%3]
	}
	return sum % 10, true
}

// ValidKW checks a księga wieczysta number: XXXX/NNNNNNNN/C, upper case,
// with the right check digit C.
func ValidKW(s string) bool {
	if !kwRe.MatchString(s) {
		return false
	}
	d, ok := KWCheckDigit(s[:4], s[5:13])
	return ok && int(s[14]-'0') == d
}

// parcelRe is a działka ewidencyjna as written on the forms: the 4-digit
// obręb (precinct) number, a space and the parcel number, which may have a
// "/" part: "0001 123/4".
var parcelRe = regexp.MustCompile(`^[0-9]{4} [1-9][0-9]*(/[1-9][0-9]*)?$`)

// ValidParcel checks the shape of a parcel identifier "0001 123/4".
func ValidParcel(s string) bool { return parcelRe.MatchString(s) }

var postalRe = regexp.MustCompile(`^[0-9]{2}-[0-9]{3}$`)

// isPoland reports whether a country as typed means Poland (empty is).
func isPoland(country string) bool {
	switch strings.ToLower(strings.TrimSpace(country)) {
	case "", "polska", "pl", "poland", "rzeczpospolita polska":
		return true
	}
	return false
}

// peselBirthDate decodes the birth date of a PESEL with valid digits: the
// month carries the century (+80 1800s, +0 1900s, +20 2000s, +40 2100s,
// +60 2200s). ok is false for a date that does not exist.
func peselBirthDate(p string) (calendar.Date, bool) {
	if len(p) != 11 || !digitsOnly(p) {
		return calendar.Date{}, false
	}
	n := func(i int) int { return int(p[i]-'0')*10 + int(p[i+1]-'0') }
	y, m, d := n(0), n(2), n(4)
	switch {
	case m > 80:
		y, m = 1800+y, m-80
	case m > 60:
		y, m = 2200+y, m-60
	case m > 40:
		y, m = 2100+y, m-40
	case m > 20:
		y, m = 2000+y, m-20
	default:
		y += 1900
	}
	date := calendar.Date{Year: y, Month: time.Month(m), Day: d}
	return date, date.IsValid()
}

// normNIP drops the separators people write in a NIP ("526-025-02-74").
func normNIP(s string) string {
	return strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(s))
}

// validPESEL and validNIP are engine/ident's checks (a leaf package: the
// form links no database code).
func validPESEL(s string) bool { return ident.ValidPESEL(s) }

func validNIP(s string) bool { return ident.ValidNIP(normNIP(s)) }
