package rules

import (
	"math/big"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

// InterestDaysInYear is the divisor of the daily rate: 365, in leap years
// too (Ordynacja podatkowa art. 56 §1 sets a yearly rate; the Minister's
// method and domain-rules §5 divide it by 365 whatever the year).
const InterestDaysInYear = 365

// Segment is a run of days of delay at one rate of late interest.
type Segment struct {
	From, To calendar.Date // both inclusive
	Days     int
	Rate     Rate     // percent a year
	Exact    *big.Rat // interest of the segment in grosze, exact
	Amount   Grosze   // Exact rounded half up to a grosz, for display only
}

// Interest computes the late interest (odsetki za zwłokę) on arrear, a tax
// not paid by due and paid on paid.
//
//   - Days: interest runs "od dnia następującego po dniu upływu terminu
//     płatności … do dnia zapłaty" (Ordynacja podatkowa art. 53 §4): from the
//     day after due to paid inclusive. due is the due date after art. 12 §5
//     moved it off a Saturday or holiday. Payment on or before due gives no
//     interest.
//   - Amount: arrear × days × rate / 365 (art. 56 §1; 365 in leap years too),
//     for each run of days at one rate (the rate changes with the NBP
//     lombard rate, art. 56 §1–§4); the segments are added exactly and only
//     the sum is rounded to whole złoty (art. 63 §1).
//   - Threshold: interest of [InterestMinimum] (8,70 zł) or less is not
//     charged (art. 54 §1 pkt 5). The test is made on the amount of interest
//     as rounded by art. 63 §1, which is the amount of interest the law
//     knows: exact interest of 8,60 zł rounds to 9 zł and is charged.
//
// The segments are returned even when the interest is not charged. An
// error (engine.KindInvalid) means arrear is negative or rates do not cover
// the days of delay.
func Interest(arrear Grosze, due, paid calendar.Date, rates InterestRates) (Grosze, []Segment, error) {
	const op = "rules.Interest"
	if arrear < 0 {
		return 0, nil, engine.Invalid(op, "arrear", "arrear is negative")
	}
	if !due.IsValid() || !paid.IsValid() {
		return 0, nil, engine.Invalid(op, "due", "invalid date")
	}
	if !paid.After(due) || arrear == 0 {
		return 0, nil, nil
	}
	for i := 1; i < len(rates); i++ {
		if !rates[i-1].From.Before(rates[i].From) {
			return 0, nil, engine.Invalid(op, "rates", "rates are not in order of their dates at %s", rates[i].From)
		}
	}
	first := due.AddDays(1)
	if _, ok := rates.At(first); !ok {
		return 0, nil, engine.Invalid(op, "due", "no rate of late interest known for %s", first)
	}
	var segs []Segment
	sum := new(big.Rat)
	for from := first; !from.After(paid); {
		rate, _ := rates.At(from)
		to := paid
		for _, r := range rates { // the day before the next change, if sooner
			if r.From.After(from) {
				if last := r.From.AddDays(-1); last.Before(to) {
					to = last
				}
				break
			}
		}
		days := daysBetween(from, to) + 1
		num := new(big.Int).SetInt64(int64(arrear))
		num.Mul(num, big.NewInt(int64(days)))
		num.Mul(num, big.NewInt(int64(rate)))
		den := big.NewInt(int64(InterestDaysInYear) * RateScale * 100) // rate is ten-thousandths of a percent
		exact := new(big.Rat).SetFrac(num, den)
		segs = append(segs, Segment{From: from, To: to, Days: days, Rate: rate, Exact: exact, Amount: RoundGrosz(exact)})
		sum.Add(sum, exact)
		from = to.AddDays(1)
	}
	total := RoundZloty(sum)
	if total <= InterestMinimum {
		total = 0
	}
	return total, segs, nil
}

// daysBetween returns the number of days from a to b (b − a).
func daysBetween(a, b calendar.Date) int {
	ta := time.Date(a.Year, a.Month, a.Day, 0, 0, 0, 0, time.UTC)
	tb := time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, time.UTC)
	return int(tb.Sub(ta) / (24 * time.Hour))
}

// Allocation is how a payment short of the whole debt is booked.
type Allocation struct {
	Costs    Grosze // reminder costs (koszty upomnienia)
	Arrear   Grosze // the tax arrear
	Interest Grosze // late interest
	Surplus  Grosze // left over after everything is paid (nadpłata)
}

// Allocate books a payment against a debt of reminder costs, an arrear and
// late interest computed to the day of payment (see [Interest]).
//
// Order (Ordynacja podatkowa art. 55 §2 and art. 62 §1a): first the
// reminder costs, "a w pozostałej części proporcjonalnie na poczet kwoty
// zaległości podatkowej oraz kwoty odsetek za zwłokę w stosunku, w jakim,
// w dniu wpłaty, pozostaje kwota zaległości podatkowej do kwoty odsetek za
// zwłokę". A payment that covers everything leaves a surplus.
//
// Rounding: the part booked to interest is rounded to whole złoty (art. 63
// §1 rounds amounts of late interest) and the arrear takes the rest in
// grosze, so that the payment is booked to the last grosz. Neither part
// exceeds what is owed.
func Allocate(payment, reminderCosts, arrear, interest Grosze) (Allocation, error) {
	const op = "rules.Allocate"
	for _, f := range []struct {
		name string
		v    Grosze
	}{{"payment", payment}, {"reminder_costs", reminderCosts}, {"arrear", arrear}, {"interest", interest}} {
		if f.v < 0 {
			return Allocation{}, engine.Invalid(op, f.name, "%s is negative", f.name)
		}
	}
	var a Allocation
	a.Costs = min(payment, reminderCosts)
	rest := payment - a.Costs
	if rest >= arrear+interest {
		a.Arrear, a.Interest, a.Surplus = arrear, interest, rest-arrear-interest
		return a, nil
	}
	// rest < arrear + interest, so arrear + interest > 0.
	share := new(big.Rat).SetFrac(
		new(big.Int).Mul(big.NewInt(int64(rest)), big.NewInt(int64(interest))),
		big.NewInt(int64(arrear+interest)))
	a.Interest = min(RoundZloty(share), interest, rest)
	a.Arrear = rest - a.Interest
	if a.Arrear > arrear { // interest rounded down by more than the arrear can take
		a.Arrear = arrear
		a.Interest = rest - arrear
	}
	return a, nil
}
