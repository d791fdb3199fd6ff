package calendar

// NextWorkingDay returns d itself if it is a working day, else the first
// working day after it (not a Saturday, Sunday or holiday).
func (c *Calendar) NextWorkingDay(d Date) Date {
	for !c.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// AddWorkingDays returns the n-th working day after d, stepping over
// Saturdays, Sundays and holidays; d itself is not counted, so the result of
// n > 0 is always a working day even when d is not. A negative n counts
// back to the |n|-th working day before d; n == 0 returns d unchanged.
//
// This is the rule for durations in working days (dni robocze) used by the
// workflow engine for timers with obieg:calendar="kpa"; it is not the rule
// for KPA periods in days, which count every calendar day (see
// [Calendar.DeadlineDays]).
func (c *Calendar) AddWorkingDays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// MoveOffHoliday applies KPA art. 57 §4 and Ordynacja podatkowa art. 12 §5:
// if the end of a period falls on a day free from work by statute or on a
// Saturday, the period ends on the next day that is neither a day free from
// work nor a Saturday. Any other day is returned unchanged.
//
// Since Sundays are days free from work, the result is the same as that of
// [Calendar.NextWorkingDay]; the separate name says which rule of law is
// applied.
func (c *Calendar) MoveOffHoliday(d Date) Date {
	return c.NextWorkingDay(d)
}

// DeadlineDays returns the last day of a period of n days that begins with
// an event (delivery of a decision, say) on the given date, under KPA
// art. 57 §1 and Ordynacja podatkowa art. 12 §1: the day of the event is not
// counted and the period ends with the end of its n-th day; that end is then
// moved off holidays and Saturdays (KPA art. 57 §4; OP art. 12 §5).
//
// A decision delivered on 2025-12-10 may be appealed within 14 days: the
// 14th day, 2025-12-24, is a holiday followed by two more, a Saturday and a
// Sunday, so the period ends on Monday 2025-12-29.
//
// n should be positive; other values give the event date moved by n days and
// then off holidays.
func (c *Calendar) DeadlineDays(event Date, n int) Date {
	return c.MoveOffHoliday(event.AddDays(n))
}

// DeadlineWeeks returns the last day of a period of n weeks from event,
// under KPA art. 57 §2 and Ordynacja podatkowa art. 12 §2: the period ends
// with the end of the day that is, by name, the same weekday as the event, n
// weeks on; then moved off holidays and Saturdays (KPA art. 57 §4; OP
// art. 12 §5).
func (c *Calendar) DeadlineWeeks(event Date, n int) Date {
	return c.MoveOffHoliday(event.AddDays(7 * n))
}

// DeadlineMonths returns the last day of a period of n months from event,
// under KPA art. 57 §3 and Ordynacja podatkowa art. 12 §3: the period ends
// with the end of the day of the last month whose number is that of the
// event's day, or with the last day of that month if it has no such day
// (2025-01-31 plus one month ends on 2025-02-28); then moved off holidays and
// Saturdays (KPA art. 57 §4; OP art. 12 §5).
//
// A period of n years (KPA art. 57 §3a; OP art. 12 §4) is a period of 12·n
// months: both rules give the same day, 29 February plus a year ending on
// 28 February.
func (c *Calendar) DeadlineMonths(event Date, n int) Date {
	return c.MoveOffHoliday(event.AddMonths(n))
}
