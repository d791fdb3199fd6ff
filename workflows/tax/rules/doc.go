// Package rules holds the pure legal rules of local property tax (podatek od
// nieruchomości) of natural persons: what is taxed and at what rate, for how
// many months, how the tax of a decision is computed and rounded, when its
// instalments fall due, what late interest a late payment carries, how a
// partial payment is booked and how a payer's virtual account is numbered.
// It does no I/O, keeps no state and never reads the clock; dates come in as
// [calendar.Date] and holidays come from [calendar.Polish].
//
// Sources: ustawa z dnia 12 stycznia 1991 r. o podatkach i opłatach
// lokalnych (upol) art. 3–6; ustawa z dnia 29 sierpnia 1997 r. – Ordynacja
// podatkowa (op) art. 12, 47, 53–56, 62, 63; domain-rules §2, §5, §9.
//
// # Numbers
//
// Nothing that decides an amount is a float.
//
//   - Money is [Grosze], an int64 of grosze.
//   - A tax base is a [Quantity] in its category's fixed-point unit: areas
//     (m², ha) in ten-thousandths, values in grosze. Areas are never rounded;
//     four decimals hold a 50% room (upol art. 4 ust. 2) of an area measured
//     to 0,01 m² and hectares to the square metre.
//   - A rate is a [Rate] with four decimals: zł per m² or ha, percent of
//     value, or percent a year of late interest.
//   - Intermediate results (a line of an assessment, a segment of interest)
//     are exact fractions of a grosz (math/big.Rat).
//
// # Rounding
//
//   - Tax and interest amounts are rounded to whole złoty by op art. 63 §1
//     (below 50 gr down, 50 gr and more up), once: the total of a decision,
//     not its lines ([Assess]); the sum of interest segments, not each
//     segment ([Interest]). Bases in money (the value of structures) are
//     rounded to złoty too; areas are not.
//   - Lines and segments carry an Amount rounded half up to a grosz for
//     display; it decides nothing, and displayed lines need not add up to
//     the rounded total.
//   - Instalments are whole złoty, the remainder of the division on the
//     first ([Instalments]); the part of a partial payment booked to interest
//     is whole złoty, the arrear takes the rest ([Allocate]).
//
// # Data
//
// Rates change by year and by date; they are data with validity: the
// maximum rates ([MaxRate], embedded maxrates.csv), the standard rate of late
// interest ([StandardInterestRates]), the reminder cost ([ReminderCostOn])
// and the instalment days ([InstalmentDays]). A year or day outside a table
// is an error, not a guess: add the new row when the Minister announces it.
//
// Errors are *engine.Error of kind engine.KindInvalid naming the field at
// fault ("rates.building_business", "objects.2.share").
package rules
