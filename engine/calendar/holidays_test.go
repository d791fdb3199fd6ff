package calendar_test

import (
	"slices"
	"testing"
	"time"

	"obieg.dev/obieg/engine/calendar"
)

func TestEaster(t *testing.T) {
	for year, want := range map[int]string{
		1943: "1943-04-25", // latest possible
		2000: "2000-04-23",
		2008: "2008-03-23",
		2019: "2019-04-21",
		2024: "2024-03-31",
		2025: "2025-04-20",
		2026: "2026-04-05",
		2027: "2027-03-28",
		2030: "2030-04-21",
		2038: "2038-04-25",
		2285: "2285-03-22", // earliest possible
	} {
		if got := calendar.Easter(year); got != day(want) {
			t.Errorf("Easter(%d) = %v, want %s", year, got, want)
		}
	}
	for y := 1583; y <= 4099; y++ {
		e := calendar.Easter(y)
		if e.Weekday() != time.Sunday || e.Before(calendar.NewDate(y, 3, 22)) || e.After(calendar.NewDate(y, 4, 25)) {
			t.Fatalf("Easter(%d) = %v, not a Sunday from 22 March to 25 April", y, e)
		}
	}
}

// polishHolidays lists the holidays of a year as "date name" for the tables.
func polishHolidays(year int) []string {
	var out []string
	for _, h := range calendar.Polish().Holidays(year) {
		out = append(out, h.Date.String()+" "+h.Name)
	}
	return out
}

func TestHolidays(t *testing.T) {
	tests := map[int][]string{
		2024: {
			"2024-01-01 Nowy Rok",
			"2024-01-06 Święto Trzech Króli",
			"2024-03-31 pierwszy dzień Wielkiej Nocy",
			"2024-04-01 drugi dzień Wielkiej Nocy",
			"2024-05-01 Święto Państwowe",
			"2024-05-03 Święto Narodowe Trzeciego Maja",
			"2024-05-19 pierwszy dzień Zielonych Świątek",
			"2024-05-30 dzień Bożego Ciała",
			"2024-08-15 Wniebowzięcie Najświętszej Maryi Panny",
			"2024-11-01 Wszystkich Świętych",
			"2024-11-11 Narodowe Święto Niepodległości",
			"2024-12-25 pierwszy dzień Bożego Narodzenia",
			"2024-12-26 drugi dzień Bożego Narodzenia",
		},
		2025: {
			"2025-01-01 Nowy Rok",
			"2025-01-06 Święto Trzech Króli",
			"2025-04-20 pierwszy dzień Wielkiej Nocy",
			"2025-04-21 drugi dzień Wielkiej Nocy",
			"2025-05-01 Święto Państwowe",
			"2025-05-03 Święto Narodowe Trzeciego Maja",
			"2025-06-08 pierwszy dzień Zielonych Świątek",
			"2025-06-19 dzień Bożego Ciała",
			"2025-08-15 Wniebowzięcie Najświętszej Maryi Panny",
			"2025-11-01 Wszystkich Świętych",
			"2025-11-11 Narodowe Święto Niepodległości",
			"2025-12-24 Wigilia Bożego Narodzenia",
			"2025-12-25 pierwszy dzień Bożego Narodzenia",
			"2025-12-26 drugi dzień Bożego Narodzenia",
		},
		2026: {
			"2026-01-01 Nowy Rok",
			"2026-01-06 Święto Trzech Króli",
			"2026-04-05 pierwszy dzień Wielkiej Nocy",
			"2026-04-06 drugi dzień Wielkiej Nocy",
			"2026-05-01 Święto Państwowe",
			"2026-05-03 Święto Narodowe Trzeciego Maja",
			"2026-05-24 pierwszy dzień Zielonych Świątek",
			"2026-06-04 dzień Bożego Ciała",
			"2026-08-15 Wniebowzięcie Najświętszej Maryi Panny",
			"2026-11-01 Wszystkich Świętych",
			"2026-11-11 Narodowe Święto Niepodległości",
			"2026-12-24 Wigilia Bożego Narodzenia",
			"2026-12-25 pierwszy dzień Bożego Narodzenia",
			"2026-12-26 drugi dzień Bożego Narodzenia",
		},
	}
	for year, want := range tests {
		if got := polishHolidays(year); !slices.Equal(got, want) {
			t.Errorf("Holidays(%d) =\n%q\nwant\n%q", year, got, want)
		}
	}
	// 6 January only since 2011.
	if got := polishHolidays(2010); len(got) != 12 || slices.Contains(got, "2010-01-06 Święto Trzech Króli") {
		t.Errorf("Holidays(2010) = %q, want 12 without 6 January", got)
	}
}

func TestIsHoliday(t *testing.T) {
	cal := calendar.Polish()
	tests := []struct {
		date             string
		holiday, working bool
	}{
		{"2024-12-24", false, true}, // Tuesday; Christmas Eve became a holiday only in 2025
		{"2025-12-24", true, false}, // Wednesday
		{"2026-12-24", true, false},
		{"2010-01-06", false, true}, // Wednesday, before the 2011 restoration
		{"2011-01-06", true, false},
		{"2025-03-01", false, false}, // Saturday: not a holiday, not a working day either
		{"2025-03-02", true, false},  // Sunday
		{"2025-03-03", false, true},  // Monday
		{"2025-04-18", false, true},  // Good Friday is a working day
		{"2025-04-21", true, false},  // Easter Monday
		{"2026-06-04", true, false},  // Corpus Christi, Thursday
		{"2026-06-05", false, true},
		{"2025-12-31", false, true}, // New Year's Eve is a working day
		{"2025-11-01", true, false}, // All Saints' on a Saturday: still a holiday
	}
	for _, tt := range tests {
		d := day(tt.date)
		if got := cal.IsHoliday(d); got != tt.holiday {
			t.Errorf("IsHoliday(%s) = %v, want %v", tt.date, got, tt.holiday)
		}
		if got := cal.IsWorkingDay(d); got != tt.working {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.working)
		}
	}
}

// TestIsHolidayMatchesHolidays checks that IsHoliday agrees, day by day, with
// Sundays plus the list of Holidays.
func TestIsHolidayMatchesHolidays(t *testing.T) {
	cal := calendar.Polish()
	for year := 1990; year <= 2060; year++ {
		named := map[calendar.Date]bool{}
		for _, h := range cal.Holidays(year) {
			named[h.Date] = true
		}
		for d := calendar.NewDate(year, 1, 1); d.Year == year; d = d.AddDays(1) {
			want := d.Weekday() == time.Sunday || named[d]
			if got := cal.IsHoliday(d); got != want {
				t.Fatalf("IsHoliday(%v) = %v, want %v", d, got, want)
			}
		}
	}
}

func TestNew(t *testing.T) {
	bad := []calendar.HolidayRule{
		{Month: time.May, Day: 1},
		{Name: "x", Month: time.February, Day: 30},
		{Name: "x", Month: 13, Day: 1},
		{Name: "x", Day: 1},
		{Name: "x", Month: time.May, Day: 1, FirstYear: 2025, LastYear: 2024},
		{Name: "x", Movable: true, EasterOffset: 300},
		{Name: "x", Movable: true, EasterOffset: -81},
	}
	for _, r := range bad {
		if _, err := calendar.New([]calendar.HolidayRule{r}); err == nil {
			t.Errorf("New(%+v) succeeded", r)
		}
	}

	// A calendar with Good Friday, valid 2030–2031 only, and 29 February.
	rules := append(calendar.Polish().Rules(),
		calendar.HolidayRule{Name: "Wielki Piątek", Movable: true, EasterOffset: -2, FirstYear: 2030, LastYear: 2031},
		calendar.HolidayRule{Name: "dzień przestępny", Month: time.February, Day: 29},
	)
	cal, err := calendar.New(rules)
	if err != nil {
		t.Fatal(err)
	}
	rules[0].Name = "changed" // New copies its input
	for date, want := range map[string]bool{
		"2029-03-30": false, // Good Friday before the rule
		"2030-04-19": true,
		"2031-04-11": true,
		"2032-03-26": false,
		"2028-02-29": true,
		"2025-01-01": true, // the statutory table is kept
	} {
		if got := cal.IsHoliday(day(date)); got != want {
			t.Errorf("custom IsHoliday(%s) = %v, want %v", date, got, want)
		}
	}
	if n := len(cal.Holidays(2027)); n != 14 {
		t.Errorf("custom Holidays(2027) has %d days, want 14 (no 29 February)", n)
	}
	if got := cal.Holidays(2025)[0].Name; got != "Nowy Rok" {
		t.Errorf("first holiday is %q: New did not copy the rules", got)
	}

	// Rules returns a copy.
	r := calendar.Polish().Rules()
	r[0].Month = time.March
	if !calendar.Polish().IsHoliday(day("2025-01-01")) {
		t.Error("Rules let the caller change the statutory calendar")
	}

	// Without rules only Sundays are holidays.
	sundays, err := calendar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if sundays.IsHoliday(day("2025-12-25")) || !sundays.IsHoliday(day("2025-12-28")) || len(sundays.Holidays(2025)) != 0 {
		t.Error("empty calendar is wrong")
	}
}
