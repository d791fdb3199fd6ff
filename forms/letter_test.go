package forms

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

func sampleLetter() Letter {
	return Letter{
		OfficeName:    "Urząd Gminy Przykładowo",
		OfficeAddress: "ul. Główna 1\n00-001 Przykładowo",
		Place:         "Przykładowo",
		Date:          calendar.NewDate(2026, time.November, 23),
		CaseSignature: "FN.3120.1.2026",
		Addressee:     Address{Name: "Zofia Łęcka-Źdźbło", Lines: []string{"ul. Polna 5", "00-002 Żółkiewka"}},
		Title:         "WEZWANIE\ndo uzupełnienia braków formalnych",
		Subject:       "wniosku o ulgę w podatku od nieruchomości",
		Body: "Na podstawie art. 64 § 2 KPA wzywam do uzupełnienia braków wniosku.\n\n" +
			"Braki należy uzupełnić w terminie 7 dni od dnia doręczenia wezwania.",
		Signatory: Signatory{Name: "Piotr Zieliński", Position: "Inspektor ds. wymiaru podatków"},
	}
}

func TestLetterPDF(t *testing.T) {
	path := save(t, "pismo.pdf", func(b *bytes.Buffer) error { return WriteLetterPDF(b, sampleLetter()) })
	png(t, path, 1, 60)
	contains(t, "letter", flat(t, path),
		"Urząd Gminy Przykładowo", "Przykładowo, dnia 23 listopada 2026 r.", "Znak sprawy: FN.3120.1.2026",
		"Dotyczy: wniosku o ulgę w podatku od",
		"Zofia Łęcka-Źdźbło", "00-002 Żółkiewka",
		"WEZWANIE", "do uzupełnienia braków formalnych",
		"Na podstawie art. 64 § 2 KPA wzywam do uzupełnienia braków wniosku.",
		"Piotr Zieliński", "Inspektor ds. wymiaru podatków", "Otrzymują: 1. Adresat 2. a/a")
	// A long text runs over pages with the footer on each.
	l := sampleLetter()
	l.Body = strings.Repeat("Zażółć gęślą jaźń — akapit pisma, który powtarza się wiele razy.\n", 120)
	path = save(t, "pismo-dlugie.pdf", func(b *bytes.Buffer) error { return WriteLetterPDF(b, l) })
	n := pages(t, path)
	if n < 2 {
		t.Fatalf("a long letter on %d page", n)
	}
	for p := 1; p <= n; p++ {
		contains(t, "footer", text(t, path, p), fmt.Sprintf("strona %d z %d", p, n))
	}
	if got := strings.Count(flat(t, path), "Zażółć gęślą jaźń"); got != 120 {
		t.Fatalf("%d of 120 paragraphs printed", got)
	}
}

func TestLetterInvalid(t *testing.T) {
	for field, change := range map[string]func(*Letter){
		"officeName":     func(l *Letter) { l.OfficeName = "" },
		"place":          func(l *Letter) { l.Place = " " },
		"date":           func(l *Letter) { l.Date = calendar.Date{} },
		"caseSignature":  func(l *Letter) { l.CaseSignature = "" },
		"addressee.name": func(l *Letter) { l.Addressee.Name = "" },
		"body":           func(l *Letter) { l.Body = "\n " },
		"signatory":      func(l *Letter) { l.Signatory.Name = "" },
	} {
		l := sampleLetter()
		change(&l)
		err := WriteLetterPDF(&bytes.Buffer{}, l)
		if !engine.Is(engine.KindInvalid, err) || engine.FieldOf(err) != field {
			t.Errorf("%s: got %v (field %q)", field, err, engine.FieldOf(err))
		}
	}
}
