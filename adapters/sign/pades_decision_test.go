package sign

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/forms"
)

// A tax decision printed by the forms package, signed: poppler accepts the
// signature and still reads the Polish text.
func TestSignDecisionPDF(t *testing.T) {
	f := fixtures(t)
	cal := calendar.Polish()
	d := forms.Decision{
		OfficeName:    "Wójt Gminy Zażółć",
		OfficeAddress: "Urząd Gminy Zażółć\nul. Główna 1\n00-001 Zażółć",
		Place:         "Zażółć",
		Date:          calendar.NewDate(2026, time.February, 10),
		CaseSignature: "FN.3120.7.2026",
		Addressee:     forms.Address{Name: "Grzegorz Brzęczyszczykiewicz", Lines: []string{"ul. Łąkowa 3", "00-002 Zażółć"}},
		Year:          2026,
		LegalBasis: []string{
			"art. 21 § 1 pkt 2 i art. 207 ustawy z dnia 29 sierpnia 1997 r. – Ordynacja podatkowa",
			"art. 1a, 2, 4, 5 i 6 ustawy z dnia 12 stycznia 1991 r. o podatkach i opłatach lokalnych",
		},
		Lines: []forms.DecisionLine{
			{Label: "Budynki mieszkalne", Base: "96,40 m²", Rate: "1,25 zł/m²", Months: 12, Amount: "120,50 zł"},
		},
		Total:         "121 zł",
		TotalWords:    forms.ZlotyWords(121),
		Account:       "61 1090 1014 0000 0712 1981 2874",
		Justification: "Podstawę opodatkowania ustalono na podstawie informacji IN-1.",
		Signatory:     forms.Signatory{Name: "Jan Kowalski", Position: "Wójt Gminy Zażółć"},
	}
	for i, m := range []time.Month{time.March, time.May, time.September, time.November} {
		d.Instalments = append(d.Instalments, forms.Instalment{
			No: i + 1, Due: cal.MoveOffHoliday(calendar.NewDate(2026, m, 15)), Amount: fmt.Sprintf("%d,%02d zł", 30, 25),
		})
	}
	var b bytes.Buffer
	if err := forms.WriteDecisionPDF(&b, d); err != nil {
		t.Fatal(err)
	}
	opt := pdfOptions()
	opt.Reason = "Decyzja " + d.CaseSignature
	signed := signPDF(t, b.Bytes(), f.key, opt)

	mustContain(t, "pdfsig", pdfsig(t, signed),
		"Signature Validation: Signature is Valid.", "Total document signed", "Signature Type: ETSI.CAdES.detached")
	res, err := VerifyPDF(signed, f.pool)
	if err != nil || !res.Valid || !res.Signatures[0].Trusted {
		t.Fatalf("VerifyPDF: %v %+v", err, res)
	}

	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is not on PATH: install poppler-utils")
	}
	cmd := exec.Command(bin, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(signed)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	txt := strings.Join(strings.Fields(string(out)), " ")
	mustContain(t, "text", txt, "Grzegorz Brzęczyszczykiewicz", "sto dwadzieścia jeden złotych",
		"16.03.2026", "16.11.2026", "61 1090 1014 0000 0712 1981 2874", "Samorządowego Kolegium Odwoławczego")
}
