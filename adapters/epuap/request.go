package epuap

import (
	"fmt"

	"obieg.dev/obieg/engine"
)

// Request is a SOAP request to one of the ePUAP services, as a simulator
// receives it.
type Request struct {
	Operation string            // one of the Op* constants
	Headers   map[string]string // text of the SOAP header elements by local name (wsse:Security left out)
	Pull      *PullRequest      // oczekujaceDokumenty, pobierzNastepny, potwierdzOdebranie
	Nadaj     *NadajRequest     // nadaj, nadajAny
	Dorecz    *DoreczRequest    // dorecz
	UPD       *Document         // odbierz: the signed UPD in the Body
}

// doreczHeaders are the header parts only dorecz has; nadaj and dorecz share
// their Body element (ob:Dokument), so these tell them apart.
var doreczHeaders = []string{"TerminDoreczenia", "IdentyfikatorDokumentu", "IdentyfikatorSprawy", "UPD"}

// ParseSOAPRequest identifies the operation of a request envelope by its
// Body's first element (namespace and local name) and, where the Body is
// ambiguous (ob:Dokument is both nadaj and dorecz), by the dorecz-only
// headers; then reads the parameters into the structs the builders take.
// The SOAPAction HTTP header, if the caller has it, can be checked against
// SOAPAction(req.Operation).
func ParseSOAPRequest(body []byte) (*Request, error) {
	const op = "epuap.ParseSOAPRequest"
	m, err := parseEnvelope(op, body)
	if err != nil {
		return nil, err
	}
	if m.body == nil {
		return nil, engine.E(op, engine.KindInvalid, "empty SOAP Body")
	}
	req := &Request{Headers: map[string]string{}}
	hdr := map[string]*node{}
	for _, h := range m.headers {
		if h.local == "Security" {
			continue
		}
		if _, dup := hdr[h.local]; !dup {
			hdr[h.local] = h
			req.Headers[h.local] = h.str()
		}
	}
	b := m.body
	switch {
	case b.is(NSObiekty, "ZapytaniePullOczekujace"):
		req.Operation = OpOczekujaceDokumenty
	case b.is(NSObiekty, "ZapytaniePullPobierz"):
		req.Operation = OpPobierzNastepny
	case b.is(NSObiekty, "ZapytaniePullPotwierdz"):
		req.Operation = OpPotwierdzOdebranie
	case b.is(NSObiekty, "Dokument"):
		req.Operation = OpNadaj
		for _, h := range doreczHeaders {
			if hdr[h] != nil {
				req.Operation = OpDorecz
			}
		}
	case b.is(NSExt, "Dokument"):
		req.Operation = OpNadajAny
	case b.is(NSObiekty, "UPD"):
		req.Operation = OpOdbierz
	default:
		return nil, engine.E(op, engine.KindInvalid, fmt.Sprintf("unknown ePUAP operation: Body element {%s}%s", b.space, b.local))
	}
	switch req.Operation {
	case OpOczekujaceDokumenty, OpPobierzNastepny, OpPotwierdzOdebranie:
		req.Pull = &PullRequest{Entity: b.kidStr("podmiot"), Box: b.kidStr("nazwaSkrytki"), Address: b.kidStr("adresSkrytki"), Skrot: b.kidStr("skrot")}
	case OpNadaj, OpNadajAny:
		n := &NadajRequest{Entity: req.Headers["IdentyfikatorPodmiotu"], To: req.Headers["AdresSkrytki"], ReplyTo: req.Headers["AdresOdpowiedzi"]}
		if n.Trial, n.Extra, err = trialExtra(op, req.Headers); err != nil {
			return nil, err
		}
		if req.Operation == OpNadaj {
			n.Document, err = parseDocument(op, "dokument", b, MaxDocumentSize)
		} else {
			n.Document = Document{FileName: req.Headers["NazwaPliku"], MediaType: "text/xml", Content: b.innerXML(body)}
		}
		if err != nil {
			return nil, err
		}
		req.Nadaj = n
	case OpDorecz:
		d := &DoreczRequest{
			Entity: req.Headers["IdentyfikatorPodmiotu"], To: req.Headers["AdresSkrytki"], ReplyTo: req.Headers["AdresOdpowiedzi"],
			DocumentID: req.Headers["IdentyfikatorDokumentu"], CaseID: req.Headers["IdentyfikatorSprawy"],
		}
		if d.Trial, d.Extra, err = trialExtra(op, req.Headers); err != nil {
			return nil, err
		}
		if s := req.Headers["TerminDoreczenia"]; s != "" {
			if d.Deadline, err = parseTime(s); err != nil {
				return nil, engine.E(op, engine.KindInvalid, engine.Field("TerminDoreczenia"), err)
			}
		}
		if u := hdr["UPD"]; u != nil {
			upd, err := parseDocument(op, "UPD", u, MaxDocumentSize)
			if err != nil {
				return nil, err
			}
			d.UPD = &upd
		}
		if d.Document, err = parseDocument(op, "dokument", b, MaxDocumentSize); err != nil {
			return nil, err
		}
		req.Dorecz = d
	case OpOdbierz:
		upd, err := parseDocument(op, "upd", b, MaxDocumentSize)
		if err != nil {
			return nil, err
		}
		req.UPD = &upd
	}
	return req, nil
}

func trialExtra(op string, h map[string]string) (bool, []byte, error) {
	trial, err := parseBool(h["CzyProbne"])
	if err != nil {
		return false, nil, engine.E(op, engine.KindInvalid, engine.Field("CzyProbne"), err)
	}
	extra, err := decodeBase64(op, "DaneDodatkowe", h["DaneDodatkowe"], MaxDocumentSize)
	if err != nil {
		return false, nil, err
	}
	return trial, extra, nil
}
