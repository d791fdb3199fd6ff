package sim

import (
	"fmt"
	"html"
	"strings"
	"time"

	"obieg.dev/obieg/adapters/edoreczenia"
)

// evidence is one proof issued for a message.
type evidence struct {
	id         string
	msg        *message
	event      string // ERDSEventId's event name
	code       string // A.1, D.1, E.1 …
	at         time.Time
	created    time.Time
	reason     *edoreczenia.Reason
	downloaded map[string]bool // per mailbox
	xml        []byte
}

// issue makes an evidence for the message and notifies the sender's
// evidence subscriptions. Callers hold s.mu.
func (s *Server) issue(m *message, event string, at time.Time, reason *edoreczenia.Reason) {
	e := &evidence{id: newID(), msg: m, event: event, code: edoreczenia.CodeForEvent(event), at: at,
		created: s.opts.Clock().UTC().Truncate(time.Second), reason: reason, downloaded: map[string]bool{}}
	e.xml = s.evidenceXML(e)
	s.evidences[e.id] = e
	s.evOrder = append(s.evOrder, e)
	for _, sub := range s.subs[m.from] {
		if sub.on {
			s.notify(sub.urls.EvidenceCallbackURL, m.from, edoreczenia.NotifyEvidence, edoreczenia.NotificationItem{ID: e.id, Type: e.code})
		}
	}
}

// info is the JSON description (Evidence schema) of an evidence.
func (e *evidence) info(viewer string) edoreczenia.EvidenceInfo {
	at, created := e.at, e.created
	dl := e.downloaded[viewer]
	out := edoreczenia.EvidenceInfo{EvidenceID: e.id, MessageID: e.msg.id, CreateDate: &created, EventDate: &at, Downloaded: &dl,
		Type: e.code, From: &edoreczenia.AddressData{EDeliveryAddress: e.msg.from}, To: &edoreczenia.AddressData{EDeliveryAddress: e.msg.to}}
	if e.reason != nil {
		out.ReasonID = e.reason.Code
		out.ReasonDetails = []string{e.reason.Details}
	}
	return out
}

// evidenceXML writes the evidence in the shape of ETSI EN 319 522-4-1 as the
// e-Doręczenia service issues it: root ns2:Evidence, some children
// unqualified (EventTime, the parties' Identifier) as in real evidences, the
// parties' names as SAML attributes. It is not signed.
func (s *Server) evidenceXML(e *evidence) []byte {
	esc := html.EscapeString
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	b.WriteString(`<ns2:Evidence xmlns:ns2="` + edoreczenia.EvidenceNS + `" xmlns:ns3="urn:oasis:names:tc:SAML:2.0:assertion" version="1.2.1">`)
	fmt.Fprintf(&b, `<ns2:EvidenceIdentifier>%s</ns2:EvidenceIdentifier>`, esc(e.id))
	fmt.Fprintf(&b, `<ns2:ERDSEventId>%s%s</ns2:ERDSEventId>`, edoreczenia.EventURIPrefix, esc(e.event))
	if e.reason != nil {
		fmt.Fprintf(&b, `<ns2:EventReasons><ns2:EventReason><Code>%s</Code><Details>%s</Details></ns2:EventReason></ns2:EventReasons>`,
			esc(e.reason.Code), esc(e.reason.Details))
	}
	fmt.Fprintf(&b, `<EventTime>%s</EventTime>`, ts(e.at))
	fmt.Fprintf(&b, `<ns2:SubmissionTime>%s</ns2:SubmissionTime>`, ts(e.msg.submitted))
	fmt.Fprintf(&b, `<ns2:EvidenceIssuerPolicyID><PolicyID>urn:obieg:sim:policy</PolicyID></ns2:EvidenceIssuerPolicyID>`)
	fmt.Fprintf(&b, `<ns2:EvidenceIssuerDetails><ns2:Identity>%s</ns2:Identity></ns2:EvidenceIssuerDetails>`, samlName(s.opts.Issuer))
	party := func(tag, addr string, who *edoreczenia.Contributor) {
		fmt.Fprintf(&b, `<ns2:%s><ns2:Identity>%s</ns2:Identity><Identifier>%s</Identifier></ns2:%s>`, tag, samlName(who.Name()), esc(addr), tag)
	}
	party("SenderDetails", e.msg.from, e.msg.fromWho)
	party("RecipientDetails", e.msg.to, e.msg.toWho)
	fmt.Fprintf(&b, `<ns2:SenderMessageDetails><ns2:MessageSubject>%s</ns2:MessageSubject><ns2:MessageIdentifier>%s</ns2:MessageIdentifier></ns2:SenderMessageDetails>`,
		esc(e.msg.subject), esc(e.msg.id))
	fmt.Fprintf(&b, `<ns2:UserContentInfo><ComposingParts>%d</ComposingParts></ns2:UserContentInfo>`, len(e.msg.attachments))
	b.WriteString(`</ns2:Evidence>`)
	return []byte(b.String())
}

func samlName(name string) string {
	if name == "" {
		return ""
	}
	return `<ns3:Attribute FriendlyName="LegalName" Name="http://eidas.europa.eu/attributes/legalperson/LegalName"><ns3:AttributeValue>` +
		html.EscapeString(name) + `</ns3:AttributeValue></ns3:Attribute>`
}
