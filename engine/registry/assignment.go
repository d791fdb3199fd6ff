package registry

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/storage/postgres"
)

// Assignment is a dekretacja of an incoming item: to a unit and/or a
// position, with an instruction and a deadline. It is itself a recorded,
// attributable act (instrukcja kancelaryjna § 2 pkt 4; domain-rules §1).
type Assignment struct {
	ID          uuid.UUID      `json:"id"`
	ItemID      uuid.UUID      `json:"itemId"`
	UnitID      *uuid.UUID     `json:"unitId,omitempty"`
	Unit        string         `json:"unit,omitempty"`
	PositionID  *uuid.UUID     `json:"positionId,omitempty"`
	Instruction string         `json:"instruction,omitempty"`
	Deadline    *calendar.Date `json:"deadline,omitempty"`
	State       string         `json:"state"` // pending, accepted, returned, superseded
	AssignedBy  uuid.UUID      `json:"assignedBy"`
	AssignedAt  time.Time      `json:"assignedAt"`
	DecidedBy   *uuid.UUID     `json:"decidedBy,omitempty"`
	DecidedAt   *time.Time     `json:"decidedAt,omitempty"`
	Reason      string         `json:"reason,omitempty"`
}

func scanAssignment(r pgx.Row) (Assignment, error) {
	var x Assignment
	err := r.Scan(&x.ID, &x.ItemID, &x.UnitID, &x.Unit, &x.PositionID, &x.Instruction, &x.Deadline, &x.State,
		&x.AssignedBy, &x.AssignedAt, &x.DecidedBy, &x.DecidedAt, &x.Reason)
	return x, err
}

func itemAssignments(ctx context.Context, tx pgx.Tx, item uuid.UUID) ([]Assignment, error) {
	rows, _ := tx.Query(ctx, q["ItemAssignments"], item)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Assignment, error) { return scanAssignment(r) })
}

// AssignTo names where an item goes.
type AssignTo struct {
	Unit        string     // unit symbol
	PositionID  *uuid.UUID // a position (in the unit, if both are given)
	Instruction string
	Deadline    *calendar.Date
}

// Actions in the metryka for an item in a case.
const (
	ActionItemAssigned = "item.assigned"
	ActionItemAccepted = "item.accepted"
	ActionItemReturned = "item.returned"
	ActionItemAttached = "item.attached"
)

// Assign decrees an item to a unit and/or position; an earlier pending
// assignment is superseded (reassignment). The registry office and heads
// assign; heads only within their units.
func (s *Service) Assign(ctx context.Context, a *Actor, itemID uuid.UUID, to AssignTo) (*Assignment, error) {
	const op = "registry.Assign"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	if to.Unit == "" && to.PositionID == nil {
		return nil, engine.Invalid(op, "unit", "a unit or a position is required")
	}
	x := &Assignment{ID: newID(), ItemID: itemID, PositionID: to.PositionID, Instruction: trim(to.Instruction), Deadline: to.Deadline,
		State: "pending", AssignedBy: a.UserID, AssignedAt: s.now()}
	if to.Deadline != nil && to.Deadline.Before(s.today()) {
		return nil, engine.Invalid(op, "deadline", "the deadline %s has passed", to.Deadline)
	}
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, q["LockIncoming"], itemID); err != nil {
			return err
		}
		item, err := scanIncoming(tx.QueryRow(ctx, q["GetIncoming"], itemID))
		if err != nil {
			return postgres.NotFound(op, err, "no incoming item %s", itemID)
		}
		var unit uuid.UUID
		if to.Unit != "" {
			u, err := unitBySymbol(ctx, tx, trim(to.Unit))
			if err != nil {
				return engine.E(op, engine.Field("unit"), err)
			}
			unit, x.UnitID, x.Unit = u.ID, &u.ID, u.Symbol
		}
		if to.PositionID != nil {
			var pu uuid.UUID
			if err := tx.QueryRow(ctx, "SELECT unit_id FROM positions WHERE id = $1", *to.PositionID).Scan(&pu); err != nil {
				return engine.E(op, engine.Field("positionId"), postgres.NotFound(op, err, "no such position"))
			}
			if x.UnitID != nil && pu != unit {
				return engine.Invalid(op, "positionId", "the position is not in unit %s", x.Unit)
			}
			if x.UnitID == nil {
				unit, x.UnitID = pu, &pu
			}
		}
		if !a.Has(RoleAdmin) && !a.Has(RoleRegistry) && !(a.Has(RoleHead) && a.inUnit(unit)) {
			return forbidden(op, "only the registry office or the unit's head may assign items")
		}
		if _, err := tx.Exec(ctx, q["SupersedeAssignments"], itemID, x.AssignedAt, a.UserID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, q["InsertAssignment"], x.ID, a.OfficeID, itemID, x.UnitID, x.PositionID, x.Instruction, x.Deadline, a.UserID, x.AssignedAt); err != nil {
			return err
		}
		status := "assigned"
		if item.CaseID != nil {
			status = "in_case"
		}
		if _, err := tx.Exec(ctx, q["UpdateIncomingAssignment"], itemID, x.UnitID, x.PositionID, status); err != nil {
			return err
		}
		return s.itemMetryka(ctx, tx, a, item, ActionItemAssigned, map[string]string{"unit": x.Unit, "instruction": x.Instruction})
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return x, nil
}

// itemMetryka records an action on an item that is in a case.
func (s *Service) itemMetryka(ctx context.Context, tx pgx.Tx, a *Actor, item *IncomingItem, action string, details map[string]string) error {
	if item.CaseID == nil {
		return nil
	}
	c, err := getCase(ctx, tx, q["LockCase"], *item.CaseID)
	if err != nil {
		return err
	}
	details["rpw"] = item.RPW
	return s.appendMetryka(ctx, tx, a, c, action, item.DocumentID, details)
}

// AcceptAssignment: the assignee takes the item on.
func (s *Service) AcceptAssignment(ctx context.Context, a *Actor, id uuid.UUID) error {
	return s.decide(ctx, a, id, "registry.AcceptAssignment", "accepted", "", ActionItemAccepted)
}

// ReturnAssignment: the assignee sends the item back (not theirs) with a reason.
func (s *Service) ReturnAssignment(ctx context.Context, a *Actor, id uuid.UUID, reason string) error {
	if trim(reason) == "" {
		return engine.Invalid("registry.ReturnAssignment", "reason", "a reason is required to return an item")
	}
	return s.decide(ctx, a, id, "registry.ReturnAssignment", "returned", reason, ActionItemReturned)
}

func (s *Service) decide(ctx context.Context, a *Actor, id uuid.UUID, op, state, reason, action string) error {
	if err := requireActor(op, a); err != nil {
		return err
	}
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		x, err := scanAssignment(tx.QueryRow(ctx, q["GetAssignment"], id))
		if err != nil {
			return postgres.NotFound(op, err, "no assignment %s", id)
		}
		if _, err := tx.Exec(ctx, q["LockIncoming"], x.ItemID); err != nil {
			return err
		}
		mine := (x.PositionID != nil && a.holds(*x.PositionID)) || (x.PositionID == nil && x.UnitID != nil && a.inUnit(*x.UnitID))
		if !mine && !a.Has(RoleAdmin) {
			return forbidden(op, "the item is assigned to another unit or position")
		}
		tag, err := tx.Exec(ctx, q["DecideAssignment"], id, state, a.UserID, s.now(), trim(reason))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return engine.Errorf(op, engine.KindConflict, "the assignment is %s already", x.State)
		}
		item, err := scanIncoming(tx.QueryRow(ctx, q["GetIncoming"], x.ItemID))
		if err != nil {
			return err
		}
		status := state
		if item.CaseID != nil {
			status = "in_case"
		}
		if _, err := tx.Exec(ctx, q["UpdateIncomingStatus"], x.ItemID, status); err != nil {
			return err
		}
		return s.itemMetryka(ctx, tx, a, item, action, map[string]string{"reason": trim(reason)})
	})
	return postgres.Err(op, err)
}

// OpenCaseForItem opens a new case for an incoming item: the sender and
// reference go into the spis spraw, the item's document into the case.
// KPA art. 61 §3: the case starts on the day the request was received.
func (s *Service) OpenCaseForItem(ctx context.Context, a *Actor, itemID uuid.UUID, nc NewCase) (*Case, error) {
	const op = "registry.OpenCaseForItem"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var item *IncomingItem
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		var err error
		item, err = s.visibleIncoming(ctx, tx, a, op, itemID)
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	if item.CaseID != nil {
		return nil, engine.Errorf(op, engine.KindConflict, "item %s is already in case %s", item.RPW, item.CaseSignature)
	}
	if nc.Title == "" {
		nc.Title = item.Subject
	}
	if nc.Unit == "" {
		nc.Unit = item.Unit
	}
	nc.Sender, nc.SenderRef, nc.SenderDate = item.SenderName, item.SenderRef, item.SenderDate
	if nc.StartedOn == nil {
		nc.StartedOn = &item.ReceivedOn
	}
	if item.SenderPartyID != nil {
		nc.Parties = append([]NewCaseParty{{Party: Party{ID: *item.SenderPartyID}, Role: "strona"}}, nc.Parties...)
	}
	nc.item = item
	return s.CreateCase(ctx, a, nc)
}

// attachItem puts an item (and its document) into case c, in tx.
func (s *Service) attachItem(ctx context.Context, tx pgx.Tx, a *Actor, c *Case, item *IncomingItem) error {
	if _, err := tx.Exec(ctx, q["LockIncoming"], item.ID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, q["UpdateIncomingCase"], item.ID, c.ID); err != nil {
		return err
	}
	if item.DocumentID != nil {
		if _, err := tx.Exec(ctx, "UPDATE documents SET case_id = $2 WHERE id = $1 AND case_id IS NULL", *item.DocumentID, c.ID); err != nil {
			return err
		}
	}
	return s.appendMetryka(ctx, tx, a, c, ActionItemAttached, item.DocumentID, map[string]string{
		"rpw": item.RPW, "subject": item.Subject, "sender": item.SenderName, "receivedOn": item.ReceivedOn.String(),
	})
}

// AttachItem adds an incoming item to an existing case.
func (s *Service) AttachItem(ctx context.Context, a *Actor, itemID, caseID uuid.UUID) error {
	const op = "registry.AttachItem"
	if err := requireActor(op, a); err != nil {
		return err
	}
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		item, err := s.visibleIncoming(ctx, tx, a, op, itemID)
		if err != nil {
			return err
		}
		if item.CaseID != nil {
			if *item.CaseID == caseID {
				return nil
			}
			return engine.Errorf(op, engine.KindConflict, "item %s is already in case %s", item.RPW, item.CaseSignature)
		}
		c, err := getCase(ctx, tx, q["LockCase"], caseID)
		if err != nil {
			return engine.E(op, engine.Field("caseId"), err)
		}
		if !a.canAttach(c) {
			return forbidden(op, "you may not add items to this case")
		}
		if c.Status == StatusClosed {
			return engine.Errorf(op, engine.KindConflict, "case %s is closed", c.Signature)
		}
		return s.attachItem(ctx, tx, a, c, item)
	})
	return postgres.Err(op, err)
}
