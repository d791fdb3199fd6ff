package correspondence

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
)

// MessageSender is an ElectronicSender that names what it sent (the
// e-Doręczenia message id): the dispatch keeps it on the outgoing entry,
// where the evidences that name the message find their letter.
type MessageSender interface {
	SendMessageID(ctx context.Context, channel, address, id, caseSignature, title, fileName, mediaType string, content []byte) (string, error)
}

// AddressSearch finds a party's e-Doręczenia address in the public
// register of electronic addresses (ustawa o doręczeniach elektronicznych
// art. 25–26); an error of kind NotFound means the party has none.
type AddressSearch interface {
	FindADE(ctx context.Context, p registry.Party) (string, error)
}

// findADE: before a letter's channel is chosen, a recipient with no known
// electronic address is looked up in the register; an address found is
// recorded on the party, so the letter goes by e-Doręczenia rather than by
// post (art. 155 of the act: the public body delivers electronically to a
// registered address).
func (w *Workflows) findADE(ctx context.Context, a *registry.Actor, partyID uuid.UUID) error {
	if w.Search == nil {
		return nil
	}
	p, err := w.reg.Party(ctx, a, partyID)
	if err != nil {
		return err
	}
	if p.ADE != "" || p.PreferredChannel == "in_person" || (p.PESEL == "" && p.NIP == "" && p.REGON == "") {
		return nil
	}
	ade, err := w.Search.FindADE(ctx, *p)
	if engine.Is(engine.KindNotFound, err) {
		return nil
	}
	if err != nil {
		return err // retried by the step
	}
	return w.reg.SetPartyADE(ctx, a, partyID, ade)
}

// Router sends each channel through its adapter ("epuap", "edoreczenia").
type Router map[string]ElectronicSender

// Send implements ElectronicSender.
func (r Router) Send(ctx context.Context, channel, address, id, caseSignature, title, fileName, mediaType string, content []byte) error {
	_, err := r.SendMessageID(ctx, channel, address, id, caseSignature, title, fileName, mediaType, content)
	return err
}

// SendMessageID implements MessageSender; adapters that name no message
// give "".
func (r Router) SendMessageID(ctx context.Context, channel, address, id, caseSignature, title, fileName, mediaType string, content []byte) (string, error) {
	s, ok := r[channel]
	if !ok || s == nil {
		return "", fmt.Errorf("no %s adapter is configured in this installation: send the letter another way and record its delivery", channel)
	}
	if ms, ok := s.(MessageSender); ok {
		return ms.SendMessageID(ctx, channel, address, id, caseSignature, title, fileName, mediaType, content)
	}
	return "", s.Send(ctx, channel, address, id, caseSignature, title, fileName, mediaType, content)
}

// Evidence is what an e-Doręczenia evidence says of a letter the office
// sent (ETSI EN 319 522 events and the Polish codes).
type Evidence struct {
	Reference string    // our id of the letter (the outgoing entry), when the service gave it back
	MessageID string    // the service's id of the message
	Code      string    // e.g. "A.1", "D.1", "E.1"
	Kind      string    // submitted, delivered, opened, deemed or failed ("" for other events)
	At        time.Time // when the event happened
}

// EDeliveryEvidence files an evidence as a document of the letter's case
// (a proof of delivery of the letter's document) and, when it decides the
// delivery — opened, or deemed delivered after 14 days (ustawa o
// doręczeniach elektronicznych art. 41–42) — records the delivery date on
// the outgoing entry and hands it to the waiting dispatch, which starts the
// appeal period. An evidence of a letter already delivered is filed only.
func (w *Workflows) EDeliveryEvidence(ctx context.Context, a *registry.Actor, who flow.Who, ev Evidence, file registry.File) error {
	const op = "correspondence.EDeliveryEvidence"
	o, err := w.evidenceLetter(ctx, a, ev)
	if err != nil {
		_ = file.Blob.Discard()
		return err
	}
	// An evidence handed over again (a restart between filing it and the
	// inbox remembering it) is found by its digest and filed once.
	doc, err := w.filedEvidence(ctx, a, o, file.Blob.SHA256)
	if err != nil {
		_ = file.Blob.Discard()
		return err
	}
	day := calendar.DateOf(ev.At)
	if doc != nil {
		_ = file.Blob.Discard()
		return w.evidenceDelivery(ctx, a, who, o, ev, day, doc.ID)
	}
	md := registry.Metadata{Tytul: fmt.Sprintf("Dowód e-Doręczenia %s — %s", ev.Code, o.Number), Typ: "potwierdzenie odbioru/doręczenia/przedłożenia",
		Data: &day, Tworca: "e-Doręczenia", Dostep: "niepubliczny", Opis: fmt.Sprintf("zdarzenie %s (%s), wiadomość %s", ev.Code, ev.Kind, ev.MessageID)}
	filed, err := w.reg.RegisterDocument(ctx, a, registry.NewDocument{Metadata: md, CaseID: o.CaseID, Files: []registry.File{file}, Relations: relationTo(o.DocumentID)})
	if err != nil {
		_ = file.Blob.Discard()
		return engine.E(op, err)
	}
	return w.evidenceDelivery(ctx, a, who, o, ev, day, filed.ID)
}

// evidenceDelivery records the delivery an evidence decides, once.
func (w *Workflows) evidenceDelivery(ctx context.Context, a *registry.Actor, who flow.Who, o *registry.OutgoingItem, ev Evidence, day calendar.Date, proof uuid.UUID) error {
	if o.Status == "delivered" {
		return nil
	}
	var err error
	switch ev.Kind {
	case "opened":
		_, err = w.RecordDelivery(ctx, a, who, o.ID, registry.Delivery{Basis: registry.BasisOpened, Date: &day, ProofDoc: &proof})
	case "deemed":
		_, err = w.RecordDelivery(ctx, a, who, o.ID, registry.Delivery{Basis: registry.BasisDeemed, ProofDoc: &proof})
	}
	return err
}

// filedEvidence finds an evidence already filed in the letter's case by
// the digest of its content.
func (w *Workflows) filedEvidence(ctx context.Context, a *registry.Actor, o *registry.OutgoingItem, digest string) (*registry.Document, error) {
	if o.CaseID == nil || digest == "" {
		return nil, nil
	}
	docs, err := w.reg.CaseDocuments(ctx, a, *o.CaseID)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		for _, v := range d.Versions {
			if v.SHA256 == digest {
				return d, nil
			}
		}
	}
	return nil, nil
}

func (w *Workflows) evidenceLetter(ctx context.Context, a *registry.Actor, ev Evidence) (*registry.OutgoingItem, error) {
	if id, err := uuid.Parse(ev.Reference); err == nil {
		return w.reg.Outgoing(ctx, a, id)
	}
	if ev.MessageID == "" {
		return nil, engine.Errorf("correspondence.EDeliveryEvidence", engine.KindInvalid, "the evidence names neither our letter nor a message")
	}
	return w.reg.OutgoingByExternalID(ctx, a, ev.MessageID)
}
