package flow

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/postgres"
)

// ExternalTask is a service task handed to a worker outside the engine
// (camunda:type="external" with a topic), as Camunda's external tasks:
// fetch-and-lock, then complete, fail or extend the lock.
type ExternalTask struct {
	ID          uuid.UUID      `json:"id"`
	InstanceID  uuid.UUID      `json:"instanceId"`
	ElementID   string         `json:"elementId"`
	Topic       string         `json:"topicName"`
	Retries     int            `json:"retries"`
	BusinessKey string         `json:"businessKey,omitempty"`
	Variables   map[string]any `json:"variables"`
	LockExpires time.Time      `json:"lockExpirationTime"`
	token       string
}

// FetchAndLock locks up to max open tasks of the topics for workerID for
// lock, and returns them with their variables.
func (e *Engine) FetchAndLock(ctx context.Context, who Who, workerID string, topics []string, max int, lock time.Duration) ([]*ExternalTask, error) {
	const op = "flow.FetchAndLock"
	if err := who.mayServeExternal(op); err != nil {
		return nil, err
	}
	switch {
	case workerID == "":
		return nil, engine.Invalid(op, "workerId", "workerId is required")
	case len(topics) == 0:
		return nil, engine.Invalid(op, "topics", "at least one topic is required")
	case max < 1 || max > 100:
		return nil, engine.Invalid(op, "maxTasks", "maxTasks must be from 1 to 100")
	case lock < time.Second || lock > 24*time.Hour:
		return nil, engine.Invalid(op, "lockDuration", "lockDuration must be from 1 s to 24 h")
	}
	now := e.now()
	until := now.Add(lock)
	var out []*ExternalTask
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["FetchExternal"], topics, workerID, max, until, now)
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*ExternalTask, error) {
			x := &ExternalTask{LockExpires: until}
			return x, r.Scan(&x.ID, &x.InstanceID, &x.token, &x.ElementID, &x.Topic, &x.Retries)
		})
		if err != nil {
			return err
		}
		for _, x := range out {
			r, err := e.load(ctx, tx, who.OfficeID, x.InstanceID, false)
			if err != nil {
				return err
			}
			x.BusinessKey = r.in.BusinessKey
			if t := r.in.token(x.token); t != nil {
				x.Variables = maps.Clone(r.vars(t))
			}
		}
		return nil
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return out, nil
}

// lockedExternal finds an external task held by workerID.
func lockedExternal(ctx context.Context, tx pgx.Tx, id uuid.UUID, workerID string, now time.Time) (*ExternalTask, error) {
	const op = "flow.externalTask"
	x := &ExternalTask{}
	var worker string
	var exp *time.Time
	err := tx.QueryRow(ctx, q["GetExternal"], id).Scan(&x.ID, &x.InstanceID, &x.token, &x.ElementID, &x.Topic, &worker, &exp, &x.Retries)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, engine.Errorf(op, engine.KindNotFound, "no external task %s (completed, or its activity was cancelled)", id)
	}
	if err != nil {
		return nil, err
	}
	if worker != workerID || exp == nil || exp.Before(now) {
		return nil, engine.Errorf(op, engine.KindConflict, "external task %s is not locked by worker %q", id, workerID)
	}
	return x, nil
}

// CompleteExternal completes a locked external task with output variables.
func (e *Engine) CompleteExternal(ctx context.Context, who Who, id uuid.UUID, workerID string, vars map[string]any) error {
	return e.externalTransition(ctx, who, id, workerID, "flow.CompleteExternal", func(r *run, t *token, x *ExternalTask) error {
		if _, err := r.tx.Exec(r.ctx, q["DeleteExternal"], id); err != nil {
			return err
		}
		r.setVars(vars)
		r.history("external.completed", t.Element, t.ID, map[string]any{"worker": workerID})
		return r.completeActivity(t)
	})
}

// FailExternal records a worker's failure: the task is offered again after
// retryTimeout with retries left, or raises an incident at zero.
func (e *Engine) FailExternal(ctx context.Context, who Who, id uuid.UUID, workerID, message string, retries int, retryTimeout time.Duration) error {
	if retries < 0 {
		return engine.Invalid("flow.FailExternal", "retries", "retries must not be negative")
	}
	return e.externalTransition(ctx, who, id, workerID, "flow.FailExternal", func(r *run, t *token, x *ExternalTask) error {
		next := r.now.Add(retryTimeout)
		if _, err := r.tx.Exec(r.ctx, q["FailExternal"], id, retries, message, next); err != nil {
			return err
		}
		if retries == 0 {
			return r.raiseIncident(t, "external", fmt.Sprintf("external worker %q: %s", workerID, message))
		}
		r.history("external.failed", t.Element, t.ID, map[string]any{"worker": workerID, "message": message, "retries": retries})
		return nil
	})
}

// ExtendLock gives the worker holding an external task more time.
func (e *Engine) ExtendLock(ctx context.Context, who Who, id uuid.UUID, workerID string, by time.Duration) error {
	const op = "flow.ExtendLock"
	if err := who.mayServeExternal(op); err != nil {
		return err
	}
	if by < time.Second || by > 24*time.Hour {
		return engine.Invalid(op, "newDuration", "newDuration must be from 1 s to 24 h")
	}
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		now := e.now()
		if _, err := lockedExternal(ctx, tx, id, workerID, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, q["ExtendExternal"], id, now.Add(by))
		return err
	})
	return postgres.Err(op, err)
}

func (e *Engine) externalTransition(ctx context.Context, who Who, id uuid.UUID, workerID, op string, fn func(*run, *token, *ExternalTask) error) error {
	if err := who.mayServeExternal(op); err != nil {
		return err
	}
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		var inst uuid.UUID
		if err := tx.QueryRow(ctx, "SELECT instance_id FROM flow_external_tasks WHERE id = $1", id).Scan(&inst); err != nil {
			return postgres.NotFound(op, err, "no external task %s (completed, or its activity was cancelled)", id)
		}
		r, err := e.load(ctx, tx, who.OfficeID, inst, true)
		if err != nil {
			return err
		}
		x, err := lockedExternal(ctx, tx, id, workerID, r.now)
		if err != nil {
			return err
		}
		t := r.in.token(x.token)
		if t == nil || t.Wait != waitExternal {
			return engine.Errorf(op, engine.KindConflict, "external task %s no longer waits", id)
		}
		r.actor = actorOf(who)
		if err := fn(r, t, x); err != nil {
			return err
		}
		return r.finish()
	})
	return postgres.Err(op, err)
}
