package correspondence

import (
	"context"
	"embed"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
)

//go:embed incoming.bpmn dispatch.bpmn reply.bpmn
var definitions embed.FS

// MessageDelivered is correlated to a dispatch waiting for its proof of
// delivery, keyed by the outgoing item's id.
const MessageDelivered = "correspondence.delivered"

// ElectronicSender delivers a letter through an electronic channel (the
// ePUAP adapter implements it for "epuap"). id identifies the letter in the
// proof of delivery that comes back.
type ElectronicSender interface {
	Send(ctx context.Context, channel, address, id, caseSignature, title, fileName, mediaType string, content []byte) error
}

// Workflows connects the kancelaria workflows to the registry.
type Workflows struct {
	reg  *registry.Service
	flow *flow.Engine
	// Electronic sends letters by electronic channels; nil: no adapter is
	// configured and electronic dispatch fails visibly (an incident).
	Electronic ElectronicSender
	// Search finds recipients' e-Doręczenia addresses in the public
	// register; nil: only the addresses the registry holds are used.
	Search AddressSearch
	// Clock dates the letters drafted here (reply.go); nil: time.Now.
	Clock func() time.Time
}

// New registers the handlers of the kancelaria workflows on fe.
func New(reg *registry.Service, fe *flow.Engine) *Workflows {
	w := &Workflows{reg: reg, flow: fe}
	for name, h := range map[string]engine.Handler{
		"correspondence.prepareDispatch": w.prepareDispatch,
		"correspondence.markSent":        w.markSent,
		"correspondence.recordInPerson":  w.recordInPerson,
		"correspondence.sendElectronic":  w.sendElectronic,
		"correspondence.deliveryResult":  w.deliveryResult,
		"correspondence.assign":          w.assign,
		"correspondence.returnItem":      w.returnItem,
		"correspondence.attachItem":      w.attachItem,
		"correspondence.openCase":        w.openCase,
	} {
		fe.Register(name, h)
	}
	return w
}

// Deploy deploys the definitions for an office; unchanged ones keep their
// version (so it is safe at every start-up).
func (w *Workflows) Deploy(ctx context.Context, who flow.Who) ([]flow.Definition, error) {
	var out []flow.Definition
	for _, name := range []string{"incoming.bpmn", "dispatch.bpmn", "reply.bpmn"} {
		xml, err := definitions.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ds, err := w.flow.Deploy(ctx, who, xml)
		if err != nil {
			return nil, engine.E("correspondence.Deploy", fmt.Sprintf("deploying %s", name), err)
		}
		out = append(out, ds...)
	}
	return out, nil
}

// StartIncoming starts the incoming-item workflow for a registered item.
func (w *Workflows) StartIncoming(ctx context.Context, a *registry.Actor, who flow.Who, itemID uuid.UUID) (*flow.Instance, error) {
	item, err := w.reg.Incoming(ctx, a, itemID)
	if err != nil {
		return nil, err
	}
	unit, err := w.reg.RegistryUnit(ctx, a.OfficeID)
	if err != nil {
		return nil, err
	}
	return w.flow.StartInstance(ctx, who, "incoming", item.RPW, map[string]any{"itemId": itemID.String(), "registryUnit": unit, "actorId": a.UserID.String()})
}

// ReturnReceipt records a returned ZPO and hands the delivery to the
// dispatch waiting for it. The message is kept if the workflow is not
// waiting yet, so the order of the two does not matter.
func (w *Workflows) ReturnReceipt(ctx context.Context, a *registry.Actor, who flow.Who, tracking string, d registry.Delivery) (*registry.OutgoingItem, error) {
	o, err := w.reg.RegisterReturnReceipt(ctx, a, tracking, d)
	if err != nil {
		return nil, err
	}
	return o, w.notify(ctx, who, o)
}

// RecordDelivery records the delivery of an item (in person, an electronic
// evidence) and hands it to the waiting dispatch.
func (w *Workflows) RecordDelivery(ctx context.Context, a *registry.Actor, who flow.Who, id uuid.UUID, d registry.Delivery) (*registry.OutgoingItem, error) {
	o, err := w.reg.RecordDelivery(ctx, a, id, d)
	if err != nil {
		return nil, err
	}
	return o, w.notify(ctx, who, o)
}

func (w *Workflows) notify(ctx context.Context, who flow.Who, o *registry.OutgoingItem) error {
	_, err := w.flow.Correlate(ctx, who, MessageDelivered, o.ID.String(), deliveryVars(o), 0)
	return err
}

func deliveryVars(o *registry.OutgoingItem) map[string]any {
	v := map[string]any{"deliveryBasis": o.DeliveryBasis}
	if o.DeliveredOn != nil {
		v["deliveredOn"] = o.DeliveredOn.String()
	}
	if o.AppealDeadline != nil {
		v["appealDeadline"] = o.AppealDeadline.String()
	}
	return v
}

// --- handlers -----------------------------------------------------------------

// actor is who a step acts for: the user whose action ran it, else the
// process's actorId (its starter).
func (w *Workflows) actor(ctx context.Context, c *engine.Call) (*registry.Actor, error) {
	id := c.ActorID
	if id == uuid.Nil {
		id, _ = uuid.Parse(str(c.Vars, "actorId"))
	}
	if id == uuid.Nil {
		return nil, engine.Errorf("correspondence.actor", engine.KindConflict, "step %s has no user to act for (set actorId)", c.ElementID)
	}
	return w.reg.Actor(ctx, c.OfficeID, id)
}

func str(vars map[string]any, name string) string {
	if v, ok := vars[name]; ok && v != nil {
		return strings.TrimSpace(fmt.Sprint(v))
	}
	return ""
}

func uuidVar(c *engine.Call, name string) (*uuid.UUID, error) {
	s := str(c.Vars, name)
	if s == "" {
		return nil, nil
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return nil, engine.Errorf("correspondence", engine.KindConflict, "variable %s = %q is not an id", name, s)
	}
	return &id, nil
}

func dateVar(c *engine.Call, name string) (*calendar.Date, error) {
	s := str(c.Vars, name)
	if s == "" {
		return nil, nil
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		return nil, engine.Errorf("correspondence", engine.KindConflict, "variable %s = %q is not a date", name, s)
	}
	return &d, nil
}

func (w *Workflows) prepareDispatch(ctx context.Context, c *engine.Call) error {
	a, err := w.actor(ctx, c)
	if err != nil {
		return err
	}
	if _, ok := c.Vars["registryUnit"]; !ok {
		unit, err := w.reg.RegistryUnit(ctx, c.OfficeID)
		if err != nil {
			return err
		}
		c.Set("registryUnit", unit)
	}
	if _, ok := c.Vars["actorId"]; !ok {
		c.Set("actorId", a.UserID.String())
	}
	var o *registry.OutgoingItem
	if id, err := uuidVar(c, "outgoingId"); err != nil {
		return err
	} else if id != nil {
		if o, err = w.reg.Outgoing(ctx, a, *id); err != nil {
			return err
		}
	} else {
		caseID, err := uuidVar(c, "caseId")
		if err != nil {
			return err
		}
		docID, err := uuidVar(c, "documentId")
		if err != nil {
			return err
		}
		party, err := uuidVar(c, "recipientPartyId")
		if err != nil || party == nil {
			return engine.Errorf("correspondence.prepareDispatch", engine.KindConflict, "dispatch needs recipientPartyId (or outgoingId)")
		}
		if str(c.Vars, "channel") == "" {
			if err := w.findADE(ctx, a, *party); err != nil {
				return err
			}
		}
		o, err = w.reg.RegisterOutgoing(ctx, a, registry.NewOutgoing{CaseID: caseID, DocumentID: docID, Channel: str(c.Vars, "channel"),
			Recipient: registry.NewCaseParty{Party: registry.Party{ID: *party}}, RequestKey: c.Key})
		if err != nil {
			return err
		}
	}
	c.Set("outgoingId", o.ID.String())
	c.Set("outgoingNumber", o.Number)
	c.Set("channel", o.Channel)
	return nil
}

func (w *Workflows) markSent(ctx context.Context, c *engine.Call) error {
	a, err := w.actor(ctx, c)
	if err != nil {
		return err
	}
	id, err := uuidVar(c, "outgoingId")
	if err != nil || id == nil {
		return engine.Errorf("correspondence.markSent", engine.KindConflict, "no outgoingId")
	}
	tracking := str(c.Vars, "trackingNumber")
	postage := 0
	if p, ok := c.Vars["postage"].(float64); ok {
		postage = int(p)
	}
	o, err := w.reg.MarkSent(ctx, a, *id, nil, tracking, postage)
	if engine.Is(engine.KindConflict, err) {
		// A re-run of this step: sent already with this number is done.
		if cur, gerr := w.reg.Outgoing(ctx, a, *id); gerr == nil && cur.Status != "prepared" &&
			cur.TrackingNumber == strings.ToUpper(strings.ReplaceAll(tracking, " ", "")) {
			return nil
		}
	}
	if err != nil {
		return err
	}
	c.Set("sentOn", o.SentOn.String())
	return nil
}

func (w *Workflows) recordInPerson(ctx context.Context, c *engine.Call) error {
	a, err := w.actor(ctx, c)
	if err != nil {
		return err
	}
	id, err := uuidVar(c, "outgoingId")
	if err != nil || id == nil {
		return engine.Errorf("correspondence.recordInPerson", engine.KindConflict, "no outgoingId")
	}
	d, err := dateVar(c, "deliveredOn")
	if err != nil {
		return err
	}
	if d == nil {
		return engine.Errorf("correspondence.recordInPerson", engine.KindConflict, "the date of handing over (deliveredOn) is required")
	}
	if o, err := w.reg.Outgoing(ctx, a, *id); err == nil && o.Status == "prepared" {
		if _, err := w.reg.MarkSent(ctx, a, *id, d, "", 0); err != nil {
			return err
		}
	}
	_, err = w.reg.RecordDelivery(ctx, a, *id, registry.Delivery{Basis: registry.BasisInPerson, Date: d})
	if engine.Is(engine.KindConflict, err) {
		return nil // recorded by an earlier run
	}
	return err
}

// sendElectronic sends the letter through its electronic channel and marks
// it sent; the proof of delivery (UPD, evidence) comes back as a message.
// Without an adapter for the channel the step fails visibly (an incident
// after its retries) rather than pretending to send.
func (w *Workflows) sendElectronic(ctx context.Context, c *engine.Call) error {
	if w.Electronic == nil {
		return fmt.Errorf("no %s adapter is configured in this installation: send %s another way and record its delivery",
			str(c.Vars, "channel"), str(c.Vars, "outgoingNumber"))
	}
	a, err := w.actor(ctx, c)
	if err != nil {
		return err
	}
	id, err := uuidVar(c, "outgoingId")
	if err != nil || id == nil {
		return engine.Errorf("correspondence.sendElectronic", engine.KindConflict, "no outgoingId")
	}
	o, err := w.reg.Outgoing(ctx, a, *id)
	if err != nil {
		return err
	}
	if o.Status != "prepared" {
		return nil // sent by an earlier run of this step
	}
	if o.DocumentID == nil {
		return engine.Errorf("correspondence.sendElectronic", engine.KindConflict, "%s has no document to send", o.Number)
	}
	v, rc, err := w.reg.OpenVersion(ctx, a, *o.DocumentID, 1)
	if err != nil {
		return err
	}
	content, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return err
	}
	doc, err := w.reg.Document(ctx, a, *o.DocumentID)
	if err != nil {
		return err
	}
	if ms, ok := w.Electronic.(MessageSender); ok {
		ext, err := ms.SendMessageID(ctx, o.Channel, o.ElectronicAddress, o.ID.String(), o.CaseSignature, doc.Title, v.FileName, v.MediaType, content)
		if err != nil {
			return err
		}
		if ext != "" {
			if err := w.reg.SetOutgoingExternalID(ctx, a, o.ID, ext); err != nil {
				return err
			}
		}
	} else if err := w.Electronic.Send(ctx, o.Channel, o.ElectronicAddress, o.ID.String(), o.CaseSignature, doc.Title, v.FileName, v.MediaType, content); err != nil {
		return err
	}
	// A submission answered at once with its proof (ePUAP nadaj: the UPP)
	// was marked sent, or delivered, by the adapter already.
	if now, err := w.reg.Outgoing(ctx, a, o.ID); err != nil {
		return err
	} else if now.Status != "prepared" {
		return nil
	}
	_, err = w.reg.MarkSent(ctx, a, o.ID, nil, "", 0)
	return err
}

func (w *Workflows) deliveryResult(ctx context.Context, c *engine.Call) error {
	a, err := w.actor(ctx, c)
	if err != nil {
		return err
	}
	id, err := uuidVar(c, "outgoingId")
	if err != nil || id == nil {
		return engine.Errorf("correspondence.deliveryResult", engine.KindConflict, "no outgoingId")
	}
	o, err := w.reg.Outgoing(ctx, a, *id)
	if err != nil {
		return err
	}
	if o.DeliveredOn == nil {
		return engine.Errorf("correspondence.deliveryResult", engine.KindConflict, "%s has no delivery date yet", o.Number)
	}
	for k, v := range deliveryVars(o) {
		c.Set(k, v)
	}
	return nil
}

func (w *Workflows) assign(ctx context.Context, c *engine.Call) error {
	a, err := w.actor(ctx, c)
	if err != nil {
		return err
	}
	item, err := uuidVar(c, "itemId")
	if err != nil || item == nil {
		return engine.Errorf("correspondence.assign", engine.KindConflict, "no itemId")
	}
	pos, err := uuidVar(c, "positionId")
	if err != nil {
		return err
	}
	deadline, err := dateVar(c, "deadline")
	if err != nil {
		return err
	}
	x, err := w.reg.Assign(ctx, a, *item, registry.AssignTo{Unit: str(c.Vars, "unit"), PositionID: pos, Instruction: str(c.Vars, "instruction"), Deadline: deadline})
	if err != nil {
		return err
	}
	c.Set("assignmentId", x.ID.String())
	c.Set("unit", x.Unit)
	return nil
}

func (w *Workflows) returnItem(ctx context.Context, c *engine.Call) error {
	a, err := w.actor(ctx, c)
	if err != nil {
		return err
	}
	x, err := uuidVar(c, "assignmentId")
	if err != nil || x == nil {
		return engine.Errorf("correspondence.returnItem", engine.KindConflict, "no assignmentId")
	}
	err = w.reg.ReturnAssignment(ctx, a, *x, str(c.Vars, "reason"))
	if engine.Is(engine.KindConflict, err) {
		return nil // returned by an earlier run
	}
	return err
}

func (w *Workflows) accept(ctx context.Context, a *registry.Actor, c *engine.Call) error {
	x, err := uuidVar(c, "assignmentId")
	if err != nil || x == nil {
		return engine.Errorf("correspondence.accept", engine.KindConflict, "no assignmentId")
	}
	if err := w.reg.AcceptAssignment(ctx, a, *x); err != nil && !engine.Is(engine.KindConflict, err) {
		return err
	}
	return nil
}

func (w *Workflows) attachItem(ctx context.Context, c *engine.Call) error {
	a, err := w.actor(ctx, c)
	if err != nil {
		return err
	}
	if err := w.accept(ctx, a, c); err != nil {
		return err
	}
	item, _ := uuidVar(c, "itemId")
	caseID, err := uuidVar(c, "caseId")
	if err != nil || caseID == nil || item == nil {
		return engine.Errorf("correspondence.attachItem", engine.KindConflict, "attaching needs itemId and caseId")
	}
	return w.reg.AttachItem(ctx, a, *item, *caseID)
}

func (w *Workflows) openCase(ctx context.Context, c *engine.Call) error {
	a, err := w.actor(ctx, c)
	if err != nil {
		return err
	}
	if err := w.accept(ctx, a, c); err != nil {
		return err
	}
	item, err := uuidVar(c, "itemId")
	if err != nil || item == nil {
		return engine.Errorf("correspondence.openCase", engine.KindConflict, "no itemId")
	}
	cs, err := w.reg.OpenCaseForItem(ctx, a, *item, registry.NewCase{JRWA: str(c.Vars, "jrwa"), Title: str(c.Vars, "title")})
	if engine.Is(engine.KindConflict, err) {
		// Opened by an earlier run of this step: take that case.
		it, gerr := w.reg.Incoming(ctx, a, *item)
		if gerr != nil || it.CaseID == nil {
			return err
		}
		c.Set("caseId", it.CaseID.String())
		c.Set("caseSignature", it.CaseSignature)
		return nil
	}
	if err != nil {
		return err
	}
	c.Set("caseId", cs.ID.String())
	c.Set("caseSignature", cs.Signature)
	return nil
}

// EPUAPReceipt records an ePUAP proof of delivery (UPD) on the outgoing item
// it names — the item's id is sent as IdentyfikatorDokumentu — keeping the
// UPD as a document in the case, and hands the delivery to the waiting
// dispatch. The delivery date is the UPD's date of receipt (the addressee
// opened it). A receipt for an unknown item is an error (kept in the box).
// check is the verification of ePUAP's signature on the UPD: stored with
// the document, and a UPD that fails it is still recorded — it reports a
// legal fact — but flagged in its description (see epuap.VerifyReceipt).
func (w *Workflows) EPUAPReceipt(ctx context.Context, a *registry.Actor, who flow.Who, kind, documentID string, deliveredAt time.Time, raw []byte, check *registry.SignatureCheck, stage func([]byte) (registry.File, error)) error {
	const op = "correspondence.EPUAPReceipt"
	if kind != "UPD" {
		return nil // a UPP confirms submission only; the dispatch waits for the UPD
	}
	id, err := uuid.Parse(documentID)
	if err != nil {
		return engine.Errorf(op, engine.KindInvalid, "UPD names document %q, not one of ours", documentID)
	}
	o, err := w.reg.Outgoing(ctx, a, id)
	if err != nil {
		return err
	}
	if o.Status == "delivered" {
		return nil // recorded by an earlier run
	}
	f, err := stage(raw)
	if err != nil {
		return err
	}
	f.Signature = check
	day := calendar.DateOf(deliveredAt)
	md := registry.Metadata{Tytul: "UPD — " + o.Number, Typ: "potwierdzenie odbioru/doręczenia/przedłożenia", Data: &day,
		Tworca: "ePUAP", Dostep: "niepubliczny", Opis: signatureFlag(check)}
	doc, err := w.reg.RegisterDocument(ctx, a, registry.NewDocument{Metadata: md, CaseID: o.CaseID, Files: []registry.File{f},
		Relations: relationTo(o.DocumentID)})
	if err != nil {
		_ = f.Blob.Discard()
		return err
	}
	_, err = w.RecordDelivery(ctx, a, who, id, registry.Delivery{Basis: registry.BasisOpened, Date: &day, ProofDoc: &doc.ID})
	return err
}

func relationTo(doc *uuid.UUID) []registry.Relation {
	if doc == nil {
		return nil
	}
	return []registry.Relation{{To: *doc, Kind: registry.RelProofOfDelivery}}
}

// WhoOf is the engine's view of a registry actor: user, office, units and
// positions in force today, roles that matter to the engine.
func WhoOf(a *registry.Actor) flow.Who {
	w := flow.Who{UserID: a.UserID, OfficeID: a.OfficeID, Units: a.Units, Admin: a.Has(registry.RoleAdmin),
		Head: a.Has(registry.RoleHead), Integrator: a.Has(registry.RoleIntegrator),
		ReadOnly: a.Has(registry.RoleArchivist) && len(a.Roles) == 1}
	for _, p := range a.Positions {
		w.Positions = append(w.Positions, p.ID)
	}
	return w
}
