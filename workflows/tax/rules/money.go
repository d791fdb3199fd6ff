package rules

import (
	"math/big"
	"strconv"
	"strings"

	"obieg.dev/obieg/engine"
)

// Grosze is an amount of money in grosze (1 zł = 100 gr). Money is never a
// float in Obieg (DESIGN §7): every amount a decision, an instalment or a
// payment carries is a whole number of grosze.
type Grosze int64

// Zloty returns n whole złoty as Grosze.
func Zloty(n int64) Grosze { return Grosze(n * 100) }

// String formats g the Polish way: "1 234,56 zł", "-0,05 zł". Thousands are
// grouped with a plain space and the decimal separator is a comma.
func (g Grosze) String() string {
	neg := g < 0
	u := uint64(g)
	if neg {
		u = -u // two's complement: exact even for math.MinInt64
	}
	zl, gr := u/100, u%100
	digits := strconv.FormatUint(zl, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	b.WriteByte(',')
	b.WriteByte(byte('0' + gr/10))
	b.WriteByte(byte('0' + gr%10))
	b.WriteString(" zł")
	return b.String()
}

// RoundZloty rounds g to whole złoty by Ordynacja podatkowa art. 63 §1:
// "końcówki kwot wynoszące mniej niż 50 groszy pomija się, a końcówki kwot
// wynoszące 50 i więcej groszy podwyższa się do pełnych złotych". Negative
// amounts (refunds, corrections) are rounded symmetrically, by magnitude.
func (g Grosze) RoundZloty() Grosze {
	return RoundZloty(new(big.Rat).SetInt64(int64(g)))
}

// RoundZloty rounds an exact amount in grosze (a fraction of a grosz is
// allowed) to whole złoty by Ordynacja podatkowa art. 63 §1: below 50 gr
// down, 50 gr and above up. The amount's magnitude is rounded and its sign
// kept.
func RoundZloty(gr *big.Rat) Grosze {
	return roundHalfUp(gr, 100) * 100
}

// RoundGrosz rounds an exact amount in grosze to a whole grosz, half up by
// magnitude. It is for display only: the law rounds tax amounts to złoty
// (art. 63 §1), never to grosze, so nothing that decides an amount owed
// calls it.
func RoundGrosz(gr *big.Rat) Grosze {
	return roundHalfUp(gr, 1)
}

// roundHalfUp returns r/unit rounded to the nearest integer, halves away from
// zero.
func roundHalfUp(r *big.Rat, unit int64) Grosze {
	q := new(big.Rat).Quo(r, new(big.Rat).SetInt64(unit))
	neg := q.Sign() < 0
	if neg {
		q.Neg(q)
	}
	q.Add(q, big.NewRat(1, 2))
	n := new(big.Int).Quo(q.Num(), q.Denom()) // floor, q ≥ 0
	if neg {
		n.Neg(n)
	}
	return Grosze(n.Int64())
}

// parseFixed parses a non-negative decimal with at most dec decimal places,
// comma or dot as the separator and optional spaces grouping thousands
// ("1 234,5"), into an integer scaled by 10^dec. Nothing is rounded: more
// decimals than dec is an error, because the numbers parsed here (areas,
// rates) decide amounts of tax.
func parseFixed(op, field, s string, dec int) (int64, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	t = strings.ReplaceAll(t, "\u00a0", "")
	t = strings.Replace(t, ",", ".", 1)
	intPart, frac, _ := strings.Cut(t, ".")
	if intPart == "" || len(frac) > dec || len(intPart) > 14 {
		return 0, engine.Invalid(op, field, "%q is not a number with at most %d decimal places", s, dec)
	}
	var n int64
	for _, c := range intPart + frac + strings.Repeat("0", dec-len(frac)) {
		if c < '0' || c > '9' {
			return 0, engine.Invalid(op, field, "%q is not a number with at most %d decimal places", s, dec)
		}
		n = n*10 + int64(c-'0')
	}
	return n, nil
}

// formatFixed formats n scaled by 10^dec with a decimal comma, dropping
// trailing zero decimals below min.
func formatFixed(n int64, dec, minDec int) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	if len(s) <= dec {
		s = strings.Repeat("0", dec-len(s)+1) + s
	}
	ip, fp := s[:len(s)-dec], s[len(s)-dec:]
	for len(fp) > minDec && fp[len(fp)-1] == '0' {
		fp = fp[:len(fp)-1]
	}
	if neg {
		ip = "-" + ip
	}
	if fp == "" {
		return ip
	}
	return ip + "," + fp
}
