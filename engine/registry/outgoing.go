package registry

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/storage/postgres"
)

// Outgoing channels (domain-rules §1).
var OutgoingChannels = []string{"post_ordinary", "post_registered", "post_zpo", "post_priority", "courier", "epuap", "edoreczenia", "in_person"}

// OutgoingItem is an entry of the rejestr przesyłek wychodzących.
type OutgoingItem struct {
	ID                uuid.UUID      `json:"id"`
	Year              int            `json:"year"`
	N                 int            `json:"n"`
	Number            string         `json:"number"` // RPWych/N/YYYY
	CaseID            *uuid.UUID     `json:"caseId,omitempty"`
	CaseSignature     string         `json:"caseSignature,omitempty"`
	DocumentID        *uuid.UUID     `json:"documentId,omitempty"`
	RecipientPartyID  *uuid.UUID     `json:"recipientPartyId,omitempty"`
	RecipientName     string         `json:"recipientName"`
	Address           string         `json:"address,omitempty"`
	ElectronicAddress string         `json:"electronicAddress,omitempty"`
	Channel           string         `json:"channel"`
	Postage           int            `json:"postage"` // grosze
	TrackingNumber    string         `json:"trackingNumber,omitempty"`
	RegisteredOn      calendar.Date  `json:"registeredOn"`
	SentOn            *calendar.Date `json:"sentOn,omitempty"`
	Status            string         `json:"status"`
	FirstNoticeOn     *calendar.Date `json:"firstNoticeOn,omitempty"`
	DeliveredOn       *calendar.Date `json:"deliveredOn,omitempty"`
	DeliveryBasis     string         `json:"deliveryBasis,omitempty"`
	ProofDocumentID   *uuid.UUID     `json:"proofDocumentId,omitempty"`
	AppealDeadline    *calendar.Date `json:"appealDeadline,omitempty"`
}

func scanOutgoing(r pgx.Row) (*OutgoingItem, error) {
	var o OutgoingItem
	err := r.Scan(&o.ID, &o.Year, &o.N, &o.CaseID, &o.CaseSignature, &o.DocumentID, &o.RecipientPartyID, &o.RecipientName,
		&o.Address, &o.ElectronicAddress, &o.Channel, &o.Postage, &o.TrackingNumber, &o.RegisteredOn, &o.SentOn, &o.Status,
		&o.FirstNoticeOn, &o.DeliveredOn, &o.DeliveryBasis, &o.ProofDocumentID, &o.AppealDeadline)
	o.Number = fmt.Sprintf("RPWych/%d/%d", o.N, o.Year)
	return &o, err
}

// NewOutgoing is what registering an outgoing item needs.
type NewOutgoing struct {
	CaseID     *uuid.UUID
	DocumentID *uuid.UUID
	Recipient  NewCaseParty
	// Channel; empty chooses from the recipient: an e-Doręczenia address,
	// else an ePUAP box for institutions, else registered post with ZPO.
	Channel           string
	Address           string // default: the recipient's postal address
	ElectronicAddress string
	Postage           int
	// RequestKey makes registration idempotent: a second registration with
	// the same key returns the first entry (workflow steps pass their key).
	RequestKey string
}

// ChooseChannel picks how to deliver to a party. Since 1.01.2026 ePUAP no
// longer serves for delivery to people in KPA and tax matters (ustawa o
// doręczeniach elektronicznych art. 155): an e-Doręczenia address comes
// first, an ePUAP box only for public bodies, else post with a return
// receipt (KPA art. 39).
func ChooseChannel(p Party) string {
	switch {
	case p.PreferredChannel == "in_person":
		return "in_person"
	case p.ADE != "":
		return "edoreczenia"
	case p.EPUAPAddress != "" && p.Kind == "organisation":
		return "epuap"
	}
	return "post_zpo"
}

func postalAddress(p Party) string {
	lines := []string{}
	for _, l := range []string{p.Street, strings.TrimSpace(p.PostalCode + " " + p.City)} {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return p.Address
	}
	return strings.Join(lines, "\n")
}

// RegisterOutgoing enters an item in the outgoing register with the next
// number of the year.
func (s *Service) RegisterOutgoing(ctx context.Context, a *Actor, in NewOutgoing) (*OutgoingItem, error) {
	const op = "registry.RegisterOutgoing"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	if in.Recipient.ID == uuid.Nil {
		if err := validateParty(&in.Recipient.Party); err != nil {
			return nil, engine.E(op, engine.Field("recipient."+engine.FieldOf(err)), err)
		}
	}
	if in.Channel != "" && !contains(OutgoingChannels, in.Channel) {
		return nil, engine.Invalid(op, "channel", "channel must be one of %s", strings.Join(OutgoingChannels, ", "))
	}
	if in.Postage < 0 {
		return nil, engine.Invalid(op, "postage", "postage must not be negative")
	}
	today := s.today()
	o := &OutgoingItem{ID: newID(), Year: today.Year, RegisteredOn: today, Status: "prepared", CaseID: in.CaseID, DocumentID: in.DocumentID, Postage: in.Postage}
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		if in.RequestKey != "" {
			var id uuid.UUID
			err := tx.QueryRow(ctx, q["OutgoingByRequestKey"], in.RequestKey).Scan(&id)
			if err == nil {
				o, err = scanOutgoing(tx.QueryRow(ctx, q["GetOutgoing"], id))
				return err
			}
			if err != pgx.ErrNoRows {
				return err
			}
		}
		if in.CaseID != nil {
			c, err := getCase(ctx, tx, q["LockCase"], *in.CaseID)
			if err != nil {
				return engine.E(op, engine.Field("caseId"), err)
			}
			if !a.canAttach(c) {
				return forbidden(op, "you may not send letters in this case")
			}
			o.CaseSignature = c.Signature
		}
		p := in.Recipient.Party
		if in.Recipient.ID != uuid.Nil {
			err := tx.QueryRow(ctx, "SELECT kind, name, address, email, epuap_address, ade, street, postal_code, city, preferred_channel FROM parties WHERE id = $1",
				in.Recipient.ID).Scan(&p.Kind, &p.Name, &p.Address, &p.Email, &p.EPUAPAddress, &p.ADE, &p.Street, &p.PostalCode, &p.City, &p.PreferredChannel)
			if err != nil {
				return engine.E(op, engine.Field("recipient.id"), postgres.NotFound(op, err, "no party %s", in.Recipient.ID))
			}
		}
		id, name, err := s.resolveParty(ctx, tx, a, in.Recipient)
		if err != nil {
			return engine.E(op, engine.Field("recipient"), err)
		}
		o.RecipientPartyID, o.RecipientName = &id, name
		o.Channel = in.Channel
		if o.Channel == "" {
			o.Channel = ChooseChannel(p)
		}
		o.Address = trim(in.Address)
		if o.Address == "" {
			o.Address = postalAddress(p)
		}
		o.ElectronicAddress = trim(in.ElectronicAddress)
		if o.ElectronicAddress == "" {
			switch o.Channel {
			case "edoreczenia":
				o.ElectronicAddress = p.ADE
			case "epuap":
				o.ElectronicAddress = p.EPUAPAddress
			}
		}
		if strings.HasPrefix(o.Channel, "post_") || o.Channel == "courier" {
			if o.Address == "" {
				return engine.Invalid(op, "address", "a postal address is required for %s", o.Channel)
			}
		} else if (o.Channel == "epuap" || o.Channel == "edoreczenia") && o.ElectronicAddress == "" {
			return engine.Invalid(op, "electronicAddress", "an electronic address is required for %s", o.Channel)
		}
		if err := tx.QueryRow(ctx, q["NextOutgoing"], a.OfficeID, o.Year).Scan(&o.N); err != nil {
			return err
		}
		o.Number = fmt.Sprintf("RPWych/%d/%d", o.N, o.Year)
		_, err = tx.Exec(ctx, q["InsertOutgoing"], o.ID, a.OfficeID, o.Year, o.N, o.CaseID, o.DocumentID, o.RecipientPartyID, o.RecipientName,
			o.Address, o.ElectronicAddress, o.Channel, o.Postage, o.RegisteredOn, a.UserID, s.now(), in.RequestKey)
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return o, nil
}

// MarkSent records that an item left the office, with its tracking number
// (the postal book's "numer nadawczy") and postage.
func (s *Service) MarkSent(ctx context.Context, a *Actor, id uuid.UUID, sentOn *calendar.Date, tracking string, postage int) (*OutgoingItem, error) {
	const op = "registry.MarkSent"
	tracking = strings.ToUpper(strings.ReplaceAll(trim(tracking), " ", ""))
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	if postage < 0 {
		return nil, engine.Invalid(op, "postage", "postage must not be negative")
	}
	var o *OutgoingItem
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, q["LockOutgoing"], id); err != nil {
			return err
		}
		var err error
		if o, err = scanOutgoing(tx.QueryRow(ctx, q["GetOutgoing"], id)); err != nil {
			return postgres.NotFound(op, err, "no outgoing item %s", id)
		}
		// Paper leaves through the registry office; an electronic letter is
		// sent by the system for whoever works its case.
		if !a.Has(RoleRegistry) && !a.Has(RoleAdmin) && !a.Has(RoleIntegrator) {
			electronic := o.Channel == "epuap" || o.Channel == "edoreczenia"
			if !electronic || o.CaseID == nil {
				return forbidden(op, "only the registry office dispatches letters")
			}
			c, err := getCase(ctx, tx, q["GetCase"], *o.CaseID)
			if err != nil || !a.canAttach(c) {
				return forbidden(op, "you may not send letters in this case")
			}
		}
		if o.Status != "prepared" {
			return engine.Errorf(op, engine.KindConflict, "%s is already %s", o.Number, o.Status)
		}
		if (o.Channel == "post_registered" || o.Channel == "post_zpo" || o.Channel == "courier") && tracking == "" {
			return engine.Invalid(op, "trackingNumber", "a tracking number is required for %s", o.Channel)
		}
		d := s.today()
		if sentOn != nil {
			d = *sentOn
		}
		if postage == 0 {
			postage = o.Postage
		}
		if postage == 0 && contains(postalChannels, o.Channel) {
			// From the price list in force on the sending day (a letter up to 50 g unless weighed).
			price, ok, err := postageFor(ctx, tx, o.Channel, 50, d)
			if err != nil {
				return err
			}
			if ok {
				postage = price
			}
		}
		o.SentOn, o.TrackingNumber, o.Postage, o.Status = &d, tracking, postage, "sent"
		if _, err := tx.Exec(ctx, q["MarkSent"], id, d, tracking, postage); err != nil {
			if engine.Is(engine.KindConflict, postgres.Err(op, err)) {
				return engine.Invalid(op, "trackingNumber", "tracking number %s is on another item", tracking)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return o, nil
}

// Delivery is the evidence of what happened to a letter.
type Delivery struct {
	Basis       string         // zpo, storage, opened, deemed, in_person
	Date        *calendar.Date // zpo / opened / in_person: the date on the evidence
	FirstNotice *calendar.Date // storage: the date of the first notice (awizo)
	ProofDoc    *uuid.UUID     // the scanned ZPO, the UPD, the evidence
}

// ActionDelivered is recorded in the case's metryka.
const ActionDelivered = "outgoing.delivered"

// RecordDelivery sets an item's legal delivery date from the evidence and,
// for letters in a case, the appeal deadline — with a metryka entry.
func (s *Service) RecordDelivery(ctx context.Context, a *Actor, id uuid.UUID, d Delivery) (*OutgoingItem, error) {
	const op = "registry.RecordDelivery"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var o *OutgoingItem
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, q["LockOutgoing"], id); err != nil {
			return err
		}
		var err error
		if o, err = scanOutgoing(tx.QueryRow(ctx, q["GetOutgoing"], id)); err != nil {
			return postgres.NotFound(op, err, "no outgoing item %s", id)
		}
		return s.recordDelivery(ctx, tx, a, o, d)
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return o, nil
}

// RegisterReturnReceipt finds a letter by its tracking number (typed or
// scanned from the ZPO's barcode) and records the delivery.
func (s *Service) RegisterReturnReceipt(ctx context.Context, a *Actor, tracking string, d Delivery) (*OutgoingItem, error) {
	const op = "registry.RegisterReturnReceipt"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	tracking = strings.ToUpper(strings.ReplaceAll(trim(tracking), " ", ""))
	if tracking == "" {
		return nil, engine.Invalid(op, "trackingNumber", "tracking number is required")
	}
	var id uuid.UUID
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, q["OutgoingByTracking"], tracking).Scan(&id)
	})
	if err != nil {
		return nil, engine.E(op, engine.Field("trackingNumber"), postgres.NotFound(op, err, "no letter with tracking number %s", tracking))
	}
	return s.RecordDelivery(ctx, a, id, d)
}

func (s *Service) recordDelivery(ctx context.Context, tx pgx.Tx, a *Actor, o *OutgoingItem, d Delivery) error {
	const op = "registry.RecordDelivery"
	if o.Status == "prepared" {
		return engine.Errorf(op, engine.KindConflict, "%s has not been sent", o.Number)
	}
	if o.Status == "delivered" {
		return engine.Errorf(op, engine.KindConflict, "%s is already delivered (%s)", o.Number, o.DeliveredOn)
	}
	var delivered calendar.Date
	switch d.Basis {
	case BasisZPO, BasisOpened, BasisInPerson:
		if d.Date == nil {
			return engine.Invalid(op, "date", "the delivery date from the evidence is required")
		}
		delivered = *d.Date
	case BasisStorage:
		if d.FirstNotice == nil {
			return engine.Invalid(op, "firstNotice", "the date of the first notice (awizo) is required")
		}
		delivered = DeemedAfterStorage(*d.FirstNotice)
		o.FirstNoticeOn = d.FirstNotice
	case BasisDeemed:
		if o.SentOn == nil {
			return engine.Invalid(op, "basis", "the letter has no sending date")
		}
		delivered = DeemedElectronic(*o.SentOn)
	default:
		return engine.Invalid(op, "basis", "basis must be zpo, storage, opened, deemed or in_person")
	}
	if o.SentOn != nil && delivered.Before(*o.SentOn) {
		return engine.Invalid(op, "date", "delivery on %s is before sending on %s", delivered, *o.SentOn)
	}
	if delivered.After(s.today()) {
		return engine.Invalid(op, "date", "delivery on %s is in the future", delivered)
	}
	o.Status, o.DeliveredOn, o.DeliveryBasis, o.ProofDocumentID = "delivered", &delivered, d.Basis, d.ProofDoc
	if o.CaseID != nil {
		appeal := AppealDeadline(s.cal, delivered)
		o.AppealDeadline = &appeal
	}
	if _, err := tx.Exec(ctx, q["RecordDelivery"], o.ID, o.Status, o.FirstNoticeOn, o.DeliveredOn, o.DeliveryBasis, o.ProofDocumentID, o.AppealDeadline); err != nil {
		return err
	}
	if o.CaseID == nil {
		return nil
	}
	c, err := getCase(ctx, tx, q["LockCase"], *o.CaseID)
	if err != nil {
		return err
	}
	return s.appendMetryka(ctx, tx, a, c, ActionDelivered, o.DocumentID, map[string]string{
		"number": o.Number, "recipient": o.RecipientName, "deliveredOn": delivered.String(), "basis": d.Basis,
		"appealDeadline": o.AppealDeadline.String(), "trackingNumber": o.TrackingNumber,
	})
}

// OutgoingFilter selects register entries.
type OutgoingFilter struct {
	From, To *calendar.Date
	Channel  string
	SentOn   *calendar.Date
	Channels []string
	Limit    int
}

// OutgoingRegister lists the outgoing register in number order.
func (s *Service) OutgoingRegister(ctx context.Context, a *Actor, f OutgoingFilter) ([]*OutgoingItem, error) {
	const op = "registry.OutgoingRegister"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	if !a.seesAll() {
		return nil, forbidden(op, "only the registry office, administrators and archivists read the register")
	}
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 10000
	}
	var ch *string
	if f.Channel != "" {
		ch = &f.Channel
	}
	var chans []string
	if len(f.Channels) > 0 {
		chans = f.Channels
	}
	var out []*OutgoingItem
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["ListOutgoing"], f.From, f.To, ch, f.SentOn, chans, f.Limit)
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*OutgoingItem, error) { return scanOutgoing(r) })
		return err
	})
	return out, postgres.Err(op, err)
}

// PostalBook is the książka nadawcza for a day: registered letters sent by
// post on that date, in number order.
func (s *Service) PostalBook(ctx context.Context, a *Actor, day calendar.Date) ([]*OutgoingItem, error) {
	return s.OutgoingRegister(ctx, a, OutgoingFilter{SentOn: &day, Channels: []string{"post_registered", "post_zpo", "post_priority"}})
}

// Outgoing returns one outgoing item: to the registry office,
// administrators and archivists, or to those who may work its case.
func (s *Service) Outgoing(ctx context.Context, a *Actor, id uuid.UUID) (*OutgoingItem, error) {
	const op = "registry.Outgoing"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var o *OutgoingItem
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		var err error
		if o, err = scanOutgoing(tx.QueryRow(ctx, q["GetOutgoing"], id)); err != nil {
			return postgres.NotFound(op, err, "no outgoing item %s", id)
		}
		if a.seesAll() {
			return nil
		}
		if o.CaseID != nil {
			if c, err := getCase(ctx, tx, q["GetCase"], *o.CaseID); err == nil && a.canRead(c) {
				return nil
			}
		}
		return engine.Errorf(op, engine.KindNotFound, "no outgoing item %s", id)
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return o, nil
}
