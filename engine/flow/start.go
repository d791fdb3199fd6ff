package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/flow/bpmn"
	"obieg.dev/obieg/storage/postgres"
)

// Instance is what starting or correlating reports.
type Instance struct {
	ID          uuid.UUID      `json:"id"`
	Key         string         `json:"processKey"`
	Version     int            `json:"version"`
	BusinessKey string         `json:"businessKey,omitempty"`
	State       string         `json:"state"`
	Variables   map[string]any `json:"variables,omitempty"`
}

// newInstance prepares a run of a new instance of the latest version of key;
// nothing is written until it is saved.
func (e *Engine) newInstance(ctx context.Context, tx pgx.Tx, office uuid.UUID, key, businessKey string, vars map[string]any, actor *uuid.UUID) (*run, error) {
	var defID uuid.UUID
	err := tx.QueryRow(ctx, "SELECT id FROM flow_definitions WHERE key = $1 ORDER BY version DESC LIMIT 1", key).Scan(&defID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, engine.E("flow.Start", engine.KindNotFound, engine.Field("processKey"), fmt.Sprintf("no process %q is deployed", key))
	}
	if err != nil {
		return nil, err
	}
	proc, def, err := e.model(ctx, tx, defID)
	if err != nil {
		return nil, err
	}
	e.latest.Store(latestKey{office, key}, defID)
	if vars == nil {
		vars = map[string]any{}
	}
	in := &instance{ID: uuid.Must(uuid.NewV7()), OfficeID: office, DefinitionID: defID, BusinessKey: businessKey,
		State: StateActive, Vars: vars, isNew: true}
	r := &run{e: e, ctx: ctx, tx: tx, office: office, in: in, proc: proc, def: def, now: e.now(), actor: actor}
	in.StartedAt = r.now
	r.history("instance.started", "", "", nil)
	return r, nil
}

// begin places the first token on start event s.
func (r *run) begin(s *bpmn.Element) {
	r.push(r.in.newToken(s.ID, ""))
}

// StartInstance starts an instance of the latest version of a process at its none
// start event and runs it until it waits (or ends).
func (e *Engine) StartInstance(ctx context.Context, who Who, key, businessKey string, vars map[string]any) (*Instance, error) {
	const op = "flow.StartInstance"
	if err := who.mayAct(op); err != nil {
		return nil, err
	}
	if key == "" {
		return nil, engine.Invalid(op, "processKey", "processKey is required")
	}
	if in, ok, err := e.startFast(ctx, who, key, businessKey, vars); ok {
		return in, err
	}
	var out *Instance
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		var err error
		out, err = e.start(ctx, tx, who, key, businessKey, vars)
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return out, nil
}

// StartInstanceTx starts an instance inside the caller's transaction, which
// must be a tenant transaction of who's office (registry.Tx.PG gives one):
// the instance, its first steps and its jobs commit or roll back with the
// caller's own rows, so a domain that records "decision issued" and starts
// its delivery can never do one without the other.
func (e *Engine) StartInstanceTx(ctx context.Context, tx pgx.Tx, who Who, key, businessKey string, vars map[string]any) (*Instance, error) {
	const op = "flow.StartInstance"
	if err := who.mayAct(op); err != nil {
		return nil, err
	}
	if key == "" {
		return nil, engine.Invalid(op, "processKey", "processKey is required")
	}
	return e.start(ctx, tx, who, key, businessKey, vars)
}

func (e *Engine) start(ctx context.Context, tx pgx.Tx, who Who, key, businessKey string, vars map[string]any) (*Instance, error) {
	const op = "flow.StartInstance"
	r, err := e.newInstance(ctx, tx, who.OfficeID, key, businessKey, vars, actorOf(who))
	if err != nil {
		return nil, err
	}
	s := r.proc.NoneStart()
	if s == nil {
		return nil, engine.Errorf(op, engine.KindConflict, "process %q has no none start event: it starts by message or timer", key)
	}
	r.begin(s)
	if err := r.finish(); err != nil {
		return nil, err
	}
	return r.summary(), nil
}

func (r *run) summary() *Instance {
	return &Instance{ID: r.in.ID, Key: r.def.Key, Version: r.def.Version, BusinessKey: r.in.BusinessKey, State: r.in.State, Variables: r.in.Vars}
}

func actorOf(who Who) *uuid.UUID {
	if who.UserID == uuid.Nil {
		return nil
	}
	return &who.UserID
}

// Correlation is the result of delivering a message.
type Correlation struct {
	Instance *uuid.UUID `json:"instanceId,omitempty"` // the instance that received it or was started by it
	Started  bool       `json:"started"`              // a message start event started the instance
	Buffered *uuid.UUID `json:"bufferedId,omitempty"` // kept for a subscriber to come
	Expires  *time.Time `json:"expiresAt,omitempty"`
}

// Correlate delivers a message by name and correlation key: to the oldest
// waiting subscription, else to a process with a message start event of that
// name, else it is kept until ttl passes (default: the engine's MessageTTL)
// for a subscription that appears later — a proof of delivery may well
// arrive before the workflow waits for it.
func (e *Engine) Correlate(ctx context.Context, who Who, name, key string, vars map[string]any, ttl time.Duration) (*Correlation, error) {
	const op = "flow.Correlate"
	if err := who.mayAct(op); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, engine.Invalid(op, "name", "message name is required")
	}
	if ttl <= 0 {
		ttl = e.msgTTL
	}
	var out *Correlation
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		for attempt := 0; attempt < 5; attempt++ {
			var subID, instID uuid.UUID
			err := tx.QueryRow(ctx, q["FindSubscription"], name, key).Scan(&subID, &instID)
			if errors.Is(err, pgx.ErrNoRows) {
				break
			}
			if err != nil {
				return err
			}
			// Lock the instance first, then take the subscription: the same
			// order as every transition, so no deadlock.
			r, err := e.load(ctx, tx, who.OfficeID, instID, true)
			if err != nil {
				return err
			}
			var tok, element string
			err = tx.QueryRow(ctx, q["TakeSubscription"], subID).Scan(&tok, &element)
			if errors.Is(err, pgx.ErrNoRows) {
				continue // taken meanwhile by another transition of the instance
			}
			if err != nil {
				return err
			}
			r.actor = actorOf(who)
			t := r.in.token(tok)
			el, err := r.element(element)
			if err != nil {
				return err
			}
			r.setVars(vars)
			r.history("message.correlated", element, tok, map[string]any{"message": name, "correlationKey": key})
			if t != nil {
				if err := r.fire(t, el, 0); err != nil {
					return err
				}
			}
			if err := r.finish(); err != nil {
				return err
			}
			out = &Correlation{Instance: &r.in.ID}
			return nil
		}
		started, err := e.startByMessage(ctx, tx, who, name, key, vars)
		if err != nil || started != nil {
			out = &Correlation{Instance: started, Started: started != nil}
			return err
		}
		id := uuid.Must(uuid.NewV7())
		now := e.now()
		exp := now.Add(ttl)
		raw, err := json.Marshal(vars)
		if err != nil {
			return engine.Invalid(op, "variables", "variables are not JSON")
		}
		if raw == nil || string(raw) == "null" {
			raw = []byte("{}")
		}
		if _, err := tx.Exec(ctx, q["BufferMessage"], id, who.OfficeID, name, key, raw, exp, now); err != nil {
			return err
		}
		out = &Correlation{Buffered: &id, Expires: &exp}
		return nil
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return out, nil
}

// startByMessage starts the latest version of a process whose message start
// event takes the message.
func (e *Engine) startByMessage(ctx context.Context, tx pgx.Tx, who Who, name, key string, vars map[string]any) (*uuid.UUID, error) {
	rows, _ := tx.Query(ctx, q["LatestDefinitions"])
	defs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Definition, error) {
		var d Definition
		err := r.Scan(&d.ID, &d.Key, &d.Version, &d.Name, &d.Hash, &d.DeployedAt)
		return d, err
	})
	if err != nil {
		return nil, err
	}
	for _, d := range defs {
		proc, _, err := e.model(ctx, tx, d.ID)
		if err != nil {
			return nil, err
		}
		for _, s := range proc.StartEvents {
			if s.Event == bpmn.EventMessage && s.Message != nil && s.Message.Name == name {
				r, err := e.newInstance(ctx, tx, who.OfficeID, d.Key, key, vars, actorOf(who))
				if err != nil {
					return nil, err
				}
				r.history("message.started", s.ID, "", map[string]any{"message": name})
				r.begin(s)
				if err := r.finish(); err != nil {
					return nil, err
				}
				return &r.in.ID, nil
			}
		}
	}
	return nil, nil
}
