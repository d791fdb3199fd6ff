package forms

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

// sampleDecision is a decision for 2026 with the four instalment dates of
// art. 6 ust. 7 moved off Sundays and holidays by the calendar.
func sampleDecision() Decision {
	cal := calendar.Polish()
	var inst []Instalment
	for i, m := range []time.Month{time.March, time.May, time.September, time.November} {
		inst = append(inst, Instalment{No: i + 1, Due: cal.MoveOffHoliday(calendar.NewDate(2026, m, 15)), Amount: "308,75 zł"})
	}
	return Decision{
		OfficeName:    "Wójt Gminy Przykładowo",
		OfficeAddress: "Urząd Gminy Przykładowo\nul. Główna 1\n00-001 Przykładowo",
		Place:         "Przykładowo",
		Date:          calendar.NewDate(2026, time.February, 10),
		CaseSignature: "FN.3120.15.2026",
		Addressee:     Address{Name: "Zofia Łęcka-Źrebięć", Lines: []string{"ul. Polna 5", "00-002 Żółkiewka"}},
		Year:          2026,
		LegalBasis: []string{
			"art. 21 § 1 pkt 2 i art. 207 ustawy z dnia 29 sierpnia 1997 r. – Ordynacja podatkowa (Dz.U. z 2025 r. poz. 111 ze zm.)",
			"art. 1a, 2, 4, 5 i 6 ustawy z dnia 12 stycznia 1991 r. o podatkach i opłatach lokalnych (Dz.U. z 2025 r. poz. 707)",
			"uchwały nr XV/120/2025 Rady Gminy Przykładowo z dnia 27 listopada 2025 r. w sprawie określenia wysokości stawek podatku od nieruchomości",
		},
		Lines: []DecisionLine{
			{Label: "Grunty pozostałe – dz. nr 123/4, obręb Przykładowo", Base: "1 250,00 m²", Rate: "0,77 zł/m²", Months: 12, Amount: "962,50 zł"},
			{Label: "Budynki mieszkalne – ul. Polna 5", Base: "120,50 m²", Rate: "1,25 zł/m²", Months: 12, Amount: "150,63 zł"},
			{Label: "Budynki pozostałe – garaż wolnostojący", Base: "10,16 m²", Rate: "12,00 zł/m²", Months: 12, Amount: "121,92 zł"},
		},
		Total:       "1 235 zł",
		TotalWords:  ZlotyWords(1235),
		Instalments: inst,
		Account:     "61109010140000071219812874",
		Justification: "Na podstawie informacji o nieruchomościach i obiektach budowlanych (IN-1) złożonej przez podatnika " +
			"ustalono podstawę opodatkowania jak w zestawieniu.\nPodatek obliczono według stawek określonych uchwałą Rady Gminy; " +
			"łączną kwotę zaokrąglono do pełnych złotych (art. 63 § 1 Ordynacji podatkowej).",
		Signatory:  Signatory{Name: "Jan Kowalski", Position: "z up. Wójta\nKierownik Referatu Finansowego"},
		Recipients: []string{"Adresat", "a/a"},
	}
}

var footerLine = regexp.MustCompile(`^\s*Znak sprawy: \S+\s+strona \d+ z \d+\s*$`)

// flat is the text of a PDF without the page footers and with every run of
// white space one space, so that phrases wrapped over lines and pages can
// be found.
func flat(t *testing.T, path string) string {
	t.Helper()
	var words []string
	for p := 1; p <= pages(t, path); p++ {
		for _, line := range strings.Split(text(t, path, p), "\n") {
			if !footerLine.MatchString(line) {
				words = append(words, strings.Fields(line)...)
			}
		}
	}
	return strings.Join(words, " ")
}

func TestDecisionPDF(t *testing.T) {
	d := sampleDecision()
	path := save(t, "decyzja.pdf", func(b *bytes.Buffer) error { return WriteDecisionPDF(b, d) })
	got := flat(t, path)
	contains(t, "decision", got,
		"Wójt Gminy Przykładowo",
		"Przykładowo, dnia 10 lutego 2026 r.",
		"Znak sprawy: FN.3120.15.2026",
		"Zofia Łęcka-Źrebięć", "00-002 Żółkiewka",
		"DECYZJA",
		"w sprawie ustalenia wysokości podatku od nieruchomości na 2026 rok",
		"Na podstawie art. 21 § 1 pkt 2 i art. 207 ustawy z dnia 29 sierpnia 1997 r. – Ordynacja podatkowa",
		"ustala się",
		"Grunty pozostałe", "1 250,00 m²", "0,77 zł/m²", "962,50 zł", "150,63 zł", "121,92 zł",
		"Razem 1 235 zł",
		"Łączna kwota podatku: 1 235 zł",
		"słownie: jeden tysiąc dwieście trzydzieści pięć złotych",
		"16.03.2026", "15.05.2026", "15.09.2026", "16.11.2026", // 15.03 and 15.11.2026 are Sundays
		"61 1090 1014 0000 0712 1981 2874",
		"Uzasadnienie", "zaokrąglono do pełnych złotych",
		"Pouczenie",
		strings.Join(strings.Fields(DefaultAppealInstruction), " "),
		"podpisano kwalifikowanym podpisem elektronicznym",
		"Jan Kowalski", "Kierownik Referatu Finansowego",
		"Otrzymują: 1. Adresat 2. a/a",
	)
	for _, in := range d.Instalments {
		contains(t, "instalments", got, fmt.Sprintf("%d %s 308,75 zł", in.No, DateShort(in.Due)))
	}
	n := pages(t, path)
	for p := 1; p <= n; p++ {
		contains(t, "footer", text(t, path, p), fmt.Sprintf("strona %d z %d", p, n))
	}
	png(t, path, 1, 60)
}

// Long lists run over several pages: the table headers repeat, every line
// and instalment is printed, the footer counts the pages.
func TestDecisionPDFLong(t *testing.T) {
	d := sampleDecision()
	d.Lines = nil
	for i := 1; i <= 70; i++ {
		d.Lines = append(d.Lines, DecisionLine{
			Label: fmt.Sprintf("Grunty pozostałe – działka nr %d/%d, obręb Źródła, księga wieczysta KA1K/000%05d/%d", 100+i, i, i, i%10),
			Base:  fmt.Sprintf("%d,00 m²", 100+i), Rate: "0,77 zł/m²", Months: 1 + i%12, Amount: fmt.Sprintf("%d,%02d zł", 60+i, i),
		})
	}
	d.Instalments = nil
	for i := 1; i <= 12; i++ {
		d.Instalments = append(d.Instalments, Instalment{No: i, Due: calendar.NewDate(2026, time.Month(i), 15), Amount: "102,92 zł"})
	}
	d.Justification = strings.Repeat("Organ podatkowy ustalił stan faktyczny na podstawie zgromadzonych dowodów. ", 60)
	path := save(t, "decyzja-dluga.pdf", func(b *bytes.Buffer) error { return WriteDecisionPDF(b, d) })
	n := pages(t, path)
	if n < 3 {
		t.Fatalf("%d pages, want at least 3", n)
	}
	got := flat(t, path)
	for _, l := range d.Lines {
		contains(t, "lines", got, l.Amount)
	}
	for _, in := range d.Instalments {
		contains(t, "instalments", got, DateShort(in.Due))
	}
	contains(t, "decision", got, "61 1090 1014 0000 0712 1981 2874", "Otrzymują:", d.Justification[:200])
	// The headers repeat on the page the table continues on.
	p2 := strings.Join(strings.Fields(text(t, path, 2)), " ")
	contains(t, "page 2", p2, "Przedmiot opodatkowania", fmt.Sprintf("strona 2 z %d", n))
	// Nothing is printed over the footer.
	for p := 1; p <= n; p++ {
		lines := strings.Split(strings.TrimRight(text(t, path, p), "\n\f "), "\n")
		if last := lines[len(lines)-1]; !footerLine.MatchString(last) || !strings.Contains(last, fmt.Sprintf("strona %d z %d", p, n)) {
			t.Errorf("page %d ends with %q", p, last)
		}
	}
}

func TestDecisionInvalid(t *testing.T) {
	for field, change := range map[string]func(*Decision){
		"officeName":            func(d *Decision) { d.OfficeName = " " },
		"place":                 func(d *Decision) { d.Place = "" },
		"date":                  func(d *Decision) { d.Date = calendar.Date{} },
		"caseSignature":         func(d *Decision) { d.CaseSignature = "" },
		"addressee.name":        func(d *Decision) { d.Addressee.Name = "" },
		"year":                  func(d *Decision) { d.Year = 0 },
		"legalBasis":            func(d *Decision) { d.LegalBasis = nil },
		"lines":                 func(d *Decision) { d.Lines = nil },
		"lines[1].months":       func(d *Decision) { d.Lines[1].Months = 13 },
		"lines[0].label":        func(d *Decision) { d.Lines[0].Label = "" },
		"total":                 func(d *Decision) { d.Total = "" },
		"totalWords":            func(d *Decision) { d.TotalWords = "" },
		"instalments":           func(d *Decision) { d.Instalments = nil },
		"instalments[2].due":    func(d *Decision) { d.Instalments[2].Due = calendar.Date{Year: 2026, Month: 2, Day: 30} },
		"instalments[0].amount": func(d *Decision) { d.Instalments[0].Amount = "" },
		"account":               func(d *Decision) { d.Account = "61109010140000071219812875" },
		"justification":         func(d *Decision) { d.Justification = "" },
		"signatory":             func(d *Decision) { d.Signatory.Position = "" },
	} {
		d := sampleDecision()
		change(&d)
		err := WriteDecisionPDF(&bytes.Buffer{}, d)
		if !engine.Is(engine.KindInvalid, err) || engine.FieldOf(err) != field {
			t.Errorf("%s: got %v (field %q)", field, err, engine.FieldOf(err))
		}
	}
}

func TestZlotyWords(t *testing.T) {
	for n, want := range map[int64]string{
		0:             "zero złotych",
		1:             "jeden złoty",
		2:             "dwa złote",
		4:             "cztery złote",
		5:             "pięć złotych",
		11:            "jedenaście złotych",
		12:            "dwanaście złotych",
		14:            "czternaście złotych",
		21:            "dwadzieścia jeden złotych",
		22:            "dwadzieścia dwa złote",
		100:           "sto złotych",
		112:           "sto dwanaście złotych",
		234:           "dwieście trzydzieści cztery złote",
		1000:          "jeden tysiąc złotych",
		1235:          "jeden tysiąc dwieście trzydzieści pięć złotych",
		2002:          "dwa tysiące dwa złote",
		5000:          "pięć tysięcy złotych",
		12000:         "dwanaście tysięcy złotych",
		22500:         "dwadzieścia dwa tysiące pięćset złotych",
		21001:         "dwadzieścia jeden tysięcy jeden złotych",
		100000:        "sto tysięcy złotych",
		999999:        "dziewięćset dziewięćdziesiąt dziewięć tysięcy dziewięćset dziewięćdziesiąt dziewięć złotych",
		1000001:       "jeden milion jeden złotych",
		3004000:       "trzy miliony cztery tysiące złotych",
		15000000:      "piętnaście milionów złotych",
		2000000000:    "dwa miliardy złotych",
		-13:           "minus trzynaście złotych",
		1000000000000: "jeden bilion złotych",
	} {
		if got := ZlotyWords(n); got != want {
			t.Errorf("ZlotyWords(%d) = %q, want %q", n, got, want)
		}
	}
	if got := NumberWords(-9223372036854775808); !strings.HasPrefix(got, "minus dziewięć trylionów") {
		t.Errorf("NumberWords(MinInt64) = %q", got)
	}
	for gr, want := range map[int64]string{
		123450: "jeden tysiąc dwieście trzydzieści cztery złote pięćdziesiąt groszy",
		101:    "jeden złoty jeden grosz",
		22:     "zero złotych dwadzieścia dwa grosze",
		-50:    "minus zero złotych pięćdziesiąt groszy",
		500:    "pięć złotych",
	} {
		if got := AmountWords(gr); got != want {
			t.Errorf("AmountWords(%d) = %q, want %q", gr, got, want)
		}
	}
}

func TestDates(t *testing.T) {
	if got := DateLong(calendar.NewDate(2026, time.November, 24)); got != "24 listopada 2026 r." {
		t.Errorf("DateLong = %q", got)
	}
	if got := DateLong(calendar.NewDate(2026, time.September, 1)); got != "1 września 2026 r." {
		t.Errorf("DateLong = %q", got)
	}
	if got := DateShort(calendar.NewDate(2026, time.March, 6)); got != "06.03.2026" {
		t.Errorf("DateShort = %q", got)
	}
}

func TestFormatNRB(t *testing.T) {
	for in, want := range map[string]string{
		"61109010140000071219812874":          "61 1090 1014 0000 0712 1981 2874",
		"PL 61 1090 1014 0000 0712 1981 2874": "61 1090 1014 0000 0712 1981 2874",
		"61-1090-1014-0000-0712-1981-2874":    "61 1090 1014 0000 0712 1981 2874",
		"62109010140000071219812874":          "", // check digits
		"6110901014000007121981287":           "", // 25 digits
		"6110901014000007121981287X":          "",
	} {
		got, ok := FormatNRB(in)
		if got != want || ok != (want != "") {
			t.Errorf("FormatNRB(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
