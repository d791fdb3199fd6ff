package edoreczenia

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"time"

	"obieg.dev/obieg/engine"
)

// EvidenceNS is the namespace of ETSI EN 319 522 evidence (part 4-1); the
// root element is Evidence.
const EvidenceNS = "http://uri.etsi.org/19522/v1#"

// EventURIPrefix starts the ERDSEventId of the standard's events, e.g.
// http://uri.etsi.org/19522/Event/SubmissionAcceptance.
const EventURIPrefix = "http://uri.etsi.org/19522/Event/"

// Limits of ParseEvidence.
const (
	maxEvidenceDepth    = 48
	maxEvidenceElements = 20000
)

// Evidence is what Obieg reads from a proof of the e-Doręczenia service
// (dowód wysłania, dowód otrzymania, …). Raw keeps the signed bytes: the
// proof itself is what has legal value, so it is stored untouched.
type Evidence struct {
	ID             string    // EvidenceIdentifier
	Event          string    // ERDSEventId's event name, e.g. "ContentHandover"
	Code           string    // A.1 … E.2, BP.OX, H.EPO …, normalised with a dot
	EventTime      time.Time // EventTime (G05)
	SubmissionTime time.Time // SubmissionTime (M03), when present
	MessageID      string    // the service's message id
	Sender         string    // sender's e-Delivery address
	SenderName     string
	Recipient      string // recipient's e-Delivery address
	RecipientName  string
	Reasons        []Reason
	// Reference is our identifier of the letter (the outgoing entry) when
	// the inbox could find it (the message's additionalData); not part of
	// the XML.
	Reference string
	Raw       []byte
}

// Reason is one EventReason (code and details).
type Reason struct {
	Code    string
	Details string
}

// Delivery fact kinds, as the dispatch records them.
const (
	FactSubmitted = "submitted" // accepted for delivery (dowód wysłania)
	FactDelivered = "delivered" // placed in the addressee's box: the 14 days start
	FactOpened    = "opened"    // proof of receipt: the addressee took the letter
	FactDeemed    = "deemed"    // not taken: delivered by the statutory fiction
	FactFailed    = "failed"    // rejected or not deliverable
)

// eventCodes maps the standard's event names (EN 319 522-2, events and
// their letters: A submission, B relay, D consignment, E handover) to the
// codes the UA API's Evidence.type uses, and back.
var eventCodes = map[string]string{
	"SubmissionAcceptance":      "A.1",
	"SubmissionRejection":       "A.2",
	"RelayAcceptance":           "B.1",
	"RelayRejection":            "B.2",
	"RelayFailure":              "B.3",
	"ContentConsignment":        "D.1",
	"ContentConsignmentFailure": "D.2",
	"ContentHandover":           "E.1",
	"ContentHandoverFailure":    "E.2",
}

// EventForCode returns the event name of a code (empty when unknown).
func EventForCode(code string) string {
	code = NormalizeCode(code)
	for ev, c := range eventCodes {
		if c == code {
			return ev
		}
	}
	return ""
}

// CodeForEvent returns the code of an event name (empty when unknown).
func CodeForEvent(event string) string { return eventCodes[event] }

// NormalizeCode writes the evidence type codes the UA API spells two ways
// (A.1 and A1, BP.OX and BPOX, H.EPO and HEPO) in the dotted form.
func NormalizeCode(code string) string {
	c := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(code), ".", ""))
	switch {
	case c == "":
		return ""
	case strings.HasPrefix(c, "BP") && len(c) > 2:
		return "BP." + c[2:]
	case strings.HasPrefix(c, "H") && len(c) > 1:
		return "H." + c[1:]
	case len(c) == 2 && c[0] >= 'A' && c[0] <= 'F' && c[1] >= '0' && c[1] <= '9':
		return c[:1] + "." + c[1:]
	}
	return c
}

// DeliveryFact says what the evidence proves for the delivery of the letter
// and when. The mapping, event (code) → fact:
//
//   - SubmissionAcceptance (A.1), BP.W* (business proof of sending), H.PN
//     and H.DW (hybrid: accepted, sent) → submitted, at SubmissionTime
//     (else EventTime);
//   - ContentConsignment (D.1) → delivered: in the addressee's box, from
//     which day the 14 days of art. 41–42 run;
//   - ContentHandover (E.1), BP.O* (business proof of receipt), H.EPO (the
//     electronic return receipt of a hybrid letter) → opened, or deemed when
//     a reason says the delivery is the statutory fiction (a reason code or
//     details containing "deemed", "uznana za doręczoną" or "fikcj");
//   - SubmissionRejection (A.2), RelayRejection (B.2), RelayFailure (B.3),
//     ContentConsignmentFailure (D.2), ContentHandoverFailure (E.2) → failed;
//   - anything else (RelayAcceptance B.1, D.3 and unknown codes) → "" (no
//     fact for the delivery date).
//
// The codes' meanings come from EN 319 522-2's event names as the UA API's
// Evidence.type lists them; how the service marks a deemed delivery is not
// documented in the API and is an assumption (see doc.go).
func (e *Evidence) DeliveryFact() (kind string, at time.Time) {
	at = e.EventTime
	event := e.Event
	if event == "" {
		event = EventForCode(e.Code)
	}
	code := NormalizeCode(e.Code)
	switch {
	case event == "SubmissionAcceptance" || strings.HasPrefix(code, "BP.W") || code == "H.PN" || code == "H.DW":
		if !e.SubmissionTime.IsZero() {
			at = e.SubmissionTime
		}
		return FactSubmitted, at
	case event == "ContentConsignment":
		return FactDelivered, at
	case event == "ContentHandover" || strings.HasPrefix(code, "BP.O") || code == "H.EPO":
		if e.Deemed() {
			return FactDeemed, at
		}
		return FactOpened, at
	case event == "SubmissionRejection", event == "RelayRejection", event == "RelayFailure",
		event == "ContentConsignmentFailure", event == "ContentHandoverFailure":
		return FactFailed, at
	}
	return "", at
}

// Deemed reports whether a reason marks the delivery as the statutory
// fiction rather than a receipt.
func (e *Evidence) Deemed() bool {
	for _, r := range e.Reasons {
		s := strings.ToLower(r.Code + " " + r.Details)
		if strings.Contains(s, "deemed") || strings.Contains(s, "uznana za doręczoną") || strings.Contains(s, "fikcj") {
			return true
		}
	}
	return false
}

// node is a parsed element.
type node struct {
	space, local string
	attrs        []xml.Attr
	text         strings.Builder
	kids         []*node
}

func (n *node) child(local string) *node {
	for _, k := range n.kids {
		if k.local == local {
			return k
		}
	}
	return nil
}

func (n *node) str() string { return strings.TrimSpace(n.text.String()) }

// find returns the first element named local in n's subtree (n excluded),
// depth first, skipping XML signatures.
func (n *node) find(match func(*node) bool) *node {
	for _, k := range n.kids {
		if k.local == "Signature" && k.space == "http://www.w3.org/2000/09/xmldsig#" {
			continue
		}
		if match(k) {
			return k
		}
		if f := k.find(match); f != nil {
			return f
		}
	}
	return nil
}

func named(names ...string) func(*node) bool {
	return func(n *node) bool {
		for _, s := range names {
			if n.local == s {
				return true
			}
		}
		return false
	}
}

// ParseEvidence reads an ETSI EN 319 522 evidence. Elements are matched by
// local name below the root (real evidences mix qualified and unqualified
// children) and extra elements are ignored; the root must be Evidence in
// EvidenceNS. The input is bounded (MaxEvidenceSize bytes, nesting depth,
// element count); DOCTYPE and entity declarations are refused, so nothing
// is ever expanded. Errors are KindInvalid or KindTooLarge.
func ParseEvidence(data []byte) (*Evidence, error) {
	const op = "edoreczenia.ParseEvidence"
	if len(data) > MaxEvidenceSize {
		return nil, engine.Errorf(op, engine.KindTooLarge, "the evidence is larger than %d bytes", MaxEvidenceSize)
	}
	root, err := parseTree(op, data)
	if err != nil {
		return nil, err
	}
	if root.local != "Evidence" || root.space != EvidenceNS {
		return nil, engine.Invalid(op, "evidence", "the root element is {%s}%s, not {%s}Evidence", clip(root.space), clip(root.local), EvidenceNS)
	}
	e := &Evidence{Raw: data}
	text := func(names ...string) string {
		if n := root.find(named(names...)); n != nil {
			return n.str()
		}
		return ""
	}
	e.ID = text("EvidenceIdentifier")
	if ev := text("ERDSEventId", "EventId"); ev != "" {
		e.Event = ev[strings.LastIndexAny(ev, "/#")+1:]
	}
	e.Code = NormalizeCode(text("EvidenceType", "EventCode"))
	if e.Code == "" {
		e.Code = CodeForEvent(e.Event)
	}
	if e.Event == "" {
		e.Event = EventForCode(e.Code)
	}
	if e.Event == "" && e.Code == "" {
		return nil, engine.Invalid(op, "evidence.ERDSEventId", "the evidence names no event")
	}
	if e.EventTime, err = xsdTime(text("EventTime")); err != nil || e.EventTime.IsZero() {
		return nil, engine.Invalid(op, "evidence.EventTime", "the evidence has no valid EventTime")
	}
	if s := text("SubmissionTime"); s != "" {
		if e.SubmissionTime, err = xsdTime(s); err != nil {
			return nil, engine.Invalid(op, "evidence.SubmissionTime", "SubmissionTime %q is not a date and time", clip(s))
		}
	}
	e.MessageID = text("MessageIdentifier", "ERDSMessageIdentifier", "UAMessageIdentifier", "MessageIdentifierByERDS")
	if s := root.find(named("SenderDetails")); s != nil {
		e.Sender, e.SenderName = party(s)
	}
	if r := root.find(named("RecipientDetails")); r != nil {
		e.Recipient, e.RecipientName = party(r)
	}
	if rs := root.find(named("EventReasons")); rs != nil {
		for _, k := range rs.kids {
			if k.local != "EventReason" {
				continue
			}
			var r Reason
			if c := k.child("Code"); c != nil {
				r.Code = c.str()
			}
			if d := k.child("Details"); d != nil {
				r.Details = d.str()
			}
			e.Reasons = append(e.Reasons, r)
		}
	}
	return e, nil
}

// party finds the e-Delivery address (an identifier starting AE:) and the
// legal name (a SAML attribute LegalName) in SenderDetails/RecipientDetails.
func party(n *node) (address, name string) {
	if id := n.find(func(k *node) bool {
		return (k.local == "Identifier" || k.local == "ERDSIdentifier" || k.local == "AttributeValue" || k.local == "ElectronicAddress") &&
			strings.HasPrefix(k.str(), "AE:")
	}); id != nil {
		address = id.str()
	}
	if a := n.find(func(k *node) bool {
		if k.local != "Attribute" {
			return false
		}
		for _, at := range k.attrs {
			if at.Name.Local == "FriendlyName" && (at.Value == "LegalName" || at.Value == "Name") {
				return true
			}
		}
		return false
	}); a != nil {
		if v := a.child("AttributeValue"); v != nil {
			name = v.str()
		}
	}
	return address, name
}

// xsdTime parses an xsd:dateTime; without a zone it is taken as UTC.
func xsdTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not an xsd:dateTime")
}

// parseTree reads the whole document into nodes within the limits.
func parseTree(op string, data []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var root *node
	var stack []*node
	elements := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, engine.E(op, engine.KindInvalid, engine.Field("evidence"), "the evidence is not well-formed XML", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, engine.Invalid(op, "evidence", "DOCTYPE and ENTITY declarations are not accepted")
		case xml.StartElement:
			elements++
			if elements > maxEvidenceElements {
				return nil, engine.Errorf(op, engine.KindTooLarge, "the evidence has more than %d elements", maxEvidenceElements)
			}
			if len(stack) >= maxEvidenceDepth {
				return nil, engine.Errorf(op, engine.KindTooLarge, "the evidence nests deeper than %d", maxEvidenceDepth)
			}
			n := &node{space: t.Name.Space, local: t.Name.Local, attrs: t.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, engine.Invalid(op, "evidence", "more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, engine.Invalid(op, "evidence", "text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, engine.Invalid(op, "evidence", "the evidence is empty")
	}
	return root, nil
}
