package rules

import (
	"obieg.dev/obieg/engine/calendar"
)

// Instalment is one instalment (rata) of a tax assessed by decision.
type Instalment struct {
	No     int // 1-based, in the order of the statutory dates
	Due    calendar.Date
	Amount Grosze
}

// AtOnceLimit is the tax up to which natural persons pay at once, by the
// first instalment date: "jeżeli kwota podatku nie przekracza 100 zł,
// podatek jest płatny jednorazowo w terminie płatności pierwszej raty"
// (upol art. 6 ust. 7).
const AtOnceLimit Grosze = 10000

// DecisionNotice is the period of Ordynacja podatkowa art. 47 §2, in days.
const DecisionNotice = 14

// Instalments splits the tax of a decision delivered on delivered into the
// instalments of tax year year for a natural person.
//
// Dates. The statutory dates are 15 March, 15 May, 15 September and
// 15 November (upol art. 6 ust. 7; see [InstalmentDays]). A date falling on a
// Saturday, Sunday or public holiday moves to the next day that is none of
// these (Ordynacja podatkowa art. 12 §5). If the decision was delivered less
// than 14 days before an instalment's date, that instalment is due 14 days
// after delivery (art. 47 §2), that day counted by art. 12 §1 (the day of
// delivery is not counted) and itself moved by art. 12 §5. An instalment
// whose date had already passed at delivery is "less than 14 days before"
// a fortiori, so it too falls due 14 days after delivery; each keeps its
// own number, so several instalments may share that due date. (The
// comparison is made with the statutory date; comparing with the moved date
// gives the same result, since the later of the two candidate dates is always
// chosen.)
//
// Amounts. A total of at most limitAtOnce (pass [AtOnceLimit]) is one
// instalment due on the first date (upol art. 6 ust. 7), after art. 47 §2.
// Otherwise the total is split into equal whole-złoty parts, the remainder
// going to the first instalment: 1 235 zł is 311 + 308 + 308 + 308. The
// statute does not say how to split; whole złoty follow the rounding of tax
// amounts (Ordynacja podatkowa art. 63 §1) and keep every later instalment
// equal, and the first instalment is never smaller than the others. A
// total with grosze (it should not have any: the tax of a decision is
// rounded to złoty) leaves them on the first instalment.
//
// Instalments proportional to the duration of an obligation that began
// during the year (art. 6 ust. 7, "w ratach proporcjonalnych do czasu
// trwania obowiązku podatkowego") are not modelled here: the whole total is
// spread over all instalments of the year. A total ≤ 0 has no instalments.
func Instalments(year int, total Grosze, delivered calendar.Date, limitAtOnce Grosze) []Instalment {
	return InstalmentsOn(InstalmentDays(year), total, delivered, limitAtOnce)
}

// InstalmentsOn is [Instalments] with the statutory dates given (an
// office's dictionary may hold them): days in order, before the moves of
// art. 12 §5.
func InstalmentsOn(days []calendar.Date, total Grosze, delivered calendar.Date, limitAtOnce Grosze) []Instalment {
	if total <= 0 {
		return nil
	}
	if len(days) == 0 {
		return nil
	}
	cal := calendar.Polish()
	due := func(statutory calendar.Date) calendar.Date {
		d := cal.MoveOffHoliday(statutory)
		if statutory.AddDays(-DecisionNotice).Before(delivered) { // statutory − delivered < 14 days
			d = cal.DeadlineDays(delivered, DecisionNotice)
		}
		return d
	}
	if total <= limitAtOnce {
		return []Instalment{{No: 1, Due: due(days[0]), Amount: total}}
	}
	n := Grosze(len(days))
	part := total / n / 100 * 100 // whole złoty
	out := make([]Instalment, len(days))
	for i, sd := range days {
		out[i] = Instalment{No: i + 1, Due: due(sd), Amount: part}
	}
	out[0].Amount = total - part*(n-1)
	return out
}
