package rules

import (
	"testing"

	"obieg.dev/obieg/engine"
)

// upol art. 4 ust. 2: 1,40–2,20 m counts 50%, below 1,40 m not at all.
func TestUsableArea(t *testing.T) {
	// A house with an attic:
	//   ground floor 85,40 m² at 2,60 m      → 85,40
	//   attic 20,00 m² above 2,20 m (2,40)   → 20,00
	//   attic 12,35 m² between 1,40 and 2,20 → 12,35 / 2 = 6,175
	//   attic  7,10 m² below 1,40 (1,20)     → 0
	//   staircase 6,00 m² at 2,60            → 0 (art. 1a ust. 1 pkt 5)
	//   total 85,40 + 20,00 + 6,175 = 111,575 m²
	parts := []RoomPart{
		{Area: M2(8540), HeightCm: 260},
		{Area: M2(2000), HeightCm: 240},
		{Area: M2(1235), HeightCm: 180},
		{Area: M2(710), HeightCm: 120},
		{Area: M2(600), HeightCm: 260, Excluded: true},
	}
	got, err := UsableArea(parts)
	if err != nil || got != 1115750 {
		t.Fatalf("UsableArea = %s, %v; want 111,575 m²", got.Format(UnitM2), err)
	}
	// Boundaries: exactly 1,40 and exactly 2,20 count half; 1,39 nothing; 2,21 whole.
	for _, tc := range []struct {
		h    int
		want Quantity
	}{{139, 0}, {140, M2(500)}, {220, M2(500)}, {221, M2(1000)}} {
		got, err := UsableArea([]RoomPart{{Area: M2(1000), HeightCm: tc.h}})
		if err != nil || got != tc.want {
			t.Errorf("10 m² at %d cm = %s, want %s", tc.h, got.Format(UnitM2), tc.want.Format(UnitM2))
		}
	}
	for _, bad := range []RoomPart{{Area: -1, HeightCm: 250}, {Area: 100, HeightCm: 0}, {Area: 1, HeightCm: 200}} {
		if _, err := UsableArea([]RoomPart{bad}); !engine.Is(engine.KindInvalid, err) {
			t.Errorf("UsableArea(%+v) = %v", bad, err)
		}
	}
}
