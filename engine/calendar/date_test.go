package calendar_test

import (
	"encoding/json"
	"testing"
	"time"

	"obieg.dev/obieg/engine/calendar"
)

// day parses a YYYY-MM-DD literal of a test table.
func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestParseDate(t *testing.T) {
	valid := map[string]calendar.Date{
		"2025-12-24": {Year: 2025, Month: time.December, Day: 24},
		"2024-02-29": {Year: 2024, Month: time.February, Day: 29},
		"2000-02-29": {Year: 2000, Month: time.February, Day: 29},
		"0001-01-01": {Year: 1, Month: time.January, Day: 1},
		"9999-12-31": {Year: 9999, Month: time.December, Day: 31},
	}
	for s, want := range valid {
		got, err := calendar.ParseDate(s)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
		if got.String() != s {
			t.Errorf("ParseDate(%q).String() = %q", s, got.String())
		}
	}
	for _, s := range []string{
		"", "2025-02-29", "1900-02-29", "2025-13-01", "2025-00-10", "2025-04-31",
		"2025-01-00", "0000-01-01", "2025-1-01", "2025/01/01", " 2025-01-01",
		"2025-01-01 ", "+025-01-01", "2025-01-1a", "20250101", "2025-01-01T00:00",
	} {
		if d, err := calendar.ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", s, d)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	tests := []struct {
		from   string
		days   int
		months int
		want   string
	}{
		{"2025-12-31", 1, 0, "2026-01-01"},
		{"2024-02-28", 1, 0, "2024-02-29"},
		{"2025-02-28", 1, 0, "2025-03-01"},
		{"2025-03-01", -1, 0, "2025-02-28"},
		{"2025-12-10", 14, 0, "2025-12-24"},
		{"2025-01-01", 365, 0, "2026-01-01"},
		{"2024-01-01", 366, 0, "2025-01-01"},
		{"2025-01-31", 0, 1, "2025-02-28"},
		{"2024-01-31", 0, 1, "2024-02-29"},
		{"2024-02-29", 0, 12, "2025-02-28"},
		{"2024-02-29", 0, 48, "2028-02-29"},
		{"2025-03-31", 0, 1, "2025-04-30"},
		{"2025-03-31", 0, -1, "2025-02-28"},
		{"2025-12-15", 0, 1, "2026-01-15"},
		{"2025-01-15", 0, -1, "2024-12-15"},
		{"2025-01-15", 0, -13, "2023-12-15"},
		{"2025-01-15", 0, 25, "2027-02-15"},
		{"2025-08-31", 0, 6, "2026-02-28"},
	}
	for _, tt := range tests {
		got := day(tt.from).AddDays(tt.days).AddMonths(tt.months)
		if got != day(tt.want) {
			t.Errorf("%s +%dd +%dm = %s, want %s", tt.from, tt.days, tt.months, got, tt.want)
		}
	}
}

// TestDateAgainstTime checks the day-number arithmetic against package time
// for every day of four centuries and a half.
func TestDateAgainstTime(t *testing.T) {
	start := time.Date(1799, time.December, 25, 0, 0, 0, 0, time.UTC)
	d := calendar.NewDate(1799, time.December, 25)
	for i := range 165_000 {
		tt := start.AddDate(0, 0, i)
		want := calendar.Date{Year: tt.Year(), Month: tt.Month(), Day: tt.Day()}
		if d != want || d.Weekday() != tt.Weekday() {
			t.Fatalf("day %d: got %v %v, want %v %v", i, d, d.Weekday(), want, tt.Weekday())
		}
		if !d.IsValid() {
			t.Fatalf("%v is not valid", d)
		}
		if back := d.AddDays(-i); back != day("1799-12-25") {
			t.Fatalf("%v - %d days = %v", d, i, back)
		}
		d = d.AddDays(1)
	}
}

func TestDateCompare(t *testing.T) {
	a, b := day("2024-12-31"), day("2025-01-01")
	if !a.Before(b) || a.After(b) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Errorf("ordering of %v and %v is wrong", a, b)
	}
	if !day("2025-02-01").After(day("2025-01-31")) || !day("2025-01-02").After(day("2025-01-01")) {
		t.Error("After is wrong within a year")
	}
}

func TestWeekday(t *testing.T) {
	for s, want := range map[string]time.Weekday{
		"2024-12-24": time.Tuesday,
		"2025-12-24": time.Wednesday,
		"2025-12-27": time.Saturday,
		"2025-12-29": time.Monday,
		"2024-02-29": time.Thursday,
		"1970-01-01": time.Thursday,
		"1969-12-31": time.Wednesday,
	} {
		if got := day(s).Weekday(); got != want {
			t.Errorf("%s is a %v, want %v", s, got, want)
		}
	}
}

func TestDateOf(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2025, 12, 23, 22, 59, 59, 0, time.UTC), "2025-12-23"}, // 23:59:59 CET
		{time.Date(2025, 12, 23, 23, 30, 0, 0, time.UTC), "2025-12-24"},  // 00:30 CET
		{time.Date(2025, 6, 30, 21, 59, 0, 0, time.UTC), "2025-06-30"},   // 23:59 CEST
		{time.Date(2025, 6, 30, 22, 30, 0, 0, time.UTC), "2025-07-01"},   // 00:30 CEST
		{time.Date(2025, 12, 23, 18, 30, 0, 0, ny), "2025-12-24"},        // 00:30 CET
		{time.Date(2025, 12, 24, 0, 0, 0, 0, calendar.Warsaw()), "2025-12-24"},
	}
	for _, tt := range tests {
		if got := calendar.DateOf(tt.t); got != day(tt.want) {
			t.Errorf("DateOf(%v) = %v, want %s", tt.t, got, tt.want)
		}
	}
}

func TestStart(t *testing.T) {
	for s, want := range map[string]time.Time{
		"2025-01-15": time.Date(2025, 1, 14, 23, 0, 0, 0, time.UTC),
		"2025-07-01": time.Date(2025, 6, 30, 22, 0, 0, 0, time.UTC),
		"2025-03-30": time.Date(2025, 3, 29, 23, 0, 0, 0, time.UTC),  // the day summer time begins
		"2025-10-26": time.Date(2025, 10, 25, 22, 0, 0, 0, time.UTC), // the day it ends
	} {
		got := day(s).Start()
		if !got.Equal(want) || got.Location() != calendar.Warsaw() {
			t.Errorf("%s.Start() = %v, want %v in Europe/Warsaw", s, got, want)
		}
		if calendar.DateOf(got) != day(s) || calendar.DateOf(got.Add(-time.Nanosecond)) != day(s).AddDays(-1) {
			t.Errorf("%s.Start() is not the first instant of the day", s)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		Due  calendar.Date `json:"due"`
		Seen calendar.Date `json:"seen,omitzero"`
	}
	b, err := json.Marshal(doc{Due: day("2025-12-29")})
	if err != nil || string(b) != `{"due":"2025-12-29"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var got doc
	if err := json.Unmarshal([]byte(`{"due":"2024-02-29","seen":""}`), &got); err != nil || got.Due != day("2024-02-29") || !got.Seen.IsZero() {
		t.Errorf("Unmarshal = %+v, %v", got, err)
	}
	if err := json.Unmarshal([]byte(`{"due":"2025-02-29"}`), &got); err == nil {
		t.Error("Unmarshal of 2025-02-29 succeeded")
	}
	if _, err := json.Marshal(doc{Due: calendar.Date{Year: 2025, Month: 2, Day: 30}}); err == nil {
		t.Error("Marshal of 2025-02-30 succeeded")
	}
}
