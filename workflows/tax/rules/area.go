package rules

import (
	"obieg.dev/obieg/engine"
)

// RoomPart is a part of a building's floor area of one clear height
// (wysokość w świetle): a room, the sloping part of an attic under a given
// height band, a cellar.
type RoomPart struct {
	Area     Quantity // floor area, m² in ten-thousandths (see [M2])
	HeightCm int      // clear height in centimetres
	// Excluded marks staircases and lift shafts, which are not part of the
	// usable area at all (upol art. 1a ust. 1 pkt 5).
	Excluded bool
}

// Clear heights of upol art. 4 ust. 2, in centimetres.
const (
	HeightNone = 140 // below this the area is left out
	HeightHalf = 220 // up to and including this the area counts 50%
)

// UsableArea returns the taxable usable area of a building or its part from
// its parts by clear height (upol art. 4 ust. 2): "powierzchnię pomieszczeń
// lub ich części oraz część kondygnacji o wysokości w świetle od 1,40 m do
// 2,20 m zalicza się do powierzchni użytkowej budynku w 50 %, a jeżeli
// wysokość jest mniejsza niż 1,40 m, powierzchnię tę pomija się".
//
// "Od 1,40 m do 2,20 m" is read inclusively at both ends: exactly 1,40 m and
// exactly 2,20 m count 50%; only above 2,20 m does area count in full.
// Halving is exact in the scale of [Quantity] (areas are not rounded), so a
// room of 12,35 m² at 2,00 m counts 6,175 m².
func UsableArea(parts []RoomPart) (Quantity, error) {
	const op = "rules.UsableArea"
	var total Quantity
	for i, p := range parts {
		switch {
		case p.Area < 0:
			return 0, engine.Invalid(op, fieldIndex("parts", i, "area"), "area is negative")
		case p.HeightCm <= 0:
			return 0, engine.Invalid(op, fieldIndex("parts", i, "height"), "clear height must be positive")
		case p.Excluded || p.HeightCm < HeightNone:
		case p.HeightCm <= HeightHalf:
			if p.Area%2 != 0 {
				return 0, engine.Invalid(op, fieldIndex("parts", i, "area"),
					"area %s has more decimals than half of it can hold", p.Area.Format(UnitM2))
			}
			total += p.Area / 2
		default:
			total += p.Area
		}
	}
	return total, nil
}
