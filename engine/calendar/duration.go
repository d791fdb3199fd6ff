package calendar

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is an ISO 8601 duration such as P14D, P1M, P2W, PT1H or
// P1Y2M10DT2H30M, as written in BPMN timer definitions. Its parts are kept
// apart because a month or a day is not a fixed number of seconds: how long
// P1M is depends on where it starts, and under the KPA calendar a day may be
// a working day.
//
// [ParseDuration] returns only non-negative parts, each at most
// [MaxDurationPart], with Nanoseconds in 0..999 999 999.
type Duration struct {
	Years, Months, Weeks, Days int
	Hours, Minutes, Seconds    int
	Nanoseconds                int // fraction of a second, written as decimals of S
}

// MaxDurationPart is the largest number ParseDuration accepts in one part of
// a duration. It keeps every parsed duration within time.Duration and
// Date arithmetic, and the working-day count of a timer bounded.
const MaxDurationPart = 1_000_000

// ParseDuration parses an ISO 8601 duration: "P", then any of nY nM nW nD in
// that order, then optionally "T" and any of nH nM nS in that order, with at
// least one part in all and at least one after "T". Only the seconds may
// have a fraction (a '.' or ',' and at most 9 digits). Signs, lower-case
// letters, repeated or misplaced parts and numbers over MaxDurationPart are
// rejected.
func ParseDuration(s string) (Duration, error) {
	var d Duration
	fail := func(format string, args ...any) (Duration, error) {
		return Duration{}, fmt.Errorf("calendar: invalid duration %q: %s", s, fmt.Sprintf(format, args...))
	}
	switch {
	case s == "":
		return fail("empty")
	case s[0] == '-' || s[0] == '+':
		return fail("signed durations are not supported")
	case s[0] != 'P':
		return fail("must start with P")
	case len(s) == 1:
		return fail("no parts after P")
	}
	rest := s[1:]
	designators := "YMWD"
	next := 0 // index in designators of the first one still allowed
	inTime := false
	for rest != "" {
		if rest[0] == 'T' {
			if inTime {
				return fail("T given twice")
			}
			if rest = rest[1:]; rest == "" {
				return fail("no parts after T")
			}
			designators, next, inTime = "HMS", 0, true
			continue
		}
		i := 0
		for i < len(rest) && isDigit(rest[i]) {
			i++
		}
		if i == 0 {
			return fail("want a number at %q", rest)
		}
		whole, frac := rest[:i], ""
		if i < len(rest) && (rest[i] == '.' || rest[i] == ',') {
			j := i + 1
			for j < len(rest) && isDigit(rest[j]) {
				j++
			}
			if frac = rest[i+1 : j]; frac == "" {
				return fail("no digits after the decimal sign in %q", rest[:j])
			}
			i = j
		}
		if i == len(rest) {
			return fail("number %s has no designator", rest)
		}
		c := rest[i]
		rest = rest[i+1:]
		k := strings.IndexByte(designators, c)
		switch {
		case k < 0 && !inTime && (c == 'H' || c == 'S'):
			return fail("%c must follow T", c)
		case k < 0:
			return fail("unknown designator %q", string(c))
		case k < next:
			return fail("%c repeated or out of order (want Y M W D T H M S)", c)
		case frac != "" && !(inTime && c == 'S'):
			return fail("only seconds may have a fraction")
		case len(frac) > 9:
			return fail("more than 9 decimals of a second")
		}
		next = k + 1
		n, ok := boundedNumber(whole)
		if !ok {
			return fail("%s%c exceeds %d", whole, c, MaxDurationPart)
		}
		switch {
		case !inTime && c == 'Y':
			d.Years = n
		case !inTime && c == 'M':
			d.Months = n
		case !inTime && c == 'W':
			d.Weeks = n
		case !inTime:
			d.Days = n
		case c == 'H':
			d.Hours = n
		case c == 'M':
			d.Minutes = n
		default:
			d.Seconds = n
			d.Nanoseconds, _ = digits((frac + "000000000")[:9])
		}
	}
	return d, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// boundedNumber parses a string of digits (leading zeros allowed) no greater
// than MaxDurationPart.
func boundedNumber(s string) (int, bool) {
	s = strings.TrimLeft(s, "0")
	if len(s) > len(strconv.Itoa(MaxDurationPart)) {
		return 0, false
	}
	n, _ := digits(s) // "" (all zeros) gives 0
	return n, n <= MaxDurationPart
}

// String formats d in the canonical ISO 8601 form ParseDuration accepts:
// zero parts left out, the fraction of a second without trailing zeros, and
// "PT0S" for the zero duration. Negative parts, which ParseDuration never
// returns, are written with a minus sign it does not accept.
func (d Duration) String() string {
	var b strings.Builder
	b.WriteByte('P')
	part := func(n int, c byte) {
		if n != 0 {
			b.WriteString(strconv.Itoa(n))
			b.WriteByte(c)
		}
	}
	part(d.Years, 'Y')
	part(d.Months, 'M')
	part(d.Weeks, 'W')
	part(d.Days, 'D')
	if d.Hours != 0 || d.Minutes != 0 || d.Seconds != 0 || d.Nanoseconds != 0 {
		b.WriteByte('T')
		part(d.Hours, 'H')
		part(d.Minutes, 'M')
		if d.Nanoseconds != 0 {
			b.WriteString(strconv.Itoa(d.Seconds))
			b.WriteByte('.')
			b.WriteString(strings.TrimRight(fmt.Sprintf("%09d", d.Nanoseconds), "0"))
			b.WriteByte('S')
		} else {
			part(d.Seconds, 'S')
		}
	}
	if b.Len() == 1 {
		return "PT0S"
	}
	return b.String()
}

// IsZero reports whether every part of d is zero.
func (d Duration) IsZero() bool { return d == Duration{} }

func (d Duration) hasDatePart() bool {
	return d.Years != 0 || d.Months != 0 || d.Weeks != 0 || d.Days != 0
}

// clock returns the time part of d (hours, minutes, seconds) as elapsed time.
func (d Duration) clock() time.Duration {
	return time.Duration(d.Hours)*time.Hour + time.Duration(d.Minutes)*time.Minute +
		time.Duration(d.Seconds)*time.Second + time.Duration(d.Nanoseconds)
}

// AddTo returns t plus d by plain calendar arithmetic in Europe/Warsaw, in
// the manner of XML Schema's adding of durations to dateTimes:
//
//   - years and months move the date and keep its day number, pinned to the
//     last day of a shorter month (2025-01-31 plus P1M is 2025-02-28);
//   - weeks and days move the date by 7 and 1 calendar days;
//   - the date part keeps the wall-clock time of day, so P1D across a change
//     to or from summer time lasts 23 or 25 hours (a time of day that does
//     not exist on the new date is moved on by the gap, as time.Date does);
//   - hours, minutes and seconds are then added as elapsed time, so PT24H
//     always lasts 24 hours.
//
// The result is in Europe/Warsaw.
func (d Duration) AddTo(t time.Time) time.Time {
	t = t.In(warsaw)
	if d.hasDatePart() {
		date := DateOf(t).AddMonths(12*d.Years + d.Months).AddDays(7*d.Weeks + d.Days)
		t = onDate(date, t)
	}
	return t.Add(d.clock())
}

// AddKPA returns t plus d for a BPMN timer with obieg:calendar="kpa", in
// Europe/Warsaw:
//
//   - years, months and weeks are periods under KPA art. 57 §2–§3a
//     (Ordynacja podatkowa art. 12 §2–§4): the date moves as in
//     [Calendar.DeadlineMonths] and [Calendar.DeadlineWeeks];
//   - days are working days: P5D is 5 working days later, counted with
//     [Calendar.AddWorkingDays] from the date reached so far;
//   - if d has no days, the date reached is moved off holidays and Saturdays
//     under KPA art. 57 §4 and Ordynacja podatkowa art. 12 §5 (with days it
//     is a working day already);
//   - the time of day is kept, and the hours, minutes and seconds of d are
//     then added plainly as elapsed time, whatever day they reach.
//
// A duration with only a time part, such as PT2H, is plain elapsed time.
func (c *Calendar) AddKPA(t time.Time, d Duration) time.Time {
	t = t.In(warsaw)
	if d.hasDatePart() {
		date := DateOf(t).AddMonths(12*d.Years + d.Months).AddDays(7 * d.Weeks)
		if d.Days != 0 {
			date = c.AddWorkingDays(date, d.Days)
		} else {
			date = c.MoveOffHoliday(date)
		}
		t = onDate(date, t)
	}
	return t.Add(d.clock())
}

// onDate returns the instant of date at t's wall-clock time of day in
// Europe/Warsaw.
func onDate(date Date, t time.Time) time.Time {
	return time.Date(date.Year, date.Month, date.Day, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), warsaw)
}
