package rules

import (
	"testing"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

func TestInterestAcrossRateChanges2025(t *testing.T) {
	// Arrear 10 000 zł due 15.05.2025 (Thursday), paid 15.12.2025. Days from
	// 16.05 to 15.12 inclusive: 16+30+31+31+30+31+30+15 = 214.
	//   16.05–02.07  48 days × 13,5%: 10 000 × 48 × 0,135 / 365 =  64 800/365 = 177,5342
	//   03.07–03.09  63 days × 13,0%: 81 900/365                              = 224,3836
	//   04.09–08.10  35 days × 12,5%: 43 750/365                              = 119,8630
	//   09.10–05.11  28 days × 12,0%: 33 600/365                              =  92,0548
	//   06.11–03.12  28 days × 11,5%: 32 200/365                              =  88,2192
	//   04.12–15.12  12 days × 11,0%: 13 200/365                              =  36,1644
	//   sum 269 450/365 = 738,2192 zł → 738 zł (art. 63 §1, the sum only)
	got, segs, err := Interest(1000000, d(2025, time.May, 15), d(2025, time.December, 15), StandardInterestRates())
	if err != nil {
		t.Fatal(err)
	}
	if got != 73800 {
		t.Errorf("interest = %v, want 738,00 zł", got)
	}
	want := []struct {
		from, to calendar.Date
		days     int
		rate     Rate
		amount   Grosze
	}{
		{d(2025, time.May, 16), d(2025, time.July, 2), 48, 135000, 17753},
		{d(2025, time.July, 3), d(2025, time.September, 3), 63, 130000, 22438},
		{d(2025, time.September, 4), d(2025, time.October, 8), 35, 125000, 11986},
		{d(2025, time.October, 9), d(2025, time.November, 5), 28, 120000, 9205},
		{d(2025, time.November, 6), d(2025, time.December, 3), 28, 115000, 8822},
		{d(2025, time.December, 4), d(2025, time.December, 15), 12, 110000, 3616},
	}
	if len(segs) != len(want) {
		t.Fatalf("%d segments: %+v", len(segs), segs)
	}
	days := 0
	for i, s := range segs {
		w := want[i]
		days += s.Days
		if s.From != w.from || s.To != w.to || s.Days != w.days || s.Rate != w.rate || s.Amount != w.amount {
			t.Errorf("segment %d = %s–%s %d days %v%% %v; want %s–%s %d %v%% %v",
				i, s.From, s.To, s.Days, s.Rate, s.Amount, w.from, w.to, w.days, w.rate, w.amount)
		}
	}
	if days != 214 {
		t.Errorf("%d days, want 214", days)
	}
}

func TestInterestWorkedExamples(t *testing.T) {
	for _, tc := range []struct {
		name      string
		arrear    Grosze
		due, paid calendar.Date
		want      Grosze
	}{
		// The first instalment of 2025: 15.03.2025 was a Saturday, so due
		// Monday 17.03.2025 (art. 12 §5). 1 000 zł paid 31.05.2025:
		//   18.03–07.05  51 days × 14,5% = 7,395
		//   08.05–31.05  24 days × 13,5% = 3,240
		//   1 000 × 10,635 / 365 = 29,137 zł → 29 zł
		{"across 8 May 2025", 100000, d(2025, time.March, 17), d(2025, time.May, 31), 2900},
		// 365 in leap years too: 1 000 zł due 15.11.2023, paid 15.11.2024 —
		// 366 days (29.02.2024 included) at 14,5%: 1 000 × 366 × 0,145 / 365
		// = 145,397 zł → 145 zł (with /366 it would be 145,00 exactly).
		{"leap year", 100000, d(2023, time.November, 15), d(2024, time.November, 15), 14500},
		// Art. 54 §1 pkt 5 threshold, 11% from 4.12.2025; due 15.05.2026,
		// paid 4.07.2026: 16+30+4 = 50 days.
		//   500 zł: 500 × 50 × 0,11 / 365 = 7,534 → 8 zł ≤ 8,70 → not charged
		{"below threshold", 50000, d(2026, time.May, 15), d(2026, time.July, 4), 0},
		//   600 zł: 3 300/365 = 9,041 → 9 zł > 8,70 → charged
		{"above threshold", 60000, d(2026, time.May, 15), d(2026, time.July, 4), 900},
		//   570 zł: 3 135/365 = 8,589 → rounds to 9 zł first (art. 63 §1),
		//   and 9 zł exceeds 8,70 → charged (see Interest's doc)
		{"rounded before the threshold", 57000, d(2026, time.May, 15), d(2026, time.July, 4), 900},
		// Paid on the due date or before: no delay, no interest.
		{"paid on time", 100000, d(2026, time.May, 15), d(2026, time.May, 15), 0},
		{"paid early", 100000, d(2026, time.May, 15), d(2026, time.May, 2), 0},
		// One day late: 1 000 000 zł × 1 × 0,11 / 365 = 301,37 → 301 zł.
		{"one day", 100000000, d(2026, time.May, 15), d(2026, time.May, 16), 30100},
	} {
		got, _, err := Interest(tc.arrear, tc.due, tc.paid, StandardInterestRates())
		if err != nil || got != tc.want {
			t.Errorf("%s: Interest = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	if _, _, err := Interest(100, d(2022, time.September, 1), d(2022, time.October, 1), StandardInterestRates()); !engine.Is(engine.KindInvalid, err) {
		t.Errorf("before the rate history: %v", err)
	}
	unsorted := InterestRates{{d(2025, time.June, 1), 1}, {d(2025, time.January, 1), 2}}
	if _, _, err := Interest(100, d(2025, time.March, 1), d(2025, time.July, 1), unsorted); engine.FieldOf(err) != "rates" {
		t.Errorf("unsorted rates: %v", err)
	}
	if _, _, err := Interest(-1, d(2025, time.May, 1), d(2025, time.June, 1), StandardInterestRates()); !engine.Is(engine.KindInvalid, err) {
		t.Errorf("negative arrear: %v", err)
	}
}

func TestAllocate(t *testing.T) {
	for _, tc := range []struct {
		name                             string
		payment, costs, arrear, interest Grosze
		want                             Allocation
	}{
		// Art. 55 §2: reminder cost 16 zł first; the rest 550 zł splits
		// 1 000 : 100 → interest 550 × 100/1 100 = 50 zł, arrear 500 zł.
		{"even split", 56600, 1600, 100000, 10000, Allocation{Costs: 1600, Arrear: 50000, Interest: 5000}},
		// 300 zł: 16 zł costs; 284 zł × 100/1 100 = 25,818 → interest 26 zł
		// (art. 63 §1), arrear 284 − 26 = 258 zł.
		{"rounded interest", 30000, 1600, 100000, 10000, Allocation{Costs: 1600, Arrear: 25800, Interest: 2600}},
		// Arrear 1 234,56 zł, interest 57 zł, costs 16 zł, payment 700 zł:
		// 684 zł × 57/1 291,56 = 30,187 → 30 zł; arrear 654,00 zł.
		{"arrear with grosze", 70000, 1600, 123456, 5700, Allocation{Costs: 1600, Arrear: 65400, Interest: 3000}},
		// Less than the costs: all to costs.
		{"costs only", 1000, 1600, 100000, 10000, Allocation{Costs: 1000}},
		// Everything paid, 884 zł left over.
		{"surplus", 200000, 1600, 100000, 10000, Allocation{Costs: 1600, Arrear: 100000, Interest: 10000, Surplus: 88400}},
		// No interest (e.g. ≤ 8,70 zł) and no reminder: all to the arrear.
		{"no interest", 50000, 0, 100000, 0, Allocation{Arrear: 50000}},
		// A payment of 1 gr against 1 000 zł arrear + 1 zł interest:
		// interest share 0,0999 gr → 0 zł; the grosz goes to the arrear.
		{"one grosz", 1, 0, 100000, 100, Allocation{Arrear: 1}},
	} {
		got, err := Allocate(tc.payment, tc.costs, tc.arrear, tc.interest)
		if err != nil || got != tc.want {
			t.Errorf("%s: Allocate = %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
		if got.Costs+got.Arrear+got.Interest+got.Surplus != tc.payment {
			t.Errorf("%s: allocation does not add up to the payment", tc.name)
		}
	}
	if _, err := Allocate(-1, 0, 0, 0); engine.FieldOf(err) != "payment" {
		t.Errorf("negative payment: %v", err)
	}
}

// With any amounts the allocation books the whole payment and never more
// than is owed under any heading.
func TestAllocateProperty(t *testing.T) {
	for p := Grosze(0); p < 30000; p += 37 {
		for _, debt := range [][3]Grosze{{1600, 100000, 10000}, {0, 12345, 999}, {1600, 1, 87654}, {0, 0, 0}} {
			a, err := Allocate(p, debt[0], debt[1], debt[2])
			if err != nil {
				t.Fatal(err)
			}
			if a.Costs+a.Arrear+a.Interest+a.Surplus != p || a.Costs > debt[0] || a.Arrear > debt[1] || a.Interest > debt[2] ||
				a.Costs < 0 || a.Arrear < 0 || a.Interest < 0 || a.Surplus < 0 {
				t.Fatalf("Allocate(%v, %v) = %+v", p, debt, a)
			}
		}
	}
}
