package calendar

import (
	"cmp"
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Warsaw must load on hosts without a zoneinfo database
)

// warsaw is the zone of Polish legal time. With time/tzdata imported the load
// cannot fail: the embedded database is the fallback.
var warsaw = mustLoad("Europe/Warsaw")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("calendar: load " + name + ": " + err.Error())
	}
	return loc
}

// Warsaw returns the Europe/Warsaw location, the zone of every legal date.
func Warsaw() *time.Location { return warsaw }

// Date is a civil date: a day of the calendar with no time of day and no time
// zone. The zero Date is not a valid date; see [Date.IsZero].
//
// Dates are comparable with ==; use [Date.Compare], [Date.Before] and
// [Date.After] to order them. Methods other than IsValid and IsZero assume a
// valid date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d, normalised the way time.Date normalises
// (so NewDate(2025, 1, 32) is 2025-02-01).
func NewDate(y int, m time.Month, d int) Date {
	return fromTime(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the date of the instant t in Europe/Warsaw, whatever t's own
// location. 2025-12-23T23:30:00Z is 2025-12-24 in Poland.
func DateOf(t time.Time) Date {
	return fromTime(t.In(warsaw))
}

func fromTime(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses a date in the form YYYY-MM-DD (four-digit year, two-digit
// month and day), rejecting anything else and days that do not exist.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("calendar: invalid date %q: want YYYY-MM-DD", s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("calendar: invalid date %q: want YYYY-MM-DD", s)
	}
	date := Date{Year: y, Month: time.Month(m), Day: d}
	if y == 0 || !date.IsValid() {
		return Date{}, fmt.Errorf("calendar: invalid date %q: no such day", s)
	}
	return date, nil
}

// digits parses s as an unsigned decimal made of ASCII digits only.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	if d.Year >= 0 && d.Year <= 9999 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	return fmt.Sprintf("%d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsValid reports whether d names a day that exists in the proleptic
// Gregorian calendar.
func (d Date) IsValid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// IsZero reports whether d is the zero Date (no date at all).
func (d Date) IsZero() bool { return d == Date{} }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekday(d.days()) }

// AddDays returns the date n days after d (before d if n < 0).
func (d Date) AddDays(n int) Date {
	if !d.IsValid() {
		return NewDate(d.Year, d.Month, d.Day+n)
	}
	return civil(d.days() + n)
}

// AddMonths returns the date n months after d (before d if n < 0) with the
// same day number, or the last day of the target month when that month is
// too short: 2025-01-31 plus one month is 2025-02-28, 2024-01-31 plus one
// month is 2024-02-29. This is the rule of KPA art. 57 §3 and Ordynacja
// podatkowa art. 12 §3. A period in years (KPA art. 57 §3a, OP art. 12 §4)
// ends, when its day is missing, on the day before: for 29 February that is
// 28 February, which AddMonths(12*n) gives too.
func (d Date) AddMonths(n int) Date {
	m0 := int(d.Month) - 1 + n
	y := d.Year + floorDiv(m0, 12)
	m := time.Month(m0-floorDiv(m0, 12)*12) + 1
	return Date{Year: y, Month: m, Day: min(d.Day, daysIn(y, m))}
}

// Compare returns -1 if d is before e, 0 if they are the same day and +1 if d
// is after e.
func (d Date) Compare(e Date) int {
	if c := cmp.Compare(d.Year, e.Year); c != 0 {
		return c
	}
	if c := cmp.Compare(d.Month, e.Month); c != 0 {
		return c
	}
	return cmp.Compare(d.Day, e.Day)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Start returns the first instant of d in Europe/Warsaw (midnight). A period
// that ends on d ends with the day, that is at d.AddDays(1).Start().
func (d Date) Start() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, warsaw)
}

// MarshalText implements encoding.TextMarshaler (YYYY-MM-DD). The zero Date
// marshals as the empty string; other invalid dates are an error.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	if !d.IsValid() {
		return nil, errors.New("calendar: marshal invalid date " + d.String())
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; the empty string gives
// the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// days returns the number of days from 1970-01-01 to d, by H. Hinnant's
// days_from_civil for the proleptic Gregorian calendar. Calendar arithmetic
// is done on day numbers: it is exact and cheaper than going through
// time.Time, which matters when counting a timer of many working days.
func (d Date) days() int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400                      // year of era, 0..399
	doy := (153*((m+9)%12)+2)/5 + d.Day - 1 // day of the year from 1 March, 0..365
	doe := yoe*365 + yoe/4 - yoe/100 + doy  // day of era, 0..146096
	return era*146097 + doe - 719468
}

// civil is the inverse of Date.days (Hinnant's civil_from_days).
func civil(n int) Date {
	n += 719468
	era := floorDiv(n, 146097)
	doe := n - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153 // month from March, 0..11
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return Date{Year: y, Month: time.Month(m), Day: day}
}

// weekday returns the day of the week of day number n (1970-01-01 was a
// Thursday).
func weekday(n int) time.Weekday {
	return time.Weekday(n + 4 - floorDiv(n+4, 7)*7)
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
