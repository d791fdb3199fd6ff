package rules

import (
	"time"

	"obieg.dev/obieg/engine/calendar"
)

// Obligation is when a tax obligation for one object exists (upol art. 6).
// Start is the day of the event that gave rise to it (purchase, inheritance,
// a change of use); nil when it existed before the years in question. End
// is the day the circumstances ceased (sale, demolition); nil when they
// continue. NewBuilding marks a Start that is the completion of a newly built
// building or structure, or the start of its use before completion.
type Obligation struct {
	Start, End  *calendar.Date
	NewBuilding bool
}

// First returns the first day of the obligation, or nil if it began before
// any year in question.
//
//   - upol art. 6 ust. 1: "obowiązek podatkowy … powstaje z pierwszym dniem
//     miesiąca następującego po miesiącu, w którym powstały okoliczności" —
//     an event on any day of March, the 1st included, starts it on 1 April;
//   - art. 6 ust. 2: for a building or structure "wybudowane" it arises "z
//     dniem 1 stycznia roku następującego po roku, w którym budowa została
//     zakończona albo w którym rozpoczęto ich użytkowanie przed ich
//     ostatecznym wykończeniem".
func (o Obligation) First() *calendar.Date {
	if o.Start == nil {
		return nil
	}
	var f calendar.Date
	if o.NewBuilding {
		f = calendar.NewDate(o.Start.Year+1, time.January, 1)
	} else {
		f = calendar.NewDate(o.Start.Year, o.Start.Month+1, 1) // NewDate normalises December+1
	}
	return &f
}

// Last returns the last day of the obligation, or nil if it continues:
// upol art. 6 ust. 3, "obowiązek podatkowy wygasa z upływem miesiąca, w
// którym ustały okoliczności uzasadniające ten obowiązek" — a sale on 10
// August ends it on 31 August.
func (o Obligation) Last() *calendar.Date {
	if o.End == nil {
		return nil
	}
	l := calendar.NewDate(o.End.Year, o.End.Month+1, 1).AddDays(-1)
	return &l
}

// MonthsIn returns the number of months of tax year year in which the
// obligation existed, 0 to 12: the tax for a part of a year is the yearly
// tax times months/12 (upol art. 6 ust. 5, and ust. 4 for a change within
// the year — "proporcjonalnie do
// liczby miesięcy, w których istniał obowiązek podatkowy"). An event and
// an end within one month give 0 months: the obligation would start on the
// 1st of the next month and has already ended.
func (o Obligation) MonthsIn(year int) int {
	from := year * 12 // months counted from year 0, January = 0
	to := year*12 + 11
	if f := o.First(); f != nil {
		from = max(from, f.Year*12+int(f.Month)-1)
	}
	if l := o.Last(); l != nil {
		to = min(to, l.Year*12+int(l.Month)-1)
	}
	return max(0, to-from+1)
}

// Months is shorthand for Obligation{start, end, newBuilding}.MonthsIn(year):
// the months of year in which the obligation under upol art. 6 ust. 1–3
// existed.
func Months(year int, start, end *calendar.Date, newBuilding bool) int {
	return Obligation{Start: start, End: end, NewBuilding: newBuilding}.MonthsIn(year)
}
