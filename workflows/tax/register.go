package tax

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/workflows/tax/rules"
)

// Holding is one period of an object held by a taxpayer, as the
// declarations recorded it; a superseded one was restated by a correction.
type Holding struct {
	ObjectID     uuid.UUID      `json:"objectId"`
	Category     string         `json:"category"`
	Label        string         `json:"label"`
	Parcel       string         `json:"parcel,omitempty"`
	Address      string         `json:"address,omitempty"`
	LandRegister string         `json:"landRegister,omitempty"`
	Base         string         `json:"base"` // e.g. "130,50 m²"
	Share        string         `json:"share"`
	EventFrom    calendar.Date  `json:"eventFrom"`
	EventTo      *calendar.Date `json:"eventTo,omitempty"`
	// TaxedFrom and TaxedTo are the months of the obligation (upol art. 6
	// ust. 1 and 3): from the first day of the month after the event to
	// the end of the month it ceased.
	TaxedFrom    *calendar.Date `json:"taxedFrom,omitempty"`
	TaxedTo      *calendar.Date `json:"taxedTo,omitempty"`
	Declaration  uuid.UUID      `json:"declarationId"`
	SupersededBy *uuid.UUID     `json:"supersededBy,omitempty"`
	RecordedAt   time.Time      `json:"recordedAt"`
}

// TaxpayerRecord is a taxpayer with the history of what they hold.
type TaxpayerRecord struct {
	Taxpayer
	Holdings []Holding `json:"holdings"`
}

// Taxpayers finds taxpayers by name fragment, PESEL, NIP or account.
func (s *Service) Taxpayers(ctx context.Context, a *registry.Actor, query string) ([]*Taxpayer, error) {
	const op = "tax.Taxpayers"
	var out []*Taxpayer
	err := s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
		if err := s.requireTaxStaff(ctx, rt.PG(), op, a); err != nil {
			return err
		}
		rows, err := rt.PG().Query(ctx, q["FindTaxpayers"], strings.TrimSpace(query))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanTaxpayer(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	return out, err
}

// TaxpayerRecord returns a taxpayer with every period ever recorded.
func (s *Service) TaxpayerRecord(ctx context.Context, a *registry.Actor, id uuid.UUID) (*TaxpayerRecord, error) {
	const op = "tax.TaxpayerRecord"
	var out TaxpayerRecord
	err := s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
		tx := rt.PG()
		if err := s.requireTaxStaff(ctx, tx, op, a); err != nil {
			return err
		}
		tp, err := loadTaxpayer(ctx, tx, id)
		if err == pgx.ErrNoRows {
			return engine.Errorf(op, engine.KindNotFound, "no taxpayer %s", id)
		}
		if err != nil {
			return err
		}
		out.Taxpayer = *tp
		rows, err := tx.Query(ctx, q["HoldingsHistory"], id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h Holding
			var base, num, den int64
			if err := rows.Scan(&h.ObjectID, &h.Category, &h.Parcel, &h.Address, &h.LandRegister, &base, &num, &den,
				&h.EventFrom, &h.EventTo, &h.Declaration, &h.SupersededBy, &h.RecordedAt); err != nil {
				return err
			}
			cat := rules.Category(h.Category)
			info, _ := cat.Info()
			h.Label, h.Base = cat.Label(), rules.Quantity(base).Format(info.Unit)
			h.Share = fmt.Sprintf("%d/%d", num, den)
			ob := rules.Obligation{Start: &h.EventFrom, End: h.EventTo}
			h.TaxedFrom, h.TaxedTo = ob.First(), ob.Last()
			out.Holdings = append(out.Holdings, h)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	if out.Holdings == nil {
		out.Holdings = []Holding{}
	}
	return &out, nil
}
