package registry

import (
	"slices"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
)

// Role is what a user may do across the office; unit scope narrows it.
type Role string

const (
	RoleAdmin     Role = "admin"     // administers the office: organisation, users, JRWA; sees everything
	RoleRegistry  Role = "registry"  // kancelaria: registers correspondence, opens cases in any unit
	RoleHead      Role = "head"      // unit head: works and assigns in the units they head and below
	RoleOfficer   Role = "officer"   // case officer: works in the units of the positions they hold
	RoleArchivist Role = "archivist" // reads everything, changes nothing in cases
	// RoleIntegrator is for systems, not people: starts processes,
	// delivers messages, serves external tasks. Sees no cases by itself.
	RoleIntegrator Role = "integrator"
)

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool {
	switch r {
	case RoleAdmin, RoleRegistry, RoleHead, RoleOfficer, RoleArchivist, RoleIntegrator:
		return true
	}
	return false
}

// Actor is who acts: a user of one office with the roles and the unit scope
// in force today (positions held plus positions lent by substitution).
type Actor struct {
	UserID    uuid.UUID
	OfficeID  uuid.UUID
	Login     string
	Name      string
	Roles     []Role
	Positions []ActorPosition // held directly or by substitution today
	Units     []uuid.UUID     // unit scope: units of the positions, and for heads the units below
}

// ActorPosition is a position the actor holds today.
type ActorPosition struct {
	ID             uuid.UUID
	Name           string
	UnitID         uuid.UUID
	IsHead         bool
	BySubstitution bool
}

// Has reports whether the actor has role r.
func (a *Actor) Has(r Role) bool { return a != nil && slices.Contains(a.Roles, r) }

// seesAll: roles that read every case of the office.
func (a *Actor) seesAll() bool {
	return a.Has(RoleAdmin) || a.Has(RoleRegistry) || a.Has(RoleArchivist)
}

func (a *Actor) inUnit(unit uuid.UUID) bool { return slices.Contains(a.Units, unit) }

func (a *Actor) holds(position uuid.UUID) bool {
	for _, p := range a.Positions {
		if p.ID == position {
			return true
		}
	}
	return false
}

func (a *Actor) positionIDs() []uuid.UUID {
	out := make([]uuid.UUID, len(a.Positions))
	for i, p := range a.Positions {
		out[i] = p.ID
	}
	return out
}

// positionName is the actor's position to record in the metryka for an
// action in unit: the position held in that unit, else the first held.
func (a *Actor) positionName(unit uuid.UUID) string {
	for _, p := range a.Positions {
		if p.UnitID == unit {
			return p.Name
		}
	}
	if len(a.Positions) > 0 {
		return a.Positions[0].Name
	}
	if len(a.Roles) > 0 {
		return string(a.Roles[0])
	}
	return ""
}

// canCreateCaseIn: the registry and admins open cases in any unit; heads and
// officers in their unit scope.
func (a *Actor) canCreateCaseIn(unit uuid.UUID) bool {
	if a.Has(RoleAdmin) || a.Has(RoleRegistry) {
		return true
	}
	return (a.Has(RoleHead) || a.Has(RoleOfficer)) && a.inUnit(unit)
}

// canRead: roles that see all, or the case is in the actor's unit scope, or
// the actor holds the position that owns it (case participation).
func (a *Actor) canRead(c *Case) bool {
	if a.seesAll() {
		return true
	}
	if a.inUnit(c.UnitID) {
		return true
	}
	return c.OwnerPositionID != nil && a.holds(*c.OwnerPositionID)
}

// canWork: change status, attach documents, add parties. Admins; heads and
// officers in scope or owning it. The registry may attach documents (it
// registers them) but not decide the case.
func (a *Actor) canWork(c *Case) bool {
	if a.Has(RoleAdmin) {
		return true
	}
	if !(a.Has(RoleHead) || a.Has(RoleOfficer)) {
		return false
	}
	return a.inUnit(c.UnitID) || (c.OwnerPositionID != nil && a.holds(*c.OwnerPositionID))
}

func (a *Actor) canAttach(c *Case) bool { return a.Has(RoleRegistry) || a.canWork(c) }

func forbidden(op, msg string) error { return engine.E(op, engine.KindForbidden, msg) }

func requireActor(op string, a *Actor) error {
	if a == nil || a.UserID == uuid.Nil || a.OfficeID == uuid.Nil {
		return engine.E(op, engine.KindUnauthenticated, "no authenticated user")
	}
	return nil
}
