package tax

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/workflows/tax/rules"
)

// Dictionary kinds.
const (
	KindRate         = "rate"          // key: category; value: zł per unit, or % for structures
	KindInstalment   = "instalment"    // key: 1..4; value: MM-DD
	KindReminderCost = "reminder_cost" // value: zł
	KindInterestRate = "interest_rate" // value: % a year
)

// Entry is one dictionary value in force from ValidFrom to ValidTo (open
// when nil).
type Entry struct {
	ID         uuid.UUID      `json:"id"`
	Kind       string         `json:"kind"`
	Key        string         `json:"key"`
	Value      string         `json:"value"`
	ValidFrom  calendar.Date  `json:"validFrom"`
	ValidTo    *calendar.Date `json:"validTo,omitempty"`
	LegalBasis string         `json:"legalBasis"`
	CreatedAt  time.Time      `json:"createdAt"`
}

// SetEntry records a dictionary value. An open entry of the same kind and
// key that began earlier ends the day before the new one begins; any other
// overlap is refused, so there is one value for every day. A council rate is
// refused when it is above the Minister of Finance's maximum for any year it
// covers (upol art. 5 ust. 1; art. 20 ust. 2).
func (s *Service) SetEntry(ctx context.Context, a *registry.Actor, e Entry) (*Entry, error) {
	const op = "tax.SetEntry"
	if a == nil || !a.Has(registry.RoleAdmin) {
		return nil, engine.Errorf(op, engine.KindForbidden, "only an administrator keeps the tax dictionaries")
	}
	e.Kind, e.Key, e.Value, e.LegalBasis = strings.TrimSpace(e.Kind), strings.TrimSpace(e.Key), strings.TrimSpace(e.Value), strings.TrimSpace(e.LegalBasis)
	if e.ValidFrom.IsZero() {
		return nil, engine.Invalid(op, "validFrom", "validFrom is required")
	}
	if e.ValidTo != nil && e.ValidTo.Before(e.ValidFrom) {
		return nil, engine.Invalid(op, "validTo", "validTo is before validFrom")
	}
	if err := checkEntry(op, e); err != nil {
		return nil, err
	}
	e.ID, e.CreatedAt = uuid.Must(uuid.NewV7()), s.now()
	err := s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
		tx := rt.PG()
		// One writer per kind and key at a time, so two overlapping
		// entries cannot both pass the check.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "tax_dictionary:"+e.Kind+":"+e.Key); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, q["CloseOpenEntry"], e.Kind, e.Key, e.ValidFrom, e.ValidFrom.AddDays(-1)); err != nil {
			return err
		}
		var clash calendar.Date
		err := tx.QueryRow(ctx, q["OverlappingEntry"], e.Kind, e.Key, e.ValidFrom, e.ValidTo).Scan(&clash)
		if err == nil {
			return engine.Invalid(op, "validFrom", "another %s value for %q is in force from %s: end it first", e.Kind, e.Key, clash)
		}
		if err != pgx.ErrNoRows {
			return err
		}
		_, err = tx.Exec(ctx, q["InsertEntry"], e.ID, a.OfficeID, e.Kind, e.Key, e.Value, e.ValidFrom, e.ValidTo, e.LegalBasis, a.UserID, e.CreatedAt)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

func checkEntry(op string, e Entry) error {
	switch e.Kind {
	case KindRate:
		c, err := rules.ParseCategory(e.Key)
		if err != nil {
			return engine.E(op, engine.Field("key"), err)
		}
		r, err := rules.ParseRate(e.Value)
		if err != nil || r < 0 {
			return engine.Invalid(op, "value", "rate %q is not a non-negative decimal", e.Value)
		}
		last := e.ValidFrom.Year + 1
		if e.ValidTo != nil {
			last = e.ValidTo.Year
		}
		for y := e.ValidFrom.Year; y <= last; y++ {
			if _, ok := rules.MaxRate(y, c); !ok {
				if y == e.ValidFrom.Year {
					return engine.Invalid(op, "validFrom", "no maximum rates of the Minister of Finance are known for %d", y)
				}
				continue // a later year: checked when its maximum is announced
			}
			if err := rules.CheckRates(y, rules.RateTable{c: r}); err != nil {
				return engine.E(op, engine.Field("value"), err)
			}
		}
	case KindInstalment:
		n, err := strconv.Atoi(e.Key)
		if err != nil || n < 1 || n > 4 {
			return engine.Invalid(op, "key", "instalment number must be 1 to 4")
		}
		if _, err := time.Parse("01-02", e.Value); err != nil {
			return engine.Invalid(op, "value", "instalment day %q is not MM-DD", e.Value)
		}
	case KindReminderCost, KindInterestRate:
		if e.Key != "" {
			return engine.Invalid(op, "key", "%s has no key", e.Kind)
		}
		if r, err := rules.ParseRate(e.Value); err != nil || r <= 0 {
			return engine.Invalid(op, "value", "%q is not a positive decimal", e.Value)
		}
	default:
		return engine.Invalid(op, "kind", "kind must be rate, instalment, reminder_cost or interest_rate")
	}
	return nil
}

// Entries lists the dictionary values of a kind ("" for all) in force on
// day (nil: every value ever recorded).
func (s *Service) Entries(ctx context.Context, a *registry.Actor, kind string, on *calendar.Date) ([]Entry, error) {
	const op = "tax.Entries"
	var out []Entry
	err := s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
		if err := s.requireTaxStaff(ctx, rt.PG(), op, a); err != nil {
			return err
		}
		rows, err := rt.PG().Query(ctx, q["ListEntries"], kind, on)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Entry, error) {
			var e Entry
			err := r.Scan(&e.ID, &e.Kind, &e.Key, &e.Value, &e.ValidFrom, &e.ValidTo, &e.LegalBasis, &e.CreatedAt)
			return e, err
		})
		return err
	})
	return out, err
}

// ratesFor reads the council's rates for a tax year: the values in force on
// 1 January (a resolution sets them for the whole year, upol art. 20 ust. 2).
func ratesFor(ctx context.Context, tx pgx.Tx, year int) (rules.RateTable, error) {
	const op = "tax.rates"
	rows, err := tx.Query(ctx, q["EntriesOn"], KindRate, calendar.NewDate(year, time.January, 1))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rt := rules.RateTable{}
	for rows.Next() {
		var key, value string
		if err := rows.Scan(&key, &value); err != nil {
			return nil, err
		}
		r, err := rules.ParseRate(value)
		if err != nil {
			return nil, engine.E(op, err)
		}
		rt[rules.Category(key)] = r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(rt) == 0 {
		return nil, engine.Errorf(op, engine.KindConflict, "no council rates of property tax for %d: an administrator enters them in the tax dictionary", year)
	}
	return rt, nil
}

// instalmentDays reads the office's instalment days for a year, else the
// statutory ones (upol art. 6 ust. 7).
func instalmentDays(ctx context.Context, tx pgx.Tx, year int) ([]calendar.Date, error) {
	rows, err := tx.Query(ctx, q["EntriesOn"], KindInstalment, calendar.NewDate(year, time.January, 1))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	days := map[int]calendar.Date{}
	for rows.Next() {
		var key, value string
		if err := rows.Scan(&key, &value); err != nil {
			return nil, err
		}
		n, _ := strconv.Atoi(key)
		t, err := time.Parse("01-02", value)
		if err != nil {
			return nil, fmt.Errorf("instalment %s: %w", key, err)
		}
		days[n] = calendar.NewDate(year, t.Month(), t.Day())
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(days) == 0 {
		return rules.InstalmentDays(year), nil
	}
	out := make([]calendar.Date, 0, len(days))
	for n := 1; n <= 4; n++ {
		if d, ok := days[n]; ok {
			out = append(out, d)
		}
	}
	return out, nil
}
