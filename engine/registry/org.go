package registry

import (
	"context"
	"regexp"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/storage/postgres"
)

// Office is a tenant: one gmina, miasto or powiat office.
type Office struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	ShortName string    `json:"shortName"`
	Address   string    `json:"address,omitempty"` // postal address, one line per line of the envelope
}

// Unit is a komórka organizacyjna.
type Unit struct {
	ID       uuid.UUID  `json:"id"`
	ParentID *uuid.UUID `json:"parentId,omitempty"`
	Symbol   string     `json:"symbol"`
	Name     string     `json:"name"`
}

// Position is a stanowisko in a unit; work is assigned to positions.
type Position struct {
	ID     uuid.UUID `json:"id"`
	UnitID uuid.UUID `json:"unitId"`
	Name   string    `json:"name"`
	IsHead bool      `json:"isHead"`
}

// User is a person who logs in.
type User struct {
	ID    uuid.UUID `json:"id"`
	Login string    `json:"login"`
	Name  string    `json:"name"`
	Email string    `json:"email,omitempty"`
	Roles []Role    `json:"roles"`
}

// Substitution (zastępstwo) lends a position to a user for a date range, so
// absences need no reassignment of work.
type Substitution struct {
	ID         uuid.UUID     `json:"id"`
	PositionID uuid.UUID     `json:"positionId"`
	UserID     uuid.UUID     `json:"userId"`
	ValidFrom  calendar.Date `json:"validFrom"`
	ValidTo    calendar.Date `json:"validTo"`
	Reason     string        `json:"reason,omitempty"`
}

var (
	// Instrukcja kancelaryjna (Dz.U. 2011 nr 14 poz. 67), § 3: the unit symbol
	// is letters and digits with at least one letter; a sub-unit is joined by a hyphen.
	unitSymbolRe = regexp.MustCompile(`^[\p{L}\p{N}]+(-[\p{L}\p{N}]+)*$`)
	hasLetterRe  = regexp.MustCompile(`\p{L}`)
	shortNameRe  = regexp.MustCompile(`^[a-z0-9-]{2,32}$`)
	loginRe      = regexp.MustCompile(`^[a-z0-9._-]{2,64}$`)
	postalCodeRe = regexp.MustCompile(`^[0-9]{2}-[0-9]{3}$`)
)

// ValidUnitSymbol reports whether s may be a unit symbol in a case signature.
func ValidUnitSymbol(s string) bool { return unitSymbolRe.MatchString(s) && hasLetterRe.MatchString(s) }

// CreateOffice creates a tenant. It is system work (no actor): offices are
// created by the installation's operator, from the CLI or the seed.
func (s *Service) CreateOffice(ctx context.Context, name, shortName string) (*Office, error) {
	const op = "registry.CreateOffice"
	o := &Office{ID: newID(), Name: trim(name), ShortName: trim(shortName)}
	if o.Name == "" {
		return nil, engine.Invalid(op, "name", "office name is required")
	}
	if !shortNameRe.MatchString(o.ShortName) {
		return nil, engine.Invalid(op, "shortName", "short name must be 2–32 of a-z, 0-9 and '-'")
	}
	err := s.db.System(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q["InsertOffice"], o.ID, o.Name, o.ShortName, s.now())
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return o, nil
}

// OfficeByShortName finds an office (system look-up, for the CLI).
func (s *Service) OfficeByShortName(ctx context.Context, shortName string) (*Office, error) {
	const op = "registry.OfficeByShortName"
	var o Office
	err := s.db.System(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, q["OfficeByShortName"], shortName).Scan(&o.ID, &o.Name, &o.ShortName)
	})
	if err != nil {
		return nil, postgres.NotFound(op, err, "no office %q", shortName)
	}
	return &o, nil
}

func requireAdmin(op string, a *Actor) error {
	if err := requireActor(op, a); err != nil {
		return err
	}
	if !a.Has(RoleAdmin) {
		return forbidden(op, "only an administrator may change the organisation")
	}
	return nil
}

// CreateUnit adds a unit, under parent (by symbol) when given.
func (s *Service) CreateUnit(ctx context.Context, a *Actor, symbol, name, parentSymbol string) (*Unit, error) {
	const op = "registry.CreateUnit"
	if err := requireAdmin(op, a); err != nil {
		return nil, err
	}
	u := &Unit{ID: newID(), Symbol: trim(symbol), Name: trim(name)}
	if !ValidUnitSymbol(u.Symbol) {
		return nil, engine.Invalid(op, "symbol", "unit symbol %q must be letters and digits with at least one letter, sub-units joined by '-'", u.Symbol)
	}
	if u.Name == "" {
		return nil, engine.Invalid(op, "name", "unit name is required")
	}
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		if parentSymbol != "" {
			p, err := unitBySymbol(ctx, tx, parentSymbol)
			if err != nil {
				return engine.E(op, engine.Field("parent"), err)
			}
			u.ParentID = &p.ID
		}
		_, err := tx.Exec(ctx, q["InsertUnit"], u.ID, a.OfficeID, u.ParentID, u.Symbol, u.Name, s.now())
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return u, nil
}

func unitBySymbol(ctx context.Context, tx pgx.Tx, symbol string) (*Unit, error) {
	var u Unit
	err := tx.QueryRow(ctx, q["UnitBySymbol"], symbol).Scan(&u.ID, &u.ParentID, &u.Symbol, &u.Name)
	if err != nil {
		return nil, postgres.NotFound("registry.unit", err, "no unit %q in this office", symbol)
	}
	return &u, nil
}

// Units lists the office's units.
func (s *Service) Units(ctx context.Context, a *Actor) ([]Unit, error) {
	const op = "registry.Units"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var out []Unit
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["ListUnits"])
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Unit, error) {
			var u Unit
			err := r.Scan(&u.ID, &u.ParentID, &u.Symbol, &u.Name)
			return u, err
		})
		return err
	})
	return out, postgres.Err(op, err)
}

// CreatePosition adds a position to a unit.
func (s *Service) CreatePosition(ctx context.Context, a *Actor, unitSymbol, name string, isHead bool) (*Position, error) {
	const op = "registry.CreatePosition"
	if err := requireAdmin(op, a); err != nil {
		return nil, err
	}
	p := &Position{ID: newID(), Name: trim(name), IsHead: isHead}
	if p.Name == "" {
		return nil, engine.Invalid(op, "name", "position name is required")
	}
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		u, err := unitBySymbol(ctx, tx, unitSymbol)
		if err != nil {
			return engine.E(op, engine.Field("unit"), err)
		}
		p.UnitID = u.ID
		_, err = tx.Exec(ctx, q["InsertPosition"], p.ID, a.OfficeID, p.UnitID, p.Name, p.IsHead, s.now())
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return p, nil
}

// NewUser describes a user to create.
type NewUser struct {
	Login    string
	Name     string
	Email    string
	Password string // set when not empty; hashed with argon2id
	Roles    []Role
}

// CreateUser adds a user to the office of a (or, with a nil actor and
// officeID set, as system work for bootstrapping the first administrator).
func (s *Service) CreateUser(ctx context.Context, a *Actor, officeID uuid.UUID, in NewUser) (*User, error) {
	const op = "registry.CreateUser"
	if a != nil {
		if err := requireAdmin(op, a); err != nil {
			return nil, err
		}
		officeID = a.OfficeID
	}
	u := &User{ID: newID(), Login: trim(in.Login), Name: trim(in.Name), Email: trim(in.Email), Roles: in.Roles}
	if !loginRe.MatchString(u.Login) {
		return nil, engine.Invalid(op, "login", "login must be 2–64 of a-z, 0-9, '.', '_' and '-'")
	}
	if u.Name == "" {
		return nil, engine.Invalid(op, "name", "user name is required")
	}
	roles := make([]string, 0, len(in.Roles))
	for _, r := range in.Roles {
		if !ValidRole(r) {
			return nil, engine.Invalid(op, "roles", "unknown role %q", r)
		}
		roles = append(roles, string(r))
	}
	hash := ""
	if in.Password != "" {
		var err error
		if hash, err = HashPassword(in.Password); err != nil {
			return nil, engine.E(op, engine.Field("password"), err)
		}
	}
	err := s.db.Tenant(ctx, officeID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q["InsertUser"], u.ID, officeID, u.Login, u.Name, u.Email, hash, roles, s.now())
		return err
	})
	if engine.Is(engine.KindConflict, postgres.Err(op, err)) {
		return nil, engine.Invalid(op, "login", "login %q is taken", u.Login)
	}
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return u, nil
}

// AssignPosition makes a user hold a position.
func (s *Service) AssignPosition(ctx context.Context, a *Actor, userID, positionID uuid.UUID) error {
	const op = "registry.AssignPosition"
	if err := requireAdmin(op, a); err != nil {
		return err
	}
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q["AssignPosition"], a.OfficeID, userID, positionID)
		return err
	})
	return postgres.Err(op, err)
}

// CreateSubstitution lends a position to a user from..to (inclusive). Heads
// may arrange substitutions for positions in their scope; admins for any.
func (s *Service) CreateSubstitution(ctx context.Context, a *Actor, in Substitution) (*Substitution, error) {
	const op = "registry.CreateSubstitution"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	if in.ValidTo.Before(in.ValidFrom) {
		return nil, engine.Invalid(op, "validTo", "the substitution ends before it starts")
	}
	sub := in
	sub.ID = newID()
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		var unit uuid.UUID
		if err := tx.QueryRow(ctx, "SELECT unit_id FROM positions WHERE id = $1", in.PositionID).Scan(&unit); err != nil {
			return engine.E(op, engine.Field("positionId"), postgres.NotFound(op, err, "no such position"))
		}
		if !a.Has(RoleAdmin) && !(a.Has(RoleHead) && a.inUnit(unit)) {
			return forbidden(op, "only an administrator or the unit's head may arrange a substitution")
		}
		_, err := tx.Exec(ctx, q["InsertSubstitution"], sub.ID, a.OfficeID, sub.PositionID, sub.UserID,
			sub.ValidFrom, sub.ValidTo, sub.Reason, a.UserID, s.now())
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return &sub, nil
}

// Actor loads the user userID of office officeID with the positions and unit
// scope in force today.
func (s *Service) Actor(ctx context.Context, officeID, userID uuid.UUID) (*Actor, error) {
	const op = "registry.Actor"
	a := &Actor{UserID: userID, OfficeID: officeID}
	err := s.db.Tenant(ctx, officeID, func(tx pgx.Tx) error {
		var roles []string
		var active bool
		if err := tx.QueryRow(ctx, q["ActorUser"], userID).Scan(&a.Login, &a.Name, &roles, &active); err != nil {
			return postgres.NotFound(op, err, "no such user")
		}
		if !active {
			return engine.E(op, engine.KindUnauthenticated, "user is deactivated")
		}
		for _, r := range roles {
			a.Roles = append(a.Roles, Role(r))
		}
		rows, _ := tx.Query(ctx, q["ActorPositions"], userID, s.today())
		ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ActorPosition, error) {
			var p ActorPosition
			err := r.Scan(&p.ID, &p.Name, &p.UnitID, &p.IsHead, &p.BySubstitution)
			return p, err
		})
		if err != nil {
			return err
		}
		a.Positions = ps
		var units, headed []uuid.UUID
		for _, p := range ps {
			units = append(units, p.UnitID)
			if p.IsHead {
				headed = append(headed, p.UnitID)
			}
		}
		if len(headed) > 0 {
			rows, _ := tx.Query(ctx, q["UnitsBelow"], headed)
			below, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
			if err != nil {
				return err
			}
			units = append(units, below...)
		}
		a.Units = dedupe(units)
		return nil
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return a, nil
}

func dedupe(ids []uuid.UUID) []uuid.UUID {
	seen := map[uuid.UUID]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// OfficeAdmin returns an administrator of the office as an actor, for
// administrative commands run on the server: the one with that login, or
// the first created when login is empty.
func (s *Service) OfficeAdmin(ctx context.Context, officeID uuid.UUID, login string) (*Actor, error) {
	const op = "registry.OfficeAdmin"
	var id uuid.UUID
	err := s.db.System(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, q["OfficeAdmin"], officeID, login).Scan(&id)
	})
	if err != nil {
		return nil, postgres.NotFound(op, err, "no active administrator %q in the office", login)
	}
	return s.Actor(ctx, officeID, id)
}

// OfficeOf returns the actor's office.
func (s *Service) OfficeOf(ctx context.Context, a *Actor) (*Office, error) {
	const op = "registry.OfficeOf"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var o Office
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, q["GetOffice"], a.OfficeID).Scan(&o.ID, &o.Name, &o.ShortName, &o.Address)
	})
	if err != nil {
		return nil, postgres.NotFound(op, err, "no office")
	}
	return &o, nil
}

// SetOfficeAddress sets the office's postal address (system work: the
// seed and the installation's operator).
func (s *Service) SetOfficeAddress(ctx context.Context, officeID uuid.UUID, address string) error {
	return postgres.Err("registry.SetOfficeAddress", s.db.System(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q["SetOfficeAddress"], officeID, trim(address))
		return err
	}))
}

// RegistryUnit names the unit of the registry office (kancelaria): the
// unit of a position held by a user with the registry role. Workflows give
// it their registry tasks.
func (s *Service) RegistryUnit(ctx context.Context, officeID uuid.UUID) (string, error) {
	const op = "registry.RegistryUnit"
	var sym string
	err := s.db.Tenant(ctx, officeID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, q["RegistryUnit"]).Scan(&sym)
	})
	if err != nil {
		return "", postgres.NotFound(op, err, "no user with the registry role holds a position: workflows cannot give registry tasks to anyone")
	}
	return sym, nil
}

// Offices lists every office of the installation (system work).
func (s *Service) Offices(ctx context.Context) ([]Office, error) {
	var out []Office
	err := s.db.System(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, "SELECT id, name, short_name, address FROM offices ORDER BY short_name")
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Office, error) {
			var o Office
			return o, r.Scan(&o.ID, &o.Name, &o.ShortName, &o.Address)
		})
		return err
	})
	return out, postgres.Err("registry.Offices", err)
}
