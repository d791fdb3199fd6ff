package epuap

import (
	"crypto/sha1"
	"strconv"
	"strings"
	"time"

	"obieg.dev/obieg/engine"
)

// The pull service (http://ws.epuap.gov.pl/pull/): an office system pulls the
// documents waiting in its box. The request parameters travel in the Body
// (ZapytaniePull*Typ: podmiot, nazwaSkrytki, adresSkrytki [, skrot]).

func sha1Sum(b []byte) []byte {
	s := sha1.Sum(b)
	return s[:]
}

// BoxAddress returns the address of a box: "/{podmiot}/{skrytka}".
func BoxAddress(podmiot, skrytka string) string { return "/" + podmiot + "/" + skrytka }

// PullRequest is the Body of a pull request (ZapytaniePullTyp).
type PullRequest struct {
	Entity  string // podmiot: the office's ePUAP identifier
	Box     string // nazwaSkrytki: the box name, e.g. "domyslna"
	Address string // adresSkrytki: "/{podmiot}/{skrytka}"
	Skrot   string // skrot (potwierdzOdebranie only): base64(SHA-1(content))
}

func pullEnvelope(element string, r PullRequest, skrot bool) []byte {
	return envelope(true, nil, func(w *xw) {
		w.open(element, "xmlns:obi", NSObiekty)
		w.elem("podmiot", r.Entity)
		w.elem("nazwaSkrytki", r.Box)
		w.elem("adresSkrytki", r.Address)
		if skrot {
			w.elem("skrot", r.Skrot)
		}
		w.close(element)
	})
}

// OczekujaceDokumenty builds the oczekujaceDokumenty request: how many
// documents wait in the box podmiot/skrytka.
func OczekujaceDokumenty(podmiot, skrytka string) []byte {
	return pullEnvelope("obi:ZapytaniePullOczekujace", PullRequest{Entity: podmiot, Box: skrytka, Address: BoxAddress(podmiot, skrytka)}, false)
}

// PobierzNastepny builds the pobierzNastepny request: the next document in
// the box. The document stays in the box until PotwierdzOdebranie.
func PobierzNastepny(podmiot, skrytka string) []byte {
	return pullEnvelope("obi:ZapytaniePullPobierz", PullRequest{Entity: podmiot, Box: skrytka, Address: BoxAddress(podmiot, skrytka)}, false)
}

// PotwierdzOdebranie builds the potwierdzOdebranie request acknowledging the
// document whose decoded content is content; the skrot is Skrot(content).
func PotwierdzOdebranie(podmiot, skrytka string, content []byte) []byte {
	return pullEnvelope("obi:ZapytaniePullPotwierdz", PullRequest{Entity: podmiot, Box: skrytka, Address: BoxAddress(podmiot, skrytka), Skrot: Skrot(content)}, true)
}

// Waiting is the answer to oczekujaceDokumenty.
type Waiting struct {
	Status Status
	Count  int // oczekujace
}

// ParseOczekujaceDokumentyResponse reads the answer to oczekujaceDokumenty.
// A Fault is returned as its error (see ParseFault); a status other than OK
// as an error wrapping *StatusError, with the result filled as far as read.
func ParseOczekujaceDokumentyResponse(data []byte) (*Waiting, error) {
	const op = "epuap.ParseOczekujaceDokumentyResponse"
	m, err := parseEnvelope(op, data)
	if err != nil {
		return nil, err
	}
	b, err := m.expect(op, NSObiekty, "OdpowiedzPullOczekujace")
	if err != nil {
		return nil, err
	}
	st, err := parseStatus(op, "status", b.kid("status"))
	if err != nil {
		return nil, err
	}
	res := &Waiting{Status: st}
	if !st.OK() {
		return res, st.Err(op)
	}
	if res.Count, err = strconv.Atoi(b.kidStr("oczekujace")); err != nil || res.Count < 0 {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("oczekujace"), "count is not a non-negative number")
	}
	return res, nil
}

// BoxSender is who sent a pulled document: DanePodmiotuTyp (the entity the
// sender acted for) and DaneNadawcyTyp (the user or system that sent it).
type BoxSender struct {
	ID         string // danePodmiotu/identyfikator
	PersonType string // typOsoby: "F" natural person, "P" legal person
	FirstName  string // imieSkrot
	Surname    string // nazwiskoNazwa: surname, or the name of a legal person
	NIP        string
	PESEL      string
	REGON      string
	Consent    bool   // zgoda: agrees to electronic correspondence
	User       string // daneNadawcy/uzytkownik: the login of the sending user
	System     string // daneNadawcy/system: the sending system
}

// Name returns the sender's display name: first name and surname, or the
// name of a legal person.
func (s BoxSender) Name() string {
	return strings.TrimSpace(s.FirstName + " " + s.Surname)
}

// Received is a document pulled by pobierzNastepny (OdpowiedzPullPobierzTyp).
type Received struct {
	Status     Status
	Sender     BoxSender
	SentAt     time.Time // dataNadania
	BoxName    string    // nazwaSkrytki: our box it arrived in
	BoxAddress string    // adresSkrytki: our box's address
	ReplyTo    string    // adresOdpowiedzi: the sender's box for answers (may be empty)
	Test       bool      // czyTestowe
	Extra      []byte    // daneDodatkowe, decoded (usually XML)
	Document   Document  // dokument
}

// ParsePobierzNastepnyResponse reads the answer to pobierzNastepny. A
// status other than OK is returned as an error wrapping *StatusError with
// the status in the result; an OK answer without a document as an error of
// kind KindNotFound (the box is empty).
func ParsePobierzNastepnyResponse(data []byte) (*Received, error) {
	const op = "epuap.ParsePobierzNastepnyResponse"
	m, err := parseEnvelope(op, data)
	if err != nil {
		return nil, err
	}
	b, err := m.expect(op, NSObiekty, "OdpowiedzPullPobierz")
	if err != nil {
		return nil, err
	}
	st, err := parseStatus(op, "status", b.kid("status"))
	if err != nil {
		return nil, err
	}
	r := &Received{Status: st}
	if !st.OK() {
		return r, st.Err(op)
	}
	if b.kid("dokument") == nil {
		return r, engine.E(op, engine.KindNotFound, "no document waiting")
	}
	p := b.kid("danePodmiotu")
	r.Sender = BoxSender{
		ID: p.kidStr("identyfikator"), PersonType: p.kidStr("typOsoby"),
		FirstName: p.kidStr("imieSkrot"), Surname: p.kidStr("nazwiskoNazwa"),
		NIP: p.kidStr("nip"), PESEL: p.kidStr("pesel"), REGON: p.kidStr("regon"),
		User: b.path("daneNadawcy", "uzytkownik").str(), System: b.path("daneNadawcy", "system").str(),
	}
	if r.Sender.Consent, err = parseBool(p.kidStr("zgoda")); err != nil {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("danePodmiotu.zgoda"), err)
	}
	if s := b.kidStr("dataNadania"); s != "" {
		if r.SentAt, err = parseTime(s); err != nil {
			return nil, engine.E(op, engine.KindInvalid, engine.Field("dataNadania"), err)
		}
	}
	r.BoxName, r.BoxAddress, r.ReplyTo = b.kidStr("nazwaSkrytki"), b.kidStr("adresSkrytki"), b.kidStr("adresOdpowiedzi")
	if r.Test, err = parseBool(b.kidStr("czyTestowe")); err != nil {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("czyTestowe"), err)
	}
	if r.Extra, err = decodeBase64(op, "daneDodatkowe", b.kidStr("daneDodatkowe"), MaxDocumentSize); err != nil {
		return nil, err
	}
	if r.Document, err = parseDocument(op, "dokument", b.kid("dokument"), MaxDocumentSize); err != nil {
		return nil, err
	}
	return r, nil
}

// ParsePotwierdzOdebranieResponse reads the answer to potwierdzOdebranie:
// its status, and an error wrapping *StatusError if it is not OK.
func ParsePotwierdzOdebranieResponse(data []byte) (Status, error) {
	const op = "epuap.ParsePotwierdzOdebranieResponse"
	m, err := parseEnvelope(op, data)
	if err != nil {
		return Status{}, err
	}
	b, err := m.expect(op, NSObiekty, "OdpowiedzPullPotwierdz")
	if err != nil {
		return Status{}, err
	}
	st, err := parseStatus(op, "status", b.kid("status"))
	if err != nil {
		return Status{}, err
	}
	return st, st.Err(op)
}

// BuildOczekujaceDokumentyResponse builds the answer to oczekujaceDokumenty, for
// a simulator.
func BuildOczekujaceDokumentyResponse(st Status, count int) []byte {
	return envelope(false, nil, func(w *xw) {
		w.open("obi:OdpowiedzPullOczekujace", "xmlns:obi", NSObiekty)
		w.status("status", st)
		w.elem("oczekujace", strconv.Itoa(count))
		w.close("obi:OdpowiedzPullOczekujace")
	})
}

// BuildPobierzNastepnyResponse builds the answer to pobierzNastepny, for a
// simulator. With a status other than OK only the status is written.
func BuildPobierzNastepnyResponse(r Received) []byte {
	return envelope(false, nil, func(w *xw) {
		w.open("obi:OdpowiedzPullPobierz", "xmlns:obi", NSObiekty)
		w.status("status", r.Status)
		// An empty box is an OK status with no document.
		if r.Status.OK() && (len(r.Document.Content) > 0 || r.Document.FileName != "") {
			s := r.Sender
			w.open("danePodmiotu")
			w.elem("identyfikator", s.ID)
			w.elem("typOsoby", s.PersonType)
			w.elem("imieSkrot", s.FirstName)
			w.elem("nazwiskoNazwa", s.Surname)
			w.elem("nip", s.NIP)
			w.elem("pesel", s.PESEL)
			w.elem("regon", s.REGON)
			w.elem("zgoda", strconv.FormatBool(s.Consent))
			w.close("danePodmiotu")
			w.open("daneNadawcy")
			w.elem("uzytkownik", s.User)
			w.elem("system", s.System)
			w.close("daneNadawcy")
			w.elem("dataNadania", r.SentAt.Format(time.RFC3339Nano))
			w.elem("nazwaSkrytki", r.BoxName)
			w.elem("adresSkrytki", r.BoxAddress)
			w.elem("adresOdpowiedzi", r.ReplyTo)
			w.elem("czyTestowe", strconv.FormatBool(r.Test))
			w.b64("daneDodatkowe", r.Extra)
			w.document("dokument", r.Document)
		}
		w.close("obi:OdpowiedzPullPobierz")
	})
}

// BuildPotwierdzOdebranieResponse builds the answer to potwierdzOdebranie, for a
// simulator.
func BuildPotwierdzOdebranieResponse(st Status) []byte {
	return envelope(false, nil, func(w *xw) {
		w.open("obi:OdpowiedzPullPotwierdz", "xmlns:obi", NSObiekty)
		w.status("status", st)
		w.close("obi:OdpowiedzPullPotwierdz")
	})
}
