package rules

import (
	"slices"
	"time"

	"obieg.dev/obieg/engine/calendar"
)

// InterestRate is the standard rate of late interest (stawka podstawowa
// odsetek za zwłokę) in force from From until the day before the next
// entry's From. Rate is percent a year (14,5% is Rate(145000)).
type InterestRate struct {
	From calendar.Date
	Rate Rate
}

// InterestRates is a history of rates ordered by From. The first entry's
// From is the earliest day for which interest can be computed.
type InterestRates []InterestRate

func d(y int, m time.Month, day int) calendar.Date { return calendar.NewDate(y, m, day) }

// standardInterestRates: Ordynacja podatkowa art. 56 §1 and §1a — the
// standard rate is 200% of the NBP lombard rate plus 2 percentage points, at
// least 8%; it changes with the lombard rate from the day the NBP changes it
// and is announced by the Minister of Finance (art. 56 §4). Source:
// domain-rules §5. Append new entries at the end.
var standardInterestRates = InterestRates{
	{d(2022, time.September, 8), 165000},
	{d(2023, time.September, 7), 150000},
	{d(2023, time.October, 5), 145000},
	{d(2025, time.May, 8), 135000},
	{d(2025, time.July, 3), 130000},
	{d(2025, time.September, 4), 125000},
	{d(2025, time.October, 9), 120000},
	{d(2025, time.November, 6), 115000},
	{d(2025, time.December, 4), 110000},
}

// StandardInterestRates returns a copy of the history of the standard rate
// of late interest (Ordynacja podatkowa art. 56 §1).
func StandardInterestRates() InterestRates { return slices.Clone(standardInterestRates) }

// At returns the rate in force on day; ok is false before the first entry.
func (rs InterestRates) At(day calendar.Date) (rate Rate, ok bool) {
	for i := len(rs) - 1; i >= 0; i-- {
		if !day.Before(rs[i].From) {
			return rs[i].Rate, true
		}
	}
	return 0, false
}

// InterestMinimum is the amount of late interest that is not charged:
// interest "nie przekracza trzykrotności wartości opłaty dodatkowej
// pobieranej przez operatora wyznaczonego … za traktowanie przesyłki
// listowej jako przesyłki poleconej" (Ordynacja podatkowa art. 54 §1
// pkt 5), 3 × 2,90 zł = 8,70 zł (domain-rules §5). Interest of this amount
// or less is not charged.
const InterestMinimum Grosze = 870

// ReminderCost is the cost of a reminder (koszty upomnienia) from a date on.
type ReminderCost struct {
	From   calendar.Date
	Amount Grosze
}

// reminderCosts: ustawa o postępowaniu egzekucyjnym w administracji art. 15
// §4, in the wording in force since the reform of that act took effect on
// 20.02.2021: 16 zł (domain-rules §5). Earlier amounts are not modelled.
var reminderCosts = []ReminderCost{
	{From: d(2021, time.February, 20), Amount: 1600},
}

// ReminderCostOn returns the cost of a reminder issued on day; ok is false
// for days the table does not cover.
func ReminderCostOn(day calendar.Date) (cost Grosze, ok bool) {
	for i := len(reminderCosts) - 1; i >= 0; i-- {
		if !day.Before(reminderCosts[i].From) {
			return reminderCosts[i].Amount, true
		}
	}
	return 0, false
}

// InstalmentSchedule gives the statutory days of the instalments of property
// tax of natural persons for the tax years FromYear to ToYear (0: open).
type InstalmentSchedule struct {
	FromYear, ToYear int
	Days             []MonthDay
}

// MonthDay is a day of the year without the year.
type MonthDay struct {
	Month time.Month
	Day   int
}

// instalmentSchedules: upol art. 6 ust. 7 — natural persons pay "w ratach
// proporcjonalnych do czasu trwania obowiązku podatkowego, w terminach do
// dnia 15 marca, 15 maja, 15 września i 15 listopada roku podatkowego". The
// rule has stood in this form for the whole period Obieg models, so the row
// is open at both ends.
var instalmentSchedules = []InstalmentSchedule{
	{Days: []MonthDay{{time.March, 15}, {time.May, 15}, {time.September, 15}, {time.November, 15}}},
}

// InstalmentDays returns the statutory instalment dates of tax year year,
// before Ordynacja podatkowa art. 12 §5 moves them off Saturdays and
// holidays.
func InstalmentDays(year int) []calendar.Date {
	for _, s := range instalmentSchedules {
		if (s.FromYear == 0 || year >= s.FromYear) && (s.ToYear == 0 || year <= s.ToYear) {
			out := make([]calendar.Date, len(s.Days))
			for i, md := range s.Days {
				out[i] = calendar.NewDate(year, md.Month, md.Day)
			}
			return out
		}
	}
	return nil
}
