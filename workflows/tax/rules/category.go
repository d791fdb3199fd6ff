package rules

import (
	"obieg.dev/obieg/engine"
)

// Unit is what a category's tax base is measured in (upol art. 4 ust. 1):
// the area of land, the usable area of a building, or the value of a
// structure.
type Unit string

const (
	UnitM2    Unit = "m2" // square metres: land and the usable area of buildings (art. 4 ust. 1 pkt 1–2)
	UnitHa    Unit = "ha" // hectares: land under water (art. 5 ust. 1 pkt 1 lit. b)
	UnitValue Unit = "zl" // złoty of value: structures (art. 4 ust. 1 pkt 3)
)

// QuantityScale is the fixed-point scale of a [Quantity] in each unit.
//
//   - m² and ha: ten-thousandths (4 decimals). Areas are not rounded (the
//     rounding of Ordynacja podatkowa art. 63 §1 is for amounts in złoty), so
//     the scale must hold exactly every area the rules produce: a room measured
//     to 0,01 m² that counts 50% (upol art. 4 ust. 2) needs a third decimal,
//     and an area under water in hectares is given to 1 m² (0,0001 ha).
//   - value: grosze (2 decimals).
func (u Unit) Scale() int64 {
	if u == UnitValue {
		return 100
	}
	return 10000
}

// Symbol returns the unit as printed on a decision.
func (u Unit) Symbol() string {
	switch u {
	case UnitM2:
		return "m²"
	case UnitHa:
		return "ha"
	case UnitValue:
		return "zł"
	}
	return string(u)
}

// Quantity is a tax base in the fixed-point scale of its category's unit
// (see [Unit.Scale]): ten-thousandths of m² or ha, or grosze of value. 120,5
// m² is Quantity(1205000); a structure worth 150 000 zł is Quantity(15000000).
type Quantity int64

// M2 returns an area given in hundredths of a square metre (the precision of
// surveys and of the IN-1 form) as a Quantity.
func M2(hundredths int64) Quantity { return Quantity(hundredths * 100) }

// ParseQuantity parses a base in the given unit ("120,50" m², "1,2345" ha,
// "150000,00" zł) without rounding.
func ParseQuantity(u Unit, s string) (Quantity, error) {
	dec := 4
	if u == UnitValue {
		dec = 2
	}
	n, err := parseFixed("rules.ParseQuantity", "base", s, dec)
	return Quantity(n), err
}

// Format formats q in unit u with a decimal comma, e.g. "120,50 m²".
func (q Quantity) Format(u Unit) string {
	if u == UnitValue {
		return Grosze(q).String()
	}
	return formatFixed(int64(q), 4, 2) + " " + u.Symbol()
}

// Category is a kind of taxable object with its own rate (upol art. 5
// ust. 1). Its string value is a stable code stored in the database and
// exchanged with other systems; never renumber or rename one.
type Category string

// The categories of upol art. 5 ust. 1. Since 2025 garages in residential
// buildings (and garage spaces in them) take the residential rate (art. 5
// ust. 1 pkt 2 lit. a as amended from 1.01.2025): classify them as
// CatBuildingResidential.
const (
	CatLandBusiness        Category = "land_business"        // art. 5 ust. 1 pkt 1 lit. a
	CatLandWater           Category = "land_water"           // art. 5 ust. 1 pkt 1 lit. b
	CatLandOther           Category = "land_other"           // art. 5 ust. 1 pkt 1 lit. c
	CatBuildingResidential Category = "building_residential" // art. 5 ust. 1 pkt 2 lit. a
	CatBuildingBusiness    Category = "building_business"    // art. 5 ust. 1 pkt 2 lit. b
	CatBuildingSeedTrade   Category = "building_seed_trade"  // art. 5 ust. 1 pkt 2 lit. c
	CatBuildingHealth      Category = "building_health"      // art. 5 ust. 1 pkt 2 lit. d
	CatBuildingOther       Category = "building_other"       // art. 5 ust. 1 pkt 2 lit. e
	CatStructure           Category = "structure"            // art. 5 ust. 1 pkt 3
)

// CategoryInfo describes a category for people and for the arithmetic.
type CategoryInfo struct {
	Code  Category
	Label string // Polish label, as on the IN-1/ZIN forms
	Unit  Unit
	// Percent is true when the rate is a percentage of the base (structures,
	// art. 5 ust. 1 pkt 3), false when it is złoty per unit of area.
	Percent bool
}

var categories = []CategoryInfo{
	{CatLandBusiness, "grunty związane z prowadzeniem działalności gospodarczej", UnitM2, false},
	{CatLandWater, "grunty pod wodami powierzchniowymi stojącymi lub wodami powierzchniowymi płynącymi jezior i zbiorników sztucznych, elektrowni wodnych", UnitHa, false},
	{CatLandOther, "grunty pozostałe", UnitM2, false},
	{CatBuildingResidential, "budynki mieszkalne lub ich części", UnitM2, false},
	{CatBuildingBusiness, "budynki lub ich części związane z prowadzeniem działalności gospodarczej", UnitM2, false},
	{CatBuildingSeedTrade, "budynki lub ich części zajęte na prowadzenie działalności gospodarczej w zakresie obrotu kwalifikowanym materiałem siewnym", UnitM2, false},
	{CatBuildingHealth, "budynki lub ich części związane z udzielaniem świadczeń zdrowotnych, zajęte przez podmioty udzielające tych świadczeń", UnitM2, false},
	{CatBuildingOther, "budynki lub ich części pozostałe", UnitM2, false},
	{CatStructure, "budowle", UnitValue, true},
}

// Categories returns every category in the order of upol art. 5 ust. 1.
func Categories() []CategoryInfo {
	return append([]CategoryInfo(nil), categories...)
}

// Info returns the description of c; ok is false for an unknown code.
func (c Category) Info() (info CategoryInfo, ok bool) {
	for _, ci := range categories {
		if ci.Code == c {
			return ci, true
		}
	}
	return CategoryInfo{}, false
}

// Label returns the Polish label of c, or its code if unknown.
func (c Category) Label() string {
	if ci, ok := c.Info(); ok {
		return ci.Label
	}
	return string(c)
}

// ParseCategory checks a stored code.
func ParseCategory(s string) (Category, error) {
	c := Category(s)
	if _, ok := c.Info(); !ok {
		return "", engine.Invalid("rules.ParseCategory", "category", "unknown category %q", s)
	}
	return c, nil
}
