package epuap

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"obieg.dev/obieg/engine"
)

// Operations of the ePUAP services, named as in the WSDL.
const (
	OpOczekujaceDokumenty = "oczekujaceDokumenty" // pull
	OpPobierzNastepny     = "pobierzNastepny"     // pull
	OpPotwierdzOdebranie  = "potwierdzOdebranie"  // pull
	OpNadaj               = "nadaj"               // skrytka
	OpNadajAny            = "nadajAny"            // skrytka
	OpDorecz              = "dorecz"              // doreczyciel
	OpOdbierz             = "odbierz"             // doreczyciel
)

var soapActions = map[string]string{
	OpOczekujaceDokumenty: "http://ws.epuap.gov.pl/pull/oczekujaceDokumenty",
	OpPobierzNastepny:     "http://ws.epuap.gov.pl/pull/pobierzNastepny",
	OpPotwierdzOdebranie:  "http://ws.epuap.gov.pl/pull/potwierdzOdebranie",
	OpNadaj:               "http://ws.epuap.gov.pl/skrytka/nadaj",
	OpNadajAny:            "http://ws.epuap.gov.pl/skrytka/nadajAny",
	OpDorecz:              "http://ws.epuap.gov.pl/doreczyciel/dorecz",
	OpOdbierz:             "http://ws.epuap.gov.pl/doreczyciel/odbierz",
}

// SOAPAction returns the SOAPAction HTTP header value the WSDL binding gives
// the operation, or "" for an unknown operation.
func SOAPAction(op string) string { return soapActions[op] }

// BodyID is the wsu:Id the request builders put on soapenv:Body, for the
// WS-Security signature to reference (URI="#id-body").
const BodyID = "id-body"

// Status is ePUAP's StatusTyp (and WyjatekTyp): kod 1 means OK.
type Status struct {
	Code    int    // kod
	Message string // komunikat
}

// StatusOK is the code of success.
const StatusOK = 1

// OK reports whether the status is success.
func (s Status) OK() bool { return s.Code == StatusOK }

// Err returns nil for kod 1 and otherwise an engine error of kind
// KindInvalid (ePUAP refused the request) wrapping a *StatusError.
func (s Status) Err(op string) error {
	if s.OK() {
		return nil
	}
	return engine.E(op, engine.KindInvalid, &StatusError{Code: s.Code, Message: s.Message})
}

// StatusError is a status other than OK returned by ePUAP.
type StatusError struct {
	Code    int
	Message string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("ePUAP status %d: %s", e.Code, e.Message)
}

// Document is ePUAP's DokumentTyp: a file carried in a SOAP message.
type Document struct {
	FileName  string // nazwaPliku
	MediaType string // typPliku (optional)
	Content   []byte // zawartosc, base64 on the wire
}

// Skrot returns base64 of the SHA-1 digest of content: the skrot that
// potwierdzOdebranie acknowledges, and the key to de-duplicate pulled
// documents by (pulling is at-least-once).
func Skrot(content []byte) string {
	return base64.StdEncoding.EncodeToString(sha1Sum(content))
}

// --- writing -------------------------------------------------------------

// xw writes XML; names are written as given, text and attributes escaped.
type xw struct{ b bytes.Buffer }

func (w *xw) open(name string, attrs ...string) {
	w.b.WriteByte('<')
	w.b.WriteString(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		w.b.WriteByte(' ')
		w.b.WriteString(attrs[i])
		w.b.WriteString(`="`)
		xml.EscapeText(&w.b, []byte(attrs[i+1]))
		w.b.WriteByte('"')
	}
	w.b.WriteByte('>')
}

func (w *xw) close(name string) {
	w.b.WriteString("</")
	w.b.WriteString(name)
	w.b.WriteByte('>')
}

func (w *xw) elem(name, text string, attrs ...string) {
	w.open(name, attrs...)
	xml.EscapeText(&w.b, []byte(text))
	w.close(name)
}

// b64 writes base64 of content as the text of an element.
func (w *xw) b64(name string, content []byte) {
	w.open(name)
	enc := base64.NewEncoder(base64.StdEncoding, &w.b)
	enc.Write(content)
	enc.Close()
	w.close(name)
}

// document writes a DokumentTyp: name is the element, children unqualified.
func (w *xw) document(name string, d Document, attrs ...string) {
	w.open(name, attrs...)
	w.elem("nazwaPliku", d.FileName)
	if d.MediaType != "" {
		w.elem("typPliku", d.MediaType)
	}
	w.b64("zawartosc", d.Content)
	w.close(name)
}

func (w *xw) status(name string, s Status) {
	w.open(name)
	w.elem("kod", strconv.Itoa(s.Code))
	w.elem("komunikat", s.Message)
	w.close(name)
}

// envelope returns a SOAP 1.1 envelope. header writes the children of
// soapenv:Header (nil: an empty Header, left for the WS-Security header);
// body writes the children of soapenv:Body. With signed, the Body carries
// wsu:Id=BodyID.
func envelope(signed bool, header, body func(w *xw)) []byte {
	var w xw
	w.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.open("soapenv:Envelope", "xmlns:soapenv", NSSOAP)
	if header == nil {
		w.b.WriteString("<soapenv:Header/>")
	} else {
		w.open("soapenv:Header", "xmlns:obi", NSObiekty)
		header(&w)
		w.close("soapenv:Header")
	}
	if signed {
		w.open("soapenv:Body", "xmlns:wsu", NSWSU, "wsu:Id", BodyID)
	} else {
		w.open("soapenv:Body")
	}
	body(&w)
	w.close("soapenv:Body")
	w.close("soapenv:Envelope")
	return w.b.Bytes()
}

// --- reading -------------------------------------------------------------

// soapMsg is a parsed envelope.
type soapMsg struct {
	data    []byte
	headers []*node // children of soapenv:Header
	body    *node   // first element child of soapenv:Body, nil if none
}

// parseEnvelope parses a SOAP 1.1 envelope. A Fault in the Body is returned
// as the fault's error (see ParseFault).
func parseEnvelope(op string, data []byte) (*soapMsg, error) {
	root, err := parseXML(op, data, MaxEnvelopeSize)
	if err != nil {
		return nil, err
	}
	if !root.is(NSSOAP, "Envelope") {
		return nil, engine.E(op, engine.KindInvalid, fmt.Sprintf("not a SOAP 1.1 envelope: root {%s}%s", root.space, root.local))
	}
	m := &soapMsg{data: data}
	if h := root.kidIn(NSSOAP, "Header"); h != nil {
		m.headers = h.kids
	}
	b := root.kidIn(NSSOAP, "Body")
	if b == nil {
		return nil, engine.E(op, engine.KindInvalid, "SOAP envelope without Body")
	}
	if len(b.kids) > 0 {
		m.body = b.kids[0]
	}
	if m.body.is(NSSOAP, "Fault") {
		return nil, faultError(op, parseFaultNode(data, m.body))
	}
	return m, nil
}

// expect checks that the Body's first element is {ns}local.
func (m *soapMsg) expect(op, ns, local string) (*node, error) {
	if m.body == nil {
		return nil, engine.E(op, engine.KindInvalid, "empty SOAP Body")
	}
	if !m.body.is(ns, local) {
		return nil, engine.E(op, engine.KindInvalid, fmt.Sprintf("unexpected SOAP Body element {%s}%s, want %s", m.body.space, m.body.local, local))
	}
	return m.body, nil
}

// parseStatus reads a StatusTyp element; a missing element is an error.
func parseStatus(op, field string, n *node) (Status, error) {
	if n == nil {
		return Status{}, engine.E(op, engine.KindInvalid, engine.Field(field), "missing status")
	}
	code, err := strconv.Atoi(n.kidStr("kod"))
	if err != nil {
		return Status{}, engine.E(op, engine.KindInvalid, engine.Field(field+".kod"), "status code is not a number", err)
	}
	return Status{Code: code, Message: n.kidStr("komunikat")}, nil
}

// parseDocument reads a DokumentTyp element.
func parseDocument(op, field string, n *node, max int) (Document, error) {
	if n == nil {
		return Document{}, engine.E(op, engine.KindInvalid, engine.Field(field), "missing document")
	}
	z := n.kid("zawartosc")
	if z != nil && len(z.kids) > 0 {
		return Document{}, engine.E(op, engine.KindInvalid, engine.Field(field+".zawartosc"),
			"content is not inline base64 (MTOM/XOP is not supported here; resolve the attachment first)")
	}
	c, err := decodeBase64(op, field+".zawartosc", z.str(), max)
	if err != nil {
		return Document{}, err
	}
	return Document{FileName: n.kidStr("nazwaPliku"), MediaType: n.kidStr("typPliku"), Content: c}, nil
}

// --- faults --------------------------------------------------------------

// Fault is a SOAP 1.1 Fault. ePUAP puts an ob:Wyjatek (kod, komunikat) in
// the detail.
type Fault struct {
	Code   string  // faultcode as written, e.g. "soapenv:Server"
	String string  // faultstring
	Actor  string  // faultactor
	Detail string  // the XML inside <detail>, as received
	Status *Status // ob:Wyjatek from the detail, when present and readable
}

func (f *Fault) Error() string {
	s := "SOAP fault " + f.Code + ": " + f.String
	if f.Status != nil {
		s += fmt.Sprintf(" (ePUAP %d: %s)", f.Status.Code, f.Status.Message)
	}
	return s
}

// Client reports whether the faultcode blames the request (Client,
// VersionMismatch, MustUnderstand, or a dotted refinement of them).
func (f *Fault) Client() bool {
	c := f.Code
	if i := strings.LastIndexByte(c, ':'); i >= 0 {
		c = c[i+1:]
	}
	c, _, _ = strings.Cut(c, ".")
	return c == "Client" || c == "VersionMismatch" || c == "MustUnderstand"
}

// faultError wraps f in an engine error: KindInvalid for client faults,
// KindUnavailable for server (and unknown) faults.
func faultError(op string, f *Fault) error {
	kind := engine.KindUnavailable
	if f.Client() {
		kind = engine.KindInvalid
	}
	return engine.E(op, kind, f)
}

func parseFaultNode(data []byte, n *node) *Fault {
	f := &Fault{Code: n.kidStr("faultcode"), String: n.kidStr("faultstring"), Actor: n.kidStr("faultactor")}
	if d := n.kid("detail"); d != nil {
		f.Detail = strings.TrimSpace(string(d.innerXML(data)))
		if w := d.find(func(k *node) bool { return k.local == "Wyjatek" }); w != nil {
			code, err := strconv.Atoi(w.kidStr("kod"))
			if err == nil || w.kidStr("komunikat") != "" {
				f.Status = &Status{Code: code, Message: w.kidStr("komunikat")}
			}
		}
	}
	return f
}

// ParseFault reads a SOAP envelope and returns the error its Fault stands
// for: an engine error (KindInvalid for client faults, KindUnavailable for
// server faults) wrapping a *Fault; use errors.As to get the Fault. It
// returns nil if the envelope holds no Fault, and an error of kind
// KindInvalid if data is not a SOAP envelope.
func ParseFault(data []byte) error {
	_, err := parseEnvelope("epuap.ParseFault", data)
	return err
}

// BuildFault builds a response envelope carrying f, for a simulator. A
// non-nil f.Status is written as ob:Wyjatek in the detail; otherwise
// f.Detail is written as is (it must be well-formed XML or empty).
func BuildFault(f Fault) []byte {
	return envelope(false, nil, func(w *xw) {
		w.open("soapenv:Fault")
		w.elem("faultcode", f.Code)
		w.elem("faultstring", f.String)
		if f.Actor != "" {
			w.elem("faultactor", f.Actor)
		}
		switch {
		case f.Status != nil:
			w.open("detail")
			w.open("obi:Wyjatek", "xmlns:obi", NSObiekty)
			w.elem("kod", strconv.Itoa(f.Status.Code))
			w.elem("komunikat", f.Status.Message)
			w.close("obi:Wyjatek")
			w.close("detail")
		case f.Detail != "":
			w.open("detail")
			w.b.WriteString(f.Detail)
			w.close("detail")
		}
		w.close("soapenv:Fault")
	})
}
