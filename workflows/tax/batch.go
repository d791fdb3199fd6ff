package tax

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/workflows/correspondence"
)

// Batch is an annual run of decisions.
type Batch struct {
	ID       uuid.UUID  `json:"id"`
	Year     int        `json:"year"`
	Status   string     `json:"status"`
	Issued   int        `json:"issued"`
	Started  time.Time  `json:"startedAt"`
	Finished *time.Time `json:"finishedAt,omitempty"`
	// Of this run (not stored):
	Skipped int      `json:"skipped"` // taken by another run meanwhile
	Failed  int      `json:"failed"`
	Errors  []string `json:"errors,omitempty"` // the first few failures
}

// BatchOptions tune a batch run.
type BatchOptions struct {
	Workers int // concurrent decisions (default 4)
	Limit   int // stop after this many decisions (0: all); for tests and trials
}

// RunBatch assesses, signs and queues for delivery the decisions of every
// taxpayer who holds something taxable in year and has no decision in force
// for it. The person running it (an administrator or the head of the
// approving unit) approves the batch as a whole, which the metryka of each
// case records. Each taxpayer is one transaction — case, draft, signed
// document, metryka entries and the start of the delivery workflow — so a
// crash leaves each taxpayer done or untouched; running again resumes the
// unfinished batch and, because one decision per taxpayer and year can be
// in force (a unique index), never issues a second one, even when two runs
// overlap.
func (s *Service) RunBatch(ctx context.Context, a *registry.Actor, year int, opt BatchOptions) (*Batch, error) {
	const op = "tax.RunBatch"
	if a == nil || (!a.Has(registry.RoleAdmin) && !a.Has(registry.RoleHead)) {
		return nil, engine.Errorf(op, engine.KindForbidden, "an annual batch is approved and run by an administrator or a head of unit")
	}
	if year < 2000 || year > 2100 {
		return nil, engine.Invalid(op, "year", "year %d is out of range", year)
	}
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	office, err := s.reg.OfficeOf(ctx, a)
	if err != nil {
		return nil, err
	}
	b := &Batch{Year: year, Status: "running"}
	err = s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
		tx := rt.PG()
		if err := s.requireTaxStaff(ctx, tx, op, a); err != nil {
			return err
		}
		if _, err := ratesFor(ctx, tx, year); err != nil {
			return err // refuse at once, not 10 000 times
		}
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('tax_batch:' || obieg_office()::text, $1))", year); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, q["RunningBatch"], year).Scan(&b.ID)
		if err == pgx.ErrNoRows {
			b.ID, b.Started = uuid.Must(uuid.NewV7()), s.now()
			_, err = tx.Exec(ctx, q["InsertBatch"], b.ID, a.OfficeID, year, a.UserID, b.Started)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "tax batch", "batch", b.ID, "year", year, "workers", opt.Workers)

	work := make(chan uuid.UUID)
	var issued, skipped, failed atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tp := range work {
				ok, err := s.issueOne(ctx, a, office, b.ID, tp, year)
				switch {
				case err != nil:
					failed.Add(1)
					mu.Lock()
					if len(b.Errors) < 20 {
						b.Errors = append(b.Errors, fmt.Sprintf("%s: %v", tp, err))
					}
					mu.Unlock()
					s.log.WarnContext(ctx, "tax batch: decision failed", "taxpayer", tp, "err", err)
				case ok:
					issued.Add(1)
				default:
					skipped.Add(1)
				}
			}
		}()
	}
	after := uuid.Nil
	var feedErr error
feed:
	for {
		if opt.Limit > 0 && int(issued.Load()+failed.Load()+skipped.Load()) >= opt.Limit {
			break
		}
		page := 200
		if opt.Limit > 0 {
			page = min(page, opt.Limit)
		}
		var ids []uuid.UUID
		feedErr = s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
			rows, err := rt.PG().Query(ctx, q["BatchPending"], year, after, page)
			if err != nil {
				return err
			}
			ids, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
			return err
		})
		if feedErr != nil || len(ids) == 0 {
			break
		}
		for i, id := range ids {
			if opt.Limit > 0 && i >= opt.Limit {
				break feed
			}
			select {
			case work <- id:
			case <-ctx.Done():
				feedErr = ctx.Err()
				break feed
			}
		}
		after = ids[len(ids)-1]
		if opt.Limit > 0 {
			break
		}
	}
	close(work)
	wg.Wait()
	b.Skipped, b.Failed = int(skipped.Load()), int(failed.Load())
	err = s.reg.InTx(context.WithoutCancel(ctx), a, func(ctx context.Context, rt *registry.Tx) error {
		tx := rt.PG()
		if _, err := tx.Exec(ctx, q["BatchIssued"], b.ID); err != nil {
			return err
		}
		if feedErr == nil && opt.Limit == 0 && failed.Load() == 0 {
			if _, err := tx.Exec(ctx, q["FinishBatch"], b.ID, s.now()); err != nil {
				return err
			}
		}
		return tx.QueryRow(ctx, q["Batch"], b.ID).Scan(&b.ID, &b.Year, &b.Status, &b.Issued, &b.Started, &b.Finished)
	})
	if err != nil {
		return b, err
	}
	return b, feedErr
}

// issueOne issues one taxpayer's decision of the batch in one transaction;
// ok is false when a decision for the year was in force already (another
// run issued it meanwhile).
func (s *Service) issueOne(ctx context.Context, a *registry.Actor, office *registry.Office, batch, taxpayer uuid.UUID, year int) (ok bool, err error) {
	err = s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
		tx := rt.PG()
		// Serialise on the taxpayer: an overlapping run waits here and
		// then finds the decision in force.
		if _, err := tx.Exec(ctx, "SELECT 1 FROM tax_taxpayers WHERE id = $1 FOR UPDATE", taxpayer); err != nil {
			return err
		}
		var cur uuid.UUID
		var st string
		if err := tx.QueryRow(ctx, q["CurrentDecision"], taxpayer, year).Scan(&cur, &st); err == nil {
			return nil
		} else if err != pgx.ErrNoRows {
			return err
		}
		tp, err := loadTaxpayer(ctx, tx, taxpayer)
		if err != nil {
			return err
		}
		caseID, _, err := s.taxCase(ctx, rt, tp, year, tp.Name)
		if err != nil {
			return err
		}
		d, err := s.draft(ctx, rt, taxpayer, year, caseID, &batch, "batch:"+batch.String()+":"+taxpayer.String())
		if err != nil {
			return err
		}
		if d.CaseSignature == "" {
			if err := tx.QueryRow(ctx, "SELECT signature FROM cases WHERE id = $1", caseID).Scan(&d.CaseSignature); err != nil {
				return err
			}
		}
		if err := rt.Record(ctx, caseID, "tax.draft_approved", nil, map[string]string{"decision": d.ID.String(), "batch": batch.String(), "by": a.Name}); err != nil {
			return err
		}
		if err := s.issue(ctx, rt, d, office); err != nil {
			return err
		}
		if _, err := s.flow.StartInstanceTx(ctx, tx, correspondence.WhoOf(a), ProcessDelivery, d.CaseSignature,
			map[string]any{"decisionId": d.ID.String(), "actorId": a.UserID.String()}); err != nil {
			return err
		}
		ok = true
		return nil
	})
	return ok, err
}
