package forms

import (
	"fmt"
	"strings"

	"obieg.dev/obieg/engine/calendar"
)

// Polish numerals, as written out in words on decisions and payment orders.
var (
	wordUnits = [...]string{"", "jeden", "dwa", "trzy", "cztery", "pięć", "sześć", "siedem", "osiem", "dziewięć"}
	wordTeens = [...]string{"dziesięć", "jedenaście", "dwanaście", "trzynaście", "czternaście",
		"piętnaście", "szesnaście", "siedemnaście", "osiemnaście", "dziewiętnaście"}
	wordTens = [...]string{"", "", "dwadzieścia", "trzydzieści", "czterdzieści", "pięćdziesiąt",
		"sześćdziesiąt", "siedemdziesiąt", "osiemdziesiąt", "dziewięćdziesiąt"}
	wordHundreds = [...]string{"", "sto", "dwieście", "trzysta", "czterysta", "pięćset",
		"sześćset", "siedemset", "osiemset", "dziewięćset"}
	// Powers of a thousand in their three forms (see plural).
	wordScales = [...][3]string{
		{"", "", ""},
		{"tysiąc", "tysiące", "tysięcy"},
		{"milion", "miliony", "milionów"},
		{"miliard", "miliardy", "miliardów"},
		{"bilion", "biliony", "bilionów"},
		{"biliard", "biliardy", "biliardów"},
		{"trylion", "tryliony", "trylionów"},
	}
	zlotyForms = [3]string{"złoty", "złote", "złotych"}
	groszForms = [3]string{"grosz", "grosze", "groszy"}
)

// plural picks the form of a noun counted by n: forms[0] for exactly one
// ("jeden złoty"), forms[1] for numbers ending in 2–4 but not 12–14 ("dwa
// złote", "dwadzieścia trzy złote"), forms[2] for all others ("pięć
// złotych", "dwanaście złotych", "dwadzieścia jeden złotych", "zero
// złotych").
func plural(n int64, forms [3]string) string {
	if n < 0 {
		n = -n
	}
	switch {
	case n == 1:
		return forms[0]
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
		return forms[1]
	}
	return forms[2]
}

// NumberWords writes n out in Polish words: 1235 is "jeden tysiąc dwieście
// trzydzieści pięć". A group of one thousand (million …) is written with
// "jeden", as amounts in words on official documents are, so that nothing
// can be put in front of it.
func NumberWords(n int64) string {
	if n == 0 {
		return "zero"
	}
	var words []string
	u := uint64(n)
	if n < 0 {
		words = append(words, "minus")
		u = uint64(-(n + 1)) + 1 // also for math.MinInt64
	}
	var groups []uint64
	for ; u > 0; u /= 1000 {
		groups = append(groups, u%1000)
	}
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		if g == 0 {
			continue
		}
		words = append(words, hundredsWords(g)...)
		if i > 0 {
			words = append(words, plural(int64(g), wordScales[i]))
		}
	}
	return strings.Join(words, " ")
}

// hundredsWords writes 1 ≤ g ≤ 999.
func hundredsWords(g uint64) []string {
	var w []string
	if h := g / 100; h > 0 {
		w = append(w, wordHundreds[h])
	}
	switch t := g % 100; {
	case t >= 10 && t < 20:
		w = append(w, wordTeens[t-10])
	default:
		if t >= 20 {
			w = append(w, wordTens[t/10])
		}
		if t%10 > 0 {
			w = append(w, wordUnits[t%10])
		}
	}
	return w
}

// ZlotyWords is a whole złoty amount in words with the noun in the form
// the number takes: "jeden tysiąc dwieście trzydzieści pięć złotych",
// "dwa złote", "jeden złoty". Tax amounts are whole złoty (Ordynacja
// podatkowa art. 63 §1).
func ZlotyWords(zl int64) string {
	return NumberWords(zl) + " " + plural(zl, zlotyForms)
}

// AmountWords is an amount in grosze in words, the grosze written out too:
// 123450 is "jeden tysiąc dwieście trzydzieści cztery złote pięćdziesiąt
// groszy"; an amount without grosze is ZlotyWords.
func AmountWords(grosze int64) string {
	zl, gr := grosze/100, grosze%100
	if gr < 0 {
		gr = -gr
	}
	if gr == 0 {
		return ZlotyWords(zl)
	}
	s := NumberWords(zl) + " " + plural(zl, zlotyForms) + " " + NumberWords(gr) + " " + plural(gr, groszForms)
	if zl == 0 && grosze < 0 {
		s = "minus " + s
	}
	return s
}

// monthsGenitive are the month names as a date is written: "24 listopada".
var monthsGenitive = [...]string{"", "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
	"lipca", "sierpnia", "września", "października", "listopada", "grudnia"}

// DateLong writes d as in the heading of a letter: "24 listopada 2026 r.".
func DateLong(d calendar.Date) string {
	if !d.IsValid() {
		return d.String()
	}
	return fmt.Sprintf("%d %s %d r.", d.Day, monthsGenitive[d.Month], d.Year)
}

// DateShort writes d as in tables: "15.03.2026".
func DateShort(d calendar.Date) string {
	return fmt.Sprintf("%02d.%02d.%04d", d.Day, int(d.Month), d.Year)
}
