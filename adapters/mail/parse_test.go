package mail

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
)

func parseFile(t *testing.T, name string, lim Limits) (*Message, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Parse(f, lim)
}

func mustParse(t *testing.T, name string) *Message {
	t.Helper()
	m, err := parseFile(t, name, Limits{})
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return m
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %q, want %q", what, any(got), any(want))
	}
}

func contains(t *testing.T, what, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%s does not contain %q:\n%s", what, sub, s)
	}
}

func TestThunderbirdUTF8WithPDF(t *testing.T) {
	m := mustParse(t, "01-thunderbird-utf8-pdf.eml")
	eq(t, "MessageID", m.MessageID, "8f2c1a4e-3b7d-4e2a-9c1f-5d6e7a8b9c0d@poczta.example.pl")
	eq(t, "From", m.From, Address{"Zażółć Gęślą", "zazolc.gesla@poczta.example.pl"})
	if len(m.To) != 1 || m.To[0] != (Address{"Urząd Gminy Przykładowo", "sekretariat@ug-przykladowo.example.gov.pl"}) {
		t.Errorf("To = %q", m.To)
	}
	eq(t, "Subject", m.Subject, "Wniosek o wydanie zaświadczenia")
	want := time.Date(2025, 3, 4, 9, 41, 17, 0, time.FixedZone("", 3600))
	if !m.Date.Equal(want) {
		t.Errorf("Date = %v, want %v", m.Date, want)
	}
	// format=flowed: the soft line break is joined, the signature kept.
	eq(t, "Text", m.Text, "Dzień dobry,\n\nw załączeniu przesyłam wniosek o wydanie zaświadczenia o niezaleganiu "+
		"w podatkach lokalnych.\n\nZ poważaniem\n-- \nZażółć Gęślą")
	eq(t, "HTML", m.HTML, "")
	if len(m.Attachments) != 1 {
		t.Fatalf("%d attachments, want 1", len(m.Attachments))
	}
	a := m.Attachments[0]
	eq(t, "FileName", a.FileName, "Wniosek o wydanie zaświadczenia.pdf")
	eq(t, "SafeName", a.SafeName, "Wniosek o wydanie zaświadczenia.pdf")
	eq(t, "MediaType", a.MediaType, "application/pdf")
	if !bytes.Equal(a.Content, readTestdata(t, "wniosek.pdf")) {
		t.Errorf("Content differs from testdata/wniosek.pdf: %q", a.Content)
	}
	eq(t, "SHA256", a.SHA256, "44e36b98d8d95a62d17eb585429754201501bed8d1b3f0acb43b7b58430f5c0c")
	if len(m.Warnings) != 0 {
		t.Errorf("Warnings = %q", m.Warnings)
	}
}

func TestOutlookISO88592QuotedPrintable(t *testing.T) {
	m := mustParse(t, "02-outlook-iso8859-2-qp.eml")
	eq(t, "Subject", m.Subject, "Skarga na decyzję")
	eq(t, "From", m.From, Address{"Zażółć Gęślą", "zazolc.gesla@firma.example.pl"})
	eq(t, "MessageID", m.MessageID, "DB9PR01MB1234A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6@DB9PR01MB1234.eurprd01.prod.exchangelabs.com")
	if len(m.Cc) != 2 || m.Cc[0] != (Address{"Mirosław Kowalski", "m.kowalski@firma.example.pl"}) ||
		m.Cc[1].Email != "sekretariat@firma.example.pl" {
		t.Errorf("Cc = %q", m.Cc)
	}
	if !m.Date.Equal(time.Date(2025, 3, 5, 10, 15, 3, 0, time.UTC)) {
		t.Errorf("Date = %v", m.Date)
	}
	// Soft line breaks of quoted-printable fall inside words ("na=\r\nliczona").
	contains(t, "Text", m.Text, "Uważam, że opłata została naliczona błędnie, gdyż nieruchomość jest niezamieszkała od września 2024 r.")
	if !strings.HasPrefix(m.Text, "Szanowni Państwo,\n\nniniejszym składam skargę na decyzję Wójta Gminy Przykładowo") {
		t.Errorf("Text starts %q", m.Text[:min(len(m.Text), 80)])
	}
	if !strings.HasSuffix(m.Text, "Zażółć Gęślą\nul. Źródlana 7, 00-950 Przykładowo") {
		t.Errorf("Text ends %q", m.Text)
	}
	if strings.Contains(m.Text, "\r") || len(m.Attachments) != 0 || m.HTML != "" {
		t.Errorf("Text has CR, or unexpected HTML/attachments: %q %q %d", m.Text, m.HTML, len(m.Attachments))
	}
}

func TestOutlookWindows1250HTMLOnly(t *testing.T) {
	m := mustParse(t, "03-outlook-cp1250-html.eml")
	eq(t, "Subject", m.Subject, "Wniosek o udostępnienie informacji publicznej")
	eq(t, "From", m.From, Address{"Zażółć Gęślą", "zazolc.gesla@stowarzyszenie.example.org.pl"})
	eq(t, "MessageID", m.MessageID, "000001db8e8a$1c2d3e40$54567ac0$@stowarzyszenie.example.org.pl")
	contains(t, "HTML", m.HTML, "<p class=\"MsoNormal\">Dzień dobry,<o:p></o:p></p>")
	contains(t, "HTML", m.HTML, "„źródłowy”")
	want := "Dzień dobry,\n\n" +
		"na podstawie art. 2 ust. 1 ustawy z dnia 6 września 2001 r. o dostępie do informacji publicznej wnoszę o udostępnienie:\n\n" +
		"- uchwały budżetowej na rok 2025 – wersja ujednolicona,\n" +
		"- sprawozdania z wykonania budżetu za rok 2024.\n\n" +
		"Informację proszę przesłać na adres „źródłowy” tej wiadomości <e-mail>.\n\n" +
		"Z poważaniem\nZażółć Gęślą – Stowarzyszenie Śląskie"
	eq(t, "Text", m.Text, want)
	for _, bad := range []string{"MsoNormal", "font-family", "alert", "shapedefaults", "<"} {
		if strings.Contains(strings.ReplaceAll(m.Text, "<e-mail>", ""), bad) {
			t.Errorf("Text contains %q:\n%s", bad, m.Text)
		}
	}
}

func TestAlternativeRelatedAndPathInName(t *testing.T) {
	m := mustParse(t, "04-alternative-evil-path.eml")
	eq(t, "From.Name", m.From.Name, "Dział Księgowości")
	eq(t, "To", m.To[0].Email, "faktury@ug-przykladowo.example.gov.pl")
	eq(t, "Text", m.Text, "Dzień dobry,\n\nprzesyłam fakturę korygującą nr FK/12/2025 w załączniku.\n\nPozdrawiam\nDział Księgowości")
	contains(t, "HTML", m.HTML, `<img src="cid:logo@firma">`)
	// The inline image has neither a file name nor "attachment": not an attachment.
	if len(m.Attachments) != 1 {
		t.Fatalf("%d attachments, want 1: %+v", len(m.Attachments), m.Attachments)
	}
	a := m.Attachments[0]
	eq(t, "FileName", a.FileName, `..\..\windows\system32\evil.exe`)
	eq(t, "SafeName", a.SafeName, "evil.exe")
	eq(t, "MediaType", a.MediaType, "application/x-msdownload")
	if !bytes.Equal(a.Content, readTestdata(t, "04-evil.bin")) {
		t.Errorf("Content = %q", a.Content)
	}
	eq(t, "SHA256", a.SHA256, "95eadf99e23b0d3a27946c7c260952c2edbe51e77a1f7f91f5417fbe69aadb67")
}

func TestForwardedMessage(t *testing.T) {
	m := mustParse(t, "05-forwarded-rfc822.eml")
	eq(t, "Subject", m.Subject, "Fwd: Zawiadomienie o zmianie adresu (sprawa 12/2025)")
	eq(t, "Text", m.Text, "Przekazuję wiadomość od pana Jana Nowaka do rejestracji.")
	if len(m.Attachments) != 1 {
		t.Fatalf("%d attachments, want 1", len(m.Attachments))
	}
	a := m.Attachments[0]
	eq(t, "FileName", a.FileName, "Zawiadomienie o zmianie adresu (sprawa 12_2025).eml")
	eq(t, "SafeName", a.SafeName, "Zawiadomienie o zmianie adresu (sprawa 12_2025).eml")
	eq(t, "MediaType", a.MediaType, "message/rfc822")
	inner := readTestdata(t, "05-inner-zawiadomienie.eml")
	if !bytes.Equal(a.Content, inner) {
		t.Errorf("Content = %q", a.Content)
	}
	eq(t, "SHA256", a.SHA256, "c9229f94bab4b9da904ae65d1742fc5a5a80f08b15ee458c8f138b0713d7df98")
	// The attached message is itself readable.
	im, err := Parse(bytes.NewReader(a.Content), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "inner Text", im.Text, "ul. Długa 5, 00-001 Przykładowo")
}

func wantTooLarge(t *testing.T, err error, limit string) {
	t.Helper()
	if !engine.Is(engine.KindTooLarge, err) || engine.FieldOf(err) != "file" || !strings.Contains(err.Error(), limit) {
		t.Errorf("error = %v (kind %v, field %q), want TooLarge on file naming %s", err, engine.KindOf(err), engine.FieldOf(err), limit)
	}
}

func TestLimits(t *testing.T) {
	_, err := parseFile(t, "06-too-deep.eml", Limits{})
	wantTooLarge(t, err, "MaxDepth")
	if _, err := parseFile(t, "06-too-deep.eml", Limits{MaxDepth: 12}); err != nil {
		t.Errorf("with MaxDepth 12: %v", err)
	}
	_, err = parseFile(t, "01-thunderbird-utf8-pdf.eml", Limits{MaxBytes: 1000})
	wantTooLarge(t, err, "MaxBytes")
	_, err = parseFile(t, "04-alternative-evil-path.eml", Limits{MaxParts: 5})
	wantTooLarge(t, err, "MaxParts")

	var b strings.Builder
	b.WriteString("From: a@example.pl\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n")
	for i := 0; i < DefaultMaxParts+1; i++ {
		b.WriteString("--x\r\n\r\nczęść\r\n")
	}
	b.WriteString("--x--\r\n")
	_, err = Parse(strings.NewReader(b.String()), Limits{})
	wantTooLarge(t, err, "MaxParts")

	// Input within MaxBytes whose decoded text is not: ISO-8859-2 letters
	// take two bytes each in UTF-8.
	big := "Subject: x\r\nContent-Type: text/plain; charset=iso-8859-2\r\n\r\n" + strings.Repeat("\xb1", 1500)
	_, err = Parse(strings.NewReader(big), Limits{MaxBytes: 2000})
	wantTooLarge(t, err, "MaxBytes")
	if m, err := Parse(strings.NewReader(big), Limits{MaxBytes: 4000}); err != nil || m.Text != strings.Repeat("ą", 1500) {
		t.Errorf("within limits: %v", err)
	}
}

func TestNotAMessage(t *testing.T) {
	for name, in := range map[string]string{
		"empty":  "",
		"blank":  "\r\n\r\n",
		"pdf":    string(readTestdata(t, "wniosek.pdf")),
		"prose":  "Dzień dobry, to nie jest e-mail.\nA to: druga linia.\n",
		"binary": "\x00\x01\x02:\xff",
	} {
		_, err := Parse(strings.NewReader(in), Limits{})
		if !engine.Is(engine.KindInvalid, err) || engine.FieldOf(err) != "file" {
			t.Errorf("%s: error = %v, want KindInvalid on file", name, err)
		}
	}
	if _, err := Parse(nil, Limits{}); !engine.Is(engine.KindInvalid, err) {
		t.Errorf("nil reader: %v", err)
	}
}
