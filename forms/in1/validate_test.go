package in1

import (
	"errors"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

// TestValidateRules breaks the valid sample one rule at a time: each row
// must produce exactly one problem, on the field named.
func TestValidateRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(d *Declaration)
		field  string
		msg    string
	}{
		{"authority required", func(d *Declaration) { d.Authority = " " }, "a.authority", "wymagane"},
		{"an identifier required", func(d *Declaration) { d.Filer.PESEL = "" }, "b.pesel", "Podaj numer PESEL albo NIP"},
		{"one identifier only", func(d *Declaration) { d.Filer.NIP = "5260250274" }, "b.nip", "nie oba"},
		{"PESEL has 11 digits", func(d *Declaration) { d.Filer.PESEL = "8507140234" }, "b.pesel", "11 cyfr"},
		{"PESEL checksum", func(d *Declaration) { d.Filer.PESEL = "85071402349" }, "b.pesel", "PESEL ma nieprawidłową sumę kontrolną"},
		{"NIP checksum", func(d *Declaration) { d.Filer.PESEL, d.Filer.NIP = "", "5260250275" }, "b.nip", "NIP ma nieprawidłową sumę kontrolną"},
		{"NIP has 10 digits", func(d *Declaration) { d.Filer.PESEL, d.Filer.NIP = "", "52602502" }, "b.nip", "10 cyfr"},
		{"surname required", func(d *Declaration) { d.Filer.Surname = "" }, "b.surname", "Nazwisko jest wymagane"},
		{"first name required", func(d *Declaration) { d.Filer.FirstName = "" }, "b.firstName", "Pierwsze imię jest wymagane"},
		{"birth date required", func(d *Declaration) { d.Filer.BirthDate = calendar.Date{} }, "b.birthDate", "wymagana"},
		{"birth date not in the future", func(d *Declaration) {
			d.Filer.PESEL, d.Filer.NIP, d.Filer.BirthDate = "", "5260250274", today.AddDays(1)
		}, "b.birthDate", "z przyszłości"},
		{"birth date matches PESEL", func(d *Declaration) { d.Filer.BirthDate = calendar.NewDate(1985, 7, 15) }, "b.birthDate", "niezgodna z numerem PESEL"},
		{"city required", func(d *Declaration) { d.Filer.Address.City = "" }, "b.address.city", "Miejscowość"},
		{"house number required", func(d *Declaration) { d.Filer.Address.House = "" }, "b.address.house", "Numer domu"},
		{"Polish postal code", func(d *Declaration) { d.Filer.Address.PostalCode = "62200" }, "b.address.postalCode", "00-000"},
		{"e-mail", func(d *Declaration) { d.Filer.Email = "lucja(at)example.pl" }, "b.email", "e-mail"},
		{"kind required", func(d *Declaration) { d.Circumstances.Kind = "" }, "c.kind", "po raz pierwszy"},
		{"kind known", func(d *Declaration) { d.Circumstances.Kind = "second" }, "c.kind", "Nieznany rodzaj"},
		{"event required", func(d *Declaration) { d.Circumstances.Event = "" }, "c.event", "wygasł"},
		{"event date required", func(d *Declaration) { d.Circumstances.Date = calendar.Date{} }, "c.date", "wymagana"},
		{"event date not in the future", func(d *Declaration) { d.Circumstances.Date = today.AddDays(1) }, "c.date", "z przyszłości"},
		{"correction needs a reason", func(d *Declaration) { d.Circumstances.Kind = KindCorrection }, "c.reason", "Uzasadnienie korekty jest wymagane"},
		{"at least one subject", func(d *Declaration) { d.Taxed, d.Exempt, d.CoOwners = Subjects{}, Subjects{}, nil }, "d", "co najmniej jeden"},
		{"category required", func(d *Declaration) { d.Taxed.Land[0].Category = "" }, "d.land[0].category", "Wybierz rodzaj"},
		{"category known", func(d *Declaration) { d.Taxed.Land[0].Category = "land-forest" }, "d.land[0].category", "Nieznany rodzaj"},
		{"category of the list", func(d *Declaration) { d.Taxed.Buildings[1].Category = LandOther }, "d.buildings[1].category", "nie należy"},
		{"location required", func(d *Declaration) { d.Taxed.Structures[0].Location = "" }, "d.structures[0].location", "Położenie"},
		{"text length", func(d *Declaration) { d.Taxed.Land[0].Location = strings.Repeat("ż", maxText+1) }, "d.land[0].location", "najwyżej 500"},
		{"parcel required for land", func(d *Declaration) { d.Taxed.Land[1].Parcel = "" }, "d.land[1].parcel", "wymagany dla gruntu"},
		{"parcel format", func(d *Declaration) { d.Taxed.Buildings[0].Parcel = "123/4" }, "d.buildings[0].parcel", "0001 123/4"},
		{"księga wieczysta format", func(d *Declaration) { d.Taxed.Land[0].LandRegister = "WA1M/12345/1" }, "d.land[0].landRegister", "XXXX/00000000/0"},
		{"księga wieczysta check digit", func(d *Declaration) { d.Taxed.Structures[0].LandRegister = "KR1P/00098765/7" }, "d.structures[0].landRegister", "cyfrę kontrolną"},
		{"share positive", func(d *Declaration) { d.Taxed.Land[1].Share = Share{0, 2} }, "d.land[1].share", "dodatni"},
		{"share denominator positive", func(d *Declaration) { d.Taxed.Land[1].Share = Share{1, 0} }, "d.land[1].share", "dodatni"},
		{"share at most whole", func(d *Declaration) { d.Taxed.Land[1].Share = Share{3, 2} }, "d.land[1].share", "przekraczać całości (3/2)"},
		{"shares need co-owners", func(d *Declaration) { d.CoOwners = nil }, "coOwners", "ZIN-3"},
		{"area not negative", func(d *Declaration) { d.Taxed.Land[0].Area = -1 }, "d.land[0].area", "ujemna"},
		{"height split sums to the area", func(d *Declaration) { d.Taxed.Buildings[0].AreaLow++ }, "d.buildings[0].area", "sumą powierzchni"},
		{"height split not negative", func(d *Declaration) {
			b := &d.Taxed.Buildings[1]
			b.AreaFull, b.AreaLow = -100, b.Area+100
		}, "d.buildings[1].areaFull", "ujemna"},
		{"height split only for buildings", func(d *Declaration) { d.Taxed.Land[1].AreaLow = 5 }, "d.land[1].areaFull", "tylko budynków"},
		{"ha only for water land", func(d *Declaration) { d.Taxed.Land[0].Unit = UnitHa }, "d.land[0].unit", "tylko grunty pod wodami"},
		{"water land in ha", func(d *Declaration) { d.Taxed.Land[1].Unit = UnitM2 }, "d.land[1].unit", "w hektarach"},
		{"unit known", func(d *Declaration) { d.Taxed.Land[0].Unit = "ar" }, "d.land[0].unit", "Nieznana jednostka"},
		{"structure has a value, not an area", func(d *Declaration) { d.Taxed.Structures[0].Area = 100 }, "d.structures[0].area", "wartość"},
		{"structure value not negative", func(d *Declaration) { d.Taxed.Structures[0].Value = -1 }, "d.structures[0].value", "ujemna"},
		{"value only for structures", func(d *Declaration) { d.Taxed.Land[0].Value = 100 }, "d.land[0].value", "tylko dla budowli"},
		{"exemption needs its basis", func(d *Declaration) { d.Exempt.Buildings[0].ExemptionBasis = "" }, "e.buildings[0].exemptionBasis", "przepis"},
		{"taxed subject has no exemption", func(d *Declaration) { d.Taxed.Land[0].ExemptionBasis = "art. 7" }, "d.land[0].exemptionBasis", "części E"},
		{"co-owner PESEL checksum", func(d *Declaration) { d.CoOwners[0].PESEL = "82030512352" }, "coOwners[0].pesel", "PESEL ma nieprawidłową sumę kontrolną"},
		{"co-owner identifier", func(d *Declaration) { d.CoOwners[0].PESEL = "" }, "coOwners[0].pesel", "Podaj numer PESEL albo NIP"},
		{"co-owner surname", func(d *Declaration) { d.CoOwners[0].Surname = "" }, "coOwners[0].surname", "Nazwisko"},
		{"filing date not in the future", func(d *Declaration) { d.FiledOn = today.AddDays(1) }, "filedOn", "z przyszłości"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := sample()
			tc.break_(d)
			err := Validate(d, today)
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("want Problems, got %v", err)
			}
			if len(ps) != 1 {
				t.Fatalf("want one problem on %s, got %v", tc.field, ps)
			}
			if ps[0].Field != tc.field || !strings.Contains(ps[0].Message, tc.msg) {
				t.Errorf("got %s: %q; want %s: …%s…", ps[0].Field, ps[0].Message, tc.field, tc.msg)
			}
		})
	}
}

// TestValidateAccepts: variants of the sample that are valid.
func TestValidateAccepts(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(d *Declaration)
	}{
		{"the sample", func(*Declaration) {}},
		{"NIP instead of PESEL, with separators", func(d *Declaration) { d.Filer.PESEL, d.Filer.NIP = "", "526-025-02-74" }},
		{"a correction with its reason", func(d *Declaration) {
			d.Circumstances.Kind, d.Circumstances.CorrectionReason = KindCorrection, "Błędnie podana powierzchnia budynku."
		}},
		{"the obligation ceased: no subjects", func(d *Declaration) {
			d.Circumstances.Event, d.Taxed, d.Exempt, d.CoOwners = EventCeased, Subjects{}, Subjects{}, nil
		}},
		{"event today", func(d *Declaration) { d.Circumstances.Date = today }},
		{"foreign postal code", func(d *Declaration) { d.Filer.Address.Country, d.Filer.Address.PostalCode = "Niemcy", "10115" }},
		{"whole shares need no co-owners", func(d *Declaration) {
			d.Taxed.Land[0].Share, d.Taxed.Buildings[0].Share, d.CoOwners = Whole, Whole, nil
		}},
		{"PESEL of a person born in 2002", func(d *Declaration) {
			d.Filer.PESEL, d.Filer.BirthDate = "02241205675", calendar.NewDate(2002, time.April, 12)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := sample()
			tc.edit(d)
			if err := Validate(d, today); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestValidateAllAtOnce: several problems come together, in the order of
// the form, and Problems reads as an engine error of the first field.
func TestValidateAllAtOnce(t *testing.T) {
	d := sample()
	d.Filer.PESEL = "85071402349"
	d.Taxed.Buildings[1].Area = 1
	d.Circumstances.Date = today.AddDays(3)
	err := Validate(d, today)
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	var fields []string
	for _, p := range ps {
		fields = append(fields, p.Field)
	}
	if got, want := strings.Join(fields, " "), "b.pesel c.date d.buildings[1].area"; got != want {
		t.Errorf("fields %q, want %q", got, want)
	}
	var e *engine.Error
	if !errors.As(err, &e) || e.Field != "b.pesel" || e.Kind != engine.KindInvalid {
		t.Fatalf("errors.As *engine.Error: %+v", e)
	}
	if engine.KindOf(err) != engine.KindInvalid || engine.FieldOf(err) != "b.pesel" {
		t.Errorf("KindOf %v FieldOf %q", engine.KindOf(err), engine.FieldOf(err))
	}
	if msg := engine.MessageOf(err); !strings.Contains(msg, "PESEL ma nieprawidłową sumę kontrolną") || !strings.Contains(msg, "c.date") {
		t.Errorf("MessageOf %q", msg)
	}
	// Err: an *engine.Error wrapping the list.
	werr := engine.E("api.FileIN1", ps.Err())
	if engine.FieldOf(werr) != "b.pesel" || !engine.Is(engine.KindInvalid, werr) {
		t.Errorf("wrapped: %v", werr)
	}
	var back Problems
	if !errors.As(werr, &back) || len(back) != 3 {
		t.Errorf("the list is not recoverable from Err: %v", back)
	}
	if Problems(nil).Err() != nil {
		t.Error("no problems must be a nil error")
	}
	if got := ps.For("c.date"); len(got) != 1 {
		t.Errorf("For(c.date) = %v", got)
	}
}

func TestKWCheckDigit(t *testing.T) {
	// Worked by hand from the table (X=10, A=11 … Z=33 without Q and V)
	// and the weights 1, 3, 7:
	// W A 1 G 0 0 0 7 0 3 9 2 → 31 + 33 + 7 + 17 + 0 + 0 + 0 + 21 + 0 + 3 + 27 + 14 = 153 → 3
	// W A 1 M 0 0 0 1 2 3 4 5 → 31 + 33 + 7 + 23 + 0 + 0 + 0 + 3 + 14 + 3 + 12 + 35 = 161 → 1
	// K R 1 P 0 0 0 9 8 7 6 5 → 21 + 81 + 7 + 26 + 0 + 0 + 0 + 27 + 56 + 7 + 18 + 35 = 278 → 8
	for _, tc := range []struct {
		court, number string
		want          int
	}{{"WA1G", "00070392", 3}, {"WA1M", "00012345", 1}, {"KR1P", "00098765", 8}} {
		got, ok := KWCheckDigit(tc.court, tc.number)
		if !ok || got != tc.want {
			t.Errorf("KWCheckDigit(%s, %s) = %d, %v; want %d", tc.court, tc.number, got, ok, tc.want)
		}
	}
	for kw, want := range map[string]bool{
		"WA1G/00070392/3": true, "WA1G/00070392/4": false, "wa1g/00070392/3": false,
		"WAQG/00070392/3": false, "WA1G/0007039/3": false, "WA1G-00070392-3": false, "": false,
	} {
		if ValidKW(kw) != want {
			t.Errorf("ValidKW(%q) = %v", kw, !want)
		}
	}
}

func TestDecimal(t *testing.T) {
	for _, tc := range []struct {
		in     string
		places int
		want   int64
		err    error
	}{
		{"120,5", 2, 12050, nil}, {"120.50", 2, 12050, nil}, {"1 234,56", 2, 123456, nil},
		{"0,1250", 4, 1250, nil}, {"7", 4, 70000, nil}, {"-3,1", 2, -310, nil},
		{"12,345", 2, 0, errDecimals}, {"0,00001", 4, 0, errDecimals},
		{"", 2, 0, errDecimal}, {",5", 2, 0, errDecimal}, {"5,", 2, 0, errDecimal}, {"1e3", 2, 0, errDecimal},
		{"1,2,3", 2, 0, errDecimal}, {"+5", 2, 0, errDecimal}, {"99999999999999999999", 2, 0, errRange},
	} {
		got, err := ParseDecimal(tc.in, tc.places)
		if got != tc.want || err != tc.err {
			t.Errorf("ParseDecimal(%q, %d) = %d, %v; want %d, %v", tc.in, tc.places, got, err, tc.want, tc.err)
		}
	}
	for _, tc := range []struct {
		v      int64
		places int
		want   string
	}{{12050, 2, "120,50"}, {5, 2, "0,05"}, {0, 2, "0,00"}, {1250, 4, "0,1250"}, {-310, 2, "-3,10"}, {42, 0, "42"}} {
		if got := FormatDecimal(tc.v, tc.places, ','); got != tc.want {
			t.Errorf("FormatDecimal(%d, %d) = %q, want %q", tc.v, tc.places, got, tc.want)
		}
	}
}
