package in1

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Decimal errors, worded for the person who typed the number.
var (
	errDecimal  = errors.New("wpisz liczbę, np. 120,50")
	errDecimals = errors.New("za dużo miejsc po przecinku")
	errRange    = errors.New("liczba jest za duża")
)

// ParseDecimal reads a decimal number with at most places decimal places
// into fixed point (ParseDecimal("120,5", 2) is 12050). It accepts a dot
// or a comma as the decimal separator, spaces (also non-breaking) as
// thousands separators and a leading minus; nothing else.
func ParseDecimal(s string, places int) (int64, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	if !dot {
		whole, frac, dot = strings.Cut(s, ",")
	}
	if whole == "" || (dot && frac == "") || !digitsOnly(whole) || !digitsOnly(frac) {
		return 0, errDecimal
	}
	if len(frac) > places {
		return 0, errDecimals
	}
	frac += strings.Repeat("0", places-len(frac))
	var v int64
	for _, c := range whole + frac {
		d := int64(c - '0')
		if v > (math.MaxInt64-d)/10 {
			return 0, errRange
		}
		v = v*10 + d
	}
	if v > maxFixed {
		return 0, errRange
	}
	if neg {
		v = -v
	}
	return v, nil
}

// maxFixed bounds every fixed-point number so that sums of a few thousand
// of them cannot overflow: 10^15 is 10 trillion zł or m².
const maxFixed = 1_000_000_000_000_000

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatDecimal writes fixed point v with places decimal places and the
// given separator: FormatDecimal(12050, 2, ',') is "120,50".
func FormatDecimal(v int64, places int, sep byte) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = -u // two's complement: right also for math.MinInt64
	}
	digits := strconv.FormatUint(u, 10)
	if len(digits) <= places {
		digits = strings.Repeat("0", places-len(digits)+1) + digits
	}
	out := digits
	if places > 0 {
		k := len(digits) - places
		out = digits[:k] + string(sep) + digits[k:]
	}
	if neg {
		out = "-" + out
	}
	return out
}

// areaText is an area as printed for people: "120,50 m²".
func areaText(v int64, u Unit) string {
	return FormatDecimal(v, u.Decimals(), ',') + " " + u.Symbol()
}

// moneyText is an amount in grosze as printed: "1234,56 zł".
func moneyText(v int64) string { return FormatDecimal(v, 2, ',') + " zł" }
