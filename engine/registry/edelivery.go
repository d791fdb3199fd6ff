package registry

import (
	"context"
	"regexp"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/postgres"
)

// EDeliveryAddress is one of the office's addresses for electronic
// delivery (adres do doręczeń elektronicznych, ADE) and the units that send
// from it.
type EDeliveryAddress struct {
	ID        uuid.UUID `json:"id"`
	Address   string    `json:"address"`
	Name      string    `json:"name"`
	Default   bool      `json:"default"`
	Units     []string  `json:"units"`
	CreatedAt time.Time `json:"createdAt"`
}

var adeFormat = regexp.MustCompile(`^AE:PL-[0-9]{5}-[0-9]{5}-[A-Z]{5}-[0-9]{2}$`)

// ValidADEFormat reports whether s has the shape of an ADE,
// AE:PL-NNNNN-NNNNN-XXXXX-NN. The checksum is the e-Doręczenia adapter's
// business (edoreczenia.ParseADE), which callers use before this.
func ValidADEFormat(s string) bool { return adeFormat.MatchString(s) }

// AddEDeliveryAddress records an address of the office and the units
// (symbols) sending from it. One address may be the default, used by units
// with none of their own.
func (s *Service) AddEDeliveryAddress(ctx context.Context, a *Actor, address, name string, isDefault bool, units []string) (*EDeliveryAddress, error) {
	const op = "registry.AddEDeliveryAddress"
	if err := requireAdmin(op, a); err != nil {
		return nil, err
	}
	e := &EDeliveryAddress{ID: newID(), Address: trim(address), Name: trim(name), Default: isDefault, Units: units, CreatedAt: s.now()}
	if !ValidADEFormat(e.Address) {
		return nil, engine.Invalid(op, "address", "%q is not an e-Doręczenia address (AE:PL-NNNNN-NNNNN-XXXXX-NN)", e.Address)
	}
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, q["InsertEDeliveryAddress"], e.ID, a.OfficeID, e.Address, e.Name, e.Default, e.CreatedAt); err != nil {
			return err
		}
		for _, sym := range units {
			u, err := unitBySymbol(ctx, tx, sym)
			if err != nil {
				return engine.E(op, engine.Field("units"), err)
			}
			if _, err := tx.Exec(ctx, q["MapEDeliveryUnit"], a.OfficeID, u.ID, e.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return e, nil
}

// EDeliveryAddresses lists the office's addresses with their units.
func (s *Service) EDeliveryAddresses(ctx context.Context, a *Actor) ([]EDeliveryAddress, error) {
	const op = "registry.EDeliveryAddresses"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var out []EDeliveryAddress
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q["ListEDeliveryAddresses"])
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (EDeliveryAddress, error) {
			var e EDeliveryAddress
			err := r.Scan(&e.ID, &e.Address, &e.Name, &e.Default, &e.CreatedAt, &e.Units)
			return e, err
		})
		return err
	})
	return out, postgres.Err(op, err)
}

// EDeliverySender is the address a letter of the unit goes from: the
// unit's own, its nearest ancestor's, or the office default.
func (s *Service) EDeliverySender(ctx context.Context, officeID uuid.UUID, unitSymbol string) (string, error) {
	const op = "registry.EDeliverySender"
	var addr string
	err := s.db.TenantRow(ctx, officeID, q["EDeliverySender"], unitSymbol).Scan(&addr)
	if err == pgx.ErrNoRows {
		return "", engine.Errorf(op, engine.KindNotFound, "the office has no e-Doręczenia address for unit %q and no default one", unitSymbol)
	}
	return addr, postgres.Err(op, err)
}

// SetOutgoingExternalID records the service's identifier of a sent letter
// (the e-Doręczenia message id), once.
func (s *Service) SetOutgoingExternalID(ctx context.Context, a *Actor, id uuid.UUID, external string) error {
	const op = "registry.SetOutgoingExternalID"
	if err := requireActor(op, a); err != nil {
		return err
	}
	return postgres.Err(op, s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, q["SetOutgoingExternalID"], id, external)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var cur string
			if err := tx.QueryRow(ctx, "SELECT external_id FROM outgoing_items WHERE id = $1", id).Scan(&cur); err != nil {
				return postgres.NotFound(op, err, "no outgoing item %s", id)
			}
			if cur != external {
				return engine.Errorf(op, engine.KindConflict, "outgoing item %s was sent as %s already", id, cur)
			}
		}
		return nil
	}))
}

// OutgoingByExternalID finds the outgoing item sent as external.
func (s *Service) OutgoingByExternalID(ctx context.Context, a *Actor, external string) (*OutgoingItem, error) {
	const op = "registry.OutgoingByExternalID"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var id uuid.UUID
	err := s.db.TenantRow(ctx, a.OfficeID, q["OutgoingByExternalID"], external).Scan(&id)
	if err != nil {
		return nil, postgres.NotFound(op, err, "no outgoing item was sent as %s", external)
	}
	return s.Outgoing(ctx, a, id)
}
