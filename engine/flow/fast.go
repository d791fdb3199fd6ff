package flow

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"obieg.dev/obieg/engine/flow/bpmn"
	"obieg.dev/obieg/storage/postgres"
)

// The one-round-trip start. A simple process — none start and end events,
// inline service tasks and manual tasks without boundary events or loops,
// gateways — never waits and never touches the database while it runs. Such
// an instance is run in memory and written with one statement sent together
// with the tenant switch: one round trip, one implicit transaction. The
// statement writes only if the definition is still the latest version of
// its key; otherwise (a newer version was deployed, here or by another
// replica) the start is done the ordinary way.

// simple reports whether p qualifies.
func simple(p *bpmn.Process) bool {
	for _, el := range p.Nodes() {
		switch el.Type {
		case bpmn.StartEvent:
			// Message and timer start events do not run here; a none start does.
		case bpmn.EndEvent:
			if el.Event != bpmn.EventNone {
				return false
			}
		case bpmn.ServiceTask, bpmn.SendTask:
			if el.External() || el.Async || el.Loop != nil || len(el.Boundaries) > 0 {
				return false
			}
		case bpmn.ManualTask, bpmn.Task:
			if el.Loop != nil || len(el.Boundaries) > 0 {
				return false
			}
		case bpmn.ExclusiveGateway, bpmn.ParallelGateway, bpmn.InclusiveGateway, bpmn.IntermediateThrowEvent:
		default:
			return false
		}
	}
	return p.NoneStart() != nil
}

type latestKey struct {
	office uuid.UUID
	key    string
}

// startFast starts a simple process in one round trip. ok is false when the
// ordinary path must be taken instead.
func (e *Engine) startFast(ctx context.Context, who Who, key, businessKey string, vars map[string]any) (_ *Instance, ok bool, _ error) {
	v, found := e.latest.Load(latestKey{who.OfficeID, key})
	if !found {
		return nil, false, nil
	}
	m, found := e.models.Load(v.(uuid.UUID))
	if !found || !m.(*cachedModel).simple {
		return nil, false, nil
	}
	cm := m.(*cachedModel)
	if vars == nil {
		vars = map[string]any{}
	}
	in := &instance{ID: uuid.Must(uuid.NewV7()), OfficeID: who.OfficeID, DefinitionID: cm.def.ID, BusinessKey: businessKey,
		State: StateActive, Vars: vars, isNew: true}
	r := &run{e: e, ctx: ctx, tx: noTx{}, office: who.OfficeID, in: in, proc: cm.proc, def: cm.def, now: e.now(), actor: actorOf(who)}
	in.StartedAt = r.now
	r.history("instance.started", "", "", nil)
	r.begin(cm.proc.NoneStart())
	if err := r.drain(); err != nil {
		if errors.Is(err, errNeedsTx) {
			return nil, false, nil
		}
		return nil, true, err
	}
	if in.State == StateActive {
		return nil, false, nil // cannot happen for a simple process; be safe
	}
	varsJSON, err := json.Marshal(in.Vars)
	if err != nil {
		return nil, true, err
	}
	toks, _ := json.Marshal(in.T)
	hist, err := r.takeHistory()
	if err != nil {
		return nil, true, err
	}
	var id uuid.UUID
	err = e.db.TenantRow(ctx, who.OfficeID, q["InsertInstanceIfLatest"], in.ID, who.OfficeID, in.DefinitionID, businessKey, in.State,
		varsJSON, toks, nil, "", in.StartedAt, in.EndedAt, r.actor, uuid.Must(uuid.NewV7()), hist, key, cm.def.Version).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		e.latest.Delete(latestKey{who.OfficeID, key}) // a newer version exists
		return nil, false, nil
	}
	if err != nil {
		return nil, true, postgres.Err("flow.StartInstance", err)
	}
	return r.summary(), true, nil
}

// errNeedsTx is returned by noTx: the run wanted the database.
var errNeedsTx = errors.New("flow: this run needs a transaction")

// noTx stands in for a transaction in an in-memory run: any use of it
// abandons the fast path.
type noTx struct{ pgx.Tx }

func (noTx) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, errNeedsTx
}
func (noTx) Query(context.Context, string, ...any) (pgx.Rows, error) { return nil, errNeedsTx }
func (noTx) QueryRow(context.Context, string, ...any) pgx.Row        { return errRow{} }
func (noTx) SendBatch(context.Context, *pgx.Batch) pgx.BatchResults  { return noBatch{} }
func (noTx) Begin(context.Context) (pgx.Tx, error)                   { return nil, errNeedsTx }
func (noTx) Commit(context.Context) error                            { return errNeedsTx }
func (noTx) Rollback(context.Context) error                          { return nil }
func (noTx) Prepare(context.Context, string, string) (*pgconn.StatementDescription, error) {
	return nil, errNeedsTx
}
func (noTx) CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error) {
	return 0, errNeedsTx
}

type errRow struct{}

func (errRow) Scan(...any) error { return errNeedsTx }

type noBatch struct{ pgx.BatchResults }

func (noBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, errNeedsTx }
func (noBatch) Query() (pgx.Rows, error)         { return nil, errNeedsTx }
func (noBatch) QueryRow() pgx.Row                { return errRow{} }
func (noBatch) Close() error                     { return errNeedsTx }
