package calendar

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// HolidayRule is one row of a holiday table: a day free from work, fixed
// (Month and Day) or movable (a number of days after Easter Sunday), in force
// from FirstYear to LastYear inclusive.
type HolidayRule struct {
	Name string // Polish name, as in the statute

	// A fixed holiday falls on Day of Month every year.
	Month time.Month
	Day   int

	// A movable holiday (Movable true) falls EasterOffset days after Easter
	// Sunday (0 is Easter Sunday itself); Month and Day are then unused.
	Movable      bool
	EasterOffset int

	FirstYear int // first year the holiday applies; 0: since ever
	LastYear  int // last year the holiday applies; 0: still in force
}

// appliesIn reports whether r is in force in year y.
func (r HolidayRule) appliesIn(y int) bool {
	return (r.FirstYear == 0 || y >= r.FirstYear) && (r.LastYear == 0 || y <= r.LastYear)
}

// dateIn returns the day of r in year y; easter is Easter Sunday of y.
// ok is false when r is not in force in y or its day does not exist in y
// (a rule for 29 February in a common year).
func (r HolidayRule) dateIn(y int, easter Date) (d Date, ok bool) {
	if !r.appliesIn(y) {
		return Date{}, false
	}
	if r.Movable {
		return easter.AddDays(r.EasterOffset), true
	}
	d = Date{Year: y, Month: r.Month, Day: r.Day}
	return d, d.IsValid()
}

func (r HolidayRule) validate() error {
	switch {
	case r.Name == "":
		return errors.New("holiday rule without a name")
	case r.FirstYear != 0 && r.LastYear != 0 && r.LastYear < r.FirstYear:
		return fmt.Errorf("holiday %q: last year %d before first year %d", r.Name, r.LastYear, r.FirstYear)
	case r.Movable && (r.EasterOffset < -80 || r.EasterOffset > 250):
		// Easter falls between 22 March and 25 April: these bounds keep every
		// movable holiday inside Easter's own year, so IsHoliday need only
		// look at the Easter of the date's year.
		return fmt.Errorf("holiday %q: Easter offset %d out of range -80..250", r.Name, r.EasterOffset)
	case !r.Movable && (r.Month < time.January || r.Month > time.December ||
		r.Day < 1 || r.Day > daysIn(2000, r.Month)):
		return fmt.Errorf("holiday %q: no such day %d of month %d", r.Name, r.Day, int(r.Month))
	}
	return nil
}

// polishRules is the table of days free from work of art. 1 of the
// ustawa z dnia 18 stycznia 1951 r. o dniach wolnych od pracy, besides
// Sundays. 6 January was restored by the ustawa z 24 września 2010 r. from
// 2011; 24 December was added by the ustawa z 6 grudnia 2024 r. from 2025
// (in force since 1 February 2025, so from the Christmas Eve of 2025).
var polishRules = []HolidayRule{
	{Name: "Nowy Rok", Month: time.January, Day: 1},
	{Name: "Święto Trzech Króli", Month: time.January, Day: 6, FirstYear: 2011},
	{Name: "pierwszy dzień Wielkiej Nocy", Movable: true, EasterOffset: 0},
	{Name: "drugi dzień Wielkiej Nocy", Movable: true, EasterOffset: 1},
	{Name: "Święto Państwowe", Month: time.May, Day: 1},
	{Name: "Święto Narodowe Trzeciego Maja", Month: time.May, Day: 3},
	{Name: "pierwszy dzień Zielonych Świątek", Movable: true, EasterOffset: 49},
	{Name: "dzień Bożego Ciała", Movable: true, EasterOffset: 60},
	{Name: "Wniebowzięcie Najświętszej Maryi Panny", Month: time.August, Day: 15},
	{Name: "Wszystkich Świętych", Month: time.November, Day: 1},
	{Name: "Narodowe Święto Niepodległości", Month: time.November, Day: 11},
	{Name: "Wigilia Bożego Narodzenia", Month: time.December, Day: 24, FirstYear: 2025},
	{Name: "pierwszy dzień Bożego Narodzenia", Month: time.December, Day: 25},
	{Name: "drugi dzień Bożego Narodzenia", Month: time.December, Day: 26},
}

// Calendar answers which days are free from work. Sundays always are; the
// other holidays come from its table of rules. A Calendar is immutable and
// safe for concurrent use.
type Calendar struct {
	rules   []HolidayRule
	movable bool // some rule is movable: Easter is needed
}

// New returns a calendar with the given holiday rules (Sundays are holidays
// in every calendar). It rejects rules without a name, with an impossible
// day, a last year before the first, or an Easter offset that leaves the
// year. Start from Polish().Rules() to extend the statutory table.
func New(rules []HolidayRule) (*Calendar, error) {
	c := &Calendar{rules: slices.Clone(rules)}
	for _, r := range c.rules {
		if err := r.validate(); err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		c.movable = c.movable || r.Movable
	}
	return c, nil
}

var polish = func() *Calendar {
	c, err := New(polishRules)
	if err != nil {
		panic(err)
	}
	return c
}()

// Polish returns the statutory calendar of Poland: Sundays and the holidays
// of the ustawa z dnia 18 stycznia 1951 r. o dniach wolnych od pracy, each
// with the years it has been in force.
func Polish() *Calendar { return polish }

// Rules returns a copy of the calendar's holiday table.
func (c *Calendar) Rules() []HolidayRule { return slices.Clone(c.rules) }

// Holiday is a named day free from work in a given year.
type Holiday struct {
	Date Date
	Name string
}

// Holidays returns the named holidays of year in date order. Sundays, free
// from work by the same statute, are not listed unless a named holiday falls
// on one.
func (c *Calendar) Holidays(year int) []Holiday {
	easter := c.easter(year)
	var hs []Holiday
	for _, r := range c.rules {
		if d, ok := r.dateIn(year, easter); ok && d.Year == year {
			hs = append(hs, Holiday{Date: d, Name: r.Name})
		}
	}
	slices.SortStableFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return hs
}

// IsHoliday reports whether d is a day free from work by statute: a Sunday
// or a holiday of the calendar's table (ustawa o dniach wolnych od pracy,
// art. 1). Saturdays are not holidays; see [Calendar.IsWorkingDay].
func (c *Calendar) IsHoliday(d Date) bool {
	n := d.days()
	if weekday(n) == time.Sunday {
		return true
	}
	easter := 0
	if c.movable {
		easter = Easter(d.Year).days()
	}
	for _, r := range c.rules {
		switch {
		case !r.appliesIn(d.Year):
		case r.Movable && n-easter == r.EasterOffset:
			return true
		case !r.Movable && r.Month == d.Month && r.Day == d.Day:
			return true
		}
	}
	return false
}

// IsWorkingDay reports whether offices work on d: d is neither a Saturday
// nor a Sunday nor a holiday. It is also exactly the kind of day on which a
// period may end under KPA art. 57 §4 and Ordynacja podatkowa art. 12 §5.
func (c *Calendar) IsWorkingDay(d Date) bool {
	return d.Weekday() != time.Saturday && !c.IsHoliday(d)
}

func (c *Calendar) easter(year int) Date {
	if !c.movable {
		return Date{}
	}
	return Easter(year)
}

// Easter returns the date of Easter Sunday in the given year of the Gregorian
// calendar, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). It
// is meaningful for years from 1583, the first full Gregorian year.
func Easter(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	n := h + l - 7*m + 114
	return Date{Year: year, Month: time.Month(n / 31), Day: n%31 + 1}
}
