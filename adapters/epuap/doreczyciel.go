package epuap

import (
	"time"

	"obieg.dev/obieg/engine"
)

// The doręczyciel service (http://ws.epuap.gov.pl/doreczyciel/): dorecz asks
// ePUAP to deliver an XAdES-signed document officially; the UPD (proof of
// delivery) later arrives in the reply box and is pulled like any document.
// As with nadaj, every parameter but the document travels in a SOAP header.

// DoreczRequest is the parameters of doręczyciel dorecz.
type DoreczRequest struct {
	Entity     string    // IdentyfikatorPodmiotu: the office sending
	To         string    // AdresSkrytki: the addressee's box
	ReplyTo    string    // AdresOdpowiedzi: our box, where the UPD will arrive
	Deadline   time.Time // TerminDoreczenia (xsd:dateTime); omitted when zero
	Trial      bool      // CzyProbne
	DocumentID string    // IdentyfikatorDokumentu: our identifier of the document
	CaseID     string    // IdentyfikatorSprawy: the case sign (znak sprawy)
	Extra      []byte    // DaneDodatkowe, base64 on the wire
	UPD        *Document // UPD: optional header part of the WSDL (a UPD template)
	Document   Document  // Dokument: the signed document
}

// DoreczResponse is the answer to dorecz (OdpowiedzDoreczycielaTyp).
type DoreczResponse struct {
	Status     Status
	DocumentID string // identyfikatorDokumentu (nillable)
	OrderID    string // identyfikatorZlecenia: ePUAP's delivery order (nillable)
}

// Dorecz builds the doręczyciel dorecz request envelope (unsigned as a SOAP
// message; the caller adds WS-Security). The document itself must already
// be signed: Document.Content must be XML carrying a ds:Signature.
func Dorecz(r DoreczRequest) ([]byte, error) {
	const op = "epuap.Dorecz"
	for _, err := range []error{
		checkEntity(op, "podmiot", r.Entity), checkBox(op, "adresSkrytki", r.To),
		checkBox(op, "adresOdpowiedzi", r.ReplyTo), checkDocument(op, "dokument", r.Document),
		checkExtra(op, r.Extra),
	} {
		if err != nil {
			return nil, err
		}
	}
	if r.UPD != nil && len(r.UPD.Content) > MaxDocumentSize {
		return nil, engine.E(op, engine.KindTooLarge, engine.Field("upd"), "UPD too large")
	}
	root, err := parseXML(op, r.Document.Content, MaxDocumentSize)
	if err != nil {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("dokument.zawartosc"), "the document to deliver must be signed XML", err)
	}
	if !root.has(func(n *node) bool { return n.is(NSDSig, "Signature") }) {
		return nil, engine.Invalid(op, "dokument.zawartosc", "the document to deliver is not signed (no ds:Signature)")
	}
	return envelope(true, func(w *xw) {
		w.elem("obi:IdentyfikatorPodmiotu", r.Entity)
		w.elem("obi:AdresSkrytki", r.To)
		w.elem("obi:AdresOdpowiedzi", r.ReplyTo)
		if !r.Deadline.IsZero() {
			w.elem("obi:TerminDoreczenia", r.Deadline.Format(time.RFC3339Nano))
		}
		w.elem("obi:CzyProbne", boolText(r.Trial))
		w.elem("obi:IdentyfikatorDokumentu", r.DocumentID)
		w.elem("obi:IdentyfikatorSprawy", r.CaseID)
		w.b64("obi:DaneDodatkowe", r.Extra)
		if r.UPD != nil {
			w.document("obi:UPD", *r.UPD)
		}
	}, func(w *xw) {
		w.document("obi:Dokument", r.Document, "xmlns:obi", NSObiekty)
	}), nil
}

// ParseDoreczResponse reads the answer to dorecz. A status other than OK is
// returned as an error wrapping *StatusError, with the result filled.
func ParseDoreczResponse(data []byte) (*DoreczResponse, error) {
	const op = "epuap.ParseDoreczResponse"
	m, err := parseEnvelope(op, data)
	if err != nil {
		return nil, err
	}
	b, err := m.expect(op, NSObiekty, "OdpowiedzDoreczyciela")
	if err != nil {
		return nil, err
	}
	st, err := parseStatus(op, "status", b.kid("status"))
	if err != nil {
		return nil, err
	}
	r := &DoreczResponse{Status: st, DocumentID: b.kidStr("identyfikatorDokumentu"), OrderID: b.kidStr("identyfikatorZlecenia")}
	return r, st.Err(op)
}

// BuildDoreczResponse builds the answer to dorecz, for a simulator.
func BuildDoreczResponse(r DoreczResponse) []byte {
	return envelope(false, nil, func(w *xw) {
		w.open("obi:OdpowiedzDoreczyciela", "xmlns:obi", NSObiekty)
		w.status("status", r.Status)
		w.elem("identyfikatorDokumentu", r.DocumentID)
		w.elem("identyfikatorZlecenia", r.OrderID)
		w.close("obi:OdpowiedzDoreczyciela")
	})
}
