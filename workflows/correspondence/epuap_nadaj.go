package correspondence

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
)

// UPP is an ePUAP urzędowe poświadczenie przedłożenia returned by skrytka
// nadaj for a letter the office sent to a public body's box.
type UPP struct {
	ReceiptID   string    // IdentyfikatorPoswiadczenia
	SubmittedAt time.Time // DataNadania, else DataDoreczenia
	// DeliveredAt is DataDoreczenia: when the document entered the
	// recipient's box.
	DeliveredAt time.Time
	Raw         []byte                   // the UPP as received
	Signature   *registry.SignatureCheck // the verification of ePUAP's signature
}

// EPUAPSubmitted records a letter sent with ePUAP skrytka nadaj to a public
// body (domain-rules §2: public bodies may use ePUAP between themselves
// until 30.09.2029): the UPP is filed as a document of the letter's case —
// proof of delivery of the letter's document, with the verification of
// ePUAP's signature — the letter is marked sent on the UPP's date of
// submission, and its delivery is recorded with the UPP's DataDoreczenia,
// since for a public body the day a document entered its ICT system is the
// day of delivery (the rule cited under KPA art. 39 and art. 46; their
// current wording was not checked here), and handed to the waiting
// dispatch. The dorecz path (UPD on opening, EPUAPReceipt) is unchanged.
//
// It runs inside the dispatch's sendElectronic step, right after nadaj
// answered, in this order: the UPP is filed first, so once the step could
// see the letter as sent the proof is already kept. That step then tries
// to mark the letter sent itself, finds it delivered, fails once and on its
// retry sees the letter done — the cost of recording the delivery before
// the step's own bookkeeping. A letter already delivered is left as it is.
func (w *Workflows) EPUAPSubmitted(ctx context.Context, a *registry.Actor, who flow.Who, letterID string, upp UPP, stage func([]byte) (registry.File, error)) error {
	const op = "correspondence.EPUAPSubmitted"
	id, err := uuid.Parse(letterID)
	if err != nil {
		return engine.Errorf(op, engine.KindInvalid, "UPP for %q, not one of our letters", letterID)
	}
	if upp.DeliveredAt.IsZero() {
		return engine.Invalid(op, "DataDoreczenia", "the UPP gives no date of delivery")
	}
	o, err := w.reg.Outgoing(ctx, a, id)
	if err != nil {
		return err
	}
	if o.Status == "delivered" {
		return nil
	}
	f, err := stage(upp.Raw)
	if err != nil {
		return err
	}
	f.Signature = upp.Signature
	day := calendar.DateOf(upp.DeliveredAt)
	desc := fmt.Sprintf("UPP %s: dokument wprowadzony do skrytki adresata %s", upp.ReceiptID, upp.DeliveredAt.In(calendar.Warsaw()).Format("2006-01-02 15:04:05"))
	if flag := signatureFlag(upp.Signature); flag != "" {
		desc += "; " + flag
	}
	md := registry.Metadata{Tytul: "UPP — " + o.Number, Typ: "potwierdzenie odbioru/doręczenia/przedłożenia", Data: &day,
		Tworca: "ePUAP", Dostep: "niepubliczny", Opis: desc}
	doc, err := w.reg.RegisterDocument(ctx, a, registry.NewDocument{Metadata: md, CaseID: o.CaseID, Files: []registry.File{f},
		Relations: relationTo(o.DocumentID)})
	if err != nil {
		_ = f.Blob.Discard()
		return engine.E(op, err)
	}
	if o.Status == "prepared" {
		sent := day
		if !upp.SubmittedAt.IsZero() {
			sent = calendar.DateOf(upp.SubmittedAt)
		}
		if _, err := w.reg.MarkSent(ctx, a, id, &sent, "", 0); err != nil && !engine.Is(engine.KindConflict, err) {
			return err
		}
	}
	_, err = w.RecordDelivery(ctx, a, who, id, registry.Delivery{Basis: registry.BasisOpened, Date: &day, ProofDoc: &doc.ID})
	return err
}

// signatureFlag describes a receipt whose ePUAP signature failed ("" when
// it verified): the receipt is kept as the proof it claims to be, flagged.
func signatureFlag(c *registry.SignatureCheck) string {
	switch {
	case c == nil:
		return "podpis ePUAP niesprawdzony"
	case c.Valid:
		return ""
	}
	return "PODPIS ePUAP NIEWAŻNY: " + strings.Join(c.Problems, "; ")
}
