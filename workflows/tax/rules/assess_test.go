package rules

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"obieg.dev/obieg/engine"
)

func mustMax(t testing.TB, year int) RateTable {
	t.Helper()
	r, err := MaxRates(year)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAssessWorkedExamples(t *testing.T) {
	max26 := mustMax(t, 2026)
	for _, tc := range []struct {
		name      string
		rates     RateTable
		objects   []Object
		wantLines []Grosze // display amounts, half up to a grosz
		wantTotal Grosze
	}{
		{
			// Art. 63 §1 at the boundary, rate 1,00 zł/m²:
			// 1 234,49 m² × 1,00 = 1 234,49 zł → 1 234 zł.
			name:      "49 gr rounds down",
			rates:     RateTable{CatBuildingOther: 10000},
			objects:   []Object{{Category: CatBuildingOther, Base: M2(123449), Months: 12}},
			wantLines: []Grosze{123449},
			wantTotal: 123400,
		},
		{
			// 1 234,50 m² × 1,00 = 1 234,50 zł → 1 235 zł.
			name:      "50 gr rounds up",
			rates:     RateTable{CatBuildingOther: 10000},
			objects:   []Object{{Category: CatBuildingOther, Base: M2(123450), Months: 12}},
			wantLines: []Grosze{123450},
			wantTotal: 123500,
		},
		{
			// House and garden, 2026 maximum rates:
			//   120,50 m² × 1,25 = 150,625 zł (line shown 150,63)
			//   800 m² × 0,77    = 616,00 zł
			//   total 766,625 → 767 zł
			name:  "house and garden",
			rates: max26,
			objects: []Object{
				{Category: CatBuildingResidential, Base: M2(12050), Months: 12},
				{Category: CatLandOther, Base: M2(80000), Months: 12},
			},
			wantLines: []Grosze{15063, 61600},
			wantTotal: 76700,
		},
		{
			// Bought 15.03.2026 → 9 months (upol art. 6 ust. 1):
			//   land 1 000 m² × 0,77 × 9/12 × 1/2 = 770 × 0,375 = 288,75 zł
			//   business building 50 m² × 35,53 × 9/12 = 1 776,50 × 0,75 = 1 332,375 zł
			//   total 1 621,125 → 1 621 zł
			name:  "months and share",
			rates: max26,
			objects: []Object{
				{Category: CatLandOther, Base: M2(100000), Share: Share{1, 2}, Months: 9},
				{Category: CatBuildingBusiness, Base: M2(5000), Months: 9},
			},
			wantLines: []Grosze{28875, 133238},
			wantTotal: 162100,
		},
		{
			// Round the total, not the lines: three lines of 1 m² × 0,50 zł
			// = 0,50 zł each. Rounding each would give 3 × 1 = 3 zł; the total
			// 1,50 zł rounds to 2 zł.
			name:  "total not lines",
			rates: RateTable{CatLandOther: 5000},
			objects: []Object{
				{Category: CatLandOther, Base: M2(100), Months: 12},
				{Category: CatLandOther, Base: M2(100), Months: 12},
				{Category: CatLandOther, Base: M2(100), Months: 12},
			},
			wantLines: []Grosze{50, 50, 50},
			wantTotal: 200,
		},
		{
			// Structures, 2% of value (upol art. 5 ust. 1 pkt 3); the value is
			// a base in money, rounded to złoty first (op art. 63 §1):
			//   100 000,50 zł → 100 001 zł × 2% = 2 000,02 zł × 6/12 = 1 000,01 zł
			//   150 000,40 zł → 150 000 zł × 2% = 3 000,00 zł
			//   total 4 000,01 → 4 000 zł
			name:  "structures",
			rates: max26,
			objects: []Object{
				{Category: CatStructure, Base: 10000050, Months: 6},
				{Category: CatStructure, Base: 15000040, Months: 12},
			},
			wantLines: []Grosze{100001, 300000},
			wantTotal: 400000,
		},
		{
			// Land under water, per hectare: 1,2345 ha × 7,15 zł = 8,826675 zł
			// (shown 8,83) → 9 zł.
			name:      "land under water",
			rates:     max26,
			objects:   []Object{{Category: CatLandWater, Base: 12345, Months: 12}},
			wantLines: []Grosze{883},
			wantTotal: 900,
		},
		{
			// The house of TestUsableArea: 111,575 m² × 1,25 = 139,46875 zł → 139 zł.
			name:      "usable area with attic",
			rates:     max26,
			objects:   []Object{{Category: CatBuildingResidential, Base: 1115750, Months: 12}},
			wantLines: []Grosze{13947},
			wantTotal: 13900,
		},
		{
			// Flat owner, share in the common property 5 234/100 000 of a
			// 1 500 m² plot (upol art. 3 ust. 5): 1 500 × 0,77 × 0,05234
			// = 60,4527 zł → 60 zł.
			name:      "flat owner's share of land",
			rates:     max26,
			objects:   []Object{{Category: CatLandOther, Base: M2(150000), Share: Share{5234, 100000}, Months: 12}},
			wantLines: []Grosze{6045},
			wantTotal: 6000,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Assess(2026, tc.rates, tc.objects)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Lines) != len(tc.wantLines) {
				t.Fatalf("%d lines", len(a.Lines))
			}
			for i, l := range a.Lines {
				if l.Amount != tc.wantLines[i] {
					t.Errorf("line %d = %v (exact %s gr), want %v", i, l.Amount, l.Exact.FloatString(4), tc.wantLines[i])
				}
			}
			if a.Total != tc.wantTotal {
				t.Errorf("total = %v (exact %s gr), want %v", a.Total, a.Exact.FloatString(4), tc.wantTotal)
			}
		})
	}
}

func TestAssessErrors(t *testing.T) {
	max26 := mustMax(t, 2026)
	ok := Object{Category: CatLandOther, Base: M2(100), Months: 12}
	for _, tc := range []struct {
		name  string
		rates RateTable
		obj   Object
		field string
	}{
		{"rate above max", RateTable{CatLandOther: 7800}, ok, "rates.land_other"},
		{"no rate", RateTable{CatLandBusiness: 100}, ok, "rates.land_other"},
		{"unknown category", max26, Object{Category: "flat", Base: 1, Months: 12}, "objects.0.category"},
		{"months 0", max26, Object{Category: CatLandOther, Base: 1, Months: 0}, "objects.0.months"},
		{"months 13", max26, Object{Category: CatLandOther, Base: 1, Months: 13}, "objects.0.months"},
		{"share > 1", max26, Object{Category: CatLandOther, Base: 1, Months: 12, Share: Share{3, 2}}, "objects.0.share"},
		{"share /0", max26, Object{Category: CatLandOther, Base: 1, Months: 12, Share: Share{1, 0}}, "objects.0.share"},
		{"negative base", max26, Object{Category: CatLandOther, Base: -1, Months: 12}, "objects.0.base"},
	} {
		_, err := Assess(2026, tc.rates, []Object{tc.obj})
		if !engine.Is(engine.KindInvalid, err) || engine.FieldOf(err) != tc.field {
			t.Errorf("%s: err = %v (field %q), want invalid %s", tc.name, err, engine.FieldOf(err), tc.field)
		}
	}
	a, err := Assess(2026, max26, nil)
	if err != nil || a.Total != 0 || a.Exact.Sign() != 0 {
		t.Errorf("empty assessment = %+v, %v", a, err)
	}
}

// referenceLine computes a line's tax in grosze by a different route from
// lineTax: złoty first, as a person would on paper.
func referenceLine(o Object, rate Rate) *big.Rat {
	info, _ := o.Category.Info()
	sh := o.Share.norm()
	rateZl := big.NewRat(int64(rate), RateScale) // zł per unit, or percent
	var zl *big.Rat
	if info.Percent {
		value := big.NewRat(int64(Grosze(o.Base).RoundZloty()), 100) // zł, art. 63 §1
		zl = new(big.Rat).Mul(value, new(big.Rat).Quo(rateZl, big.NewRat(100, 1)))
	} else {
		area := big.NewRat(int64(o.Base), info.Unit.Scale())
		zl = new(big.Rat).Mul(area, rateZl)
	}
	zl.Mul(zl, big.NewRat(int64(o.Months), 12))
	zl.Mul(zl, big.NewRat(sh.Num, sh.Den))
	return zl.Mul(zl, big.NewRat(100, 1))
}

// checkAssessProperty: the total is always round(Σ exact lines) by art. 63
// §1, a whole number of złoty within 50 gr of the exact sum.
func checkAssessProperty(t *testing.T, rates RateTable, objs []Object) {
	t.Helper()
	a, err := Assess(2026, rates, objs)
	if err != nil {
		t.Fatalf("Assess(%+v): %v", objs, err)
	}
	sum := new(big.Rat)
	for i, o := range objs {
		ref := referenceLine(o, rates[o.Category])
		if ref.Cmp(a.Lines[i].Exact) != 0 {
			t.Fatalf("line %d exact %s, reference %s", i, a.Lines[i].Exact.RatString(), ref.RatString())
		}
		sum.Add(sum, ref)
	}
	// Independent art. 63 §1 rounding: floor(sum/100 + 1/2) złoty.
	q := new(big.Rat).Add(new(big.Rat).Quo(sum, big.NewRat(100, 1)), big.NewRat(1, 2))
	want := Grosze(new(big.Int).Quo(q.Num(), q.Denom()).Int64() * 100)
	if a.Total != want {
		t.Fatalf("total %v, want round(%s gr) = %v", a.Total, sum.FloatString(6), want)
	}
	diff := new(big.Rat).Sub(new(big.Rat).SetInt64(int64(a.Total)), sum)
	if diff.Cmp(big.NewRat(-50, 1)) <= 0 || diff.Cmp(big.NewRat(50, 1)) > 0 || a.Total%100 != 0 {
		t.Fatalf("total %v not a whole złoty in (sum−50 gr, sum+50 gr]", a.Total)
	}
}

func randomObjects(r *rand.Rand, rates RateTable) []Object {
	cats := Categories()
	objs := make([]Object, 1+r.IntN(8))
	for i := range objs {
		c := cats[r.IntN(len(cats))]
		den := 1 + r.Int64N(100000)
		objs[i] = Object{
			Category: c.Code,
			Base:     Quantity(r.Int64N(1_000_000_000)),
			Share:    Share{1 + r.Int64N(den), den},
			Months:   1 + r.IntN(12),
		}
	}
	return objs
}

func TestAssessProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 63))
	max26 := mustMax(t, 2026)
	for range 2000 {
		rates := RateTable{}
		for c, m := range max26 {
			rates[c] = Rate(r.Int64N(int64(m) + 1))
		}
		checkAssessProperty(t, rates, randomObjects(r, rates))
	}
}

func FuzzAssessTotal(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Add(uint64(123449), uint64(7))
	f.Fuzz(func(t *testing.T, s1, s2 uint64) {
		r := rand.New(rand.NewPCG(s1, s2))
		rates := mustMax(t, 2026)
		checkAssessProperty(t, rates, randomObjects(r, rates))
	})
}
