package registry

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/storage/postgres"
)

// PostageRate is one line of the office's postal price list: the price of
// a class of letter up to a weight, valid for a period.
type PostageRate struct {
	ID         uuid.UUID      `json:"id"`
	Channel    string         `json:"channel"`
	MaxWeightG int            `json:"maxWeightG"`
	Price      int            `json:"price"` // grosze
	ValidFrom  calendar.Date  `json:"validFrom"`
	ValidTo    *calendar.Date `json:"validTo,omitempty"`
}

var postalChannels = []string{"post_ordinary", "post_registered", "post_zpo", "post_priority", "courier"}

// AddPostageRate adds a price to the list (administrators and the
// registry office, who keep the operator's tariff current).
func (s *Service) AddPostageRate(ctx context.Context, a *Actor, r PostageRate) (*PostageRate, error) {
	const op = "registry.AddPostageRate"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	if !a.Has(RoleAdmin) && !a.Has(RoleRegistry) {
		return nil, forbidden(op, "only the registry office or an administrator keeps the price list")
	}
	switch {
	case !contains(postalChannels, r.Channel):
		return nil, engine.Invalid(op, "channel", "channel must be a postal class: post_ordinary, post_registered, post_zpo, post_priority or courier")
	case r.MaxWeightG <= 0:
		return nil, engine.Invalid(op, "maxWeightG", "maxWeightG must be positive")
	case r.Price < 0:
		return nil, engine.Invalid(op, "price", "price must not be negative")
	case r.ValidFrom.IsZero():
		return nil, engine.Invalid(op, "validFrom", "validFrom is required")
	case r.ValidTo != nil && r.ValidTo.Before(r.ValidFrom):
		return nil, engine.Invalid(op, "validTo", "the rate ends before it starts")
	}
	r.ID = newID()
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q["InsertPostageRate"], r.ID, a.OfficeID, r.Channel, r.MaxWeightG, r.Price, r.ValidFrom, r.ValidTo, s.now())
		return err
	})
	if engine.Is(engine.KindConflict, postgres.Err(op, err)) {
		return nil, engine.Invalid(op, "validFrom", "a rate for this class and weight already starts on %s", r.ValidFrom)
	}
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return &r, nil
}

// PostageRates lists the rates in force today or later.
func (s *Service) PostageRates(ctx context.Context, a *Actor) ([]PostageRate, error) {
	const op = "registry.PostageRates"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var out []PostageRate
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["ListPostageRates"], s.today())
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (PostageRate, error) {
			var p PostageRate
			return p, r.Scan(&p.ID, &p.Channel, &p.MaxWeightG, &p.Price, &p.ValidFrom, &p.ValidTo)
		})
		return err
	})
	return out, postgres.Err(op, err)
}

// postageFor looks up the price of a class and weight on a date; ok is
// false when the price list has no such rate.
func postageFor(ctx context.Context, tx pgx.Tx, channel string, weightG int, on calendar.Date) (price int, ok bool, err error) {
	if weightG <= 0 {
		weightG = 1
	}
	err = tx.QueryRow(ctx, q["PostageFor"], channel, weightG, on).Scan(&price)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	return price, err == nil, err
}
