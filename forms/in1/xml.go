package in1

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

// Namespace is the target namespace of in1.xsd, Obieg's own schema of the
// IN-1 form (see README.md): not an official CRD schema.
const Namespace = "https://obieg.dev/xml/in1/1"

// Limits of ParseXML. An ePUAP document may carry scanned attachments
// inline next to the form, hence the generous size.
const (
	MaxXMLSize  = 8 << 20 // bytes
	MaxXMLDepth = 64      // nested elements
)

// xInformacja is the root element; its children carry no namespace in the
// struct tags so Unmarshal matches them by local name whatever the prefix,
// and Marshal writes them unprefixed in the root's default namespace.
type xInformacja struct {
	XMLName     xml.Name      `xml:"Informacja"`
	Xmlns       string        `xml:"xmlns,attr,omitempty"`
	Wersja      string        `xml:"wersjaSchemy,attr,omitempty"`
	Naglowek    xNaglowek     `xml:"Naglowek"`
	Organ       string        `xml:"MiejsceSkladania>Organ"`
	Skladajacy  xSkladajacy   `xml:"Skladajacy"`
	Okolicznosc xOkolicznosci `xml:"Okolicznosci"`
	Opodatk     *xPrzedmioty  `xml:"PrzedmiotyOpodatkowane"`
	Zwolnione   *xPrzedmioty  `xml:"PrzedmiotyZwolnione"`
	Pozostali   *xPozostali   `xml:"PozostaliPodatnicy"`
	// An enveloped ds:Signature and unknown elements are skipped.
}

type xNaglowek struct {
	KodFormularza   string `xml:"KodFormularza"`
	DataWypelnienia string `xml:"DataWypelnienia,omitempty"`
}

type xSkladajacy struct {
	PESEL         string   `xml:"DaneIdentyfikacyjne>PESEL,omitempty"`
	NIP           string   `xml:"DaneIdentyfikacyjne>NIP,omitempty"`
	Nazwisko      string   `xml:"DaneIdentyfikacyjne>Nazwisko"`
	PierwszeImie  string   `xml:"DaneIdentyfikacyjne>PierwszeImie"`
	DataUrodzenia string   `xml:"DaneIdentyfikacyjne>DataUrodzenia"`
	Adres         xAdres   `xml:"AdresZamieszkania"`
	Kontakt       *xKontak `xml:"Kontakt"`
}

type xAdres struct {
	Kraj        string `xml:"Kraj"`
	Wojewodztwo string `xml:"Wojewodztwo,omitempty"`
	Powiat      string `xml:"Powiat,omitempty"`
	Gmina       string `xml:"Gmina,omitempty"`
	Ulica       string `xml:"Ulica,omitempty"`
	NrDomu      string `xml:"NrDomu"`
	NrLokalu    string `xml:"NrLokalu,omitempty"`
	Miejscowosc string `xml:"Miejscowosc"`
	KodPocztowy string `xml:"KodPocztowy"`
}

type xKontak struct {
	Telefon string `xml:"Telefon,omitempty"`
	Email   string `xml:"Email,omitempty"`
}

type xOkolicznosci struct {
	Rodzaj        string `xml:"Rodzaj"`
	Zdarzenie     string `xml:"Zdarzenie"`
	DataZdarzenia string `xml:"DataZdarzenia"`
	Uzasadnienie  string `xml:"UzasadnienieKorekty,omitempty"`
}

type xPrzedmioty struct {
	Grunt   []xPrzedmiot `xml:"Grunt"`
	Budynek []xPrzedmiot `xml:"Budynek"`
	Budowla []xPrzedmiot `xml:"Budowla"`
}

type xPrzedmiot struct {
	Kategoria       string       `xml:"Kategoria"`
	Polozenie       string       `xml:"Polozenie"`
	Dzialka         string       `xml:"Dzialka,omitempty"`
	KsiegaWieczysta string       `xml:"KsiegaWieczysta,omitempty"`
	Udzial          xUdzial      `xml:"Udzial"`
	Powierzchnia    *xPowierzchn `xml:"Powierzchnia"`
	PowWysokie      string       `xml:"PowierzchniaPowyzej220,omitempty"`
	PowNiskie       string       `xml:"Powierzchnia140do220,omitempty"`
	Wartosc         string       `xml:"Wartosc,omitempty"`
	Podstawa        string       `xml:"PodstawaZwolnienia,omitempty"`
}

type xUdzial struct {
	Licznik   string `xml:"licznik,attr"`
	Mianownik string `xml:"mianownik,attr"`
}

type xPowierzchn struct {
	Jednostka string `xml:"jednostka,attr,omitempty"`
	Value     string `xml:",chardata"`
}

type xPozostali struct {
	Podatnik []xPodatnik `xml:"Podatnik"`
}

type xPodatnik struct {
	PESEL        string `xml:"PESEL,omitempty"`
	NIP          string `xml:"NIP,omitempty"`
	Nazwisko     string `xml:"Nazwisko"`
	PierwszeImie string `xml:"PierwszeImie"`
	Adres        string `xml:"AdresZamieszkania"`
}

// Codes of part C as written in the XML.
var (
	kindCodes  = map[Kind]string{KindFirst: "pierwsza", KindCorrection: "korekta"}
	eventCodes = map[Event]string{EventArose: "powstanie", EventChanged: "zmiana", EventCeased: "wygasniecie"}
)

// ParseXML reads an IN-1 in the schema in1.xsd: either the bare form (root
// Informacja in Namespace, possibly with an enveloped ds:Signature) or the
// form carried the way an ePUAP document carries it, as the content of the
// document (root Dokument in any namespace, the form inside its
// TrescDokumentu). Elements are matched by namespace and local name and
// unknown ones are ignored. The input may be at most MaxXMLSize bytes and
// MaxXMLDepth elements deep and may not have a DOCTYPE.
//
// ParseXML checks the syntax of numbers, shares and dates and reports
// those problems as Problems with field paths; the rules of the form are
// Validate's business. A signature is not verified here.
func ParseXML(data []byte) (*Declaration, error) {
	const op = "in1.ParseXML"
	if len(data) > MaxXMLSize {
		return nil, engine.E(op, engine.KindTooLarge, fmt.Sprintf("dokument XML jest większy niż %d MiB", MaxXMLSize>>20))
	}
	start, err := findForm(data)
	if err != nil {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("xml"), err.Error())
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	for dec.InputOffset() < start {
		if _, err := dec.Token(); err != nil {
			return nil, engine.E(op, engine.KindInvalid, engine.Field("xml"), "nieprawidłowy XML", err)
		}
	}
	var x xInformacja
	if err := dec.Decode(&x); err != nil {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("xml"), "nieprawidłowy formularz IN-1", err)
	}
	d, ps := fromXML(&x)
	if len(ps) > 0 {
		return d, ps
	}
	return d, nil
}

// findForm checks the limits in one pass over data and returns the offset
// of the start tag of the form.
func findForm(data []byte) (int64, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var (
		path  []xml.Name
		found int64 = -1
	)
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("nieprawidłowy XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return 0, errors.New("dokument XML nie może zawierać deklaracji DOCTYPE")
		case xml.StartElement:
			if len(path) >= MaxXMLDepth {
				return 0, fmt.Errorf("dokument XML jest zagnieżdżony głębiej niż %d poziomów", MaxXMLDepth)
			}
			if found < 0 && isForm(path, t.Name) {
				found = off
			}
			path = append(path, t.Name)
		case xml.EndElement:
			path = path[:len(path)-1]
		}
	}
	if found < 0 {
		return 0, errors.New("dokument nie zawiera formularza IN-1 (element Informacja w przestrzeni nazw " + Namespace + ")")
	}
	return found, nil
}

// isForm reports whether an element named n under path is the form: the
// root, or the child of Dokument/TrescDokumentu.
func isForm(path []xml.Name, n xml.Name) bool {
	if n.Space != Namespace || n.Local != "Informacja" {
		return false
	}
	switch len(path) {
	case 0:
		return true
	case 2:
		return path[0].Local == "Dokument" && path[1].Local == "TrescDokumentu"
	}
	return false
}

// fromXML turns the XML form into a Declaration, noting syntax problems.
func fromXML(x *xInformacja) (*Declaration, Problems) {
	var ps Problems
	t := strings.TrimSpace
	d := &Declaration{
		Authority: t(x.Organ),
		Filer: Filer{
			PESEL:     t(x.Skladajacy.PESEL),
			NIP:       normNIP(x.Skladajacy.NIP),
			Surname:   t(x.Skladajacy.Nazwisko),
			FirstName: t(x.Skladajacy.PierwszeImie),
			Address: Address{
				Country:     t(x.Skladajacy.Adres.Kraj),
				Voivodeship: t(x.Skladajacy.Adres.Wojewodztwo),
				County:      t(x.Skladajacy.Adres.Powiat),
				Commune:     t(x.Skladajacy.Adres.Gmina),
				Street:      t(x.Skladajacy.Adres.Ulica),
				House:       t(x.Skladajacy.Adres.NrDomu),
				Flat:        t(x.Skladajacy.Adres.NrLokalu),
				City:        t(x.Skladajacy.Adres.Miejscowosc),
				PostalCode:  t(x.Skladajacy.Adres.KodPocztowy),
			},
		},
		Circumstances: Circumstances{CorrectionReason: t(x.Okolicznosc.Uzasadnienie)},
	}
	if k := x.Skladajacy.Kontakt; k != nil {
		d.Filer.Phone, d.Filer.Email = t(k.Telefon), t(k.Email)
	}
	date := func(field, s string) calendar.Date {
		if t(s) == "" {
			return calendar.Date{}
		}
		v, err := calendar.ParseDate(t(s))
		if err != nil {
			ps.add(field, "Data ma postać RRRR-MM-DD")
		}
		return v
	}
	d.Filer.BirthDate = date("b.birthDate", x.Skladajacy.DataUrodzenia)
	d.FiledOn = date("filedOn", x.Naglowek.DataWypelnienia)
	d.Circumstances.Date = date("c.date", x.Okolicznosc.DataZdarzenia)
	d.Circumstances.Kind = Kind(decode(kindCodes, t(x.Okolicznosc.Rodzaj)))
	d.Circumstances.Event = Event(decode(eventCodes, t(x.Okolicznosc.Zdarzenie)))

	subjects := func(part string, xp *xPrzedmioty) Subjects {
		var s Subjects
		if xp == nil {
			return s
		}
		conv := func(list string, items []xPrzedmiot) []Subject {
			var out []Subject
			for i, it := range items {
				out = append(out, fromXSubject(&ps, fmt.Sprintf("%s.%s[%d].", part, list, i), it))
			}
			return out
		}
		s.Land = conv("land", xp.Grunt)
		s.Buildings = conv("buildings", xp.Budynek)
		s.Structures = conv("structures", xp.Budowla)
		return s
	}
	d.Taxed = subjects("d", x.Opodatk)
	d.Exempt = subjects("e", x.Zwolnione)
	if x.Pozostali != nil {
		for _, p := range x.Pozostali.Podatnik {
			d.CoOwners = append(d.CoOwners, Person{
				PESEL: t(p.PESEL), NIP: normNIP(p.NIP), Surname: t(p.Nazwisko),
				FirstName: t(p.PierwszeImie), Address: t(p.Adres),
			})
		}
	}
	return d, ps
}

// decode maps an XML code back to the model's code; an unknown code is
// kept as it is for Validate to report.
func decode[K ~string](codes map[K]string, s string) string {
	for k, v := range codes {
		if v == s {
			return string(k)
		}
	}
	return s
}

func fromXSubject(ps *Problems, at string, x xPrzedmiot) Subject {
	t := strings.TrimSpace
	s := Subject{
		Category:       Category(t(x.Kategoria)),
		Location:       t(x.Polozenie),
		Parcel:         t(x.Dzialka),
		LandRegister:   t(x.KsiegaWieczysta),
		ExemptionBasis: t(x.Podstawa),
	}
	num, err1 := strconv.ParseInt(t(x.Udzial.Licznik), 10, 64)
	den, err2 := strconv.ParseInt(t(x.Udzial.Mianownik), 10, 64)
	if err1 != nil || err2 != nil {
		ps.add(at+"share", "Udział ma postać licznik/mianownik, np. 1/2")
	}
	s.Share = Share{num, den}
	dec := func(field, v string, places int) int64 {
		if t(v) == "" {
			return 0
		}
		n, err := ParseDecimal(v, places)
		if err != nil {
			ps.add(at+field, "%s", capital(err.Error()))
		}
		return n
	}
	if p := x.Powierzchnia; p != nil {
		s.Unit = Unit(t(p.Jednostka))
		places := 2
		if s.Unit == UnitHa {
			places = 4
		}
		s.Area = dec("area", p.Value, places)
	}
	s.AreaFull = dec("areaFull", x.PowWysokie, 2)
	s.AreaLow = dec("areaLow", x.PowNiskie, 2)
	s.Value = dec("value", x.Wartosc, 2)
	return s
}

// capital upper-cases the first letter of a message.
func capital(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// MarshalXML writes d as a bare form in the schema in1.xsd (root
// Informacja in Namespace), the inverse of ParseXML.
func MarshalXML(d *Declaration) ([]byte, error) {
	const op = "in1.MarshalXML"
	if d == nil {
		return nil, engine.E(op, engine.KindInvalid, "no declaration")
	}
	x := xInformacja{
		Xmlns:    Namespace,
		Wersja:   "1",
		Naglowek: xNaglowek{KodFormularza: "IN-1"},
		Organ:    d.Authority,
		Skladajacy: xSkladajacy{
			PESEL: d.Filer.PESEL, NIP: d.Filer.NIP,
			Nazwisko: d.Filer.Surname, PierwszeImie: d.Filer.FirstName,
			DataUrodzenia: dateText(d.Filer.BirthDate),
			Adres: xAdres{
				Kraj: d.Filer.Address.Country, Wojewodztwo: d.Filer.Address.Voivodeship,
				Powiat: d.Filer.Address.County, Gmina: d.Filer.Address.Commune,
				Ulica: d.Filer.Address.Street, NrDomu: d.Filer.Address.House,
				NrLokalu: d.Filer.Address.Flat, Miejscowosc: d.Filer.Address.City,
				KodPocztowy: d.Filer.Address.PostalCode,
			},
		},
		Okolicznosc: xOkolicznosci{
			Rodzaj:        encode(kindCodes, d.Circumstances.Kind),
			Zdarzenie:     encode(eventCodes, d.Circumstances.Event),
			DataZdarzenia: dateText(d.Circumstances.Date),
			Uzasadnienie:  d.Circumstances.CorrectionReason,
		},
		Opodatk:   toXSubjects(d.Taxed),
		Zwolnione: toXSubjects(d.Exempt),
	}
	if !d.FiledOn.IsZero() {
		x.Naglowek.DataWypelnienia = dateText(d.FiledOn)
	}
	if d.Filer.Phone != "" || d.Filer.Email != "" {
		x.Skladajacy.Kontakt = &xKontak{Telefon: d.Filer.Phone, Email: d.Filer.Email}
	}
	if len(d.CoOwners) > 0 {
		x.Pozostali = &xPozostali{}
		for _, p := range d.CoOwners {
			x.Pozostali.Podatnik = append(x.Pozostali.Podatnik, xPodatnik{
				PESEL: p.PESEL, NIP: p.NIP, Nazwisko: p.Surname, PierwszeImie: p.FirstName, Adres: p.Address,
			})
		}
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(x); err != nil {
		return nil, engine.E(op, "cannot write the XML", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func encode[K ~string](codes map[K]string, k K) string {
	if v, ok := codes[k]; ok {
		return v
	}
	return string(k)
}

func dateText(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func toXSubjects(s Subjects) *xPrzedmioty {
	if s.Len() == 0 {
		return nil
	}
	conv := func(items []Subject, group Group) []xPrzedmiot {
		var out []xPrzedmiot
		for _, it := range items {
			x := xPrzedmiot{
				Kategoria: string(it.Category), Polozenie: it.Location, Dzialka: it.Parcel,
				KsiegaWieczysta: it.LandRegister, Podstawa: it.ExemptionBasis,
				Udzial: xUdzial{strconv.FormatInt(it.Share.Num, 10), strconv.FormatInt(it.Share.Den, 10)},
			}
			if group != GroupStructure || it.Area != 0 {
				x.Powierzchnia = &xPowierzchn{Value: FormatDecimal(it.Area, it.unit().Decimals(), '.')}
				if it.Unit != "" {
					x.Powierzchnia.Jednostka = string(it.Unit)
				}
			}
			if group == GroupBuilding || it.AreaFull != 0 || it.AreaLow != 0 {
				x.PowWysokie = FormatDecimal(it.AreaFull, 2, '.')
				x.PowNiskie = FormatDecimal(it.AreaLow, 2, '.')
			}
			if group == GroupStructure || it.Value != 0 {
				x.Wartosc = FormatDecimal(it.Value, 2, '.')
			}
			out = append(out, x)
		}
		return out
	}
	return &xPrzedmioty{
		Grunt:   conv(s.Land, GroupLand),
		Budynek: conv(s.Buildings, GroupBuilding),
		Budowla: conv(s.Structures, GroupStructure),
	}
}
