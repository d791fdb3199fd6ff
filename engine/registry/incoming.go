package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/storage/postgres"
)

// Incoming channels and kinds (instrukcja kancelaryjna; domain-rules §1).
var (
	IncomingChannels = []string{"paper", "epuap", "edoreczenia", "email", "in_person", "fax"}
	IncomingKinds    = []string{"letter", "parcel", "invoice", "application", "complaint", "court", "other"}
)

// IncomingItem is an entry of the rejestr przesyłek wpływających.
type IncomingItem struct {
	ID            uuid.UUID      `json:"id"`
	Year          int            `json:"year"`
	N             int            `json:"n"`
	RPW           string         `json:"rpw"` // RPW/N/YYYY
	ReceivedAt    time.Time      `json:"receivedAt"`
	ReceivedOn    calendar.Date  `json:"receivedOn"`
	Channel       string         `json:"channel"`
	Kind          string         `json:"kind"`
	SenderPartyID *uuid.UUID     `json:"senderPartyId,omitempty"`
	SenderName    string         `json:"senderName"`
	SenderRef     string         `json:"senderRef,omitempty"`
	SenderDate    *calendar.Date `json:"senderDate,omitempty"`
	Subject       string         `json:"subject"`
	Attachments   int            `json:"attachments"`
	DocumentID    *uuid.UUID     `json:"documentId,omitempty"`
	ContentDigest string         `json:"contentDigest,omitempty"`
	ExternalID    string         `json:"externalId,omitempty"`
	CaseID        *uuid.UUID     `json:"caseId,omitempty"`
	CaseSignature string         `json:"caseSignature,omitempty"`
	UnitID        *uuid.UUID     `json:"unitId,omitempty"`
	Unit          string         `json:"unit,omitempty"`
	PositionID    *uuid.UUID     `json:"positionId,omitempty"`
	Status        string         `json:"status"`
	Notes         string         `json:"notes,omitempty"`
	RegisteredBy  uuid.UUID      `json:"registeredBy"`
	Assignments   []Assignment   `json:"assignments,omitempty"`
	// Existing is set when an electronic item handed over again was
	// already registered: the same entry is returned, not a second one.
	Existing bool `json:"existing,omitempty"`
}

func rpw(n, year int) string { return fmt.Sprintf("RPW/%d/%d", n, year) }

func scanIncoming(r pgx.Row) (*IncomingItem, error) {
	var i IncomingItem
	err := r.Scan(&i.ID, &i.Year, &i.N, &i.ReceivedAt, &i.ReceivedOn, &i.Channel, &i.Kind, &i.SenderPartyID, &i.SenderName,
		&i.SenderRef, &i.SenderDate, &i.Subject, &i.Attachments, &i.DocumentID, &i.ContentDigest, &i.ExternalID, &i.CaseID,
		&i.CaseSignature, &i.UnitID, &i.Unit, &i.PositionID, &i.Status, &i.Notes, &i.RegisteredBy)
	i.RPW = rpw(i.N, i.Year)
	return &i, err
}

// NewIncoming is what registering an incoming item needs. Files are the
// scans or the electronic content; they become one document.
type NewIncoming struct {
	Channel     string
	Kind        string
	ReceivedAt  *time.Time // default now; for electronic items the UPP time (KPA art. 61 §3a)
	Sender      NewCaseParty
	SenderRef   string
	SenderDate  *calendar.Date
	Subject     string
	Attachments int // counted attachments (paper enclosures), besides the files
	ExternalID  string
	Notes       string
	Files       []File
	// AllowDuplicate registers an item even when one with the same sender,
	// reference and content exists (a clerk confirmed it is a new one).
	AllowDuplicate bool
}

// nesType maps an item kind to the NES rodzaj tekstu of its document.
func nesType(kind string) string {
	switch kind {
	case "application":
		return "podanie/wniosek"
	case "complaint":
		return "skarga"
	case "invoice":
		return "dokument księgowy"
	case "court":
		return "wyrok"
	}
	return "inne pismo/dokument"
}

// contentDigest identifies an item's content for duplicate detection: the
// SHA-256 of its files' digests in order, or of its subject when it has no files.
func contentDigest(in *NewIncoming) string {
	h := sha256.New()
	if len(in.Files) == 0 {
		h.Write([]byte(strings.ToLower(strings.Join(strings.Fields(in.Subject), " "))))
	}
	for _, f := range in.Files {
		h.Write([]byte(f.Blob.SHA256))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// RegisterIncoming is the one entry point of the incoming register, for
// every channel: the registry office (paper, in person), e-mail import and
// the ePUAP and e-Doręczenia adapters. It takes the next RPW number of the
// office and year in the same transaction (no gaps, no duplicates), stores
// the files as one document, and refuses a probable duplicate (same sender,
// reference and content) unless told otherwise. An electronic item handed
// over again under the same external id is not registered twice: the
// existing entry is returned.
func (s *Service) RegisterIncoming(ctx context.Context, a *Actor, in NewIncoming) (*IncomingItem, error) {
	const op = "registry.RegisterIncoming"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	if !a.Has(RoleRegistry) && !a.Has(RoleAdmin) && !a.Has(RoleIntegrator) {
		return nil, forbidden(op, "only the registry office registers incoming items")
	}
	in.Subject, in.SenderRef, in.ExternalID = trim(in.Subject), trim(in.SenderRef), trim(in.ExternalID)
	if in.Kind == "" {
		in.Kind = "letter"
	}
	switch {
	case !contains(IncomingChannels, in.Channel):
		return nil, engine.Invalid(op, "channel", "channel must be one of %s", strings.Join(IncomingChannels, ", "))
	case !contains(IncomingKinds, in.Kind):
		return nil, engine.Invalid(op, "kind", "kind must be one of %s", strings.Join(IncomingKinds, ", "))
	case in.Subject == "":
		return nil, engine.Invalid(op, "subject", "subject is required")
	case in.Attachments < 0:
		return nil, engine.Invalid(op, "attachments", "attachments must not be negative")
	case in.Sender.ID == uuid.Nil && trim(in.Sender.Name) == "":
		return nil, engine.Invalid(op, "sender.name", "sender is required")
	}
	if in.Sender.ID == uuid.Nil {
		if err := validateParty(&in.Sender.Party); err != nil {
			return nil, engine.E(op, engine.Field("sender."+engine.FieldOf(err)), err)
		}
	}
	received := s.now()
	if in.ReceivedAt != nil {
		received = in.ReceivedAt.UTC().Truncate(time.Microsecond)
	}
	receivedOn := calendar.DateOf(received)
	var doc *NewDocument
	if len(in.Files) > 0 {
		d := receivedOn
		if in.SenderDate != nil {
			d = *in.SenderDate
		}
		doc = &NewDocument{Files: in.Files, Metadata: Metadata{Tytul: in.Subject, Typ: nesType(in.Kind), Data: &d,
			Tworca: senderName(in.Sender), Dostep: "niepubliczny", Nadawca: senderName(in.Sender), Znak: in.SenderRef}}
		if err := checkDocument(op, doc); err != nil {
			return nil, err
		}
	}
	digest := contentDigest(&in)
	item := &IncomingItem{ID: newID(), Year: receivedOn.Year, ReceivedAt: received, ReceivedOn: receivedOn, Channel: in.Channel,
		Kind: in.Kind, SenderRef: in.SenderRef, SenderDate: in.SenderDate, Subject: in.Subject, Attachments: in.Attachments,
		ContentDigest: digest, ExternalID: in.ExternalID, Status: "registered", Notes: trim(in.Notes), RegisteredBy: a.UserID}
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		if in.ExternalID != "" {
			var id uuid.UUID
			err := tx.QueryRow(ctx, q["IncomingByExternal"], in.Channel, in.ExternalID).Scan(&id)
			if err == nil {
				existing, err := scanIncoming(tx.QueryRow(ctx, q["GetIncoming"], id))
				if err != nil {
					return err
				}
				existing.Existing = true
				item = existing
				return nil
			}
			if err != pgx.ErrNoRows {
				return err
			}
		}
		partyID, name, err := s.resolveParty(ctx, tx, a, in.Sender)
		if err != nil {
			return engine.E(op, engine.Field("sender"), err)
		}
		item.SenderPartyID, item.SenderName = &partyID, name
		if !in.AllowDuplicate {
			var y, n int
			err := tx.QueryRow(ctx, q["FindDuplicate"], name, in.SenderRef, digest).Scan(&y, &n)
			if err == nil {
				return engine.E(op, engine.KindConflict, fmt.Sprintf("probably a duplicate of %s (same sender, reference and content); register again with allowDuplicate to confirm it is new", rpw(n, y)))
			}
			if err != pgx.ErrNoRows {
				return err
			}
		}
		if err := tx.QueryRow(ctx, q["NextRPW"], a.OfficeID, item.Year).Scan(&item.N); err != nil {
			return err
		}
		item.RPW = rpw(item.N, item.Year)
		if doc != nil {
			d, err := s.insertDocument(ctx, tx, a, *doc)
			if err != nil {
				return err
			}
			item.DocumentID = &d.ID
		}
		_, err = tx.Exec(ctx, q["InsertIncoming"], item.ID, a.OfficeID, item.Year, item.N, item.ReceivedAt, item.ReceivedOn,
			item.Channel, item.Kind, item.SenderPartyID, item.SenderName, item.SenderRef, item.SenderDate, item.Subject,
			item.Attachments, item.DocumentID, item.ContentDigest, item.ExternalID, item.Notes, a.UserID)
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return item, nil
}

func senderName(p NewCaseParty) string {
	if n := trim(p.Name); n != "" {
		return n
	}
	return "nadawca " + p.ID.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Incoming returns an item with its assignments. The registry, admins and
// archivists see every item; others the items assigned to their units or
// positions.
func (s *Service) Incoming(ctx context.Context, a *Actor, id uuid.UUID) (*IncomingItem, error) {
	const op = "registry.Incoming"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var item *IncomingItem
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		var err error
		if item, err = s.visibleIncoming(ctx, tx, a, op, id); err != nil {
			return err
		}
		item.Assignments, err = itemAssignments(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return item, nil
}

func (s *Service) visibleIncoming(ctx context.Context, tx pgx.Tx, a *Actor, op string, id uuid.UUID) (*IncomingItem, error) {
	item, err := scanIncoming(tx.QueryRow(ctx, q["GetIncoming"], id))
	if err != nil {
		return nil, postgres.NotFound(op, err, "no incoming item %s, or not visible to you", id)
	}
	if a.seesAll() || (item.UnitID != nil && a.inUnit(*item.UnitID)) || (item.PositionID != nil && a.holds(*item.PositionID)) {
		return item, nil
	}
	return nil, engine.Errorf(op, engine.KindNotFound, "no incoming item %s, or not visible to you", id)
}

// IncomingFilter selects register entries; zero fields match all.
type IncomingFilter struct {
	From, To *calendar.Date
	Channel  string
	Unit     string
	Status   string
	Limit    int // default 1000, at most 10000
}

// IncomingRegister lists the register in RPW order. Only the registry,
// admins and archivists read the whole register.
func (s *Service) IncomingRegister(ctx context.Context, a *Actor, f IncomingFilter) ([]*IncomingItem, error) {
	const op = "registry.IncomingRegister"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	if !a.seesAll() {
		return nil, forbidden(op, "only the registry office, administrators and archivists read the register")
	}
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	if f.Limit > 10000 {
		return nil, engine.Invalid(op, "limit", "limit is at most 10000")
	}
	opt := func(v string) *string {
		if v == "" {
			return nil
		}
		return &v
	}
	var out []*IncomingItem
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["ListIncoming"], f.From, f.To, opt(f.Channel), opt(f.Unit), opt(f.Status), f.Limit)
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*IncomingItem, error) { return scanIncoming(r) })
		return err
	})
	return out, postgres.Err(op, err)
}
