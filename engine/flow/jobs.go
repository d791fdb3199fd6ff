package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/postgres"
)

// stepArgs is the job of an async service task.
type stepArgs struct {
	Office   uuid.UUID `json:"office"`
	Instance uuid.UUID `json:"instance"`
	Token    string    `json:"token"`
	Element  string    `json:"element"`
}

func (stepArgs) Kind() string { return "flow.step" }

// timerArgs is the job of a due timer.
type timerArgs struct {
	Office uuid.UUID `json:"office"`
	Timer  uuid.UUID `json:"timer"`
}

func (timerArgs) Kind() string { return "flow.timer" }

// resumeArgs tells a caller that its called instance ended.
type resumeArgs struct {
	Office    uuid.UUID `json:"office"`
	Instance  uuid.UUID `json:"instance"` // the caller
	Token     string    `json:"token"`
	Child     uuid.UUID `json:"child"`
	State     string    `json:"state"`
	ErrorCode string    `json:"errorCode,omitempty"`
}

func (resumeArgs) Kind() string { return "flow.resume" }

// stepWorker runs an async service task: the handler outside any
// transaction (it may take long and talk to the world), then, in one
// transaction with the instance locked, its outputs, the rest of the
// transition and the job's completion. If the engine dies between the two,
// the job runs again with the same idempotency key.
type stepWorker struct {
	river.WorkerDefaults[stepArgs]
	e *Engine
}

func (w *stepWorker) Work(ctx context.Context, job *river.Job[stepArgs]) error {
	e, a := w.e, job.Args
	// Read what the handler needs (one primary-key read, no lock held
	// while the handler works).
	call, handlerName, err := e.peekStep(ctx, a)
	if err != nil {
		return err
	}
	if call == nil {
		return w.complete(ctx, job, nil)
	}
	h := e.handler(handlerName)
	var herr error
	if h == nil {
		herr = fmt.Errorf("no handler %q is registered", handlerName)
	} else {
		herr = safeCall(ctx, h, call)
	}
	var be *engine.BPMNError
	switch {
	case herr == nil || errors.As(herr, &be):
		return w.complete(ctx, job, func(r *run, t *token) error {
			if be != nil {
				return r.throwFromActivity(t, be)
			}
			r.setVars(call.Outputs())
			return r.completeActivity(t)
		})
	case job.Attempt >= job.MaxAttempts:
		// Out of retries: an incident on the token, visible and retryable.
		msg := herr.Error()
		return w.complete(ctx, job, func(r *run, t *token) error { return r.raiseIncident(t, "handler", msg) })
	}
	e.logger.WarnContext(ctx, "async task failed; will retry", "instance", a.Instance, "element", a.Element,
		"attempt", job.Attempt, "of", job.MaxAttempts, "error", herr)
	return herr
}

// complete applies fn to the locked instance if its token still waits for
// this step. The job itself is completed by River once Work returns: should
// the process die in between, the job runs again, finds the token moved on
// and does nothing — so a step's effect on the instance happens once.
func (w *stepWorker) complete(ctx context.Context, job *river.Job[stepArgs], fn func(r *run, t *token) error) error {
	a := job.Args
	if fn == nil {
		return nil
	}
	return w.e.db.Tenant(ctx, a.Office, func(tx pgx.Tx) error {
		r, err := w.e.load(ctx, tx, a.Office, a.Instance, true)
		if err != nil {
			return err
		}
		t := r.in.token(a.Token)
		if t == nil || t.Wait != waitJob || t.Element != a.Element || r.in.State != StateActive {
			return nil
		}
		if err := fn(r, t); err != nil {
			return err
		}
		return r.finish()
	})
}

// peekStep prepares the handler call of a step, or returns a nil call when
// the step no longer waits (cancelled by a boundary event or termination,
// or already done by an earlier run of this job).
func (e *Engine) peekStep(ctx context.Context, a stepArgs) (*engine.Call, string, error) {
	in := &instance{ID: a.Instance}
	var office uuid.UUID
	var vars, toks []byte
	err := e.db.Pool.QueryRow(ctx, q["PeekInstance"], a.Instance).Scan(&office, &in.DefinitionID, &in.BusinessKey, &in.State, &vars, &toks)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", postgres.Err("flow.step", err)
	}
	if office != a.Office {
		return nil, "", engine.Errorf("flow.step", engine.KindForbidden, "job for office %s names an instance of another office", a.Office)
	}
	if err := json.Unmarshal(vars, &in.Vars); err != nil {
		return nil, "", err
	}
	if err := json.Unmarshal(toks, &in.T); err != nil {
		return nil, "", err
	}
	t := in.token(a.Token)
	if in.State != StateActive || t == nil || t.Wait != waitJob || t.Element != a.Element {
		return nil, "", nil
	}
	proc, def, err := e.model(ctx, e.db.Pool, in.DefinitionID)
	if err != nil {
		return nil, "", err
	}
	if in.Vars == nil {
		in.Vars = map[string]any{}
	}
	r := &run{e: e, ctx: ctx, office: office, in: in, proc: proc, def: def}
	el, err := r.element(a.Element)
	if err != nil {
		return nil, "", err
	}
	return r.handlerCall(t, el), el.Handler, nil
}

func safeCall(ctx context.Context, h engine.Handler, call *engine.Call) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return h(ctx, call)
}

// raiseIncident parks a token whose step failed past its retries.
func (r *run) raiseIncident(t *token, kind, msg string) error {
	t.Wait, t.Rows = waitIncident, true
	r.history("incident.created", t.Element, t.ID, map[string]any{"message": msg})
	_, err := r.tx.Exec(r.ctx, q["InsertIncident"], uuid.Must(uuid.NewV7()), r.office, r.in.ID, t.ID, t.Element, kind, msg, r.now)
	return err
}

// timerWorker fires a due timer, unless it was withdrawn meanwhile.
type timerWorker struct {
	river.WorkerDefaults[timerArgs]
	e *Engine
}

func (w *timerWorker) Work(ctx context.Context, job *river.Job[timerArgs]) error {
	e, a := w.e, job.Args
	return e.db.Tenant(ctx, a.Office, func(tx pgx.Tx) error {
		// Lock the instance before taking the timer (the order of every transition).
		var inst, def *uuid.UUID
		err := tx.QueryRow(ctx, "SELECT instance_id, definition_id FROM flow_timers WHERE id = $1", a.Timer).Scan(&inst, &def)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // withdrawn: its activity ended (or an earlier run fired it)
		}
		if err != nil {
			return err
		}
		if inst == nil {
			return e.fireStartTimer(ctx, tx, a)
		}
		return e.fireTimer(ctx, tx, a, *inst)
	})
}

func (e *Engine) fireTimer(ctx context.Context, tx pgx.Tx, a timerArgs, inst uuid.UUID) error {
	r, err := e.load(ctx, tx, a.Office, inst, true)
	if err != nil {
		return err
	}
	var tok, element string
	var def *uuid.UUID
	var repeat int
	var due any
	err = tx.QueryRow(ctx, q["TakeTimer"], a.Timer).Scan(new(*uuid.UUID), &def, &tok, &element, &due, &repeat)
	if errors.Is(err, pgx.ErrNoRows) || r.in.State != StateActive {
		return nil
	}
	if err != nil {
		return err
	}
	t := r.in.token(tok)
	if t == nil {
		return nil
	}
	el, err := r.element(element)
	if err != nil {
		return err
	}
	r.history("timer.fired", element, tok, nil)
	if err := r.fire(t, el, repeat); err != nil {
		return err
	}
	return r.finish()
}

// fireStartTimer starts an instance from a timer start event and sets the
// next timer of a cycle.
func (e *Engine) fireStartTimer(ctx context.Context, tx pgx.Tx, a timerArgs) error {
	var tok, element string
	var def *uuid.UUID
	var repeat int
	var due any
	if err := tx.QueryRow(ctx, q["TakeTimer"], a.Timer).Scan(new(*uuid.UUID), &def, &tok, &element, &due, &repeat); err != nil {
		return postgres.NotFound("flow.timer", err, "timer gone")
	}
	proc, d, err := e.model(ctx, tx, *def)
	if err != nil {
		return err
	}
	// Only the latest version's timers start instances.
	var latest uuid.UUID
	if err := tx.QueryRow(ctx, "SELECT id FROM flow_definitions WHERE key = $1 ORDER BY version DESC LIMIT 1", d.Key).Scan(&latest); err != nil {
		return err
	}
	if latest != d.ID {
		return nil
	}
	r, err := e.newInstance(ctx, tx, a.Office, d.Key, "", nil, nil)
	if err != nil {
		return err
	}
	s := proc.Element(element)
	r.begin(s)
	if err := r.finish(); err != nil {
		return err
	}
	if repeat != 0 {
		next := &run{e: e, ctx: ctx, tx: tx, office: a.Office, proc: proc, def: d, now: e.now()}
		return next.scheduleStartTimer(s)
	}
	return nil
}

// resumeWorker continues a call activity whose called instance ended.
type resumeWorker struct {
	river.WorkerDefaults[resumeArgs]
	e *Engine
}

func (w *resumeWorker) Work(ctx context.Context, job *river.Job[resumeArgs]) error {
	e, a := w.e, job.Args
	return e.db.Tenant(ctx, a.Office, func(tx pgx.Tx) error {
		r, err := e.load(ctx, tx, a.Office, a.Instance, true)
		if err != nil {
			return err
		}
		t := r.in.token(a.Token)
		if t != nil && t.Wait == waitCall && t.Child != nil && *t.Child == a.Child && r.in.State == StateActive {
			child, err := e.load(ctx, tx, a.Office, a.Child, false)
			if err != nil {
				return err
			}
			if err := r.childEnded(t, a.Child, a.State, a.ErrorCode, maps.Clone(child.in.Vars)); err != nil {
				return err
			}
			return r.finish()
		}
		return nil // already resumed by an earlier run of this job
	})
}
