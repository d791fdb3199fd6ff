package epuap

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// CRD documents: XML forms from the Centralne Repozytorium Wzorów, such as
// the "pismo ogólne do podmiotu publicznego" (1410, 4566). Every such form
// shares the CRD building blocks (str:, meta:, oso:, inst:, adr:), so the
// parser reads those wherever they are and matches elements by namespace
// (family, any dated version) and local name.

// Known forms.
var knownForms = map[string]bool{NS1410: true, NS4566: true}

// CRDDocument is what Obieg reads out of a CRD document.
type CRDDocument struct {
	FormNamespace string       // namespace of the root element, e.g. NS1410
	FormKnown     bool         // a form Obieg knows (1410, 4566)
	FormName      string       // str:Naglowek/str:NazwaDokumentu, when present
	Title         string       // Tytul from TrescDokumentu or OpisDokumentu, else a title-like element, else the root name
	Text          string       // the body: the Informacja paragraphs, blank-line separated
	Place         string       // MiejscowoscDokumentu
	Date          time.Time    // meta:Data typDaty="stworzony" (or the first meta:Data)
	Sender        Party        // first meta:Podmiot in str:Nadawcy
	Recipient     Party        // first meta:Podmiot in str:Adresaci
	Attachments   []Attachment // str:Zalaczniki/str:Zalacznik
	Signed        bool         // carries a ds:Signature (not verified here)
	Raw           []byte       // the document as received
}

// Party is a sender or addressee of a CRD document: an oso:Osoba or an
// inst:Instytucja.
type Party struct {
	Person  bool   // oso:Osoba (false: inst:Instytucja, or nothing found)
	Name    string // osoba: imię [imię drugie] nazwisko; instytucja: nazwa
	PESEL   string
	NIP     string
	REGON   string
	KRS     string
	Address Address
	Email   string // adr:Kontakt/adr:Email
	Phone   string // adr:Kontakt/adr:Telefon
	Box     string // ePUAP box address, when the form gives one
}

// Address is a CRD adr:Adres.
type Address struct {
	PostalCode  string // KodPocztowy
	Post        string // Poczta
	City        string // Miejscowosc
	Street      string // Ulica
	Building    string // Budynek
	Unit        string // Lokal
	Commune     string // Gmina
	County      string // Powiat
	Voivodeship string // Wojewodztwo
	Country     string // Kraj
}

// Attachment is a str:Zalacznik: inline (kodowanie="base64") or a reference
// (kodowanie="URI", e.g. into the ePUAP FileRepo).
type Attachment struct {
	FileName    string // @nazwaPliku
	MediaType   string // @format
	Encoding    string // @kodowanie as written
	Description string // str:OpisZalacznika
	Content     []byte // decoded inline content
	URI         string // reference when not inline
	// Problem says why Content is missing for an attachment that should be
	// inline (bad base64, too large, unknown encoding). The document still
	// parses: an incoming letter is registered even with a broken attachment.
	Problem string
}

var boxPattern = regexp.MustCompile(`^/[^/\s]+/[^/\s]+$`)

// ParseDocument reads a CRD document. It fails only on input that is not
// acceptable XML (malformed, DOCTYPE, too large, too deep); a document of an
// unknown form parses with FormKnown false and whatever the common CRD
// structure yields. Signatures are reported, not verified.
func ParseDocument(data []byte) (*CRDDocument, error) {
	const op = "epuap.ParseDocument"
	root, err := parseXML(op, data, MaxDocumentSize)
	if err != nil {
		return nil, err
	}
	d := &CRDDocument{
		FormNamespace: root.space,
		FormKnown:     knownForms[root.space],
		Raw:           append([]byte(nil), data...),
		Signed:        root.has(func(n *node) bool { return n.is(NSDSig, "Signature") }),
	}
	opis, tresc := root.kid("OpisDokumentu"), root.kid("TrescDokumentu")
	d.FormName = root.find(func(n *node) bool { return n.isIn(nsStruktura, "NazwaDokumentu") }).str()
	d.Title = firstText(tresc.kid("Tytul"), opis.find(byLocal("Tytul")), tresc.find(byLocal("Tytul")))
	if d.Title == "" {
		d.Title = firstText(root.find(byLocal("Tytul", "TytulDokumentu", "Temat", "Title")))
	}
	if d.Title == "" {
		d.Title = firstText(root.find(func(n *node) bool { return n.isIn(nsStruktura, "NazwaDokumentu") }))
	}
	if d.Title == "" {
		d.Title = root.local
	}
	d.Text = paragraphs(root, tresc)
	d.Place = firstText(root.find(byLocal("MiejscowoscDokumentu")))
	d.Date = documentDate(root)
	d.Sender = party(root.find(func(n *node) bool { return n.isIn(nsStruktura, "Nadawcy") }))
	d.Recipient = party(root.find(func(n *node) bool { return n.isIn(nsStruktura, "Adresaci") }))
	for _, z := range root.findAll(func(n *node) bool { return n.isIn(nsStruktura, "Zalacznik") }, nil) {
		d.Attachments = append(d.Attachments, attachment(op, z))
	}
	return d, nil
}

func byLocal(locals ...string) func(*node) bool {
	return func(n *node) bool {
		for _, l := range locals {
			if n.local == l && n.str() != "" {
				return true
			}
		}
		return false
	}
}

func firstText(ns ...*node) string {
	for _, n := range ns {
		if s := n.str(); s != "" {
			return s
		}
	}
	return ""
}

// paragraphs joins the Informacja elements of TrescDokumentu (of the whole
// document if there is no TrescDokumentu), else any Tresc element.
func paragraphs(root, tresc *node) string {
	scope := tresc
	if scope == nil {
		scope = root
	}
	var ps []string
	for _, n := range scope.findAll(byLocal("Informacja"), nil) {
		ps = append(ps, n.str())
	}
	if len(ps) == 0 {
		for _, n := range scope.findAll(byLocal("Tresc"), nil) {
			ps = append(ps, n.str())
		}
	}
	return strings.Join(ps, "\n\n")
}

// documentDate is the Czas of the meta:Data with typDaty="stworzony", or of
// the first meta:Data; zero if none parses.
func documentDate(root *node) time.Time {
	dates := root.findAll(func(n *node) bool { return n.isIn(nsMeta, "Data") }, nil)
	for _, pass := range []bool{true, false} {
		for _, n := range dates {
			if pass && n.attr("typDaty") != "stworzony" {
				continue
			}
			if t, err := parseTime(n.kid("Czas").str()); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

// party reads the first meta:Podmiot of a str:Nadawcy or str:Adresaci.
func party(group *node) Party {
	var p Party
	pod := group.kidIn(nsMeta, "Podmiot")
	if pod == nil {
		pod = group
	}
	if pod == nil {
		return p
	}
	var who *node
	if o := pod.find(func(n *node) bool { return n.isIn(nsOsoba, "Osoba") }); o != nil {
		who, p.Person = o, true
		var name []string
		for _, k := range o.kids {
			if (k.local == "Imie" || k.local == "ImieDrugie" || k.local == "Nazwisko") && k.str() != "" {
				name = append(name, k.str())
			}
		}
		p.Name = strings.Join(name, " ")
		id := o.kidIn(nsOsoba, "IdOsoby")
		p.PESEL, p.NIP = id.kidStr("PESEL"), id.kidStr("NIP")
	} else if i := pod.find(func(n *node) bool { return n.isIn(nsInstytucja, "Instytucja") }); i != nil {
		who = i
		p.Name = i.kidStr("NazwaInstytucji")
		if j := i.kidIn(nsInstytucja, "Jednostka"); j != nil && j.kidStr("NazwaInstytucji") != "" {
			p.Name += ", " + j.kidStr("NazwaInstytucji")
		}
		id := i.kidIn(nsInstytucja, "IdInstytucji")
		p.NIP, p.REGON, p.KRS = id.kidStr("NIP"), id.kidStr("REGON"), id.kidStr("KRS")
	} else {
		who = pod
	}
	if a := who.kidIn(nsAdres, "Adres"); a != nil {
		p.Address = Address{
			PostalCode: a.kidStr("KodPocztowy"), Post: a.kidStr("Poczta"), City: a.kidStr("Miejscowosc"),
			Street: a.kidStr("Ulica"), Building: a.kidStr("Budynek"), Unit: a.kidStr("Lokal"),
			Commune: a.kidStr("Gmina"), County: a.kidStr("Powiat"), Voivodeship: a.kidStr("Wojewodztwo"), Country: a.kidStr("Kraj"),
		}
	}
	k := pod.find(func(n *node) bool { return n.isIn(nsAdres, "Kontakt") })
	p.Email, p.Phone = k.kidStr("Email"), k.kidStr("Telefon")
	p.Box = firstText(pod.find(byLocal("AdresSkrytki", "AdresSkrytkiEPUAP", "SkrytkaEPUAP", "Skrytka")))
	if p.Box == "" {
		for _, c := range []string{k.kidStr("URIKontakt"), k.kidStr("InnyKontakt")} {
			if boxPattern.MatchString(c) {
				p.Box = c
				break
			}
		}
	}
	return p
}

func attachment(op string, z *node) Attachment {
	a := Attachment{
		FileName: z.attr("nazwaPliku"), MediaType: z.attr("format"), Encoding: z.attr("kodowanie"),
		Description: z.kid("OpisZalacznika").str(),
	}
	data := z.kid("DaneZalacznika").str()
	switch strings.ToLower(a.Encoding) {
	case "base64":
		c, err := decodeBase64(op, "DaneZalacznika", data, MaxAttachmentSize)
		if err != nil {
			a.Problem = fmt.Sprintf("attachment %q: %v", a.FileName, err)
		} else {
			a.Content = c
		}
	case "uri":
		a.URI = data
	default:
		if data != "" {
			a.Problem = fmt.Sprintf("attachment %q: unknown kodowanie %q", a.FileName, a.Encoding)
		}
	}
	return a
}
