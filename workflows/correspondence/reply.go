package correspondence

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/forms"
)

// ReplyProcess is the process key of reply.bpmn; its user tasks are
// "approve" (the head) and "revise" (the officer).
const ReplyProcess = "reply-approval"

// Reply is a letter a case officer drafts to a party of the case: printed
// to PDF, registered as a document of the case and sent to the head of the
// case's unit for approval before it is dispatched.
type Reply struct {
	CaseID           uuid.UUID
	RecipientPartyID uuid.UUID
	// Typ is the NES rodzaj tekstu: "wezwanie", "zawiadomienie", "inne
	// pismo/dokument" …
	Typ   string
	Title string // printed above the text; the document's title
	Text  string // as the officer edited it; "\n" separates paragraphs
}

// ReplyDraft is what a reply's open task shows: the draft and, after a
// rejection, the head's reason.
type ReplyDraft struct {
	Task             *flow.Task
	CaseID           uuid.UUID
	DocumentID       uuid.UUID
	RecipientPartyID uuid.UUID
	Typ              string
	Title            string
	Text             string
	Reason           string // why the head sent it back ("revise")
}

func (w *Workflows) today() calendar.Date {
	if w.Clock != nil {
		return calendar.DateOf(w.Clock())
	}
	return calendar.DateOf(time.Now())
}

// SubmitReply prints the reply, registers it in the case and starts its
// approval by the head position of the case's unit (or the nearest unit
// above with one: registry.HeadPosition) — one transaction, so there is no
// draft without its approval, nor an approval without its draft. stage
// stores the PDF (the caller's blob store).
func (w *Workflows) SubmitReply(ctx context.Context, a *registry.Actor, who flow.Who, in Reply, stage func([]byte) (registry.File, error)) (*registry.Document, *flow.Instance, error) {
	const op = "correspondence.SubmitReply"
	in.Title, in.Text = strings.TrimSpace(in.Title), strings.TrimSpace(in.Text)
	if in.Title == "" {
		return nil, nil, engine.Invalid(op, "title", "the letter needs a title")
	}
	c, err := w.reg.Case(ctx, a, in.CaseID)
	if err != nil {
		return nil, nil, err
	}
	if c.Status != registry.StatusOpen {
		return nil, nil, engine.Errorf(op, engine.KindConflict, "case %s is %s: open it again to write in it", c.Signature, c.Status)
	}
	head, err := w.reg.HeadPosition(ctx, a, c.UnitID)
	if err != nil {
		return nil, nil, engine.E(op, engine.KindConflict, err)
	}
	party, f, err := w.printReply(ctx, a, c, in.RecipientPartyID, in.Title, in.Text, stage)
	if err != nil {
		return nil, nil, err
	}
	// Refuse now what dispatch would refuse after the approval.
	if ch := registry.ChooseChannel(*party); (strings.HasPrefix(ch, "post_") || ch == "courier") && len(AddressOf(party).Lines) == 0 {
		_ = f.Blob.Discard()
		return nil, nil, engine.Invalid(op, "party", "%s has no postal address and no electronic one: add one to the party first", party.Name)
	}
	var doc *registry.Document
	var inst *flow.Instance
	err = w.reg.InTx(ctx, a, func(ctx context.Context, tx *registry.Tx) error {
		day := tx.Today()
		var err error
		doc, err = tx.RegisterDocument(ctx, registry.NewDocument{CaseID: &c.ID, Files: []registry.File{f},
			Metadata: registry.Metadata{Tytul: in.Title, Typ: in.Typ, Data: &day, TypDaty: "utworzony", Tworca: a.Name,
				Dostep: "niepubliczny", Odbiorca: party.Name, Opis: "projekt pisma do zatwierdzenia"}})
		if err != nil {
			return err
		}
		if err := tx.Record(ctx, c.ID, "correspondence.reply_submitted", &doc.ID,
			map[string]string{"recipient": party.Name, "approver": head.Name}); err != nil {
			return err
		}
		inst, err = w.flow.StartInstanceTx(ctx, tx.PG(), who, ReplyProcess, c.Signature, map[string]any{
			"caseId": c.ID.String(), "documentId": doc.ID.String(), "recipientPartyId": party.ID.String(),
			"approverPosition": head.ID.String(), "officerId": a.UserID.String(), "actorId": a.UserID.String(),
			"title": in.Title, "typ": in.Typ, "letterText": in.Text})
		return err
	})
	if err != nil {
		_ = f.Blob.Discard()
		return nil, nil, err
	}
	return doc, inst, nil
}

// ReplyTask reads the draft behind a reply's open task, for the head who
// approves it or the officer who corrects it.
func (w *Workflows) ReplyTask(ctx context.Context, who flow.Who, taskID uuid.UUID) (*ReplyDraft, error) {
	const op = "correspondence.ReplyTask"
	t, vars, err := w.flow.TaskVariables(ctx, who, taskID)
	if err != nil {
		return nil, err
	}
	if t.ProcessKey != ReplyProcess {
		return nil, engine.Errorf(op, engine.KindNotFound, "task %s is not a reply's", taskID)
	}
	d := &ReplyDraft{Task: t, Typ: str(vars, "typ"), Title: str(vars, "title"), Text: str(vars, "letterText"), Reason: str(vars, "reason")}
	for name, dst := range map[string]*uuid.UUID{"caseId": &d.CaseID, "documentId": &d.DocumentID, "recipientPartyId": &d.RecipientPartyID} {
		id, err := uuid.Parse(str(vars, name))
		if err != nil {
			return nil, engine.Errorf(op, engine.KindConflict, "the reply's variable %s = %q is not an id", name, str(vars, name))
		}
		*dst = id
	}
	return d, nil
}

// DecideReply completes the head's approval: approved, the letter goes to
// dispatch (the outgoing register entry is made at once); rejected, it goes
// back to its officer with the reason, which is required.
func (w *Workflows) DecideReply(ctx context.Context, who flow.Who, taskID uuid.UUID, approve bool, reason string) (*flow.Instance, error) {
	const op = "correspondence.DecideReply"
	d, err := w.ReplyTask(ctx, who, taskID)
	if err != nil {
		return nil, err
	}
	if d.Task.ElementID != "approve" {
		return nil, engine.Errorf(op, engine.KindConflict, "task %s is not an approval", taskID)
	}
	reason = strings.TrimSpace(reason)
	if !approve && reason == "" {
		return nil, engine.Invalid(op, "reason", "say what to correct")
	}
	return w.flow.CompleteTask(ctx, who, taskID, map[string]any{"approved": approve, "reason": reason})
}

// ReviseReply completes the officer's correction: the corrected text is
// printed as a new version of the same document and goes to the head
// again; or the draft is withdrawn.
func (w *Workflows) ReviseReply(ctx context.Context, a *registry.Actor, who flow.Who, taskID uuid.UUID, text string, withdraw bool, stage func([]byte) (registry.File, error)) error {
	const op = "correspondence.ReviseReply"
	d, err := w.ReplyTask(ctx, who, taskID)
	if err != nil {
		return err
	}
	if d.Task.ElementID != "revise" {
		return engine.Errorf(op, engine.KindConflict, "task %s is not a correction", taskID)
	}
	if withdraw {
		_, err := w.flow.CompleteTask(ctx, who, taskID, map[string]any{"withdrawn": true})
		return err
	}
	text = strings.TrimSpace(text)
	c, err := w.reg.Case(ctx, a, d.CaseID)
	if err != nil {
		return err
	}
	_, f, err := w.printReply(ctx, a, c, d.RecipientPartyID, d.Title, text, stage)
	if err != nil {
		return err
	}
	// The new version and the task's completion are two steps: a failure
	// in between leaves the task open, and trying again adds one more
	// version, never a lost correction.
	if _, err := w.reg.AddVersion(ctx, a, d.DocumentID, f); err != nil {
		_ = f.Blob.Discard()
		return err
	}
	_, err = w.flow.CompleteTask(ctx, who, taskID, map[string]any{"withdrawn": false, "letterText": text, "reason": ""})
	return err
}

// printReply lays the letter out for the party (which must be a party to
// the case) with the office's letterhead and the officer as signatory, and
// stages the PDF.
func (w *Workflows) printReply(ctx context.Context, a *registry.Actor, c *registry.Case, partyID uuid.UUID, title, text string, stage func([]byte) (registry.File, error)) (*registry.Party, registry.File, error) {
	const op = "correspondence.printReply"
	inCase := false
	for _, p := range c.Parties {
		inCase = inCase || p.ID == partyID
	}
	if !inCase {
		return nil, registry.File{}, engine.Invalid(op, "party", "the recipient is not a party to case %s", c.Signature)
	}
	party, err := w.reg.Party(ctx, a, partyID)
	if err != nil {
		return nil, registry.File{}, err
	}
	office, err := w.reg.OfficeOf(ctx, a)
	if err != nil {
		return nil, registry.File{}, err
	}
	var buf bytes.Buffer
	err = forms.WriteLetterPDF(&buf, forms.Letter{OfficeName: office.Name, OfficeAddress: office.Address, Place: placeOf(office),
		Date: w.today(), CaseSignature: c.Signature, Addressee: AddressOf(party), Title: title, Body: text,
		Signatory: forms.Signatory{Name: a.Name, Position: positionIn(a, c.UnitID)}})
	if err != nil {
		if engine.FieldOf(err) == "body" {
			return nil, registry.File{}, engine.Invalid(op, "text", "the letter has no text")
		}
		return nil, registry.File{}, err
	}
	f, err := stage(buf.Bytes())
	if err != nil {
		return nil, registry.File{}, err
	}
	f.Name, f.MediaType = "pismo-"+c.Signature+".pdf", "application/pdf"
	return party, f, nil
}

// AddressOf is a party's postal address as printed: street, postal code
// and city when the register has them in parts, else its address lines.
func AddressOf(p *registry.Party) forms.Address {
	a := forms.Address{Name: p.Name}
	if p.Street != "" || p.City != "" {
		if p.Street != "" {
			a.Lines = append(a.Lines, p.Street)
		}
		if pc := strings.TrimSpace(p.PostalCode + " " + p.City); pc != "" {
			a.Lines = append(a.Lines, pc)
		}
		return a
	}
	for _, l := range strings.Split(p.Address, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			a.Lines = append(a.Lines, l)
		}
	}
	return a
}

var postalCodeRe = regexp.MustCompile(`^[0-9]{2}-[0-9]{3}\s+`)

// placeOf is where the office's letters are dated: the town of its postal
// address (the last line without the postal code), else its name.
func placeOf(o *registry.Office) string {
	lines := strings.Split(strings.TrimSpace(o.Address), "\n")
	if last := strings.TrimSpace(postalCodeRe.ReplaceAllString(strings.TrimSpace(lines[len(lines)-1]), "")); last != "" {
		return last
	}
	return o.Name
}

// positionIn is the actor's position to sign with: the one held in the
// unit, else the first held.
func positionIn(a *registry.Actor, unit uuid.UUID) string {
	for _, p := range a.Positions {
		if p.UnitID == unit {
			return p.Name
		}
	}
	if len(a.Positions) > 0 {
		return a.Positions[0].Name
	}
	return ""
}
