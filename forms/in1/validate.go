package in1

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

// Problem is one thing wrong with a declaration: the field at fault as a
// JSON-pointer-like path ("b.pesel", "d.buildings[2].area") and a message
// in Polish, fit to show next to the field.
type Problem struct {
	Field   string
	Message string
}

// Problems are all the problems of a declaration at once. A non-empty
// Problems is an error of kind engine.KindInvalid: errors.As(err, &e) with
// e an *engine.Error yields the first field and all the messages, so
// engine.KindOf, engine.FieldOf and engine.MessageOf work on it as on any
// error of Obieg.
type Problems []Problem

func (ps Problems) Error() string {
	if len(ps) == 1 {
		return "in1: " + ps[0].Field + ": " + ps[0].Message
	}
	return fmt.Sprintf("in1: %d problems: %s", len(ps), ps.joined())
}

func (ps Problems) joined() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Field)
		b.WriteString(": ")
		b.WriteString(p.Message)
	}
	return b.String()
}

// engineError is the *engine.Error standing for ps.
func (ps Problems) engineError(op string) *engine.Error {
	e := &engine.Error{Op: op, Kind: engine.KindInvalid}
	if len(ps) > 0 {
		e.Field = ps[0].Field
		e.Msg = ps.joined()
	}
	return e
}

// As lets errors.As find an *engine.Error in Problems.
func (ps Problems) As(target any) bool {
	if t, ok := target.(**engine.Error); ok && len(ps) > 0 {
		*t = ps.engineError("in1")
		return true
	}
	return false
}

// Err returns nil when there are no problems, else an *engine.Error of kind
// KindInvalid (op "in1") naming the first field, with all messages joined,
// that wraps ps, so errors.As(err, &problems) recovers the list. Wrap it
// with engine.E(op, err) to name the caller's operation.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	e := ps.engineError("in1")
	e.Err = ps
	return e
}

// For returns the messages about field.
func (ps Problems) For(field string) []string {
	var out []string
	for _, p := range ps {
		if p.Field == field {
			out = append(out, p.Message)
		}
	}
	return out
}

func (ps *Problems) add(field, format string, args ...any) {
	*ps = append(*ps, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// maxText bounds every free-text field, in characters.
const maxText = 500

// Validate checks d against the rules of the IN-1 form as of today and
// returns all problems at once as Problems (nil when there are none).
// Dates may not be after today.
func Validate(d *Declaration, today calendar.Date) error {
	if d == nil {
		return Problems{{Field: "", Message: "brak informacji"}}
	}
	var ps Problems
	text := func(field, v, what string, required bool) {
		switch {
		case strings.TrimSpace(v) == "" && required:
			ps.add(field, "%s jest wymagane", what)
		case utf8.RuneCountInString(v) > maxText:
			ps.add(field, "%s może mieć najwyżej %d znaków", what, maxText)
		case !utf8.ValidString(v):
			ps.add(field, "%s zawiera nieprawidłowe znaki", what)
		}
	}

	// A.
	text("a.authority", d.Authority, "Pole „organ podatkowy”", true)

	// B.1
	f := d.Filer
	validID(&ps, "b", f.PESEL, f.NIP)
	text("b.surname", f.Surname, "Nazwisko", true)
	text("b.firstName", f.FirstName, "Pierwsze imię", true)
	switch {
	case f.BirthDate.IsZero():
		ps.add("b.birthDate", "Data urodzenia jest wymagana")
	case !f.BirthDate.IsValid():
		ps.add("b.birthDate", "Data urodzenia jest nieprawidłowa")
	case f.BirthDate.After(today):
		ps.add("b.birthDate", "Data urodzenia nie może być z przyszłości")
	case f.PESEL != "" && validPESEL(f.PESEL):
		if pd, ok := peselBirthDate(f.PESEL); ok && pd != f.BirthDate {
			ps.add("b.birthDate", "Data urodzenia jest niezgodna z numerem PESEL (%s)", pd)
		}
	}
	// B.2
	a := f.Address
	text("b.address.country", a.Country, "Kraj", true)
	text("b.address.voivodeship", a.Voivodeship, "Województwo", false)
	text("b.address.county", a.County, "Powiat", false)
	text("b.address.commune", a.Commune, "Gmina", false)
	text("b.address.street", a.Street, "Ulica", false)
	text("b.address.house", a.House, "Numer domu", true)
	text("b.address.flat", a.Flat, "Numer lokalu", false)
	text("b.address.city", a.City, "Miejscowość", true)
	text("b.address.postalCode", a.PostalCode, "Kod pocztowy", true)
	if a.PostalCode != "" && isPoland(a.Country) && !postalRe.MatchString(a.PostalCode) {
		ps.add("b.address.postalCode", "Kod pocztowy ma postać 00-000")
	}
	text("b.phone", f.Phone, "Telefon", false)
	if f.Email != "" {
		if _, err := mail.ParseAddress(f.Email); err != nil || strings.ContainsAny(f.Email, "<> ") {
			ps.add("b.email", "Adres e-mail jest nieprawidłowy")
		}
	}

	// C.
	c := d.Circumstances
	switch c.Kind {
	case KindFirst, KindCorrection:
	case "":
		ps.add("c.kind", "Zaznacz, czy informacja jest składana po raz pierwszy, czy jest korektą")
	default:
		ps.add("c.kind", "Nieznany rodzaj informacji %q", c.Kind)
	}
	switch c.Event {
	case EventArose, EventChanged, EventCeased:
	case "":
		ps.add("c.event", "Zaznacz, czy obowiązek podatkowy powstał, zmienił się czy wygasł")
	default:
		ps.add("c.event", "Nieznane zdarzenie %q", c.Event)
	}
	switch {
	case c.Date.IsZero():
		ps.add("c.date", "Data zaistnienia zmian jest wymagana")
	case !c.Date.IsValid():
		ps.add("c.date", "Data zaistnienia zmian jest nieprawidłowa")
	case c.Date.After(today):
		ps.add("c.date", "Data zaistnienia zmian nie może być z przyszłości")
	}
	if c.Kind == KindCorrection {
		text("c.reason", c.CorrectionReason, "Uzasadnienie korekty", true)
	} else {
		text("c.reason", c.CorrectionReason, "Uzasadnienie korekty", false)
	}

	// D, E.
	if d.Taxed.Len()+d.Exempt.Len() == 0 && c.Event != EventCeased {
		ps.add("d", "Wykaż co najmniej jeden przedmiot opodatkowania (część D lub E)")
	}
	partial := false
	for _, part := range []struct {
		name   string
		s      Subjects
		exempt bool
	}{{"d", d.Taxed, false}, {"e", d.Exempt, true}} {
		for _, list := range []struct {
			name  string
			group Group
			items []Subject
		}{
			{"land", GroupLand, part.s.Land},
			{"buildings", GroupBuilding, part.s.Buildings},
			{"structures", GroupStructure, part.s.Structures},
		} {
			for i, s := range list.items {
				at := fmt.Sprintf("%s.%s[%d].", part.name, list.name, i)
				validSubject(&ps, at, s, list.group, part.exempt)
				partial = partial || s.Share.Partial()
			}
		}
	}

	// ZIN-3.
	if partial && len(d.CoOwners) == 0 {
		ps.add("coOwners", "Przedmiot opodatkowania w udziale wymaga danych pozostałych podatników (ZIN-3)")
	}
	for i, p := range d.CoOwners {
		at := fmt.Sprintf("coOwners[%d].", i)
		validID(&ps, at[:len(at)-1], p.PESEL, p.NIP)
		text(at+"surname", p.Surname, "Nazwisko", true)
		text(at+"firstName", p.FirstName, "Pierwsze imię", true)
		text(at+"address", p.Address, "Adres zamieszkania", true)
	}

	if !d.FiledOn.IsZero() && (!d.FiledOn.IsValid() || d.FiledOn.After(today)) {
		ps.add("filedOn", "Data wypełnienia jest nieprawidłowa lub z przyszłości")
	}
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// validID checks the one tax identifier of a person at prefix ("b",
// "coOwners[0]").
func validID(ps *Problems, prefix, pesel, nip string) {
	switch {
	case pesel == "" && nip == "":
		ps.add(prefix+".pesel", "Podaj numer PESEL albo NIP")
	case pesel != "" && nip != "":
		ps.add(prefix+".nip", "Podaj jeden identyfikator: PESEL albo NIP, nie oba")
	}
	if pesel != "" {
		switch {
		case len(pesel) != 11 || !digitsOnly(pesel):
			ps.add(prefix+".pesel", "PESEL musi mieć 11 cyfr")
		case !validPESEL(pesel):
			ps.add(prefix+".pesel", "PESEL ma nieprawidłową sumę kontrolną")
		}
	}
	if nip != "" {
		digits := strings.NewReplacer("-", "", " ", "").Replace(nip)
		switch {
		case len(digits) != 10 || !digitsOnly(digits):
			ps.add(prefix+".nip", "NIP musi mieć 10 cyfr")
		case !validNIP(nip):
			ps.add(prefix+".nip", "NIP ma nieprawidłową sumę kontrolną")
		}
	}
}

// validSubject checks one subject at path prefix at ("d.buildings[2].").
func validSubject(ps *Problems, at string, s Subject, group Group, exempt bool) {
	switch g := s.Category.Group(); {
	case s.Category == "":
		ps.add(at+"category", "Wybierz rodzaj przedmiotu opodatkowania")
	case g == GroupNone:
		ps.add(at+"category", "Nieznany rodzaj przedmiotu opodatkowania %q", s.Category)
	case g != group:
		ps.add(at+"category", "Rodzaj %q nie należy do tej części formularza", s.Category)
	}
	if strings.TrimSpace(s.Location) == "" {
		ps.add(at+"location", "Położenie przedmiotu opodatkowania jest wymagane")
	} else if utf8.RuneCountInString(s.Location) > maxText {
		ps.add(at+"location", "Położenie może mieć najwyżej %d znaków", maxText)
	}
	switch {
	case s.Parcel == "" && group == GroupLand:
		ps.add(at+"parcel", "Numer działki ewidencyjnej jest wymagany dla gruntu")
	case s.Parcel != "" && !ValidParcel(s.Parcel):
		ps.add(at+"parcel", "Działka ewidencyjna ma postać „obręb numer”, np. 0001 123/4")
	}
	if s.LandRegister != "" {
		if !kwRe.MatchString(s.LandRegister) {
			ps.add(at+"landRegister", "Numer księgi wieczystej ma postać XXXX/00000000/0")
		} else if !ValidKW(s.LandRegister) {
			ps.add(at+"landRegister", "Numer księgi wieczystej ma nieprawidłową cyfrę kontrolną")
		}
	}
	switch sh := s.Share; {
	case sh.Num <= 0 || sh.Den <= 0:
		ps.add(at+"share", "Udział musi być dodatni, np. 1/2")
	case sh.Num > sh.Den:
		ps.add(at+"share", "Udział nie może przekraczać całości (%s)", sh)
	}

	switch s.Unit {
	case "", UnitM2:
		if s.Category == LandWater {
			ps.add(at+"unit", "Powierzchnię gruntów pod wodami podaje się w hektarach")
		}
	case UnitHa:
		if s.Category != LandWater {
			ps.add(at+"unit", "W hektarach podaje się tylko grunty pod wodami powierzchniowymi")
		}
	default:
		ps.add(at+"unit", "Nieznana jednostka %q", s.Unit)
	}
	switch group {
	case GroupLand, GroupBuilding:
		if s.Area < 0 {
			ps.add(at+"area", "Powierzchnia nie może być ujemna")
		}
		if s.Value != 0 {
			ps.add(at+"value", "Wartość podaje się tylko dla budowli")
		}
	case GroupStructure:
		if s.Value < 0 {
			ps.add(at+"value", "Wartość budowli nie może być ujemna")
		}
		if s.Area != 0 {
			ps.add(at+"area", "Dla budowli podaje się wartość, nie powierzchnię")
		}
	}
	if group == GroupBuilding {
		switch {
		case s.AreaFull < 0:
			ps.add(at+"areaFull", "Powierzchnia nie może być ujemna")
		case s.AreaLow < 0:
			ps.add(at+"areaLow", "Powierzchnia nie może być ujemna")
		case s.AreaFull+s.AreaLow != s.Area:
			ps.add(at+"area", "Powierzchnia użytkowa (%s) musi być sumą powierzchni o wysokości co najmniej 2,20 m (%s) i 1,40–2,20 m (%s)",
				areaText(s.Area, UnitM2), areaText(s.AreaFull, UnitM2), areaText(s.AreaLow, UnitM2))
		}
	} else if s.AreaFull != 0 || s.AreaLow != 0 {
		ps.add(at+"areaFull", "Podział według wysokości dotyczy tylko budynków")
	}
	switch {
	case exempt && strings.TrimSpace(s.ExemptionBasis) == "":
		ps.add(at+"exemptionBasis", "Podaj przepis, na podstawie którego przedmiot jest zwolniony")
	case !exempt && s.ExemptionBasis != "":
		ps.add(at+"exemptionBasis", "Przedmiot zwolniony wykazuje się w części E, nie D")
	case utf8.RuneCountInString(s.ExemptionBasis) > maxText:
		ps.add(at+"exemptionBasis", "Podstawa zwolnienia może mieć najwyżej %d znaków", maxText)
	}
}
