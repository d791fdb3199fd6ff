package registry

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/storage/postgres"
)

// UserEntry is a user as the administrator's list shows it. It never holds
// the password hash: the list is for deciding who may do what.
type UserEntry struct {
	User
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"createdAt"`
	// Positions held directly (not by substitution), as "UNIT — name".
	Positions []string `json:"positions"`
}

// PositionEntry is a position with its unit's symbol and the users holding
// it directly, as "Name (login)".
type PositionEntry struct {
	Position
	Unit    string   `json:"unit"`
	Holders []string `json:"holders"`
}

// SubstitutionEntry is a substitution with the names an administrator
// reads it by.
type SubstitutionEntry struct {
	Substitution
	Position  string `json:"position"`
	Unit      string `json:"unit"`
	UserLogin string `json:"userLogin"`
	UserName  string `json:"userName"`
}

// InForce reports whether the substitution lends its position on day.
func (s SubstitutionEntry) InForce(day calendar.Date) bool {
	return !day.Before(s.ValidFrom) && !day.After(s.ValidTo)
}

// Users lists the office's users by login, active or not (administrators
// only).
func (s *Service) Users(ctx context.Context, a *Actor) ([]UserEntry, error) {
	const op = "registry.Users"
	if err := requireAdminRead(op, a); err != nil {
		return nil, err
	}
	var out []UserEntry
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["ListUsers"], a.OfficeID)
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (UserEntry, error) {
			var u UserEntry
			var roles []string
			err := r.Scan(&u.ID, &u.Login, &u.Name, &u.Email, &roles, &u.Active, &u.CreatedAt, &u.Positions)
			for _, role := range roles {
				u.Roles = append(u.Roles, Role(role))
			}
			return u, err
		})
		return err
	})
	return out, postgres.Err(op, err)
}

// Positions lists the office's positions by unit, the head's first, with
// their holders (administrators only).
func (s *Service) Positions(ctx context.Context, a *Actor) ([]PositionEntry, error) {
	const op = "registry.Positions"
	if err := requireAdminRead(op, a); err != nil {
		return nil, err
	}
	var out []PositionEntry
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["ListPositions"], a.OfficeID)
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (PositionEntry, error) {
			var p PositionEntry
			err := r.Scan(&p.ID, &p.UnitID, &p.Name, &p.IsHead, &p.Unit, &p.Holders)
			return p, err
		})
		return err
	})
	return out, postgres.Err(op, err)
}

// Substitutions lists the office's substitutions, latest ending first
// (administrators only; at most 1000).
func (s *Service) Substitutions(ctx context.Context, a *Actor) ([]SubstitutionEntry, error) {
	const op = "registry.Substitutions"
	if err := requireAdminRead(op, a); err != nil {
		return nil, err
	}
	var out []SubstitutionEntry
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["ListSubstitutions"], a.OfficeID)
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (SubstitutionEntry, error) {
			var e SubstitutionEntry
			err := r.Scan(&e.ID, &e.PositionID, &e.UserID, &e.ValidFrom, &e.ValidTo, &e.Reason, &e.Position, &e.Unit, &e.UserLogin, &e.UserName)
			return e, err
		})
		return err
	})
	return out, postgres.Err(op, err)
}

// HeadPosition is the position that heads the unit: the unit's own head
// position, else the nearest one above it (a sub-unit without its own
// head answers to the parent's). Work needing a head's approval is given
// to this position, so whoever holds it or stands in for it
// (substitution) sees it, and nobody else of the unit can approve it.
func (s *Service) HeadPosition(ctx context.Context, a *Actor, unitID uuid.UUID) (*Position, error) {
	const op = "registry.HeadPosition"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var p Position
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, q["HeadPosition"], unitID).Scan(&p.ID, &p.UnitID, &p.Name, &p.IsHead)
	})
	if err != nil {
		return nil, postgres.NotFound(op, err, "no head position in the unit or any unit above it: create one (administration) so approvals have someone to go to")
	}
	return &p, nil
}

// requireAdminRead: the organisation lists are the administrator's.
func requireAdminRead(op string, a *Actor) error {
	if err := requireActor(op, a); err != nil {
		return err
	}
	if !a.Has(RoleAdmin) {
		return forbidden(op, "only an administrator may list users, positions and substitutions")
	}
	return nil
}
