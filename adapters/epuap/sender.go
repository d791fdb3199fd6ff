package epuap

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"html"
	"log/slog"
	"strings"
	"time"

	"obieg.dev/obieg/adapters/sign"
	"obieg.dev/obieg/engine"
)

// Sender sends letters to public bodies' ePUAP boxes, in one of two modes.
//
// Official delivery (doręczyciel dorecz), when a Key is configured and
// Nadaj is not set: the letter is wrapped in an XML document, signed with
// the office's key (XAdES-BES) and sent with dorecz; ePUAP puts the UPD
// into the office's box when the addressee opens it, and the inbox routes
// it to the dispatch (the delivery date is the date of opening).
//
// Submission (skrytka nadaj), when no Key is configured or Nadaj is set:
// the wrapped letter is put into the recipient's box and ePUAP answers at
// once with a UPP stating when the document entered that box. The rule
// behind the choice (domain-rules §2, §3): the dispatch sends by ePUAP only
// to public bodies' boxes — since 1.01.2026 ePUAP no longer serves for
// delivery to persons in KPA and tax matters (act of 18.11.2020 on
// electronic delivery), while public bodies may use ePUAP between themselves
// until 30.09.2029. Between bodies the office may send without official
// delivery: for a public body the day the document entered its ICT system
// is the day it was delivered (the UPP's DataDoreczenia; the rule cited
// under KPA art. 39 and art. 46 — their current wording was not checked
// here), so the UPP is the proof of delivery and the dispatch ends with its
// date. An office without a signing key can send only this way.
type Sender struct {
	Client *Client
	Key    *sign.Key
	// Nadaj sends with skrytka nadaj even when a Key is configured.
	Nadaj bool
	// Trust verifies ePUAP's signature on the UPP a nadaj returns (the same
	// store as Inbox.Trust); nil reports the chain as untrusted.
	Trust *x509.CertPool
	// OnUPP receives the UPP of a letter sent with nadaj (id is our id of
	// the letter, the outgoing entry; upp.Signature holds the verification)
	// and records it — correspondence.Workflows.EPUAPSubmitted. Send fails
	// if it fails, so the step is retried. Nil: a UPP is not recorded and
	// nadaj is refused, since the delivery could never be proved.
	OnUPP func(ctx context.Context, id string, upp *Receipt) error
	Clock func() time.Time
	// Logger reports UPPs whose signature fails; nil: slog.Default().
	Logger *slog.Logger
}

// Official reports whether Send delivers officially (dorecz, UPD later)
// rather than by nadaj (UPP at once).
func (s *Sender) Official() bool { return s.Key != nil && !s.Nadaj }

// Send delivers content to the ePUAP box address. id is our identifier of
// the letter (the outgoing entry), sent as IdentyfikatorDokumentu so the UPD
// names it; caseSignature goes as IdentyfikatorSprawy.
func (s *Sender) Send(ctx context.Context, channel, address, id, caseSignature, title, fileName, mediaType string, content []byte) error {
	_, err := s.SendMessageID(ctx, channel, address, id, caseSignature, title, fileName, mediaType, content)
	return err
}

// SendMessageID implements correspondence.MessageSender: Send, naming
// ePUAP's identifier of a document sent with nadaj ("" for dorecz, whose
// UPD names our id).
func (s *Sender) SendMessageID(ctx context.Context, channel, address, id, caseSignature, title, fileName, mediaType string, content []byte) (string, error) {
	const op = "epuap.Send"
	if channel != "epuap" {
		return "", engine.Errorf(op, engine.KindInvalid, "the ePUAP sender cannot deliver through %s", channel)
	}
	if address == "" {
		return "", engine.Invalid(op, "address", "no ePUAP box address")
	}
	letter := Wrap(title, caseSignature, fileName, mediaType, content)
	if !s.Official() {
		return s.nadaj(ctx, address, id, letter)
	}
	now := time.Now
	if s.Clock != nil {
		now = s.Clock
	}
	doc, err := sign.SignEnveloped(letter, s.Key, now())
	if err != nil {
		return "", engine.E(op, "signing the letter", err)
	}
	res, err := s.Client.Deliver(ctx, DoreczRequest{Entity: s.Client.Entity, To: address, ReplyTo: s.Client.box(),
		DocumentID: id, CaseID: caseSignature, Document: Document{FileName: "pismo.xml", MediaType: "text/xml", Content: doc}})
	if err != nil {
		return "", err
	}
	return "", res.Status.Err(op)
}

// nadaj submits the letter with skrytka nadaj and hands the UPP to OnUPP.
// The letter goes unsigned (WS-Security still signs the request when the
// client has a signer), so its content — and its digest — is the same on a
// retry: a recipient that pulled the first copy recognises the second.
func (s *Sender) nadaj(ctx context.Context, address, id string, letter []byte) (string, error) {
	const op = "epuap.Send"
	if s.OnUPP == nil {
		return "", engine.Errorf(op, engine.KindConflict, "nadaj without a place to record the UPP: configure Sender.OnUPP")
	}
	res, err := s.Client.Send(ctx, NadajRequest{To: address, Document: Document{FileName: "pismo.xml", MediaType: "text/xml", Content: letter}})
	if err != nil {
		return "", err
	}
	if res.UPP == nil {
		// The document is in the box, but with nothing to prove it the
		// step fails visibly (an incident after its retries).
		return "", engine.Errorf(op, engine.KindUnavailable, "ePUAP took document %s for %s but returned no UPP", res.DocumentID, address)
	}
	upp, err := ParseReceipt(res.UPP.Content)
	if err != nil {
		return "", engine.E(op, "the UPP ePUAP returned", err)
	}
	if upp.Kind != "UPP" {
		return "", engine.Errorf(op, engine.KindInvalid, "ePUAP answered nadaj with a %s, not a UPP", upp.Kind)
	}
	upp.Signature = VerifyReceipt(upp, s.Trust)
	if !upp.Signature.Valid {
		logger := s.Logger
		if logger == nil {
			logger = slog.Default()
		}
		logger.WarnContext(ctx, "ePUAP UPP with an invalid signature: recorded and flagged", slog.String("letter", id),
			slog.String("document", res.DocumentID), slog.Any("problems", upp.Signature.Problems))
	}
	if err := s.OnUPP(ctx, id, upp); err != nil {
		return "", err
	}
	return res.DocumentID, nil
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
