package rules

import (
	"testing"
	"time"

	"obieg.dev/obieg/engine/calendar"
)

func dp(y int, m time.Month, day int) *calendar.Date {
	x := calendar.NewDate(y, m, day)
	return &x
}

// Worked examples of upol art. 6 ust. 1–3 and 5.
func TestMonths(t *testing.T) {
	for _, tc := range []struct {
		name       string
		year       int
		start, end *calendar.Date
		newBldg    bool
		want       int
	}{
		// Purchase 15.03.2026: obligation from 1.04.2026 (ust. 1); April to
		// December = 9 months.
		{"purchase mid-March", 2026, dp(2026, time.March, 15), nil, false, 9},
		// An event on the 1st still starts the obligation on the 1st of the
		// NEXT month: 1.03 → 1.04, 9 months.
		{"purchase on the 1st", 2026, dp(2026, time.March, 1), nil, false, 9},
		// Sale 10.08.2026: the seller's obligation ends 31.08.2026 (ust. 3);
		// January to August = 8 months.
		{"sale in August", 2026, nil, dp(2026, time.August, 10), false, 8},
		// Sale on 31.08 ends it on the same 31.08: still 8.
		{"sale on the last day", 2026, nil, dp(2026, time.August, 31), false, 8},
		// The buyer of the same sale: from 1.09.2026, September–December = 4.
		{"buyer in August", 2026, dp(2026, time.August, 10), nil, false, 4},
		// Bought 10.08 and resold 20.08: would start 1.09, ended 31.08 → 0.
		{"bought and sold in one month", 2026, dp(2026, time.August, 10), dp(2026, time.August, 20), false, 0},
		// Bought 15.03, sold 10.08: April to August = 5.
		{"bought and sold", 2026, dp(2026, time.March, 15), dp(2026, time.August, 10), false, 5},
		// New building completed 20.06.2025: taxed from 1.01.2026 (ust. 2),
		// nothing in 2025, 12 months in 2026.
		{"new building, year of completion", 2025, dp(2025, time.June, 20), nil, true, 0},
		{"new building, next year", 2026, dp(2025, time.June, 20), nil, true, 12},
		// Completed 15.03.2026 and sold 10.08.2026: no obligation in 2026 at all.
		{"new building sold in its year", 2026, dp(2026, time.March, 15), dp(2026, time.August, 10), true, 0},
		// Event in December 2025: from 1.01.2026 — 0 in 2025, 12 in 2026.
		{"December event, same year", 2025, dp(2025, time.December, 5), nil, false, 0},
		{"December event, next year", 2026, dp(2025, time.December, 5), nil, false, 12},
		// Obligation ended in 2025: nothing in 2026.
		{"ended last year", 2026, nil, dp(2025, time.November, 3), false, 0},
		{"whole year", 2026, nil, nil, false, 12},
		// Sale in January: January only.
		{"sale in January", 2026, nil, dp(2026, time.January, 2), false, 1},
	} {
		if got := Months(tc.year, tc.start, tc.end, tc.newBldg); got != tc.want {
			t.Errorf("%s: Months = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestObligationBounds(t *testing.T) {
	o := Obligation{Start: dp(2025, time.December, 5), End: dp(2026, time.February, 10)}
	if f := o.First(); *f != calendar.NewDate(2026, time.January, 1) {
		t.Errorf("First = %s", f)
	}
	if l := o.Last(); *l != calendar.NewDate(2026, time.February, 28) {
		t.Errorf("Last = %s", l)
	}
	// 2028 is a leap year: a sale in February ends on the 29th.
	if l := (Obligation{End: dp(2028, time.February, 3)}).Last(); *l != calendar.NewDate(2028, time.February, 29) {
		t.Errorf("Last = %s", l)
	}
	if (Obligation{}).First() != nil || (Obligation{}).Last() != nil {
		t.Error("open obligation has bounds")
	}
}
