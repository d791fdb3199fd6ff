package in1

import (
	"fmt"
	"strconv"
	"strings"

	"obieg.dev/obieg/engine/calendar"
)

// Declaration is one IN-1 "informacja o nieruchomościach i obiektach
// budowlanych" with its annexes: ZIN-1 (Taxed, part D), ZIN-2 (Exempt,
// part E) and ZIN-3 (CoOwners).
type Declaration struct {
	// A. Miejsce składania: the tax authority (organ podatkowy) the
	// information is addressed to, e.g. "Burmistrz Miasta i Gminy Zażółć".
	Authority string

	Filer         Filer         // B. dane składającego
	Circumstances Circumstances // C. okoliczności powodujące obowiązek złożenia informacji

	// D / ZIN-1: przedmioty opodatkowania podlegające opodatkowaniu.
	Taxed Subjects
	// E / ZIN-2: przedmioty opodatkowania zwolnione z opodatkowania; each
	// names the provision that exempts it (ExemptionBasis).
	Exempt Subjects
	// ZIN-3: dane pozostałych podatników, the co-owners (współwłaściciele,
	// współposiadacze) of the subjects held in shares.
	CoOwners []Person

	// FiledOn is the date of filling in (data wypełnienia); optional.
	FiledOn calendar.Date

	// raw keeps what a person typed into the HTML form where it could not
	// be parsed, keyed by input name, so the form shows it back.
	raw map[string]string
}

// Filer is part B: the natural person filing the information.
type Filer struct {
	// B.1 dane identyfikacyjne. The form has one identifier: PESEL for a
	// person in the PESEL register who runs no business and is no VAT
	// payer, NIP for others. Exactly one of PESEL and NIP is set.
	PESEL     string
	NIP       string
	Surname   string // nazwisko
	FirstName string // pierwsze imię
	BirthDate calendar.Date

	Address Address // B.2 adres zamieszkania

	Phone string // optional contact details
	Email string
}

// Address is a Polish postal address as on the forms (B.2).
type Address struct {
	Country     string // kraj, e.g. "Polska"
	Voivodeship string // województwo
	County      string // powiat
	Commune     string // gmina
	Street      string // ulica; may be empty in villages
	House       string // nr domu
	Flat        string // nr lokalu
	City        string // miejscowość
	PostalCode  string // kod pocztowy, NN-NNN in Poland
}

// Kind is why the information is filed (part C).
type Kind string

const (
	KindFirst      Kind = "first"      // informacja składana po raz pierwszy
	KindCorrection Kind = "correction" // korekta informacji
)

// Event is what happened to the tax obligation on Circumstances.Date.
type Event string

const (
	EventArose   Event = "arose"   // powstanie obowiązku podatkowego
	EventChanged Event = "changed" // zmiana (zaistnienie zmian)
	EventCeased  Event = "ceased"  // wygaśnięcie obowiązku podatkowego
)

// Circumstances is part C.
type Circumstances struct {
	Kind  Kind
	Event Event
	// Date is when the obligation arose, changed or ceased (data
	// zaistnienia zmian / powstania obowiązku); the information is due
	// within 14 days of it.
	Date calendar.Date
	// CorrectionReason is the uzasadnienie korekty, required for a
	// correction.
	CorrectionReason string
}

// Category is a stable code of a subject of taxation; the tax rules
// package keys its rates on these codes.
type Category string

const (
	LandBusiness        Category = "land-business"        // grunty związane z działalnością gospodarczą (m²)
	LandWater           Category = "land-water"           // grunty pod wodami powierzchniowymi (ha)
	LandOther           Category = "land-other"           // grunty pozostałe (m²)
	BuildingResidential Category = "building-residential" // budynki mieszkalne
	BuildingBusiness    Category = "building-business"    // budynki związane z działalnością gospodarczą
	BuildingSeed        Category = "building-seed"        // obrót kwalifikowanym materiałem siewnym
	BuildingHealth      Category = "building-health"      // świadczenia zdrowotne
	BuildingOther       Category = "building-other"       // budynki pozostałe
	Structure           Category = "structure"            // budowle (wartość w zł)
)

// Group is the kind of subject a category belongs to.
type Group uint8

const (
	GroupNone Group = iota
	GroupLand
	GroupBuilding
	GroupStructure
)

// categories lists every category in the order of the form with its
// Polish label.
var categories = []struct {
	c     Category
	g     Group
	label string
}{
	{LandBusiness, GroupLand, "grunty związane z prowadzeniem działalności gospodarczej"},
	{LandWater, GroupLand, "grunty pod wodami powierzchniowymi stojącymi lub płynącymi jezior i zbiorników sztucznych"},
	{LandOther, GroupLand, "grunty pozostałe, w tym zajęte na odpłatną statutową działalność pożytku publicznego"},
	{BuildingResidential, GroupBuilding, "budynki mieszkalne"},
	{BuildingBusiness, GroupBuilding, "budynki związane z prowadzeniem działalności gospodarczej oraz części budynków mieszkalnych zajęte na jej prowadzenie"},
	{BuildingSeed, GroupBuilding, "budynki zajęte na prowadzenie działalności w zakresie obrotu kwalifikowanym materiałem siewnym"},
	{BuildingHealth, GroupBuilding, "budynki związane z udzielaniem świadczeń zdrowotnych, zajęte przez podmioty je udzielające"},
	{BuildingOther, GroupBuilding, "budynki pozostałe, w tym zajęte na odpłatną statutową działalność pożytku publicznego"},
	{Structure, GroupStructure, "budowle lub ich części związane z prowadzeniem działalności gospodarczej"},
}

// Categories returns the categories of a group in the order of the form.
func Categories(g Group) []Category {
	var out []Category
	for _, c := range categories {
		if c.g == g {
			out = append(out, c.c)
		}
	}
	return out
}

// Group reports the group of c, GroupNone for an unknown code.
func (c Category) Group() Group {
	for _, k := range categories {
		if k.c == c {
			return k.g
		}
	}
	return GroupNone
}

// Label is the Polish name of the category as on the form.
func (c Category) Label() string {
	for _, k := range categories {
		if k.c == c {
			return k.label
		}
	}
	return string(c)
}

// Unit is the unit an area is given in.
type Unit string

const (
	UnitM2 Unit = "m2" // square metres; Area in hundredths of m²
	UnitHa Unit = "ha" // hectares; Area in ten-thousandths of ha (only land under water)
)

// Scale is the fixed-point factor of the unit: 100 for m², 10000 for ha.
func (u Unit) Scale() int64 {
	if u == UnitHa {
		return 10000
	}
	return 100
}

// Decimals is the number of decimal places the unit allows.
func (u Unit) Decimals() int {
	if u == UnitHa {
		return 4
	}
	return 2
}

// Symbol is the unit as printed.
func (u Unit) Symbol() string {
	if u == UnitHa {
		return "ha"
	}
	return "m²"
}

// Subjects are the subjects of taxation of one part (D or E).
type Subjects struct {
	Land       []Subject // D.1 grunty
	Buildings  []Subject // D.2 budynki lub ich części
	Structures []Subject // D.3 budowle
}

// Len is the number of subjects.
func (s Subjects) Len() int { return len(s.Land) + len(s.Buildings) + len(s.Structures) }

// Subject is one piece of land, building (or part of one) or structure.
//
// Areas are fixed point in the subject's Unit: hundredths of a square metre
// for m² (12050 is 120.50 m²), ten-thousandths of a hectare for ha (only
// for land under water). Value is in grosze.
type Subject struct {
	Category Category

	Location     string // położenie: the address or place
	Parcel       string // działka ewidencyjna: obręb and number, e.g. "0001 123/4"
	LandRegister string // księga wieczysta, e.g. "WA1M/00012345/6"
	Share        Share  // udział w prawie własności (posiadaniu)

	Unit Unit  // of the areas; empty is m²
	Area int64 // land: area; building: powierzchnia użytkowa in total
	// Buildings: the part of Area in rooms at least 2.20 m high and in
	// rooms 1.40–2.20 m high (counted at 50%); rooms below 1.40 m are not
	// usable area and appear in neither. AreaFull + AreaLow == Area.
	AreaFull int64
	AreaLow  int64

	Value int64 // structures: value in grosze (the base of the 2% tax)

	// ExemptionBasis is the provision exempting the subject (przepis
	// prawa, e.g. "art. 7 ust. 1 pkt 6 ustawy o podatkach i opłatach
	// lokalnych"); required in part E, empty in part D.
	ExemptionBasis string
}

// unit is the subject's unit with the default applied.
func (s Subject) unit() Unit {
	if s.Unit == "" {
		return UnitM2
	}
	return s.Unit
}

// AreaM2x100 is the area in hundredths of a square metre whatever the unit
// (a hectare is 10 000 m²).
func (s Subject) AreaM2x100() int64 {
	if s.unit() == UnitHa {
		return s.Area * 100
	}
	return s.Area
}

// Share is a fraction of ownership (or possession), e.g. 1/2.
type Share struct {
	Num, Den int64
}

// Whole is the whole of a right: 1/1.
var Whole = Share{1, 1}

func (s Share) String() string { return fmt.Sprintf("%d/%d", s.Num, s.Den) }

// Partial reports whether the share is less than the whole.
func (s Share) Partial() bool { return s.Den > 0 && s.Num < s.Den }

// ParseShare parses "n/d" (or "1" for the whole).
func ParseShare(s string) (Share, error) {
	s = strings.TrimSpace(s)
	if s == "1" {
		return Whole, nil
	}
	n, d, ok := strings.Cut(s, "/")
	if !ok {
		return Share{}, fmt.Errorf("want n/d")
	}
	num, err1 := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
	den, err2 := strconv.ParseInt(strings.TrimSpace(d), 10, 64)
	if err1 != nil || err2 != nil {
		return Share{}, fmt.Errorf("want n/d")
	}
	return Share{num, den}, nil
}

// Person is another taxpayer of ZIN-3 (a co-owner).
type Person struct {
	PESEL     string
	NIP       string
	Surname   string
	FirstName string
	Address   string // adres zamieszkania in one line
}
