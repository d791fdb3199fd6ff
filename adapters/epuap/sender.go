package epuap

import (
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"strings"
	"time"

	"obieg.dev/obieg/adapters/sign"
	"obieg.dev/obieg/engine"
)

// Sender delivers letters officially through the doręczyciel service: the
// letter is wrapped in an XML document, signed with the office's key
// (XAdES-BES) and sent with dorecz; ePUAP puts the UPD into the office's box
// when the addressee opens it, and the inbox routes it to the dispatch.
type Sender struct {
	Client *Client
	Key    *sign.Key
	Clock  func() time.Time
}

// Send delivers content to the ePUAP box address. id is our identifier of
// the letter (the outgoing entry), sent as IdentyfikatorDokumentu so the UPD
// names it; caseSignature goes as IdentyfikatorSprawy.
func (s *Sender) Send(ctx context.Context, channel, address, id, caseSignature, title, fileName, mediaType string, content []byte) error {
	const op = "epuap.Send"
	if channel != "epuap" {
		return engine.Errorf(op, engine.KindInvalid, "the ePUAP sender cannot deliver through %s", channel)
	}
	if address == "" {
		return engine.Invalid(op, "address", "no ePUAP box address")
	}
	now := time.Now
	if s.Clock != nil {
		now = s.Clock
	}
	doc, err := sign.SignEnveloped(Wrap(title, caseSignature, fileName, mediaType, content), s.Key, now())
	if err != nil {
		return engine.E(op, "signing the letter", err)
	}
	res, err := s.Client.Deliver(ctx, DoreczRequest{Entity: s.Client.Entity, To: address, ReplyTo: s.Client.box(),
		DocumentID: id, CaseID: caseSignature, Document: Document{FileName: "pismo.xml", MediaType: "text/xml", Content: doc}})
	if err != nil {
		return err
	}
	return res.Status.Err(op)
}

// Wrap puts a letter (usually a PDF) into a small XML document that can
// carry an enveloped signature: title, case signature and the file as a
// base64 attachment.
func Wrap(title, caseSignature, fileName, mediaType string, content []byte) []byte {
	esc := html.EscapeString
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	b.WriteString(`<obieg:Pismo xmlns:obieg="https://obieg.dev/xml/pismo/1">`)
	fmt.Fprintf(&b, `<obieg:Tytul>%s</obieg:Tytul><obieg:ZnakSprawy>%s</obieg:ZnakSprawy>`, esc(title), esc(caseSignature))
	fmt.Fprintf(&b, `<obieg:Zalacznik nazwaPliku="%s" typ="%s" kodowanie="base64">%s</obieg:Zalacznik>`,
		esc(fileName), esc(mediaType), base64.StdEncoding.EncodeToString(content))
	b.WriteString(`</obieg:Pismo>`)
	return []byte(b.String())
}
