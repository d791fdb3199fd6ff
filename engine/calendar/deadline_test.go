package calendar_test

import (
	"testing"
	"time"

	"obieg.dev/obieg/engine/calendar"
)

func TestDeadlineDays(t *testing.T) {
	cal := calendar.Polish()
	tests := []struct {
		event string
		n     int
		want  string
		why   string
	}{
		{"2025-12-10", 14, "2025-12-29", "24 Dec (Wed) holiday, 25-26 holidays, 27 Sat, 28 Sun"},
		{"2024-12-10", 14, "2024-12-24", "24 Dec 2024 is a working Tuesday"},
		{"2025-03-08", 14, "2025-03-24", "ends on Saturday 22 March, moves to Monday"},
		{"2025-03-15", 7, "2025-03-24", "ends on Saturday 22 March, moves to Monday"},
		{"2025-04-06", 14, "2025-04-22", "Easter Sunday and Monday"},
		{"2025-10-18", 14, "2025-11-03", "1 Nov is a Saturday and a holiday, then Sunday"},
		{"2025-12-17", 14, "2025-12-31", "New Year's Eve is a working day"},
		{"2025-12-18", 14, "2026-01-02", "1 January"},
		{"2025-12-23", 14, "2026-01-07", "6 January 2026 is a Tuesday"},
		{"2026-05-21", 14, "2026-06-05", "Corpus Christi 4 June 2026"},
		{"2025-01-15", 30, "2025-02-14", "plain Friday"},
		{"2025-12-25", 7, "2026-01-02", "event on a holiday still starts the period"},
		{"2025-12-22", 1, "2025-12-23", "one day"},
	}
	for _, tt := range tests {
		if got := cal.DeadlineDays(day(tt.event), tt.n); got != day(tt.want) {
			t.Errorf("DeadlineDays(%s, %d) = %v, want %s (%s)", tt.event, tt.n, got, tt.want, tt.why)
		}
	}
}

func TestDeadlineWeeks(t *testing.T) {
	cal := calendar.Polish()
	tests := []struct {
		event string
		n     int
		want  string
	}{
		{"2025-03-05", 1, "2025-03-12"}, // Wednesday to Wednesday
		{"2025-04-14", 1, "2025-04-22"}, // Easter Monday, moved to Tuesday
		{"2025-04-07", 2, "2025-04-22"},
		{"2025-12-10", 2, "2025-12-29"},
		{"2025-03-01", 1, "2025-03-10"}, // Saturday to Saturday, moved to Monday
	}
	for _, tt := range tests {
		if got := cal.DeadlineWeeks(day(tt.event), tt.n); got != day(tt.want) {
			t.Errorf("DeadlineWeeks(%s, %d) = %v, want %s", tt.event, tt.n, got, tt.want)
		}
	}
}

func TestDeadlineMonths(t *testing.T) {
	cal := calendar.Polish()
	tests := []struct {
		event string
		n     int
		want  string
	}{
		{"2025-01-31", 1, "2025-02-28"},  // clamp; a Friday
		{"2024-01-31", 1, "2024-02-29"},  // clamp in a leap year; a Thursday
		{"2025-03-31", 1, "2025-04-30"},  // clamp; Wednesday
		{"2025-05-31", 1, "2025-06-30"},  // Monday
		{"2025-10-01", 1, "2025-11-03"},  // 1 Nov Saturday holiday, Sunday
		{"2025-04-03", 1, "2025-05-05"},  // 3 May Saturday holiday, Sunday
		{"2025-11-24", 1, "2025-12-29"},  // Christmas Eve 2025
		{"2024-11-24", 1, "2024-12-24"},  // Christmas Eve 2024 is a working day
		{"2024-02-29", 12, "2025-02-28"}, // one year from 29 February (art. 57 §3a)
		{"2025-08-30", 6, "2026-03-02"},  // clamp to Saturday 28 Feb 2026, moved to Monday
	}
	for _, tt := range tests {
		if got := cal.DeadlineMonths(day(tt.event), tt.n); got != day(tt.want) {
			t.Errorf("DeadlineMonths(%s, %d) = %v, want %s", tt.event, tt.n, got, tt.want)
		}
	}
}

func TestMoveOffHoliday(t *testing.T) {
	cal := calendar.Polish()
	for from, want := range map[string]string{
		"2025-12-23": "2025-12-23",
		"2025-12-24": "2025-12-29",
		"2025-05-03": "2025-05-05",
		"2025-03-22": "2025-03-24",
		"2025-03-23": "2025-03-24",
		"2026-01-06": "2026-01-07",
		"2024-12-24": "2024-12-24",
	} {
		if got := cal.MoveOffHoliday(day(from)); got != day(want) {
			t.Errorf("MoveOffHoliday(%s) = %v, want %s", from, got, want)
		}
		if got := cal.NextWorkingDay(day(from)); got != day(want) {
			t.Errorf("NextWorkingDay(%s) = %v, want %s", from, got, want)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	cal := calendar.Polish()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2025-04-17", 1, "2025-04-18"}, // Good Friday works
		{"2025-04-17", 2, "2025-04-22"}, // over Easter
		{"2025-04-17", 5, "2025-04-25"},
		{"2026-04-02", 2, "2026-04-07"}, // over Easter 2026
		{"2025-12-23", 1, "2025-12-29"},
		{"2024-12-23", 1, "2024-12-24"},
		{"2025-12-24", 1, "2025-12-29"}, // from a holiday
		{"2025-12-10", 14, "2026-01-05"},
		{"2025-01-01", 250, "2025-12-30"},
		{"2024-12-31", 251, "2025-12-31"}, // 2025 has 251 working days
		{"2025-12-24", 0, "2025-12-24"},   // zero: unchanged, even on a holiday
		{"2025-04-22", -1, "2025-04-18"},
		{"2025-12-29", -1, "2025-12-23"},
		{"2025-12-31", -251, "2024-12-31"},
	}
	for _, tt := range tests {
		if got := cal.AddWorkingDays(day(tt.from), tt.n); got != day(tt.want) {
			t.Errorf("AddWorkingDays(%s, %d) = %v, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

// TestDeadlineProperties checks, for every day of 2024–2027 as the start,
// that working-day counts and KPA periods end on working days and are the
// earliest such days.
func TestDeadlineProperties(t *testing.T) {
	cal := calendar.Polish()
	working := func(d calendar.Date) bool {
		wd := d.Weekday()
		return wd != time.Saturday && wd != time.Sunday && !cal.IsHoliday(d)
	}
	for d := day("2024-01-01"); d.Before(day("2028-01-01")); d = d.AddDays(1) {
		for n := 1; n <= 25; n++ {
			got := cal.AddWorkingDays(d, n)
			if !working(got) {
				t.Fatalf("AddWorkingDays(%v, %d) = %v, not a working day", d, n, got)
			}
			count := 0
			for x := d.AddDays(1); !x.After(got); x = x.AddDays(1) {
				if working(x) {
					count++
				}
			}
			if count != n {
				t.Fatalf("AddWorkingDays(%v, %d) = %v, which is %d working days later", d, n, got, count)
			}
			if working(d) && cal.AddWorkingDays(got, -n) != d {
				t.Fatalf("AddWorkingDays(%v, %d) does not undo AddWorkingDays(%v, %d)", got, -n, d, n)
			}
		}
		for _, n := range []int{1, 3, 7, 14, 21, 30, 60} {
			checkEnd(t, "DeadlineDays", d, n, d.AddDays(n), cal.DeadlineDays(d, n), working)
		}
		for _, n := range []int{1, 2, 4} {
			checkEnd(t, "DeadlineWeeks", d, n, d.AddDays(7*n), cal.DeadlineWeeks(d, n), working)
		}
		for _, n := range []int{1, 2, 3, 6, 12} {
			checkEnd(t, "DeadlineMonths", d, n, d.AddMonths(n), cal.DeadlineMonths(d, n), working)
		}
	}
}

// checkEnd checks that got is the first working day on or after plain.
func checkEnd(t *testing.T, fn string, d calendar.Date, n int, plain, got calendar.Date, working func(calendar.Date) bool) {
	t.Helper()
	if !working(got) {
		t.Fatalf("%s(%v, %d) = %v (%v), which is a Saturday, Sunday or holiday", fn, d, n, got, got.Weekday())
	}
	if got.Before(plain) {
		t.Fatalf("%s(%v, %d) = %v, before %v", fn, d, n, got, plain)
	}
	for x := plain; x.Before(got); x = x.AddDays(1) {
		if working(x) {
			t.Fatalf("%s(%v, %d) = %v, but %v is a working day", fn, d, n, got, x)
		}
	}
}
