package registry

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/postgres"
)

// Actions recorded in the metryka. KPA art. 66a and the MAiC regulation of
// 6.03.2012 (Dz.U. 2012 poz. 250) §2: every action in the case, with who did
// it, when and the document it concerns.
const (
	ActionCaseCreated      = "case.created"
	ActionCaseSuspended    = "case.suspended"
	ActionCaseResumed      = "case.resumed"
	ActionCaseClosed       = "case.closed"
	ActionPartyAdded       = "case.party_added"
	ActionDocumentAdded    = "document.registered"
	ActionDocumentAttached = "document.attached"
	ActionVersionAdded     = "document.version_added"
	ActionRelationAdded    = "document.relation_added"
)

// MetrykaEntry is one action in a case's record. Entries form a chain:
// Hash = SHA-256(PrevHash || canonical form of the entry).
type MetrykaEntry struct {
	ID            uuid.UUID         `json:"id"`
	CaseID        uuid.UUID         `json:"caseId"`
	Seq           int               `json:"seq"`
	At            time.Time         `json:"at"`
	ActorID       uuid.UUID         `json:"actorId"`
	ActorName     string            `json:"actorName"`
	ActorPosition string            `json:"actorPosition"`
	Action        string            `json:"action"`
	DocumentID    *uuid.UUID        `json:"documentId,omitempty"`
	Details       map[string]string `json:"details,omitempty"`
	PrevHash      string            `json:"prevHash"`
	Hash          string            `json:"hash"`
}

// canonical is the byte form hashed into the chain: a JSON object with a
// fixed field order (struct order; map keys sorted by encoding/json) and the
// time in UTC with microseconds, the precision PostgreSQL keeps.
func (e *MetrykaEntry) canonical() []byte {
	doc := ""
	if e.DocumentID != nil {
		doc = e.DocumentID.String()
	}
	details := e.Details
	if details == nil {
		details = map[string]string{}
	}
	b, err := json.Marshal(struct {
		V             int               `json:"v"`
		ID            string            `json:"id"`
		CaseID        string            `json:"case"`
		Seq           int               `json:"seq"`
		At            string            `json:"at"`
		ActorID       string            `json:"actor"`
		ActorName     string            `json:"actorName"`
		ActorPosition string            `json:"actorPosition"`
		Action        string            `json:"action"`
		DocumentID    string            `json:"document"`
		Details       map[string]string `json:"details"`
	}{1, e.ID.String(), e.CaseID.String(), e.Seq, e.At.UTC().Format("2006-01-02T15:04:05.000000Z"),
		e.ActorID.String(), e.ActorName, e.ActorPosition, e.Action, doc, details})
	if err != nil {
		panic(err) // strings and ints only: cannot fail
	}
	return b
}

func chainHash(prev []byte, e *MetrykaEntry) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(e.canonical())
	return h.Sum(nil)
}

// genesis is the prev_hash of a chain's first entry.
var genesis = make([]byte, sha256.Size)

// appendMetryka writes an entry at the head of the case's chain. The caller
// holds the case row lock (LockCase or the creating insert), so the head
// cannot move under it.
func (s *Service) appendMetryka(ctx context.Context, tx pgx.Tx, a *Actor, c *Case, action string, doc *uuid.UUID, details map[string]string) error {
	prev := genesis
	seq := 0
	err := tx.QueryRow(ctx, q["MetrykaHead"], c.ID).Scan(&seq, &prev)
	if err != nil && err != pgx.ErrNoRows {
		return err
	}
	e := &MetrykaEntry{
		ID: newID(), CaseID: c.ID, Seq: seq + 1, At: s.now(),
		ActorID: a.UserID, ActorName: a.Name, ActorPosition: a.positionName(c.UnitID),
		Action: action, DocumentID: doc, Details: details,
	}
	hash := chainHash(prev, e)
	if details == nil {
		details = map[string]string{}
	}
	_, err = tx.Exec(ctx, q["InsertMetryka"], e.ID, a.OfficeID, e.CaseID, e.Seq, e.At, e.ActorID, e.ActorName,
		e.ActorPosition, e.Action, e.DocumentID, details, prev, hash)
	return err
}

func scanMetryka(r pgx.Row, extra ...any) (MetrykaEntry, error) {
	var e MetrykaEntry
	var prev, hash []byte
	dest := append([]any{&e.ID, &e.CaseID, &e.Seq, &e.At, &e.ActorID, &e.ActorName, &e.ActorPosition, &e.Action,
		&e.DocumentID, &e.Details, &prev, &hash}, extra...)
	if err := r.Scan(dest...); err != nil {
		return e, err
	}
	e.PrevHash, e.Hash = hex.EncodeToString(prev), hex.EncodeToString(hash)
	return e, nil
}

// Metryka returns the case's record, oldest first.
func (s *Service) Metryka(ctx context.Context, a *Actor, caseID uuid.UUID) ([]MetrykaEntry, error) {
	const op = "registry.Metryka"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var out []MetrykaEntry
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		c, err := getCase(ctx, tx, q["GetCase"], caseID)
		if err != nil {
			return err
		}
		if !a.canRead(c) {
			return notVisible(op)
		}
		rows, _ := tx.Query(ctx, q["ListMetryka"], caseID)
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (MetrykaEntry, error) { return scanMetryka(r) })
		return err
	})
	return out, postgres.Err(op, err)
}

// ChainReport is the result of verifying every metryka chain.
type ChainReport struct {
	Cases   int
	Entries int
	Broken  *BrokenLink // the first broken link, nil when every chain holds
}

// BrokenLink names the first entry whose chain does not verify.
type BrokenLink struct {
	CaseID        uuid.UUID
	CaseSignature string
	EntryID       uuid.UUID
	Seq           int
	Reason        string
}

func (b *BrokenLink) String() string {
	return fmt.Sprintf("case %s (%s): entry %d (%s): %s", b.CaseSignature, b.CaseID, b.Seq, b.EntryID, b.Reason)
}

// VerifyChains recomputes every metryka chain of every office and reports
// the first broken link. System work, for `obieg verify`.
func (s *Service) VerifyChains(ctx context.Context) (*ChainReport, error) {
	const op = "registry.VerifyChains"
	rep := &ChainReport{}
	err := s.db.System(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q["AllMetryka"])
		if err != nil {
			return err
		}
		defer rows.Close()
		var cur uuid.UUID
		var prev []byte
		want := 0
		for rows.Next() {
			var sig string
			e, err := scanMetryka(rows, &sig)
			if err != nil {
				return err
			}
			rep.Entries++
			if e.CaseID != cur {
				cur, prev, want = e.CaseID, genesis, 1
				rep.Cases++
			}
			broken := func(reason string) {
				rep.Broken = &BrokenLink{CaseID: e.CaseID, CaseSignature: sig, EntryID: e.ID, Seq: e.Seq, Reason: reason}
			}
			storedPrev, _ := hex.DecodeString(e.PrevHash)
			storedHash, _ := hex.DecodeString(e.Hash)
			switch {
			case e.Seq != want:
				broken(fmt.Sprintf("expected entry %d: an entry is missing", want))
			case !bytes.Equal(storedPrev, prev):
				broken("prev_hash does not match the hash of the entry before")
			case !bytes.Equal(chainHash(prev, &e), storedHash):
				broken("content does not match its hash: the entry was altered")
			}
			if rep.Broken != nil {
				return nil
			}
			prev, want = storedHash, want+1
		}
		return rows.Err()
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return rep, nil
}

func notVisible(op string) error {
	return engine.E(op, engine.KindNotFound, "no such case, or not visible to you")
}
