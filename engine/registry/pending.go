package registry

import (
	"context"

	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/storage/postgres"
)

// PendingAssignments lists the assignments (dekretacje) waiting for the
// actor's acceptance, soonest deadline first, at most 500: those to a
// position the actor holds (directly or by substitution), and those to a
// unit in the actor's scope without a position — the units the actor
// works in, and for heads the units below. Administrators get every pending
// assignment of the office. These are exactly the assignments
// AcceptAssignment and ReturnAssignment let the actor decide, so a head's
// inbox works without the incoming-item workflow.
func (s *Service) PendingAssignments(ctx context.Context, a *Actor) ([]*Assignment, error) {
	const op = "registry.PendingAssignments"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var out []*Assignment
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["PendingAssignments"], a.Units, a.positionIDs(), a.Has(RoleAdmin))
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Assignment, error) {
			x, err := scanAssignment(r)
			return &x, err
		})
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return out, nil
}
