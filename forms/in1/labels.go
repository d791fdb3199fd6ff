package in1

// label is a text of the HTML form in Polish and English. The validation
// messages are Polish only: the form is filled in Polish offices.
type label struct{ pl, en string }

func (l label) in(lang string) string {
	if lang == "en" && l.en != "" {
		return l.en
	}
	return l.pl
}

// labels of the HTML form by key: a field path without indexes
// ("d.buildings.area") or a section name.
var labels = map[string]label{
	"title":                 {"IN-1 Informacja o nieruchomościach i obiektach budowlanych", "IN-1 Information on real property and buildings"},
	"summary":               {"Formularz zawiera błędy:", "The form has errors:"},
	"required":              {"wymagane", "required"},
	"submit":                {"Zapisz", "Save"},
	"choose":                {"— wybierz —", "— choose —"},
	"newRow":                {"nowy wiersz (wypełnij, aby dodać)", "new row (fill in to add)"},
	"row":                   {"Pozycja", "Item"},
	"a":                     {"A. Miejsce składania informacji", "A. Where the information is filed"},
	"a.authority":           {"Organ podatkowy (wójt, burmistrz, prezydent miasta)", "Tax authority (wójt, burmistrz, prezydent miasta)"},
	"b":                     {"B. Dane składającego informację", "B. The person filing"},
	"b.1":                   {"B.1 Dane identyfikacyjne", "B.1 Identification"},
	"b.pesel":               {"Numer PESEL", "PESEL number"},
	"b.nip":                 {"Identyfikator podatkowy NIP (zamiast PESEL)", "Tax identifier NIP (instead of PESEL)"},
	"b.surname":             {"Nazwisko", "Surname"},
	"b.firstName":           {"Pierwsze imię", "First name"},
	"b.birthDate":           {"Data urodzenia", "Date of birth"},
	"b.2":                   {"B.2 Adres zamieszkania", "B.2 Address of residence"},
	"b.address.country":     {"Kraj", "Country"},
	"b.address.voivodeship": {"Województwo", "Voivodeship"},
	"b.address.county":      {"Powiat", "County (powiat)"},
	"b.address.commune":     {"Gmina", "Commune (gmina)"},
	"b.address.street":      {"Ulica", "Street"},
	"b.address.house":       {"Numer domu", "House number"},
	"b.address.flat":        {"Numer lokalu", "Flat number"},
	"b.address.city":        {"Miejscowość", "Town"},
	"b.address.postalCode":  {"Kod pocztowy", "Postal code"},
	"b.phone":               {"Telefon (nieobowiązkowo)", "Phone (optional)"},
	"b.email":               {"E-mail (nieobowiązkowo)", "E-mail (optional)"},
	"c":                     {"C. Okoliczności powodujące obowiązek złożenia informacji", "C. Circumstances"},
	"c.kind":                {"Rodzaj informacji", "Kind of information"},
	"c.kind.first":          {"informacja składana po raz pierwszy", "filed for the first time"},
	"c.kind.correction":     {"korekta informacji", "correction"},
	"c.event":               {"Zdarzenie", "Event"},
	"c.event.arose":         {"powstanie obowiązku podatkowego", "the tax obligation arose"},
	"c.event.changed":       {"zmiana", "a change"},
	"c.event.ceased":        {"wygaśnięcie obowiązku podatkowego", "the tax obligation ceased"},
	"c.date":                {"Data zaistnienia zmian (powstania, wygaśnięcia obowiązku)", "Date of the event"},
	"c.reason":              {"Uzasadnienie korekty", "Reason for the correction"},
	"d":                     {"D. Przedmioty opodatkowania podlegające opodatkowaniu (ZIN-1)", "D. Taxable subjects (ZIN-1)"},
	"e":                     {"E. Przedmioty opodatkowania zwolnione z opodatkowania (ZIN-2)", "E. Exempt subjects (ZIN-2)"},
	"land":                  {"Grunty", "Land"},
	"buildings":             {"Budynki lub ich części", "Buildings or their parts"},
	"structures":            {"Budowle lub ich części", "Structures or their parts"},
	"category":              {"Rodzaj", "Category"},
	"location":              {"Położenie (adres)", "Location (address)"},
	"parcel":                {"Działka ewidencyjna (obręb numer, np. 0001 123/4)", "Parcel (precinct number, e.g. 0001 123/4)"},
	"landRegister":          {"Numer księgi wieczystej (XXXX/00000000/0)", "Land register number (XXXX/00000000/0)"},
	"share":                 {"Udział (np. 1/2; puste = całość)", "Share (e.g. 1/2; empty = whole)"},
	"area":                  {"Powierzchnia", "Area"},
	"unit":                  {"Jednostka", "Unit"},
	"buildings.area":        {"Powierzchnia użytkowa ogółem (m²)", "Usable area in total (m²)"},
	"areaFull":              {"w tym o wysokości co najmniej 2,20 m (m²)", "of which at least 2.20 m high (m²)"},
	"areaLow":               {"w tym o wysokości 1,40–2,20 m (m², liczona w 50%)", "of which 1.40–2.20 m high (m², counted at 50%)"},
	"value":                 {"Wartość (zł)", "Value (zł)"},
	"exemptionBasis":        {"Podstawa prawna zwolnienia (przepis)", "Legal basis of the exemption"},
	"coOwners":              {"ZIN-3. Dane pozostałych podatników (współwłaścicieli)", "ZIN-3. Other taxpayers (co-owners)"},
	"coOwners.pesel":        {"Numer PESEL", "PESEL number"},
	"coOwners.nip":          {"NIP (zamiast PESEL)", "NIP (instead of PESEL)"},
	"coOwners.surname":      {"Nazwisko", "Surname"},
	"coOwners.firstName":    {"Pierwsze imię", "First name"},
	"coOwners.address":      {"Adres zamieszkania", "Address of residence"},
	"f":                     {"Oświadczenie", "Statement"},
	"filedOn":               {"Data wypełnienia", "Date of filling in"},
}

// tr is the label of key in lang, the key itself when there is none.
func tr(key, lang string) string {
	if l, ok := labels[key]; ok {
		return l.in(lang)
	}
	return key
}
