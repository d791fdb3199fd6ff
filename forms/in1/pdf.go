package in1

import (
	"fmt"
	"io"
	"strings"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/forms"
)

// WritePDF prints d as a landscape A4 PDF: the parts of the form as rows
// of "position, field, value" (A, B.1, B.2, C, D.1–D.3 with the totals of
// the taxed areas and values, E, ZIN-3), laid out by forms.WriteTablePDF so
// that Polish letters print with the embedded DejaVu fonts and long lists
// run over pages with repeated headers. It prints what it is given, valid
// or not; validate first.
func WritePDF(w io.Writer, d *Declaration) error {
	const op = "in1.WritePDF"
	if d == nil {
		return engine.E(op, engine.KindInvalid, "no declaration")
	}
	t := forms.Table{
		Title:    "IN-1 Informacja o nieruchomościach i obiektach budowlanych",
		Subtitle: subtitle(d),
		Columns: []forms.Column{
			{Header: "Poz.", Width: 16},
			{Header: "Pole", Width: 80},
			{Header: "Wartość"},
		},
	}
	add := func(pos, field, value string) { t.Rows = append(t.Rows, []string{pos, field, value}) }

	add("A", "Organ podatkowy", d.Authority)

	f := d.Filer
	if f.NIP != "" && f.PESEL == "" {
		add("B.1", "Identyfikator podatkowy NIP", f.NIP)
	} else {
		add("B.1", "Numer PESEL", f.PESEL)
	}
	add("B.1", "Nazwisko, pierwsze imię", strings.TrimSpace(f.Surname+" "+f.FirstName))
	add("B.1", "Data urodzenia", dateValue(f.BirthDate))
	add("B.2", "Adres zamieszkania", addressText(f.Address))
	if f.Phone != "" || f.Email != "" {
		add("B.2", "Dane kontaktowe", strings.Trim(f.Phone+" · "+f.Email, " ·"))
	}

	c := d.Circumstances
	add("C", "Okoliczności", kindText(c.Kind)+"; "+eventText(c.Event))
	add("C", "Data zaistnienia zmian", dateValue(c.Date))
	if c.Kind == KindCorrection || c.CorrectionReason != "" {
		add("C", "Uzasadnienie korekty", c.CorrectionReason)
	}

	subjectRows(&t, "D", d.Taxed)
	for _, g := range []Group{GroupLand, GroupBuilding, GroupStructure} {
		for _, cat := range Categories(g) {
			if s, ok := total(d.Taxed, cat); ok {
				add("D", "Razem: "+cat.Label(), s)
			}
		}
	}
	subjectRows(&t, "E", d.Exempt)
	for i, p := range d.CoOwners {
		id := "PESEL " + p.PESEL
		if p.PESEL == "" {
			id = "NIP " + p.NIP
		}
		add("ZIN-3", fmt.Sprintf("Pozostały podatnik %d", i+1),
			strings.TrimSpace(p.Surname+" "+p.FirstName)+"\n"+id+"\n"+p.Address)
	}
	if !d.FiledOn.IsZero() {
		add("F", "Data wypełnienia", dateValue(d.FiledOn))
	}
	t.Footer = fmt.Sprintf("Załączniki: ZIN-1 – %d, ZIN-2 – %d, ZIN-3 – %d",
		d.Taxed.Len(), d.Exempt.Len(), len(d.CoOwners))
	if err := forms.WriteTablePDF(w, t, time.Now().In(calendar.Warsaw())); err != nil {
		return engine.E(op, err)
	}
	return nil
}

func subtitle(d *Declaration) string {
	s := strings.TrimSpace(d.Filer.FirstName + " " + d.Filer.Surname)
	if d.Filer.PESEL != "" {
		s += ", PESEL " + d.Filer.PESEL
	} else if d.Filer.NIP != "" {
		s += ", NIP " + d.Filer.NIP
	}
	return s + " · " + kindText(d.Circumstances.Kind) + " · " + dateValue(d.Circumstances.Date)
}

func kindText(k Kind) string {
	switch k {
	case KindFirst:
		return "informacja składana po raz pierwszy"
	case KindCorrection:
		return "korekta informacji"
	}
	return string(k)
}

func eventText(e Event) string {
	switch e {
	case EventArose:
		return "powstanie obowiązku podatkowego"
	case EventChanged:
		return "zmiana"
	case EventCeased:
		return "wygaśnięcie obowiązku podatkowego"
	}
	return string(e)
}

func addressText(a Address) string {
	street := strings.TrimSpace(a.Street + " " + a.House)
	if a.Flat != "" {
		street += "/" + a.Flat
	}
	lines := []string{street, strings.TrimSpace(a.PostalCode + " " + a.City)}
	var region []string
	for _, s := range []string{a.Commune, a.County, a.Voivodeship, a.Country} {
		if s != "" {
			region = append(region, s)
		}
	}
	if len(region) > 0 {
		lines = append(lines, strings.Join(region, ", "))
	}
	return strings.Join(lines, "\n")
}

// subjectRows adds one row per subject of a part (D or E).
func subjectRows(t *forms.Table, part string, s Subjects) {
	for n, l := range lists {
		for i, it := range *l.get(&s) {
			pos := fmt.Sprintf("%s.%d.%d", part, n+1, i+1)
			t.Rows = append(t.Rows, []string{pos, it.Category.Label(), subjectText(it, l.group)})
		}
	}
}

// subjectText is what the form asks of one subject, line by line.
func subjectText(s Subject, g Group) string {
	var lines []string
	lines = append(lines, "Położenie: "+s.Location)
	var ids []string
	if s.Parcel != "" {
		ids = append(ids, "działka "+s.Parcel)
	}
	if s.LandRegister != "" {
		ids = append(ids, "KW "+s.LandRegister)
	}
	ids = append(ids, "udział "+s.Share.String())
	lines = append(lines, strings.Join(ids, " · "))
	switch g {
	case GroupLand:
		lines = append(lines, "Powierzchnia: "+areaText(s.Area, s.unit()))
	case GroupBuilding:
		lines = append(lines, fmt.Sprintf("Powierzchnia użytkowa: %s (w tym o wysokości co najmniej 2,20 m: %s; 1,40–2,20 m: %s)",
			areaText(s.Area, UnitM2), areaText(s.AreaFull, UnitM2), areaText(s.AreaLow, UnitM2)))
	case GroupStructure:
		lines = append(lines, "Wartość: "+moneyText(s.Value))
	}
	if s.ExemptionBasis != "" {
		lines = append(lines, "Podstawa zwolnienia: "+s.ExemptionBasis)
	}
	return strings.Join(lines, "\n")
}

// total is the sum of the areas (values) of the taxed subjects of one
// category as printed, if there are any.
func total(s Subjects, c Category) (string, bool) {
	var sum, low int64
	n := 0
	var unit Unit
	for _, l := range lists {
		for _, it := range *l.get(&s) {
			if it.Category != c {
				continue
			}
			n++
			if c.Group() == GroupStructure {
				sum += it.Value
				continue
			}
			if unit == "" {
				unit = it.unit()
			}
			if it.unit() != unit {
				return "różne jednostki", true
			}
			sum += it.Area
			low += it.AreaLow
		}
	}
	switch {
	case n == 0:
		return "", false
	case c.Group() == GroupStructure:
		return moneyText(sum), true
	case c.Group() == GroupBuilding:
		return areaText(sum, unit) + " (w tym o wysokości 1,40–2,20 m: " + areaText(low, UnitM2) + ")", true
	}
	return areaText(sum, unit), true
}
