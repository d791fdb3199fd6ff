package epuap

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

func TestParsePismoOgolne1410(t *testing.T) {
	raw := fixture(t, "pismo-ogolne-1410.example.xml")
	d := must[*CRDDocument](t)(ParseDocument(raw))
	eq(t, "namespace", d.FormNamespace, NS1410)
	eq(t, "known", d.FormKnown, true)
	eq(t, "form name", d.FormName, "Pismo ogólne do podmiotu publicznego")
	eq(t, "title", d.Title, "Wniosek o …")
	eq(t, "text", d.Text, "Treść pisma …")
	eq(t, "place", d.Place, "X")
	// The first meta:Data typDaty="stworzony" (in OpisDokumentu) has the time.
	eq(t, "date", d.Date.Equal(time.Date(2024, 5, 23, 14, 30, 0, 0, calendar.Warsaw())), true)
	eq(t, "sender", d.Sender, Party{Person: true, Name: "Jan Kowalski", PESEL: "00000000000",
		Address: Address{PostalCode: "00-000", City: "X", Street: "Polna", Building: "2"}})
	eq(t, "recipient", d.Recipient, Party{Name: "Urząd Gminy X",
		Address: Address{PostalCode: "00-000", City: "X", Street: "Rynek", Building: "1"}})
	eq(t, "signed", d.Signed, true)
	eq(t, "raw", bytes.Equal(d.Raw, raw), true)
	if len(d.Attachments) != 1 {
		t.Fatalf("attachments %+v", d.Attachments)
	}
	a := d.Attachments[0]
	eq(t, "attachment", a.FileName+" "+a.MediaType+" "+a.Encoding, "skan.pdf application/pdf base64")
	// The example's placeholder "JVBERi0x…" is not base64: reported, not fatal.
	if a.Content != nil || !strings.Contains(a.Problem, "base64") {
		t.Errorf("attachment %+v", a)
	}

	d = must[*CRDDocument](t)(ParseDocument(fixture(t, "pismo-ogolne-1410.filled.xml")))
	a = d.Attachments[0]
	eq(t, "content", string(a.Content), "%PDF-1.4\n")
	eq(t, "problem", a.Problem, "")
	eq(t, "email", d.Sender.Email, "jan@example.invalid")
	eq(t, "box", d.Sender.Box, "/jan_kowalski/domyslna")
}

func TestParsePismoOgolne4566(t *testing.T) {
	d := must[*CRDDocument](t)(ParseDocument(fixture(t, "pismo-ogolne-4566.example.xml")))
	eq(t, "namespace", d.FormNamespace, NS4566)
	eq(t, "known", d.FormKnown, true)
	eq(t, "title", d.Title, "Wniosek o …")
	eq(t, "text", d.Text, "Treść pisma …\n\nDrugi akapit.")
	eq(t, "sender", d.Sender.Name, "Jan Kowalski")
	eq(t, "recipient", d.Recipient.Name+" "+d.Recipient.REGON+" "+d.Recipient.Box, "Urząd Gminy X 000000000 /urzadgminyx/domyslna")
	if len(d.Attachments) != 2 {
		t.Fatalf("attachments %+v", d.Attachments)
	}
	a := d.Attachments[1]
	if a.Content != nil || a.Problem != "" {
		t.Errorf("uri attachment %+v", a)
	}
	eq(t, "uri attachment", a.FileName+"|"+a.MediaType+"|"+a.Encoding+"|"+a.Description+"|"+a.URI,
		"zdjecie.jpg|image/jpeg|URI|Zdjęcie|https://epuap.gov.pl/repo/0000-1111")
}

func TestParseUnknownForm(t *testing.T) {
	raw := fixture(t, "crd-unknown-form.example.xml")
	d := must[*CRDDocument](t)(ParseDocument(raw))
	eq(t, "known", d.FormKnown, false)
	eq(t, "namespace", d.FormNamespace, "http://crd.gov.pl/wzor/2099/01/01/9999/")
	eq(t, "raw", bytes.Equal(d.Raw, raw), true)
	eq(t, "title", d.Title, "Wniosek o wydanie zaświadczenia")
	eq(t, "sender", d.Sender.Name+" "+d.Sender.NIP, "Spółka X 0000000000")
	eq(t, "person", d.Sender.Person, false)
	eq(t, "signed", d.Signed, false)
	if len(d.Attachments) != 1 || string(d.Attachments[0].Content) != "abc" {
		t.Errorf("attachments %+v", d.Attachments)
	}

	d = must[*CRDDocument](t)(ParseDocument([]byte(`<x:Wniosek xmlns:x="urn:x"><x:Cos>1</x:Cos></x:Wniosek>`)))
	eq(t, "root-name title", d.Title, "Wniosek")
	eq(t, "known", d.FormKnown, false)
	d = must[*CRDDocument](t)(ParseDocument([]byte("\uFEFF<?xml version=\"1.0\"?>\n<x:Bom xmlns:x=\"urn:x\"/>")))
	eq(t, "after a BOM", d.Title, "Bom")
	d = must[*CRDDocument](t)(ParseDocument([]byte(`<Doc><Meta><Tytul> Skarga </Tytul></Meta><Tresc>Treść skargi</Tresc></Doc>`)))
	eq(t, "title-like", d.Title, "Skarga")
	eq(t, "tresc", d.Text, "Treść skargi")
}

func TestXMLSafety(t *testing.T) {
	deep := func(n int) []byte {
		return []byte(strings.Repeat("<a>", n) + strings.Repeat("</a>", n))
	}
	must[*CRDDocument](t)(ParseDocument(deep(MaxDepth)))
	for name, c := range map[string]struct {
		in   []byte
		kind engine.Kind
	}{
		"doctype":      {[]byte(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xx">]><a>&x;</a>`), engine.KindInvalid},
		"billion":      {[]byte(`<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><l>&b;</l>`), engine.KindInvalid},
		"external":     {[]byte(`<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>`), engine.KindInvalid},
		"html entity":  {[]byte(`<a>&nbsp;</a>`), engine.KindInvalid},
		"too deep":     {deep(MaxDepth + 1), engine.KindInvalid},
		"too large":    {append([]byte("<a>"), make([]byte, MaxDocumentSize)...), engine.KindTooLarge},
		"two roots":    {[]byte(`<a/><b/>`), engine.KindInvalid},
		"text outside": {[]byte(`<a/>junk`), engine.KindInvalid},
		"empty":        {nil, engine.KindInvalid},
		"malformed":    {[]byte(`<a><b></a>`), engine.KindInvalid},
		"many":         {[]byte("<a>" + strings.Repeat("<b/>", MaxElements) + "</a>"), engine.KindInvalid},
		"charset":      {[]byte(`<?xml version="1.0" encoding="windows-1250"?><a/>`), engine.KindInvalid},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseDocument(c.in)
			wantKind(t, err, c.kind)
			_, err = ParseReceipt(c.in)
			wantKind(t, err, c.kind)
			if c.kind != engine.KindTooLarge {
				_, err = ParseSOAPRequest(c.in)
				wantKind(t, err, c.kind)
			}
		})
	}
}

func TestEnvelopeTooLarge(t *testing.T) {
	_, err := ParseSOAPRequest(make([]byte, MaxEnvelopeSize+1))
	wantKind(t, err, engine.KindTooLarge)
	_, err = ParsePobierzNastepnyResponse(make([]byte, MaxEnvelopeSize+1))
	wantKind(t, err, engine.KindTooLarge)
	// A document within the envelope limit but over MaxDocumentSize decoded.
	var b strings.Builder
	b.WriteString(`<s:Envelope xmlns:s="` + NSSOAP + `"><s:Body><o:Dokument xmlns:o="` + NSObiekty + `"><nazwaPliku>a</nazwaPliku><zawartosc>`)
	b.WriteString(strings.Repeat("AAAA", MaxDocumentSize/3+1))
	b.WriteString(`</zawartosc></o:Dokument></s:Body></s:Envelope>`)
	_, err = ParseSOAPRequest([]byte(b.String()))
	wantKind(t, err, engine.KindTooLarge)
}

func TestAttachmentLimits(t *testing.T) {
	mk := func(enc, data string) []byte {
		return []byte(fmt.Sprintf(`<d xmlns:str="%s2009/11/16/"><str:Zalaczniki><str:Zalacznik nazwaPliku="a" kodowanie="%s"><str:DaneZalacznika>%s</str:DaneZalacznika></str:Zalacznik></str:Zalaczniki></d>`, nsStruktura, enc, data))
	}
	d := must[*CRDDocument](t)(ParseDocument(mk("BASE64", "YW\nJj")))
	eq(t, "wrapped base64", string(d.Attachments[0].Content), "abc")
	d = must[*CRDDocument](t)(ParseDocument(mk("zip", "x")))
	if d.Attachments[0].Problem == "" {
		t.Error("unknown encoding not reported")
	}
}
