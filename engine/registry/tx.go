package registry

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/storage/postgres"
)

// Tx is a registry transaction a domain joins: the cases, documents and
// metryka entries written through it commit or roll back together with the
// domain's own rows (River's transaction-scoped inserts are the model). A
// tax decision and the case and document that carry it are one fact; a
// crash can leave all of them or none, never a case without its decision.
type Tx struct {
	s  *Service
	tx pgx.Tx
	a  *Actor
}

// InTx runs fn in one tenant transaction of a's office.
func (s *Service) InTx(ctx context.Context, a *Actor, fn func(ctx context.Context, tx *Tx) error) error {
	const op = "registry.InTx"
	if err := requireActor(op, a); err != nil {
		return err
	}
	return postgres.Err(op, s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		return fn(ctx, &Tx{s: s, tx: tx, a: a})
	}))
}

// PG is the underlying transaction, for the domain's own statements. Row
// level security already limits it to the actor's office.
func (t *Tx) PG() pgx.Tx { return t.tx }

// Actor is whom the transaction acts for.
func (t *Tx) Actor() *Actor { return t.a }

// CreateCase opens a case in the transaction (see Service.CreateCase).
func (t *Tx) CreateCase(ctx context.Context, in NewCase) (*Case, error) {
	return t.s.createCase(ctx, t.tx, t.a, in)
}

// RegisterDocument registers a document in the transaction (see
// Service.RegisterDocument). Its blobs are committed before the rows.
func (t *Tx) RegisterDocument(ctx context.Context, in NewDocument) (*Document, error) {
	const op = "registry.RegisterDocument"
	if err := checkDocument(op, &in); err != nil {
		return nil, err
	}
	return t.s.insertDocument(ctx, t.tx, t.a, in)
}

// Record appends a domain's entry to a case's metryka, under the case row
// lock like every other entry: action names what happened ("tax.assessed"),
// doc the document it concerns, details the facts worth keeping.
func (t *Tx) Record(ctx context.Context, caseID uuid.UUID, action string, doc *uuid.UUID, details map[string]string) error {
	const op = "registry.Record"
	c, err := getCase(ctx, t.tx, q["LockCase"], caseID)
	if err != nil {
		return err
	}
	if !t.a.canWork(c) {
		return forbidden(op, "you may not work on case "+c.Signature)
	}
	if action == "" {
		return engine.Invalid(op, "action", "a metryka entry needs an action")
	}
	return t.s.appendMetryka(ctx, t.tx, t.a, c, action, doc, details)
}

// Today is the registry's legal date now (Europe/Warsaw).
func (t *Tx) Today() calendar.Date { return t.s.today() }

// CreateParty records a new party (validated as Service.CreateCase does
// its new parties) and returns its id.
func (t *Tx) CreateParty(ctx context.Context, p Party) (uuid.UUID, error) {
	if err := validateParty(&p); err != nil {
		return uuid.Nil, engine.E("registry.CreateParty", engine.Field(engine.FieldOf(err)), err)
	}
	p.ID = uuid.Nil
	id, _, err := t.s.resolveParty(ctx, t.tx, t.a, NewCaseParty{Party: p})
	return id, err
}

// LinkParty makes a party a party to the case in the transaction (with its
// metryka entry); a party already linked in that role is left as it is.
func (t *Tx) LinkParty(ctx context.Context, caseID, partyID uuid.UUID, role string) error {
	const op = "registry.LinkParty"
	c, err := getCase(ctx, t.tx, q["LockCase"], caseID)
	if err != nil {
		return err
	}
	if !t.a.canWork(c) {
		return forbidden(op, "you may not work on case "+c.Signature)
	}
	var linked bool
	if err := t.tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM case_parties WHERE case_id = $1 AND party_id = $2 AND role = $3)", caseID, partyID, role).Scan(&linked); err != nil {
		return err
	}
	if linked {
		return nil
	}
	_, name, err := t.s.resolveParty(ctx, t.tx, t.a, NewCaseParty{Party: Party{ID: partyID}})
	if err != nil {
		return err
	}
	return t.s.linkParty(ctx, t.tx, t.a, c, partyID, name, role)
}
