package flow

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow/bpmn"
)

// enterActivity starts the work of an activity for token t.
func (r *run) enterActivity(t *token, el *bpmn.Element) error {
	if el.Loop != nil && !t.Inner {
		return r.startMI(t, el)
	}
	if !t.Inner {
		if err := r.armBoundaries(t, el); err != nil {
			return err
		}
	}
	switch el.Type {
	case bpmn.UserTask:
		return r.createTask(t, el)
	case bpmn.ServiceTask, bpmn.SendTask:
		switch {
		case el.External():
			return r.createExternal(t, el)
		case el.Async:
			t.Wait = waitJob
			_, err := r.e.river.InsertTx(r.ctx, r.tx, stepArgs{Office: r.office, Instance: r.in.ID, Token: t.ID, Element: el.ID},
				&river.InsertOpts{MaxAttempts: el.Retries + 1})
			return err
		}
		return r.callInline(t, el)
	case bpmn.ReceiveTask:
		t.Wait = waitMessage
		return r.subscribe(t, el, el)
	case bpmn.SubProcess:
		start := el.Sub.NoneStart()
		if start == nil {
			return engine.Errorf("flow.run", engine.KindConflict, "sub-process %q has no none start event", el.ID)
		}
		t.Wait = waitScope
		r.push(r.in.newToken(start.ID, t.ID))
		return nil
	case bpmn.CallActivity:
		return r.callActivity(t, el)
	}
	return r.completeActivity(t) // manual task, plain task
}

// completeActivity ends the activity of t: its boundary timers and
// subscriptions go, and the token leaves (or reports to its
// multi-instance body).
func (r *run) completeActivity(t *token) error {
	el, err := r.element(t.Element)
	if err != nil {
		return err
	}
	if t.Rows {
		if err := r.cleanupRows([]string{t.ID}); err != nil {
			return err
		}
		t.Rows = false
	}
	t.Child = nil
	r.history("activity.completed", el.ID, t.ID, nil)
	if t.Inner {
		return r.miInstanceDone(t, el)
	}
	return r.leave(t, el)
}

// handlerCall builds the call for a service task; its key is the same for
// every attempt of this step, because token ids are.
func (r *run) handlerCall(t *token, el *bpmn.Element) *engine.Call {
	c := &engine.Call{OfficeID: r.office, InstanceID: r.in.ID, ProcessKey: r.def.Key, BusinessKey: r.in.BusinessKey,
		ElementID: el.ID, Key: r.in.ID.String() + "/" + t.ID + "/" + el.ID, Vars: maps.Clone(r.vars(t))}
	if r.actor != nil {
		c.ActorID = *r.actor
	}
	return c
}

// callInline runs a handler inside the transition's transaction. A
// technical failure fails the whole transition.
func (r *run) callInline(t *token, el *bpmn.Element) error {
	h := r.e.handler(el.Handler)
	if h == nil {
		return engine.Errorf("flow.run", engine.KindConflict, "no handler %q is registered (service task %q)", el.Handler, el.ID)
	}
	call := r.handlerCall(t, el)
	err := h(r.ctx, call)
	var be *engine.BPMNError
	if errors.As(err, &be) {
		return r.throwFromActivity(t, be)
	}
	if err != nil {
		return engine.E("flow.run", fmt.Sprintf("handler %q of %q failed", el.Handler, el.ID), err)
	}
	r.setVars(call.Outputs())
	return r.completeActivity(t)
}

func (r *run) createExternal(t *token, el *bpmn.Element) error {
	t.Wait, t.Rows = waitExternal, true
	_, err := r.tx.Exec(r.ctx, q["InsertExternal"], uuid.Must(uuid.NewV7()), r.office, r.in.ID, t.ID, el.ID, el.Topic, el.Retries, r.now)
	return err
}

// createTask opens a user task, resolving its assignee (a login or user id),
// candidate unit (a unit symbol or id) and candidate position (a position
// id) from their expressions.
func (r *run) createTask(t *token, el *bpmn.Element) error {
	const op = "flow.createTask"
	vars := r.vars(t)
	var assignee, unit, position *uuid.UUID
	var due *time.Time
	if u := el.User; u != nil {
		var err error
		if assignee, err = r.resolve(u.Assignee, vars, "SELECT id FROM users WHERE login = $1 OR id::text = $1"); err != nil {
			return engine.E(op, fmt.Sprintf("assignee of user task %q", el.ID), err)
		}
		if unit, err = r.resolve(u.CandidateUnit, vars, "SELECT id FROM units WHERE symbol = $1 OR id::text = $1"); err != nil {
			return engine.E(op, fmt.Sprintf("candidate unit of user task %q", el.ID), err)
		}
		if position, err = r.resolve(u.CandidatePosition, vars, "SELECT id FROM positions WHERE id::text = $1 OR name = $1 ORDER BY created_at LIMIT 1"); err != nil {
			return engine.E(op, fmt.Sprintf("candidate position of user task %q", el.ID), err)
		}
		if u.DueDate != nil {
			v, err := u.DueDate.Eval(vars)
			if err != nil {
				return engine.E(op, engine.KindConflict, fmt.Sprintf("due date of user task %q", el.ID), err)
			}
			d, err := r.dueDate(fmt.Sprint(v), u.Calendar)
			if err != nil {
				return engine.E(op, engine.KindConflict, fmt.Sprintf("due date of user task %q", el.ID), err)
			}
			due = &d
		}
	}
	t.Wait, t.Rows = waitTask, true
	id := uuid.Must(uuid.NewV7())
	_, err := r.tx.Exec(r.ctx, q["InsertTask"], id, r.office, r.in.ID, t.ID, el.ID, el.Name, el.Form, assignee, unit, position, due, r.now)
	r.history("task.created", el.ID, t.ID, map[string]any{"task": id})
	return err
}

// resolve evaluates an expression to a name and looks its id up.
func (r *run) resolve(x *bpmn.Expression, vars map[string]any, query string) (*uuid.UUID, error) {
	if x == nil {
		return nil, nil
	}
	v, err := x.Eval(vars)
	if err != nil {
		return nil, engine.E("flow.resolve", engine.KindConflict, err)
	}
	name := strings.TrimSpace(fmt.Sprint(v))
	if v == nil || name == "" {
		return nil, nil
	}
	var id uuid.UUID
	if err := r.tx.QueryRow(r.ctx, query, name).Scan(&id); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, engine.Errorf("flow.resolve", engine.KindConflict, "%q does not name anything in this office", name)
		}
		return nil, err
	}
	return &id, nil
}

// dueDate reads an RFC 3339 time, a date, or an ISO 8601 duration from now
// (working days when calendar is "kpa").
func (r *run) dueDate(s, cal string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "P") {
		d, err := calendar.ParseDuration(s)
		if err != nil {
			return time.Time{}, err
		}
		if cal == "kpa" {
			return r.e.cal.AddKPA(r.now, d).UTC(), nil
		}
		return d.AddTo(r.now).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a duration, a date nor a date-time", s)
	}
	// A due date is the end of that day in Poland.
	return d.AddDays(1).Start().Add(-time.Microsecond).UTC(), nil
}

// startMI starts a multi-instance body: one instance per item of the
// collection (or loopCardinality times), all at once or one after another.
func (r *run) startMI(t *token, el *bpmn.Element) error {
	const op = "flow.multiInstance"
	vars := r.vars(t)
	var items []any
	switch {
	case el.Loop.Collection != nil:
		v, err := el.Loop.Collection.Eval(vars)
		if err != nil {
			return engine.E(op, engine.KindConflict, fmt.Sprintf("collection of %q", el.ID), err)
		}
		list, ok := v.([]any)
		if !ok {
			return engine.Errorf(op, engine.KindConflict, "collection of %q is %T, not a list", el.ID, v)
		}
		items = list
	case el.Loop.Cardinality != nil:
		v, err := el.Loop.Cardinality.Eval(vars)
		if err != nil {
			return engine.E(op, engine.KindConflict, fmt.Sprintf("loopCardinality of %q", el.ID), err)
		}
		n, ok := toInt(v)
		if !ok || n < 0 || n > 10000 {
			return engine.Errorf(op, engine.KindConflict, "loopCardinality of %q is %v, not a count from 0 to 10000", el.ID, v)
		}
		items = make([]any, n)
	}
	if err := r.armBoundaries(t, el); err != nil {
		return err
	}
	t.Wait, t.MI = waitMI, &miState{Items: items}
	if len(items) == 0 {
		return r.miFinish(t, el)
	}
	if el.Loop.Sequential {
		r.miSpawn(t, el)
		return nil
	}
	for range items {
		r.miSpawn(t, el)
	}
	return nil
}

func (r *run) miSpawn(body *token, el *bpmn.Element) {
	i := body.MI.Next
	c := r.in.newToken(el.ID, body.ID)
	c.Inner = true
	c.Vars = map[string]any{"loopCounter": i}
	if el.Loop.ElementVariable != "" {
		c.Vars[el.Loop.ElementVariable] = body.MI.Items[i]
	}
	body.MI.Next++
	body.MI.Active++
	r.push(c)
}

func (r *run) miInstanceDone(c *token, el *bpmn.Element) error {
	body := r.in.token(c.Scope)
	r.in.drop(c)
	if body == nil || body.MI == nil {
		return nil
	}
	body.MI.Active--
	body.MI.Completed++
	n := len(body.MI.Items)
	done := body.MI.Completed >= n
	if !done && el.Loop.CompletionCondition != nil {
		vars := maps.Clone(r.vars(body))
		vars["nrOfInstances"], vars["nrOfCompletedInstances"], vars["nrOfActiveInstances"] = n, body.MI.Completed, body.MI.Active
		ok, err := el.Loop.CompletionCondition.Bool(vars)
		if err != nil {
			return engine.E("flow.multiInstance", engine.KindConflict, fmt.Sprintf("completionCondition of %q", el.ID), err)
		}
		done = ok
	}
	if done {
		for _, x := range r.in.inScope(body.ID) {
			if err := r.cancel(x); err != nil {
				return err
			}
		}
		return r.miFinish(body, el)
	}
	if el.Loop.Sequential && body.MI.Next < n {
		r.miSpawn(body, el)
	}
	return nil
}

func (r *run) miFinish(body *token, el *bpmn.Element) error {
	body.MI = nil
	if body.Rows {
		if err := r.cleanupRows([]string{body.ID}); err != nil {
			return err
		}
		body.Rows = false
	}
	r.history("activity.completed", el.ID, body.ID, nil)
	return r.leave(body, el)
}

// callActivity starts the latest version of the called process with a copy
// of the caller's variables, in the same transaction. If it completes at
// once the caller goes on; otherwise the child resumes its caller through a
// job when it ends. The child's variables are copied back on completion.
func (r *run) callActivity(t *token, el *bpmn.Element) error {
	const op = "flow.callActivity"
	v, err := el.CalledElement.Eval(r.vars(t))
	if err != nil {
		return engine.E(op, engine.KindConflict, fmt.Sprintf("calledElement of %q", el.ID), err)
	}
	key := fmt.Sprint(v)
	cr, err := r.e.newInstance(r.ctx, r.tx, r.office, key, r.in.BusinessKey, maps.Clone(r.vars(t)), r.actor)
	if err != nil {
		return engine.E(op, fmt.Sprintf("call activity %q", el.ID), err)
	}
	start := cr.proc.NoneStart()
	if start == nil {
		return engine.Errorf(op, engine.KindConflict, "called process %q has no none start event (call activity %q)", key, el.ID)
	}
	cr.parent = r
	cr.in.ParentID, cr.in.ParentToken = &r.in.ID, t.ID
	cr.begin(start)
	t.Wait, t.Child = waitCall, &cr.in.ID
	r.history("call.started", el.ID, t.ID, map[string]any{"child": cr.in.ID})
	if err := cr.finish(); err != nil {
		return err
	}
	return r.childEnded(t, cr.in.ID, cr.ended, cr.errCode, cr.in.Vars)
}

// childEnded continues a call activity whose called instance ended.
func (r *run) childEnded(t *token, child uuid.UUID, state, errCode string, vars map[string]any) error {
	switch state {
	case "":
		return nil // still running: it will resume us
	case StateCompleted:
		if errCode != "" {
			return r.throwFromActivity(t, &engine.BPMNError{Code: errCode, Message: "thrown by called instance " + child.String()})
		}
		r.setVars(vars)
		return r.completeActivity(t)
	}
	return engine.Errorf("flow.callActivity", engine.KindConflict, "called instance %s was %s", child, state)
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), n == float64(int(n))
	}
	return 0, false
}
