package flow

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/postgres"
)

// Task is an open user task.
type Task struct {
	ID                  uuid.UUID  `json:"id"`
	InstanceID          uuid.UUID  `json:"instanceId"`
	Token               string     `json:"-"`
	ElementID           string     `json:"elementId"`
	Name                string     `json:"name"`
	Form                string     `json:"form,omitempty"`
	AssigneeID          *uuid.UUID `json:"assigneeId,omitempty"`
	CandidateUnitID     *uuid.UUID `json:"candidateUnitId,omitempty"`
	CandidatePositionID *uuid.UUID `json:"candidatePositionId,omitempty"`
	DueAt               *time.Time `json:"dueAt,omitempty"`
	State               string     `json:"state"`
	CreatedAt           time.Time  `json:"createdAt"`
	BusinessKey         string     `json:"businessKey,omitempty"`
	ProcessKey          string     `json:"processKey,omitempty"`
}

func scanTask(r pgx.Row) (*Task, error) {
	var t Task
	err := r.Scan(&t.ID, &t.InstanceID, &t.Token, &t.ElementID, &t.Name, &t.Form, &t.AssigneeID, &t.CandidateUnitID,
		&t.CandidatePositionID, &t.DueAt, &t.State, &t.CreatedAt, &t.BusinessKey, &t.ProcessKey)
	return &t, err
}

// TaskFilter chooses which open tasks to list.
type TaskFilter struct {
	Mine     bool // assigned to me, or unassigned for my positions or units (the default)
	Unit     bool // my units' tasks, whoever holds them (heads)
	All      bool // every open task (administrators)
	Instance *uuid.UUID
}

// Tasks lists open tasks, soonest due first.
func (e *Engine) Tasks(ctx context.Context, who Who, f TaskFilter) ([]*Task, error) {
	const op = "flow.Tasks"
	if f.All && !who.Admin {
		return nil, engine.E(op, engine.KindForbidden, "only an administrator may list every task")
	}
	if !f.Mine && !f.Unit && !f.All {
		f.Mine = true
	}
	var out []*Task
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["ListTasks"], f.Mine, f.Unit, who.UserID, who.Units, who.Positions, f.All, f.Instance)
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Task, error) { return scanTask(r) })
		return err
	})
	return out, postgres.Err(op, err)
}

// mayWork: the assignee, or (unassigned) a candidate by position or unit;
// administrators always.
func (who Who) mayWork(t *Task) bool {
	if who.ReadOnly {
		return false
	}
	if who.Admin {
		return true
	}
	if t.AssigneeID != nil {
		return *t.AssigneeID == who.UserID
	}
	return who.isCandidate(t)
}

func (who Who) isCandidate(t *Task) bool {
	// A task with no assignee and no candidates is nobody's: only an
	// administrator sees it (mayWork) and can hand it to someone.
	return (t.CandidatePositionID != nil && slices.Contains(who.Positions, *t.CandidatePositionID)) ||
		(t.CandidateUnitID != nil && slices.Contains(who.Units, *t.CandidateUnitID))
}

func lockTask(ctx context.Context, tx pgx.Tx, id uuid.UUID) (*Task, error) {
	t, err := scanTask(tx.QueryRow(ctx, q["LockTask"], id))
	if err != nil {
		return nil, postgres.NotFound("flow.task", err, "no task %s", id)
	}
	if t.State != "open" {
		return nil, engine.Errorf("flow.task", engine.KindConflict, "task %s is %s", id, t.State)
	}
	return t, nil
}

// Claim assigns an unassigned task to its candidate who asks.
func (e *Engine) Claim(ctx context.Context, who Who, id uuid.UUID) error {
	const op = "flow.Claim"
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		t, err := lockTask(ctx, tx, id)
		if err != nil {
			return err
		}
		if t.AssigneeID != nil {
			if *t.AssigneeID == who.UserID {
				return nil
			}
			return engine.E(op, engine.KindConflict, "the task is already claimed by someone else")
		}
		if who.ReadOnly || (!who.Admin && !who.isCandidate(t)) {
			return engine.E(op, engine.KindForbidden, "you are not a candidate for this task")
		}
		_, err = tx.Exec(ctx, q["SetAssignee"], id, who.UserID)
		return err
	})
	return postgres.Err(op, err)
}

// Reassign gives a task to another user (nil: back to the candidates). The
// assignee, a head of the task's unit or an administrator may do it.
func (e *Engine) Reassign(ctx context.Context, who Who, id uuid.UUID, to *uuid.UUID) error {
	const op = "flow.Reassign"
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		t, err := lockTask(ctx, tx, id)
		if err != nil {
			return err
		}
		mine := t.AssigneeID != nil && *t.AssigneeID == who.UserID
		head := who.Head && t.CandidateUnitID != nil && slices.Contains(who.Units, *t.CandidateUnitID)
		if !who.Admin && !mine && !head {
			return engine.E(op, engine.KindForbidden, "only the assignee, the unit's head or an administrator may reassign a task")
		}
		if to != nil {
			var ok bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT FROM users WHERE id = $1 AND active)", *to).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return engine.Invalid(op, "assigneeId", "no active user %s in this office", *to)
			}
		}
		_, err = tx.Exec(ctx, q["SetAssignee"], id, to)
		return err
	})
	return postgres.Err(op, err)
}

// CompleteTask completes a user task with variables and runs the instance
// on. An unassigned task is claimed by completing it.
func (e *Engine) CompleteTask(ctx context.Context, who Who, id uuid.UUID, vars map[string]any) (*Instance, error) {
	const op = "flow.CompleteTask"
	var out *Instance
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		// The task row is read first only to find the instance; the
		// instance is locked before the task, as in every transition.
		var inst uuid.UUID
		if err := tx.QueryRow(ctx, "SELECT instance_id FROM flow_tasks WHERE id = $1", id).Scan(&inst); err != nil {
			return postgres.NotFound(op, err, "no task %s", id)
		}
		r, err := e.load(ctx, tx, who.OfficeID, inst, true)
		if err != nil {
			return err
		}
		t, err := lockTask(ctx, tx, id)
		if err != nil {
			return err
		}
		if !who.mayWork(t) {
			return engine.E(op, engine.KindForbidden, "the task is assigned to someone else, or you are not a candidate")
		}
		tok := r.in.token(t.Token)
		if tok == nil || tok.Wait != waitTask {
			return engine.Errorf(op, engine.KindConflict, "task %s no longer waits", id)
		}
		if _, err := tx.Exec(ctx, q["CompleteTaskRow"], id, r.now, who.UserID); err != nil {
			return err
		}
		r.actor = actorOf(who)
		r.setVars(vars)
		r.history("task.completed", t.ElementID, t.Token, map[string]any{"task": id, "by": who.UserID})
		if err := r.completeActivity(tok); err != nil {
			return err
		}
		if err := r.finish(); err != nil {
			return err
		}
		out = r.summary()
		return nil
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return out, nil
}

// Incident is a step that failed past its retries.
type Incident struct {
	ID         uuid.UUID  `json:"id"`
	InstanceID uuid.UUID  `json:"instanceId"`
	Token      string     `json:"-"`
	ElementID  string     `json:"elementId"`
	Kind       string     `json:"kind"`
	Message    string     `json:"message"`
	CreatedAt  time.Time  `json:"createdAt"`
	ResolvedAt *time.Time `json:"resolvedAt,omitempty"`
}

func scanIncident(r pgx.Row) (*Incident, error) {
	var i Incident
	err := r.Scan(&i.ID, &i.InstanceID, &i.Token, &i.ElementID, &i.Kind, &i.Message, &i.CreatedAt, &i.ResolvedAt)
	return &i, err
}

// Incidents lists open incidents (of one instance when given).
func (e *Engine) Incidents(ctx context.Context, who Who, instance *uuid.UUID, resolvedToo bool) ([]*Incident, error) {
	if !who.Admin {
		return nil, engine.E("flow.Incidents", engine.KindForbidden, "only an administrator may list incidents")
	}
	var out []*Incident
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["ListIncidents"], instance, resolvedToo)
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Incident, error) { return scanIncident(r) })
		return err
	})
	return out, postgres.Err("flow.Incidents", err)
}

// RetryIncident runs the failed step again with fresh retries; the
// incident is resolved when the step is handed back to the workers.
func (e *Engine) RetryIncident(ctx context.Context, who Who, id uuid.UUID) error {
	const op = "flow.RetryIncident"
	if !who.Admin {
		return engine.E(op, engine.KindForbidden, "only an administrator may retry incidents")
	}
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		inc, err := scanIncident(tx.QueryRow(ctx, q["GetIncident"], id))
		if err != nil {
			return postgres.NotFound(op, err, "no incident %s", id)
		}
		if inc.ResolvedAt != nil {
			return engine.E(op, engine.KindConflict, "the incident is already resolved")
		}
		r, err := e.load(ctx, tx, who.OfficeID, inc.InstanceID, true)
		if err != nil {
			return err
		}
		t := r.in.token(inc.Token)
		if t == nil || t.Wait != waitIncident {
			return engine.E(op, engine.KindConflict, "the failed step no longer waits")
		}
		el, err := r.element(t.Element)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE flow_incidents SET resolved_at = $2 WHERE id = $1", id, r.now); err != nil {
			return err
		}
		r.history("incident.retried", t.Element, t.ID, map[string]any{"incident": id})
		switch inc.Kind {
		case "external":
			t.Wait = waitExternal
			_, err = tx.Exec(ctx, "UPDATE flow_external_tasks SET retries = $3, lock_expires_at = NULL, worker_id = '' WHERE instance_id = $1 AND token = $2",
				r.in.ID, t.ID, max(el.Retries, 1))
		default:
			t.Wait = waitJob
			_, err = e.river.InsertTx(ctx, tx, stepArgs{Office: who.OfficeID, Instance: r.in.ID, Token: t.ID, Element: el.ID},
				&river.InsertOpts{MaxAttempts: el.Retries + 1})
		}
		if err != nil {
			return err
		}
		return r.save()
	})
	if err != nil {
		return postgres.Err(op, err)
	}
	return nil
}
