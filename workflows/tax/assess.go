package tax

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/workflows/tax/rules"
)

// Line is one line of a decision's calculation, as shown on it.
type Line struct {
	Category string `json:"category"`
	Label    string `json:"label"`
	Place    string `json:"place"`
	Base     int64  `json:"base"` // rules.Quantity
	BaseText string `json:"baseText"`
	Rate     string `json:"rate"`
	Share    string `json:"share"`
	Months   int    `json:"months"`
	Amount   int64  `json:"amount"` // grosze, display only
}

// Instalment is one instalment of a delivered decision.
type Instalment struct {
	No     int           `json:"no"`
	Due    calendar.Date `json:"due"`
	Amount int64         `json:"amount"` // grosze
}

// Decision is a decision fixing a taxpayer's property tax for a year.
type Decision struct {
	ID            uuid.UUID      `json:"id"`
	TaxpayerID    uuid.UUID      `json:"taxpayerId"`
	Year          int            `json:"year"`
	CaseID        uuid.UUID      `json:"caseId"`
	CaseSignature string         `json:"caseSignature"`
	Status        string         `json:"status"`
	Total         int64          `json:"total"` // grosze, whole złoty
	Lines         []Line         `json:"lines"`
	Instalments   []Instalment   `json:"instalments"`
	Replaces      *uuid.UUID     `json:"replaces,omitempty"`
	BatchID       *uuid.UUID     `json:"batchId,omitempty"`
	DocumentID    *uuid.UUID     `json:"documentId,omitempty"`
	DeliveredOn   *calendar.Date `json:"deliveredOn,omitempty"`
	CreatedAt     time.Time      `json:"createdAt"`
}

func scanDecision(r pgx.Row) (*Decision, error) {
	var d Decision
	var lines, inst []byte
	err := r.Scan(&d.ID, &d.TaxpayerID, &d.Year, &d.CaseID, &d.CaseSignature, &d.Status, &d.Total, &lines, &inst, &d.Replaces,
		&d.BatchID, &d.DocumentID, &d.DeliveredOn, &d.CreatedAt)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(lines, &d.Lines); err != nil {
		return nil, err
	}
	return &d, json.Unmarshal(inst, &d.Instalments)
}

// assess computes a taxpayer's tax for a year from the periods in force:
// months by upol art. 6 ust. 1 and 3, base × rate × months/12 × share,
// the total rounded once (Ordynacja podatkowa art. 63 §1).
func assess(ctx context.Context, tx pgx.Tx, taxpayer uuid.UUID, year int) (rules.Assessment, []Line, error) {
	const op = "tax.assess"
	rates, err := ratesFor(ctx, tx, year)
	if err != nil {
		return rules.Assessment{}, nil, err
	}
	rows, err := tx.Query(ctx, q["HoldingsForYear"], taxpayer, year)
	if err != nil {
		return rules.Assessment{}, nil, err
	}
	type held struct {
		cat, parcel, place string
		base               int64
		num, den           int64
		from               calendar.Date
		to                 *calendar.Date
		newBuilding        bool
	}
	var hs []held
	for rows.Next() {
		var h held
		if err := rows.Scan(&h.cat, &h.parcel, &h.place, &h.base, &h.num, &h.den, &h.from, &h.to, &h.newBuilding); err != nil {
			rows.Close()
			return rules.Assessment{}, nil, err
		}
		hs = append(hs, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rules.Assessment{}, nil, err
	}
	var objs []rules.Object
	var lines []Line
	for _, h := range hs {
		m := rules.Months(year, &h.from, h.to, h.newBuilding)
		if m == 0 {
			continue
		}
		objs = append(objs, rules.Object{Category: rules.Category(h.cat), Base: rules.Quantity(h.base), Share: rules.Share{Num: h.num, Den: h.den}, Months: m})
		place := h.place
		if h.parcel != "" {
			place = fmt.Sprintf("%s, dz. %s", h.place, h.parcel)
		}
		lines = append(lines, Line{Category: h.cat, Label: rules.Category(h.cat).Label(), Place: place, Base: h.base,
			Share: fmt.Sprintf("%d/%d", h.num, h.den), Months: m})
	}
	if len(objs) == 0 {
		return rules.Assessment{}, nil, engine.Errorf(op, engine.KindConflict, "the taxpayer holds nothing taxable in %d", year)
	}
	a, err := rules.Assess(year, rates, objs)
	if err != nil {
		return rules.Assessment{}, nil, err
	}
	for i, l := range a.Lines {
		info, _ := l.Category.Info()
		lines[i].Base = int64(l.Base)
		lines[i].BaseText = l.Base.Format(info.Unit)
		if info.Percent {
			lines[i].Rate = l.Rate.String() + "%"
		} else {
			lines[i].Rate = l.Rate.String() + " zł/" + info.Unit.Symbol()
		}
		lines[i].Amount = int64(l.Amount)
	}
	return a, lines, nil
}

// draft records a draft decision for the taxpayer's year in tx: the
// decision in force (if any) is replaced — it stays as issued, the new one
// names it — and a draft under review is set aside as rejected.
func (s *Service) draft(ctx context.Context, rt *registry.Tx, taxpayer uuid.UUID, year int, caseID uuid.UUID, batch *uuid.UUID, key string) (*Decision, error) {
	tx := rt.PG()
	if key != "" {
		d, err := scanDecision(tx.QueryRow(ctx, q["DecisionByKey"], key))
		if err == nil {
			return d, nil // drafted by an earlier run of the same step
		}
		if err != pgx.ErrNoRows {
			return nil, err
		}
	}
	a, lines, err := assess(ctx, tx, taxpayer, year)
	if err != nil {
		return nil, err
	}
	var replaces *uuid.UUID
	var prev uuid.UUID
	var prevStatus string
	switch err := tx.QueryRow(ctx, q["CurrentDecision"], taxpayer, year).Scan(&prev, &prevStatus); err {
	case nil:
		next := "replaced"
		if prevStatus == "draft" {
			next = "rejected"
		} else {
			replaces = &prev
		}
		if _, err := tx.Exec(ctx, q["SetDecisionStatus"], prev, next, s.now()); err != nil {
			return nil, err
		}
	case pgx.ErrNoRows:
	default:
		return nil, err
	}
	d := &Decision{ID: uuid.Must(uuid.NewV7()), TaxpayerID: taxpayer, Year: year, CaseID: caseID, Status: "draft",
		Total: int64(a.Total), Lines: lines, Replaces: replaces, BatchID: batch, CreatedAt: s.now()}
	body, err := json.Marshal(lines)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, q["InsertDecision"], d.ID, rt.Actor().OfficeID, taxpayer, year, caseID, d.Status, d.Total, body, replaces, batch, rt.Actor().UserID, d.CreatedAt, key); err != nil {
		return nil, err
	}
	details := map[string]string{"decision": d.ID.String(), "year": fmt.Sprint(year), "total": rules.Grosze(d.Total).String()}
	if replaces != nil {
		details["replaces"] = replaces.String()
	}
	return d, rt.Record(ctx, caseID, "tax.assessed", nil, details)
}

// assessStep (tax.assess): compute the tax and record the draft decision.
// Run again (the step is retried, or the draft was sent back for
// correction) it drafts anew from the data as they are now.
func (s *Service) assessStep(ctx context.Context, c *engine.Call) error {
	a, err := s.actor(ctx, c)
	if err != nil {
		return err
	}
	taxpayer, err := idVar(c, "taxpayerId")
	if err != nil {
		return err
	}
	caseID, err := idVar(c, "caseId")
	if err != nil {
		return err
	}
	year, _ := toInt(c.Vars["year"])
	var d *Decision
	err = s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
		d, err = s.draft(ctx, rt, taxpayer, year, caseID, nil, c.Key)
		return err
	})
	if err != nil {
		return err
	}
	c.Set("decisionId", d.ID.String())
	c.Set("total", d.Total)
	c.Set("totalText", rules.Grosze(d.Total).String())
	c.Set("approved", nil)
	return nil
}

// rejectStep (tax.reject): the approver sent the draft back.
func (s *Service) rejectStep(ctx context.Context, c *engine.Call) error {
	a, id, err := s.decisionStep(ctx, c)
	if err != nil {
		return err
	}
	return s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
		var status string
		if err := rt.PG().QueryRow(ctx, q["LockDecision"], id).Scan(&status); err != nil {
			return err
		}
		if status != "draft" {
			return nil // done by an earlier run
		}
		if _, err := rt.PG().Exec(ctx, q["SetDecisionStatus"], id, "rejected", s.now()); err != nil {
			return err
		}
		caseID, err := idVar(c, "caseId")
		if err != nil {
			return err
		}
		return rt.Record(ctx, caseID, "tax.draft_rejected", nil, map[string]string{"decision": id.String(), "reason": str(c.Vars, "reason")})
	})
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), n == float64(int(n))
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}
