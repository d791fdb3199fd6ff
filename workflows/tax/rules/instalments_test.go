package rules

import (
	"testing"
	"time"

	"obieg.dev/obieg/engine/calendar"
)

func TestInstalments(t *testing.T) {
	type inst struct {
		due    calendar.Date
		amount Grosze
	}
	for _, tc := range []struct {
		name      string
		year      int
		total     Grosze
		delivered calendar.Date
		want      []inst
	}{
		{
			// 2026 statutory dates and art. 12 §5:
			//   15.03.2026 is a Sunday → Monday 16.03
			//   15.05.2026 is a Friday → stays
			//   15.09.2026 is a Tuesday → stays
			//   15.11.2026 is a Sunday → Monday 16.11
			// Delivered 10.02.2026, 33 days before the first date: no art. 47 §2.
			// 1 235 zł / 4 = 308 zł remainder 3 → 311 + 308 + 308 + 308.
			name: "2026 dates", year: 2026, total: 123500, delivered: d(2026, time.February, 10),
			want: []inst{
				{d(2026, time.March, 16), 31100},
				{d(2026, time.May, 15), 30800},
				{d(2026, time.September, 15), 30800},
				{d(2026, time.November, 16), 30800},
			},
		},
		{
			// 2025: 15.03 Saturday → Monday 17.03; 15.05 Thursday; 15.09
			// Monday; 15.11 Saturday → Monday 17.11. 1 000 zł = 4 × 250.
			name: "2025 dates", year: 2025, total: 100000, delivered: d(2025, time.January, 20),
			want: []inst{
				{d(2025, time.March, 17), 25000},
				{d(2025, time.May, 15), 25000},
				{d(2025, time.September, 15), 25000},
				{d(2025, time.November, 17), 25000},
			},
		},
		{
			// Op art. 47 §2: delivered 5.03.2026, 10 days (< 14) before 15.03 →
			// the first instalment is due 14 days after delivery: 5.03 + 14 =
			// 19.03.2026, a Thursday. 15.05 is 71 days away: unchanged.
			name: "art. 47 §2, delivered 5 March", year: 2026, total: 123500, delivered: d(2026, time.March, 5),
			want: []inst{
				{d(2026, time.March, 19), 31100},
				{d(2026, time.May, 15), 30800},
				{d(2026, time.September, 15), 30800},
				{d(2026, time.November, 16), 30800},
			},
		},
		{
			// Boundary: delivered 1.05.2026, exactly 14 days before 15.05 —
			// not "less than 14 days": 15.05 stands.
			name: "exactly 14 days", year: 2026, total: 40000, delivered: d(2026, time.May, 1),
			want: []inst{
				{d(2026, time.May, 15), 10000}, // 15.03 passed: 1.05 + 14 = 15.05 (Friday)
				{d(2026, time.May, 15), 10000},
				{d(2026, time.September, 15), 10000},
				{d(2026, time.November, 16), 10000},
			},
		},
		{
			// Delivered 2.05.2026, 13 days before 15.05: due 2.05 + 14 =
			// 16.05.2026, a Saturday → Monday 18.05 (art. 12 §5).
			name: "13 days", year: 2026, total: 40000, delivered: d(2026, time.May, 2),
			want: []inst{
				{d(2026, time.May, 18), 10000},
				{d(2026, time.May, 18), 10000},
				{d(2026, time.September, 15), 10000},
				{d(2026, time.November, 16), 10000},
			},
		},
		{
			// Delivered 1.08.2026 after two dates had passed: both fall due
			// 1.08 + 14 = 15.08.2026 — Assumption Day and a Saturday, then
			// Sunday 16.08 → Monday 17.08. 15.09 is 45 days on: unchanged.
			name: "past instalments, 15 August", year: 2026, total: 200000, delivered: d(2026, time.August, 1),
			want: []inst{
				{d(2026, time.August, 17), 50000},
				{d(2026, time.August, 17), 50000},
				{d(2026, time.September, 15), 50000},
				{d(2026, time.November, 16), 50000},
			},
		},
		{
			// Delivered 28.10.2026: 28.10 + 14 = 11.11.2026, Independence Day
			// (Wednesday) → 12.11. 15.11 is 18 days on (≥ 14): its own date,
			// Sunday → 16.11. 1 001 zł = 251 + 250 + 250 + 250.
			name: "11 November", year: 2026, total: 100100, delivered: d(2026, time.October, 28),
			want: []inst{
				{d(2026, time.November, 12), 25100},
				{d(2026, time.November, 12), 25000},
				{d(2026, time.November, 12), 25000},
				{d(2026, time.November, 16), 25000},
			},
		},
		{
			// Tax of 2025 delivered 10.12.2025, every date passed: 10.12 + 14 =
			// 24.12.2025, Christmas Eve (a holiday since 2025), then 25 and 26
			// December, Saturday 27, Sunday 28 → Monday 29.12.2025.
			name: "Christmas 2025", year: 2025, total: 40000, delivered: d(2025, time.December, 10),
			want: []inst{
				{d(2025, time.December, 29), 10000},
				{d(2025, time.December, 29), 10000},
				{d(2025, time.December, 29), 10000},
				{d(2025, time.December, 29), 10000},
			},
		},
		{
			// upol art. 6 ust. 7: 100 zł does not exceed 100 zł → at once, by
			// the first date (16.03.2026).
			name: "100 zł at once", year: 2026, total: 10000, delivered: d(2026, time.February, 10),
			want: []inst{{d(2026, time.March, 16), 10000}},
		},
		{
			// At once, with art. 47 §2: delivered 5.03.2026 → 19.03.2026.
			name: "at once, late delivery", year: 2026, total: 4700, delivered: d(2026, time.March, 5),
			want: []inst{{d(2026, time.March, 19), 4700}},
		},
		{
			// 101 zł exceeds 100 zł: four instalments, 101 = 26 + 25 + 25 + 25.
			name: "101 zł in instalments", year: 2026, total: 10100, delivered: d(2026, time.February, 10),
			want: []inst{
				{d(2026, time.March, 16), 2600},
				{d(2026, time.May, 15), 2500},
				{d(2026, time.September, 15), 2500},
				{d(2026, time.November, 16), 2500},
			},
		},
		{
			// A total with grosze (not a rounded tax) keeps them on the first:
			// 1 000,37 zł = 250,37 + 250 + 250 + 250.
			name: "grosze on the first", year: 2026, total: 100037, delivered: d(2026, time.February, 10),
			want: []inst{
				{d(2026, time.March, 16), 25037},
				{d(2026, time.May, 15), 25000},
				{d(2026, time.September, 15), 25000},
				{d(2026, time.November, 16), 25000},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Instalments(tc.year, tc.total, tc.delivered, AtOnceLimit)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d instalments %+v, want %d", len(got), got, len(tc.want))
			}
			var sum Grosze
			for i, g := range got {
				sum += g.Amount
				if g.No != i+1 || g.Due != tc.want[i].due || g.Amount != tc.want[i].amount {
					t.Errorf("instalment %d = {%d %s %v}, want {%d %s %v}", i, g.No, g.Due, g.Amount, i+1, tc.want[i].due, tc.want[i].amount)
				}
				if !calendar.Polish().IsWorkingDay(g.Due) {
					t.Errorf("instalment %d due on a day off: %s", g.No, g.Due)
				}
			}
			if sum != tc.total {
				t.Errorf("instalments add up to %v, want %v", sum, tc.total)
			}
		})
	}
	if got := Instalments(2026, 0, d(2026, time.January, 5), AtOnceLimit); got != nil {
		t.Errorf("zero tax: %+v", got)
	}
}
