package rules

import (
	"math/big"
	"testing"

	"obieg.dev/obieg/engine"
)

func TestGroszeString(t *testing.T) {
	for _, tc := range []struct {
		g    Grosze
		want string
	}{
		{0, "0,00 zł"},
		{5, "0,05 zł"},
		{123456, "1 234,56 zł"},
		{-123456, "-1 234,56 zł"},
		{100000000, "1 000 000,00 zł"},
		{99999, "999,99 zł"},
	} {
		if got := tc.g.String(); got != tc.want {
			t.Errorf("Grosze(%d).String() = %q, want %q", int64(tc.g), got, tc.want)
		}
	}
}

// Ordynacja podatkowa art. 63 §1: below 50 gr down, 50 gr and more up.
func TestRoundZloty(t *testing.T) {
	for _, tc := range []struct {
		in, want Grosze
	}{
		{123449, 123400}, // 1 234,49 → 1 234
		{123450, 123500}, // 1 234,50 → 1 235
		{123499, 123500}, // 1 234,99 → 1 235
		{123400, 123400},
		{49, 0},
		{50, 100},
		{-123450, -123500}, // by magnitude
		{-123449, -123400},
	} {
		if got := tc.in.RoundZloty(); got != tc.want {
			t.Errorf("%v.RoundZloty() = %v, want %v", tc.in, got, tc.want)
		}
	}
	// Exact fractions: 1 234,495 zł is 123449,5 gr → 1 234 zł (below 50 gr);
	// to a grosz it is 1 234,50 (half up) — display only.
	r := big.NewRat(246899, 2)
	if got := RoundZloty(r); got != 123400 {
		t.Errorf("RoundZloty(123449.5 gr) = %v", got)
	}
	if got := RoundGrosz(r); got != 123450 {
		t.Errorf("RoundGrosz(123449.5 gr) = %v", got)
	}
}

func TestParseFixed(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Rate
		ok   bool
	}{
		{"1,34", 13400, true},
		{"35.53", 355300, true},
		{"2", 20000, true},
		{"0,0001", 1, true},
		{"1 234,5", 12345000, true},
		{"1,23456", 0, false}, // would need rounding
		{"-1", 0, false},
		{"", 0, false},
		{"1,2,3", 0, false},
		{"abc", 0, false},
	} {
		got, err := ParseRate(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !engine.Is(engine.KindInvalid, err) {
			t.Errorf("ParseRate(%q): error kind %v", tc.in, engine.KindOf(err))
		}
	}
	if s := Rate(13400).String(); s != "1,34" {
		t.Errorf("Rate.String = %q", s)
	}
	if s := Rate(12345).String(); s != "1,2345" {
		t.Errorf("Rate.String = %q", s)
	}
	if s := M2(12050).Format(UnitM2); s != "120,50 m²" {
		t.Errorf("Quantity.Format = %q", s)
	}
	if s := Quantity(61750).Format(UnitM2); s != "6,175 m²" {
		t.Errorf("Quantity.Format = %q", s)
	}
	if q, err := ParseQuantity(UnitHa, "1,2345"); err != nil || q != 12345 {
		t.Errorf("ParseQuantity ha = %v, %v", q, err)
	}
	if q, err := ParseQuantity(UnitValue, "150 000,40"); err != nil || q != 15000040 {
		t.Errorf("ParseQuantity zł = %v, %v", q, err)
	}
}
