package rules

import (
	"testing"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

func TestMaxRatesTable(t *testing.T) {
	// Every category has a maximum for each year of domain-rules §5.
	for _, y := range []int{2024, 2025, 2026} {
		if _, err := MaxRates(y); err != nil {
			t.Errorf("MaxRates(%d): %v", y, err)
		}
	}
	if _, err := MaxRates(2023); !engine.Is(engine.KindInvalid, err) || engine.FieldOf(err) != "year" {
		t.Errorf("MaxRates(2023) = %v, want invalid year", err)
	}
	for _, tc := range []struct {
		year int
		c    Category
		want Rate
	}{
		{2024, CatLandBusiness, 13400},
		{2025, CatLandWater, 68400},
		{2026, CatLandOther, 7700},
		{2026, CatBuildingResidential, 12500},
		{2025, CatBuildingBusiness, 340000},
		{2026, CatBuildingBusiness, 355300},
		{2024, CatBuildingSeedTrade, 155000},
		{2026, CatBuildingHealth, 72700},
		{2026, CatBuildingOther, 120000},
		{2025, CatStructure, 20000},
	} {
		if got, ok := MaxRate(tc.year, tc.c); !ok || got != tc.want {
			t.Errorf("MaxRate(%d, %s) = %v, %v; want %v", tc.year, tc.c, got, ok, tc.want)
		}
	}
}

func TestParseMaxRatesRejects(t *testing.T) {
	for name, csv := range map[string]string{
		"header":   "cat,from,to,max\n",
		"category": "category,from_year,to_year,max\nflats,2024,2024,1\n",
		"overlap":  "category,from_year,to_year,max\nland_other,2024,2025,1\nland_other,2025,,1\n",
		"order":    "category,from_year,to_year,max\nland_other,2025,2024,1\n",
		"rate":     "category,from_year,to_year,max\nland_other,2025,2025,1.00001\n",
	} {
		if _, err := parseMaxRates(csv); err == nil {
			t.Errorf("%s: parseMaxRates accepted a bad table", name)
		}
	}
}

func TestCheckRates(t *testing.T) {
	max26, _ := MaxRates(2026)
	if err := CheckRates(2026, max26); err != nil {
		t.Fatalf("the maximum rates themselves: %v", err)
	}
	// 2025 maximum for business buildings 34,00 is fine in 2026 (35,53) …
	if err := CheckRates(2026, RateTable{CatBuildingBusiness: 340000, CatLandOther: 0}); err != nil {
		t.Errorf("lower rates: %v", err)
	}
	// … but the 2026 maximum is too high in 2025.
	err := CheckRates(2025, RateTable{CatLandOther: 7300, CatBuildingBusiness: 355300})
	if !engine.Is(engine.KindInvalid, err) || engine.FieldOf(err) != "rates.building_business" {
		t.Errorf("CheckRates above max = %v (field %q)", err, engine.FieldOf(err))
	}
	if err := CheckRates(2026, RateTable{CatLandOther: -1}); engine.FieldOf(err) != "rates.land_other" {
		t.Errorf("negative rate: %v", err)
	}
	if err := CheckRates(2026, RateTable{"flats": 1}); engine.FieldOf(err) != "rates.flats" {
		t.Errorf("unknown category: %v", err)
	}
	if err := CheckRates(2030, RateTable{CatLandOther: 1}); engine.FieldOf(err) != "year" {
		t.Errorf("unknown year: %v", err)
	}
}

func TestCategories(t *testing.T) {
	seen := map[Category]bool{}
	for _, c := range Categories() {
		if seen[c.Code] || c.Label == "" || c.Unit.Symbol() == "" {
			t.Errorf("bad category %+v", c)
		}
		seen[c.Code] = true
		if got, err := ParseCategory(string(c.Code)); err != nil || got != c.Code {
			t.Errorf("ParseCategory(%s) = %v, %v", c.Code, got, err)
		}
	}
	if len(seen) != 9 {
		t.Errorf("%d categories, want 9", len(seen))
	}
	if i, _ := CatLandWater.Info(); i.Unit != UnitHa {
		t.Errorf("land under water in %s, want ha", i.Unit)
	}
	if i, _ := CatStructure.Info(); i.Unit != UnitValue || !i.Percent {
		t.Errorf("structures: %+v", i)
	}
	if _, err := ParseCategory("garage"); !engine.Is(engine.KindInvalid, err) {
		t.Errorf("ParseCategory(garage) = %v", err)
	}
}

func TestInterestRateHistory(t *testing.T) {
	rs := StandardInterestRates()
	for i := 1; i < len(rs); i++ {
		if !rs[i-1].From.Before(rs[i].From) {
			t.Errorf("rates out of order at %s", rs[i].From)
		}
	}
	for _, tc := range []struct {
		day  calendar.Date
		want Rate
	}{
		{d(2022, time.September, 8), 165000},
		{d(2023, time.September, 6), 165000},
		{d(2024, time.February, 29), 145000},
		{d(2025, time.May, 7), 145000},
		{d(2025, time.May, 8), 135000},
		{d(2025, time.December, 3), 115000},
		{d(2025, time.December, 4), 110000},
		{d(2026, time.June, 1), 110000},
	} {
		if got, ok := rs.At(tc.day); !ok || got != tc.want {
			t.Errorf("rate on %s = %v, want %v", tc.day, got, tc.want)
		}
	}
	if _, ok := rs.At(d(2022, time.September, 7)); ok {
		t.Error("a rate before the history begins")
	}
	if c, ok := ReminderCostOn(d(2026, time.March, 1)); !ok || c != 1600 {
		t.Errorf("reminder cost = %v, %v", c, ok)
	}
	if _, ok := ReminderCostOn(d(2020, time.March, 1)); ok {
		t.Error("reminder cost before the table")
	}
}
