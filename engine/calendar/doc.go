// Package calendar computes legal dates for Polish public offices: the
// statutory calendar of days free from work, working days, and the ends of
// periods (terminy) under the Code of Administrative Procedure (KPA art. 57)
// and the Tax Ordinance (Ordynacja podatkowa art. 12).
//
// Legal dates are dates, not instants. A [Date] is a civil date (year, month,
// day) with no time zone; [DateOf] turns an instant into the date it is in
// Europe/Warsaw, the only zone the law of Poland knows. The zone data is
// embedded (time/tzdata), so the package works on hosts without a zoneinfo
// database.
//
// A [Calendar] is built from a table of [HolidayRule]s, each valid from a
// first year and, optionally, until a last year, because the set of holidays
// changes by statute (6 January since 2011, 24 December since 2025). [Polish]
// returns the statutory calendar of the ustawa z dnia 18 stycznia 1951 r. o
// dniach wolnych od pracy as it has stood since 1990, with the later changes;
// the different holidays of earlier years (22 July, say) are not modelled.
//
// On top of the calendar the package offers:
//
//   - KPA art. 57 §1–§4 / Ordynacja podatkowa art. 12 §1–§5 period
//     arithmetic: [Calendar.DeadlineDays], [Calendar.DeadlineWeeks],
//     [Calendar.DeadlineMonths] and [Calendar.MoveOffHoliday];
//   - working-day arithmetic: [Calendar.AddWorkingDays],
//     [Calendar.NextWorkingDay];
//   - ISO 8601 durations for BPMN timers: [ParseDuration], [Duration.AddTo]
//     for plain calendar arithmetic and [Calendar.AddKPA] for timers marked
//     obieg:calendar="kpa".
//
// The package is pure computation: it does no I/O and never reads the clock
// (no time.Now). Callers pass the time they got from their own clock, so
// every result is reproducible and testable. Calendars are immutable and
// safe for concurrent use.
package calendar
