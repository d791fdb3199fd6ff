package in1

import (
	"time"

	"obieg.dev/obieg/engine/calendar"
)

// today is the date the tests validate on.
var today = calendar.NewDate(2025, time.March, 20)

// sample is the declaration of testdata/in1.xml, built by hand: a valid
// IN-1 that the tests break one rule at a time.
func sample() *Declaration {
	return &Declaration{
		Authority: "Burmistrz Miasta Gniezna",
		Filer: Filer{
			PESEL:     "85071402348",
			Surname:   "Żółtowska-Ćwik",
			FirstName: "Łucja",
			BirthDate: calendar.NewDate(1985, time.July, 14),
			Address: Address{
				Country: "Polska", Voivodeship: "wielkopolskie", County: "gnieźnieński", Commune: "Gniezno",
				Street: "ul. Lipowa", House: "5", Flat: "2", City: "Gniezno", PostalCode: "62-200",
			},
			Phone: "+48 600 100 200",
			Email: "lucja@example.pl",
		},
		Circumstances: Circumstances{Kind: KindFirst, Event: EventArose, Date: calendar.NewDate(2025, time.March, 14)},
		Taxed: Subjects{
			Land: []Subject{
				{Category: LandOther, Location: "ul. Lipowa 5, 62-200 Gniezno", Parcel: "0001 123/4",
					LandRegister: "WA1M/00012345/1", Share: Share{1, 2}, Unit: UnitM2, Area: 81250},
				{Category: LandWater, Location: "Jezioro Winiary, Gniezno", Parcel: "0002 77",
					Share: Whole, Unit: UnitHa, Area: 1250},
			},
			Buildings: []Subject{
				{Category: BuildingResidential, Location: "ul. Lipowa 5, 62-200 Gniezno", Parcel: "0001 123/4",
					LandRegister: "WA1M/00012345/1", Share: Share{1, 2}, Area: 14230, AreaFull: 12010, AreaLow: 2220},
				{Category: BuildingBusiness, Location: "ul. Lipowa 5, 62-200 Gniezno (warsztat)",
					Share: Whole, Area: 3500, AreaFull: 3500},
			},
			Structures: []Subject{
				{Category: Structure, Location: "ul. Lipowa 5, 62-200 Gniezno (maszt antenowy)",
					LandRegister: "KR1P/00098765/8", Share: Whole, Value: 4800000},
			},
		},
		Exempt: Subjects{
			Buildings: []Subject{
				{Category: BuildingOther, Location: "ul. Farna 1, 62-200 Gniezno (spichlerz)", Parcel: "0003 15/2",
					Share: Whole, Area: 6000, AreaFull: 5000, AreaLow: 1000,
					ExemptionBasis: "art. 7 ust. 1 pkt 6 ustawy o podatkach i opłatach lokalnych"},
			},
		},
		CoOwners: []Person{
			{PESEL: "82030512351", Surname: "Ćwik", FirstName: "Józef", Address: "ul. Lipowa 5/2, 62-200 Gniezno"},
		},
		FiledOn: calendar.NewDate(2025, time.March, 20),
	}
}
