package flow

import (
	"context"
	"maps"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/postgres"
)

// getTask reads a task as LockTask does, without the lock: reading a form
// waits for nobody.
const getTask = `SELECT t.id, t.instance_id, t.token, t.element_id, t.name, t.form, t.assignee_id, t.candidate_unit_id, t.candidate_position_id,
	t.due_at, t.state, t.created_at, i.business_key, ''
FROM flow_tasks t JOIN flow_instances i ON i.id = t.instance_id WHERE t.id = $1`

// TaskVariables returns the variables an open user task sees (its
// instance's, with those of the scopes around its token), for whoever may
// work on it: a form needs its inputs (the document to approve, the reason
// a draft came back). Instance gives every variable to administrators
// only; this gives one task's to its assignee or candidates too.
func (e *Engine) TaskVariables(ctx context.Context, who Who, id uuid.UUID) (*Task, map[string]any, error) {
	const op = "flow.TaskVariables"
	var task *Task
	var vars map[string]any
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		t, err := scanTask(tx.QueryRow(ctx, getTask, id))
		if err != nil {
			return postgres.NotFound(op, err, "no task %s", id)
		}
		if t.State != "open" {
			return engine.Errorf(op, engine.KindConflict, "task %s is %s", id, t.State)
		}
		if !who.Admin && (who.ReadOnly || !who.mayWork(t)) {
			return engine.E(op, engine.KindForbidden, "the task is assigned to someone else, or you are not a candidate")
		}
		r, err := e.load(ctx, tx, who.OfficeID, t.InstanceID, false)
		if err != nil {
			return err
		}
		tok := r.in.token(t.Token)
		if tok == nil {
			return engine.Errorf(op, engine.KindConflict, "task %s no longer waits", id)
		}
		t.ProcessKey = r.def.Key
		task, vars = t, maps.Clone(r.vars(tok))
		return nil
	})
	if err != nil {
		return nil, nil, postgres.Err(op, err)
	}
	return task, vars, nil
}
