package calendar_test

import (
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine/calendar"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in    string
		want  calendar.Duration
		canon string // String() of the result
	}{
		{"P14D", calendar.Duration{Days: 14}, "P14D"},
		{"P1M", calendar.Duration{Months: 1}, "P1M"},
		{"P2W", calendar.Duration{Weeks: 2}, "P2W"},
		{"PT1H", calendar.Duration{Hours: 1}, "PT1H"},
		{"PT1M", calendar.Duration{Minutes: 1}, "PT1M"},
		{"P1MT1M", calendar.Duration{Months: 1, Minutes: 1}, "P1MT1M"},
		{"P1Y2M10DT2H30M", calendar.Duration{Years: 1, Months: 2, Days: 10, Hours: 2, Minutes: 30}, "P1Y2M10DT2H30M"},
		{"P1Y2M3W4DT5H6M7S", calendar.Duration{Years: 1, Months: 2, Weeks: 3, Days: 4, Hours: 5, Minutes: 6, Seconds: 7}, "P1Y2M3W4DT5H6M7S"},
		{"PT1.5S", calendar.Duration{Seconds: 1, Nanoseconds: 500_000_000}, "PT1.5S"},
		{"PT0,25S", calendar.Duration{Nanoseconds: 250_000_000}, "PT0.25S"},
		{"PT0.000000001S", calendar.Duration{Nanoseconds: 1}, "PT0.000000001S"},
		{"PT2.500S", calendar.Duration{Seconds: 2, Nanoseconds: 500_000_000}, "PT2.5S"},
		{"PT36H", calendar.Duration{Hours: 36}, "PT36H"},
		{"P001D", calendar.Duration{Days: 1}, "P1D"},
		{"P0D", calendar.Duration{}, "PT0S"},
		{"PT0S", calendar.Duration{}, "PT0S"},
		{"PT0.0S", calendar.Duration{}, "PT0S"},
		{"P1000000D", calendar.Duration{Days: calendar.MaxDurationPart}, "P1000000D"},
		{"P0001000000Y", calendar.Duration{Years: calendar.MaxDurationPart}, "P1000000Y"},
	}
	for _, tt := range tests {
		got, err := calendar.ParseDuration(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			continue
		}
		if s := got.String(); s != tt.canon {
			t.Errorf("ParseDuration(%q).String() = %q, want %q", tt.in, s, tt.canon)
		}
	}
}

func TestParseDurationErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{"", "empty"},
		{"P", "no parts after P"},
		{"PT", "no parts after T"},
		{"P1DT", "no parts after T"},
		{"14D", "must start with P"},
		{"p1d", "must start with P"},
		{"P1d", "unknown designator"},
		{"-P1D", "signed"},
		{"+P1D", "signed"},
		{"P-1D", "want a number"},
		{"P1D2D", "repeated or out of order"},
		{"P1D1Y", "repeated or out of order"},
		{"PT1H1H", "repeated or out of order"},
		{"PT1S1M", "repeated or out of order"},
		{"P1H", "H must follow T"},
		{"P1S", "S must follow T"},
		{"PT1D", "unknown designator"},
		{"PT1Y", "unknown designator"},
		{"P1X", "unknown designator"},
		{"P1.5D", "only seconds may have a fraction"},
		{"PT1.5M", "only seconds may have a fraction"},
		{"PT1.S", "no digits after the decimal sign"},
		{"PT.5S", "want a number"},
		{"PT1.1234567891S", "more than 9 decimals"},
		{"P1", "has no designator"},
		{"PD", "want a number"},
		{"P1DT1HT1M", "T given twice"},
		{"P 1D", "want a number"},
		{"P1D ", "want a number"},
		{"P1000001D", "exceeds 1000000"},
		{"P99999999999999999999999D", "exceeds 1000000"},
		{"PT1e3S", "unknown designator"},
	}
	for _, tt := range tests {
		d, err := calendar.ParseDuration(tt.in)
		if err == nil {
			t.Errorf("ParseDuration(%q) = %+v, want an error", tt.in, d)
			continue
		}
		if !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), "invalid duration") {
			t.Errorf("ParseDuration(%q) error %q does not say %q", tt.in, err, tt.msg)
		}
	}
}

// at returns the wall-clock time in Europe/Warsaw.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Warsaw())
	if err != nil {
		panic(err)
	}
	return t
}

func mustDuration(s string) calendar.Duration {
	d, err := calendar.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestAddTo(t *testing.T) {
	tests := []struct {
		from, dur string
		want      time.Time
	}{
		{"2025-01-31 12:00", "P1M", at("2025-02-28 12:00")},
		{"2024-01-31 12:00", "P1M", at("2024-02-29 12:00")},
		{"2024-02-29 08:00", "P1Y", at("2025-02-28 08:00")},
		{"2025-12-23 10:00", "P1D", at("2025-12-24 10:00")}, // no holiday rules here
		{"2025-04-07 09:00", "P2W", at("2025-04-21 09:00")},
		{"2024-01-01 00:00", "P1Y2M10DT2H30M", at("2025-03-11 02:30")},
		{"2025-03-29 12:00", "P1D", at("2025-03-30 12:00")},   // 23 hours: summer time begins
		{"2025-03-29 12:00", "PT24H", at("2025-03-30 13:00")}, // 24 hours
		{"2025-10-25 12:00", "P1D", at("2025-10-26 12:00")},   // 25 hours: summer time ends
		{"2025-10-25 12:00", "PT24H", at("2025-10-26 11:00")},
		{"2025-12-31 23:30", "PT1H", at("2026-01-01 00:30")},
		{"2025-06-01 10:00", "PT1.5S", at("2025-06-01 10:00").Add(1500 * time.Millisecond)},
		{"2025-06-01 10:00", "PT0S", at("2025-06-01 10:00")},
	}
	for _, tt := range tests {
		got := mustDuration(tt.dur).AddTo(at(tt.from))
		if !got.Equal(tt.want) || got.Location() != calendar.Warsaw() {
			t.Errorf("%s + %s = %v, want %v", tt.from, tt.dur, got, tt.want)
		}
	}
	// An instant in the hour repeated when summer time ends: a pure time
	// part is elapsed time and must not jump to the other 02:30.
	first := time.Date(2025, 10, 26, 0, 30, 0, 0, time.UTC) // 02:30 CEST
	if got := mustDuration("PT1H").AddTo(first); !got.Equal(first.Add(time.Hour)) {
		t.Errorf("PT1H after %v = %v", first, got)
	}
	// A time in another zone is read in Europe/Warsaw.
	utc := time.Date(2025, 1, 30, 23, 30, 0, 0, time.UTC) // 2025-01-31 00:30 CET
	if got := mustDuration("P1M").AddTo(utc); !got.Equal(at("2025-02-28 00:30")) {
		t.Errorf("P1M after %v = %v", utc, got)
	}
}

func TestAddKPA(t *testing.T) {
	cal := calendar.Polish()
	tests := []struct {
		from, dur string
		want      time.Time
		why       string
	}{
		{"2025-12-23 10:00", "P1D", at("2025-12-29 10:00"), "1 working day over Christmas 2025"},
		{"2024-12-23 10:00", "P1D", at("2024-12-24 10:00"), "24 Dec 2024 is a working day"},
		{"2025-04-17 09:00", "P5D", at("2025-04-25 09:00"), "5 working days over Easter"},
		{"2025-12-10 12:00", "P14D", at("2026-01-05 12:00"), "14 working days, not calendar days"},
		{"2025-10-01 08:00", "P1M", at("2025-11-03 08:00"), "1 Nov Saturday holiday, then Sunday"},
		{"2025-01-31 08:00", "P1M", at("2025-02-28 08:00"), "month clamp"},
		{"2025-04-07 09:00", "P2W", at("2025-04-22 09:00"), "Easter Monday, moved to Tuesday"},
		{"2024-02-29 10:00", "P1Y", at("2025-02-28 10:00"), "a year from 29 February"},
		{"2024-11-03 10:00", "P1Y", at("2025-11-03 10:00"), "a Monday"},
		{"2024-11-01 10:00", "P1Y", at("2025-11-03 10:00"), "1 Nov 2025 is a Saturday holiday"},
		{"2025-09-30 10:00", "P1M2D", at("2025-11-03 10:00"), "month to 30 Oct, then 2 working days"},
		{"2025-12-23 16:00", "P1DT2H", at("2025-12-29 18:00"), "time part added after the date"},
		{"2025-12-24 23:00", "PT2H", at("2025-12-25 01:00"), "time alone is plain, even into a holiday"},
		{"2025-03-28 12:00", "P1D", at("2025-03-31 12:00"), "same wall-clock time across summer time"},
	}
	for _, tt := range tests {
		got := cal.AddKPA(at(tt.from), mustDuration(tt.dur))
		if !got.Equal(tt.want) || got.Location() != calendar.Warsaw() {
			t.Errorf("AddKPA(%s, %s) = %v, want %v (%s)", tt.from, tt.dur, got, tt.want, tt.why)
		}
	}
	// 23:30 UTC on 23 December is 00:30 on Christmas Eve in Warsaw.
	utc := time.Date(2025, 12, 23, 23, 30, 0, 0, time.UTC)
	if got := cal.AddKPA(utc, mustDuration("P1D")); !got.Equal(at("2025-12-29 00:30")) {
		t.Errorf("AddKPA(%v, P1D) = %v, want 2025-12-29 00:30 CET", utc, got)
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{
		"P14D", "P1M", "P2W", "PT1H", "P1Y2M10DT2H30M", "PT1.5S", "PT0,25S", "P0D",
		"PT0S", "P1Y2M3W4DT5H6M7.123456789S", "P1000000D", "P", "PT", "-P1D", "P1D2D",
		"PT1.1234567891S", "P1.5D", "P99999999999999999999D", "P1DT", "\xffP1D",
	} {
		f.Add(s)
	}
	base := time.Date(2025, 12, 23, 10, 0, 0, 0, calendar.Warsaw())
	f.Fuzz(func(t *testing.T, s string) {
		d, err := calendar.ParseDuration(s)
		if err != nil {
			if !d.IsZero() {
				t.Fatalf("ParseDuration(%q) returned %+v with error %v", s, d, err)
			}
			return
		}
		for _, n := range []int{d.Years, d.Months, d.Weeks, d.Days, d.Hours, d.Minutes, d.Seconds} {
			if n < 0 || n > calendar.MaxDurationPart {
				t.Fatalf("ParseDuration(%q) = %+v: part out of range", s, d)
			}
		}
		if d.Nanoseconds < 0 || d.Nanoseconds >= 1e9 {
			t.Fatalf("ParseDuration(%q) = %+v: nanoseconds out of range", s, d)
		}
		canon := d.String()
		d2, err := calendar.ParseDuration(canon)
		if err != nil || d2 != d {
			t.Fatalf("ParseDuration(%q) = %+v; String %q parses as %+v, %v", s, d, canon, d2, err)
		}
		if d2.String() != canon {
			t.Fatalf("String not stable: %q then %q", canon, d2.String())
		}
		if got := d.AddTo(base); got.Before(base) {
			t.Fatalf("%q added to %v goes back to %v", s, base, got)
		}
		if d.Days <= 10_000 { // keep the fuzzer fast; big counts are tested elsewhere
			if got := calendar.Polish().AddKPA(base, d); got.Before(base) {
				t.Fatalf("AddKPA(%v, %q) goes back to %v", base, s, got)
			}
		}
	})
}

func TestAddKPALargest(t *testing.T) {
	// The largest day count ParseDuration allows must finish quickly.
	d := calendar.Duration{Days: calendar.MaxDurationPart}
	start := time.Now()
	got := calendar.Polish().AddKPA(at("2025-01-01 00:00"), d)
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("AddKPA(P%dD) took %v", calendar.MaxDurationPart, el)
	}
	if got.Year() < 5000 {
		t.Errorf("AddKPA(P%dD) = %v, too early", calendar.MaxDurationPart, got)
	}
}
