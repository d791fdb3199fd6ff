package epuap

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"obieg.dev/obieg/engine"
)

// The skrytka service (http://ws.epuap.gov.pl/skrytka/): nadaj puts a document
// into a box. By the WSDL binding every parameter but the document travels
// in a SOAP header (ob:IdentyfikatorPodmiotu, ob:AdresSkrytki,
// ob:AdresOdpowiedzi, ob:CzyProbne, ob:DaneDodatkowe); the Body holds only
// ob:Dokument.

// NadajRequest is the parameters of skrytka nadaj.
type NadajRequest struct {
	Entity   string   // IdentyfikatorPodmiotu: the office sending, at most 100 characters
	To       string   // AdresSkrytki: the recipient's box, "/{podmiot}/{skrytka}"
	ReplyTo  string   // AdresOdpowiedzi: our box for answers in the matter
	Trial    bool     // CzyProbne: a trial submission, not passed to the recipient
	Extra    []byte   // DaneDodatkowe: additional data (XML); base64 on the wire
	Document Document // Dokument (nadajAny: the XML inside ext:Dokument, FileName from NazwaPliku)
}

// NadajResponse is the answer to nadaj (OdpowiedzSkrytkiTyp).
type NadajResponse struct {
	Status          Status
	DocumentID      string    // identyfikatorDokumentu given by ePUAP
	UPPID           string    // identyfikatorUpp, when a UPP was made
	RecipientStatus *Status   // statusOdbiorcy, when the recipient's system answered
	UPP             *Document // zalacznik: the UPP, when the recipient's box returns it
}

func checkEntity(op, field, v string) error {
	if strings.TrimSpace(v) == "" {
		return engine.Invalid(op, field, "required")
	}
	if utf8.RuneCountInString(v) > 100 {
		return engine.Invalid(op, field, "longer than 100 characters")
	}
	return nil
}

func checkBox(op, field, v string) error {
	if !strings.HasPrefix(v, "/") || len(v) < 2 {
		return engine.Invalid(op, field, "not a box address (/{podmiot}/{skrytka}): %q", v)
	}
	return nil
}

func checkDocument(op, field string, d Document) error {
	if strings.TrimSpace(d.FileName) == "" {
		return engine.Invalid(op, field+".nazwaPliku", "required")
	}
	if len(d.Content) == 0 {
		return engine.Invalid(op, field+".zawartosc", "empty document")
	}
	if len(d.Content) > MaxDocumentSize {
		return engine.E(op, engine.KindTooLarge, engine.Field(field+".zawartosc"),
			fmt.Sprintf("document of %d bytes exceeds the limit of %d", len(d.Content), MaxDocumentSize))
	}
	return nil
}

func checkExtra(op string, extra []byte) error {
	if len(extra) > MaxDocumentSize {
		return engine.E(op, engine.KindTooLarge, engine.Field("daneDodatkowe"), "additional data too large")
	}
	return nil
}

// Nadaj builds the skrytka nadaj request envelope (unsigned; the caller adds
// the WS-Security header and signs the Body, wsu:Id BodyID).
func Nadaj(r NadajRequest) ([]byte, error) {
	const op = "epuap.Nadaj"
	for _, err := range []error{
		checkEntity(op, "podmiot", r.Entity), checkBox(op, "adresSkrytki", r.To),
		checkBox(op, "adresOdpowiedzi", r.ReplyTo), checkDocument(op, "dokument", r.Document),
		checkExtra(op, r.Extra),
	} {
		if err != nil {
			return nil, err
		}
	}
	return envelope(true, func(w *xw) {
		w.elem("obi:IdentyfikatorPodmiotu", r.Entity)
		w.elem("obi:AdresSkrytki", r.To)
		w.elem("obi:AdresOdpowiedzi", r.ReplyTo)
		w.elem("obi:CzyProbne", boolText(r.Trial))
		w.b64("obi:DaneDodatkowe", r.Extra)
	}, func(w *xw) {
		w.document("obi:Dokument", r.Document, "xmlns:obi", NSObiekty)
	}), nil
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// ParseNadajResponse reads the answer to nadaj, with the UPP when ePUAP
// attached it (zalacznik). A status other than OK is returned as an error
// wrapping *StatusError, with the result filled as far as read.
func ParseNadajResponse(data []byte) (*NadajResponse, error) {
	const op = "epuap.ParseNadajResponse"
	m, err := parseEnvelope(op, data)
	if err != nil {
		return nil, err
	}
	b, err := m.expect(op, NSObiekty, "OdpowiedzSkrytki")
	if err != nil {
		return nil, err
	}
	st, err := parseStatus(op, "status", b.kid("status"))
	if err != nil {
		return nil, err
	}
	r := &NadajResponse{Status: st, DocumentID: b.kidStr("identyfikatorDokumentu"), UPPID: b.kidStr("identyfikatorUpp")}
	if n := b.kid("statusOdbiorcy"); n != nil {
		s, err := parseStatus(op, "statusOdbiorcy", n)
		if err != nil {
			return nil, err
		}
		r.RecipientStatus = &s
	}
	if n := b.kid("zalacznik"); n != nil {
		d, err := parseDocument(op, "zalacznik", n, MaxDocumentSize)
		if err != nil {
			return nil, err
		}
		r.UPP = &d
	}
	return r, st.Err(op)
}

// BuildNadajResponse builds the answer to nadaj, for a simulator.
func BuildNadajResponse(r NadajResponse) []byte {
	return envelope(false, nil, func(w *xw) {
		w.open("obi:OdpowiedzSkrytki", "xmlns:obi", NSObiekty)
		w.status("status", r.Status)
		w.elem("identyfikatorDokumentu", r.DocumentID)
		if r.UPPID != "" {
			w.elem("identyfikatorUpp", r.UPPID)
		}
		if r.RecipientStatus != nil {
			w.status("statusOdbiorcy", *r.RecipientStatus)
		}
		if r.UPP != nil {
			w.document("zalacznik", *r.UPP)
		}
		w.close("obi:OdpowiedzSkrytki")
	})
}
