package rules

import (
	"math/big"

	"obieg.dev/obieg/engine"
)

// Share is the fraction of an object taxed to the taxpayer: Num/Den. A flat
// owner pays on the land and the common parts of the building in proportion
// to the share in the common property (upol art. 3 ust. 5). Co-owners of an
// object otherwise owe its whole tax jointly and severally (art. 3 ust. 4):
// their joint decision uses the whole object, not each share. The zero Share
// means the whole object (1/1).
type Share struct {
	Num, Den int64
}

// Whole is the share of a sole owner.
var Whole = Share{1, 1}

func (s Share) norm() Share {
	if s == (Share{}) {
		return Whole
	}
	return s
}

// Object is one line of an assessment: an object of a category, its base in
// the unit of the category (see [Quantity]), the taxpayer's share and the
// months of the year the obligation existed (see [Months]).
type Object struct {
	Category Category
	Base     Quantity
	Share    Share
	Months   int // 1..12
}

// Line is an object's tax for the year.
type Line struct {
	Object
	Rate Rate
	// Base is the base the rate was applied to: for structures the value
	// rounded to whole złoty (Ordynacja podatkowa art. 63 §1 rounds tax bases
	// in money), otherwise the area as given.
	Base Quantity
	// Exact is the tax in grosze as an exact fraction: base × rate ×
	// months/12 × share. It is what the total is made of.
	Exact *big.Rat
	// Amount is Exact rounded half up to a grosz, for display on the
	// decision only; the lines' Amounts need not add up to the Total.
	Amount Grosze
}

// Assessment is the tax of one taxpayer for one year.
type Assessment struct {
	Year  int
	Lines []Line
	Exact *big.Rat // the sum of the lines' Exact amounts, in grosze
	// Total is the tax of the decision: Exact rounded to whole złoty by
	// Ordynacja podatkowa art. 63 §1, once, for the whole decision — not line
	// by line (domain-rules §5).
	Total Grosze
}

// Assess computes the property tax of year for objects at the council's
// rates. The tax of an object is base × rate for a full year (upol art. 5
// ust. 1; for structures rate% of the value, art. 5 ust. 1 pkt 3), times
// months/12 when the obligation lasted part of the year (art. 6 ust. 4–5),
// times the taxpayer's share (art. 3 ust. 5). Lines are kept exact, in
// fractions of a grosz; only the total is rounded, to whole złoty (Ordynacja
// podatkowa art. 63 §1).
//
// Errors are engine.KindInvalid: rates above the maximum (see [CheckRates]),
// an unknown category or one without a rate, a negative base, a share that
// is not a fraction in (0, 1], months outside 1..12.
func Assess(year int, rates RateTable, objects []Object) (Assessment, error) {
	const op = "rules.Assess"
	if err := CheckRates(year, rates); err != nil {
		return Assessment{}, engine.E(op, err)
	}
	a := Assessment{Year: year, Exact: new(big.Rat)}
	for i, o := range objects {
		info, ok := o.Category.Info()
		if !ok {
			return Assessment{}, engine.Invalid(op, fieldIndex("objects", i, "category"), "unknown category %q", o.Category)
		}
		rate, ok := rates[o.Category]
		if !ok {
			return Assessment{}, engine.Invalid(op, "rates."+string(o.Category), "the council has no rate for %s in %d", o.Category, year)
		}
		o.Share = o.Share.norm()
		switch {
		case o.Base < 0:
			return Assessment{}, engine.Invalid(op, fieldIndex("objects", i, "base"), "base is negative")
		case o.Share.Den <= 0 || o.Share.Num <= 0 || o.Share.Num > o.Share.Den:
			return Assessment{}, engine.Invalid(op, fieldIndex("objects", i, "share"), "share %d/%d is not a fraction in (0, 1]", o.Share.Num, o.Share.Den)
		case o.Months < 1 || o.Months > 12:
			return Assessment{}, engine.Invalid(op, fieldIndex("objects", i, "months"), "months %d outside 1..12", o.Months)
		}
		l := Line{Object: o, Rate: rate, Base: o.Base}
		if info.Unit == UnitValue {
			l.Base = Quantity(Grosze(o.Base).RoundZloty())
		}
		l.Exact = lineTax(info, l.Base, rate, o.Months, o.Share)
		l.Amount = RoundGrosz(l.Exact)
		a.Exact.Add(a.Exact, l.Exact)
		a.Lines = append(a.Lines, l)
	}
	a.Total = RoundZloty(a.Exact)
	return a, nil
}

// lineTax returns base × rate × months/12 × share in grosze, exactly:
//
//	area:  (base/10⁴ unit) × (rate/10⁴ zł per unit) × 100 gr/zł
//	value: (base gr) × (rate/10⁴ %) / 100
//
// then × months/12 × num/den.
func lineTax(info CategoryInfo, base Quantity, rate Rate, months int, share Share) *big.Rat {
	num := new(big.Int).SetInt64(int64(base))
	num.Mul(num, big.NewInt(int64(rate)))
	num.Mul(num, big.NewInt(int64(months)))
	num.Mul(num, big.NewInt(share.Num))
	den := big.NewInt(RateScale * 12)
	den.Mul(den, big.NewInt(share.Den))
	if info.Percent {
		den.Mul(den, big.NewInt(100)) // percent → fraction; base already in grosze
	} else {
		den.Mul(den, big.NewInt(info.Unit.Scale())) // area scale
		num.Mul(num, big.NewInt(100))               // złoty → grosze
	}
	return new(big.Rat).SetFrac(num, den)
}
