package registry

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/postgres"
)

func scanParty(r pgx.Row, extra ...any) (*Party, error) {
	var p Party
	dest := append([]any{&p.ID, &p.Kind, &p.Name, &p.PESEL, &p.NIP, &p.REGON, &p.Address, &p.Email, &p.EPUAPAddress, &p.ADE,
		&p.Street, &p.PostalCode, &p.City, &p.PreferredChannel}, extra...)
	return &p, r.Scan(dest...)
}

// Parties finds parties by name fragment, PESEL, NIP, REGON or e-mail
// (merged duplicates are left out). Reading personal data needs a role that
// registers or works cases.
func (s *Service) Parties(ctx context.Context, a *Actor, query string, limit int) ([]*Party, error) {
	const op = "registry.Parties"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var out []*Party
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["SearchParties"], trim(query), limit)
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Party, error) { return scanParty(r) })
		return err
	})
	return out, postgres.Err(op, err)
}

// ActionPartyMerged is recorded in every case of a merged duplicate.
const ActionPartyMerged = "party.merged"

// MergeParties folds a duplicate into the party that stays: its cases,
// incoming and outgoing items move over, each of its cases records the
// merge in its metryka, and the duplicate's row is kept, pointing at the
// survivor, so the history of who was who is not lost.
func (s *Service) MergeParties(ctx context.Context, a *Actor, survivor, duplicate uuid.UUID) error {
	const op = "registry.MergeParties"
	if err := requireActor(op, a); err != nil {
		return err
	}
	if !a.Has(RoleAdmin) && !a.Has(RoleRegistry) {
		return forbidden(op, "only the registry office or an administrator may merge parties")
	}
	if survivor == duplicate {
		return engine.Invalid(op, "duplicateId", "a party cannot be merged into itself")
	}
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		// Lock in a fixed order so two merges cannot deadlock.
		first, second := survivor, duplicate
		if second.String() < first.String() {
			first, second = second, first
		}
		locked := map[uuid.UUID]*Party{}
		var merged = map[uuid.UUID]*uuid.UUID{}
		for _, id := range []uuid.UUID{first, second} {
			var into *uuid.UUID
			p, err := scanParty(tx.QueryRow(ctx, q["LockParty"], id), &into)
			if err != nil {
				return postgres.NotFound(op, err, "no party %s", id)
			}
			locked[id], merged[id] = p, into
		}
		if merged[duplicate] != nil {
			return engine.Errorf(op, engine.KindConflict, "%s was already merged into %s", locked[duplicate].Name, *merged[duplicate])
		}
		if merged[survivor] != nil {
			return engine.Errorf(op, engine.KindConflict, "%s was itself merged into another party", locked[survivor].Name)
		}
		rows, _ := tx.Query(ctx, q["PartyCases"], duplicate)
		cases, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return err
		}
		for _, stmt := range []string{"MovePartyLinks"} {
			if _, err := tx.Exec(ctx, q[stmt], duplicate, survivor); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, q["DropPartyLinks"], duplicate); err != nil {
			return err
		}
		for _, sql := range []string{
			"UPDATE incoming_items SET sender_party_id = $2 WHERE sender_party_id = $1",
			"UPDATE outgoing_items SET recipient_party_id = $2 WHERE recipient_party_id = $1",
		} {
			if _, err := tx.Exec(ctx, sql, duplicate, survivor); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, q["MarkMerged"], duplicate, survivor, s.now()); err != nil {
			return err
		}
		for _, id := range cases {
			c, err := getCase(ctx, tx, q["LockCase"], id)
			if err != nil {
				return err
			}
			if err := s.appendMetryka(ctx, tx, a, c, ActionPartyMerged, nil, map[string]string{
				"from": duplicate.String(), "fromName": locked[duplicate].Name, "into": survivor.String(), "intoName": locked[survivor].Name,
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return postgres.Err(op, err)
}

// Party returns one party.
func (s *Service) Party(ctx context.Context, a *Actor, id uuid.UUID) (*Party, error) {
	const op = "registry.Party"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	p, err := scanParty(s.db.TenantRow(ctx, a.OfficeID, q["GetParty"], id))
	if err != nil {
		return nil, postgres.NotFound(op, err, "no party %s", id)
	}
	return p, nil
}

// SetPartyADE records the e-Doręczenia address found for a party in the
// public register of electronic addresses (baza adresów elektronicznych).
func (s *Service) SetPartyADE(ctx context.Context, a *Actor, id uuid.UUID, ade string) error {
	const op = "registry.SetPartyADE"
	if err := requireActor(op, a); err != nil {
		return err
	}
	if !ValidADEFormat(ade) {
		return engine.Invalid(op, "ade", "%q is not an e-Doręczenia address", ade)
	}
	return postgres.Err(op, s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, q["SetPartyADE"], id, ade)
		if err == nil && tag.RowsAffected() == 0 {
			return engine.Errorf(op, engine.KindNotFound, "no party %s", id)
		}
		return err
	}))
}
