package flow

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow/bpmn"
)

func (r *run) endEvent(t *token, el *bpmn.Element) error {
	switch el.Event {
	case bpmn.EventTerminate:
		// Terminate ends every token of its scope; the scope then completes.
		r.history("end.terminate", el.ID, t.ID, nil)
		for _, x := range r.in.inScope(t.Scope) {
			if err := r.cancel(x); err != nil {
				return err
			}
		}
		return r.scopeCheck(t.Scope)
	case bpmn.EventError:
		code := ""
		if el.Error != nil {
			code = el.Error.Code
		}
		r.history("end.error", el.ID, t.ID, map[string]any{"code": code})
		scope := t.Scope
		r.in.drop(t)
		caught, err := r.throwError(scope, code)
		if err != nil || caught {
			return err
		}
		// Uncaught error end event: it ends its path like a none end event.
		return r.scopeCheck(scope)
	}
	r.history("end", el.ID, t.ID, nil)
	return r.consume(t)
}

// throwFromActivity raises a handler's business error on its activity.
func (r *run) throwFromActivity(t *token, be *engine.BPMNError) error {
	r.history("error.thrown", t.Element, t.ID, map[string]any{"code": be.Code, "message": be.Message})
	caught, err := r.catchAt(t, be.Code)
	if err != nil || caught {
		return err
	}
	return engine.Errorf("flow.run", engine.KindConflict, "BPMN error %q from %q is not caught by any error boundary event", be.Code, t.Element)
}

// throwError propagates an error out of the scope token scope (a
// sub-process or the process). At the process level of a called instance,
// the instance ends with the error and its caller gets it.
func (r *run) throwError(scope, code string) (bool, error) {
	if scope == "" {
		if r.in.ParentID != nil {
			return true, r.end(StateCompleted, code)
		}
		r.history("error.uncaught", "", "", map[string]any{"code": code})
		return false, nil
	}
	st := r.in.token(scope)
	if st == nil {
		return false, nil
	}
	return r.catchAt(st, code)
}

// catchAt looks for an error boundary event on the activity of t catching
// code (one with no error catches all); if none, the error leaves t's scope.
func (r *run) catchAt(t *token, code string) (bool, error) {
	if t.Inner { // one instance of a multi-instance activity: the body catches
		return r.throwError(t.Scope, code)
	}
	el, err := r.element(t.Element)
	if err != nil {
		return false, err
	}
	for _, b := range el.Boundaries {
		if b.Event == bpmn.EventError && (b.Error == nil || b.Error.Code == "" || b.Error.Code == code) {
			if err := r.cancel(t); err != nil {
				return false, err
			}
			r.history("error.caught", b.ID, t.ID, map[string]any{"code": code})
			nt := r.in.newToken(b.ID, t.Scope)
			r.setVars(map[string]any{"errorCode": code})
			return true, r.leave(nt, b)
		}
	}
	return r.throwError(t.Scope, code)
}

// catchEvent waits at an intermediate timer or message event.
func (r *run) catchEvent(t *token, el *bpmn.Element) error {
	switch el.Event {
	case bpmn.EventTimer:
		t.Wait = waitTimer
		return r.armTimer(t, el)
	case bpmn.EventMessage:
		t.Wait = waitMessage
		return r.subscribe(t, el, el)
	}
	return r.leave(t, el)
}

// eventGateway waits for the first of the events after it.
func (r *run) eventGateway(t *token, el *bpmn.Element) error {
	t.Wait = waitEventGW
	for _, f := range el.Scope.Outgoing[el.ID] {
		target := f.Target
		switch {
		case target.Event == bpmn.EventTimer:
			if err := r.armTimer(t, target); err != nil {
				return err
			}
		case target.Event == bpmn.EventMessage || target.Type == bpmn.ReceiveTask:
			if err := r.subscribe(t, target, target); err != nil {
				return err
			}
		}
	}
	return nil
}

// armBoundaries sets the timers and subscriptions of an activity's
// boundary events, tied to its token.
func (r *run) armBoundaries(t *token, el *bpmn.Element) error {
	for _, b := range el.Boundaries {
		switch b.Event {
		case bpmn.EventTimer:
			if err := r.armTimer(t, b); err != nil {
				return err
			}
		case bpmn.EventMessage:
			if err := r.subscribe(t, b, b); err != nil {
				return err
			}
		}
	}
	return nil
}

// fire delivers a timer or message for element el to token t.
func (r *run) fire(t *token, el *bpmn.Element, repeatLeft int) error {
	switch {
	case el.Type == bpmn.BoundaryEvent:
		r.history("boundary.fired", el.ID, t.ID, nil)
		if el.CancelActivity {
			if err := r.cancel(t); err != nil {
				return err
			}
		} else if el.Event == bpmn.EventTimer && repeatLeft != 0 {
			if err := r.rearm(t, el, repeatLeft); err != nil {
				return err
			}
		} else if el.Event == bpmn.EventMessage {
			// A non-interrupting message boundary keeps listening while
			// its activity runs.
			if err := r.subscribe(t, el, el); err != nil {
				return err
			}
		}
		return r.leave(r.in.newToken(el.ID, t.Scope), el)
	case t.Wait == waitEventGW:
		// The first event wins; the others are withdrawn.
		if err := r.cleanupRows([]string{t.ID}); err != nil {
			return err
		}
		t.Rows = false
		r.history("eventgateway.chose", el.ID, t.ID, nil)
		t.Element, t.Wait = el.ID, ""
		if el.Type == bpmn.ReceiveTask {
			return r.completeActivity(t)
		}
		return r.leave(t, el)
	case t.Element == el.ID && el.Type == bpmn.ReceiveTask:
		return r.completeActivity(t)
	case t.Element == el.ID:
		t.Rows = false
		r.history("event.caught", el.ID, t.ID, nil)
		return r.leave(t, el)
	}
	return nil
}

// --- timers -----------------------------------------------------------------

// timerSpec computes when a timer is due and how often it repeats (-1:
// forever) from its definition: timeDate (RFC 3339), timeDuration (ISO
// 8601) or timeCycle (R[n]/[start/]duration); with calendar="kpa" durations
// count working days (KPA art. 57).
func (r *run) timerSpec(el *bpmn.Element, vars map[string]any) (due time.Time, repeat int, err error) {
	tm := el.Timer
	v, err := tm.Value.Eval(vars)
	if err != nil {
		return time.Time{}, 0, err
	}
	s := strings.TrimSpace(fmt.Sprint(v))
	switch tm.Type {
	case bpmn.TimerDate:
		t, err := time.Parse(time.RFC3339, s)
		return t.UTC(), 0, err
	case bpmn.TimerDuration:
		d, err := calendar.ParseDuration(s)
		if err != nil {
			return time.Time{}, 0, err
		}
		return r.after(r.now, d, tm.Calendar), 0, nil
	}
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || !strings.HasPrefix(parts[0], "R") {
		return time.Time{}, 0, fmt.Errorf("timeCycle %q is not R[n]/[start/]duration", s)
	}
	repeat = -1
	if n := parts[0][1:]; n != "" {
		if repeat, err = strconv.Atoi(n); err != nil || repeat < 1 {
			return time.Time{}, 0, fmt.Errorf("timeCycle %q: bad repetition count", s)
		}
	}
	d, err := calendar.ParseDuration(parts[len(parts)-1])
	if err != nil {
		return time.Time{}, 0, err
	}
	if len(parts) == 3 {
		start, err := time.Parse(time.RFC3339, parts[1])
		if err != nil {
			return time.Time{}, 0, err
		}
		return start.UTC(), max(repeat-1, -1), nil
	}
	return r.after(r.now, d, tm.Calendar), max(repeat-1, -1), nil
}

func (r *run) after(t time.Time, d calendar.Duration, cal string) time.Time {
	if cal == "kpa" {
		return r.e.cal.AddKPA(t, d).UTC()
	}
	return d.AddTo(t).UTC()
}

func (r *run) armTimer(t *token, el *bpmn.Element) error {
	due, repeat, err := r.timerSpec(el, r.vars(t))
	if err != nil {
		return engine.E("flow.timer", engine.KindConflict, fmt.Sprintf("timer of %q", el.ID), err)
	}
	t.Rows = true
	return r.insertTimer(t.ID, el.ID, nil, due, repeat)
}

// rearm schedules the next occurrence of a cycle timer.
func (r *run) rearm(t *token, el *bpmn.Element, repeatLeft int) error {
	v, _ := el.Timer.Value.Eval(r.vars(t))
	parts := strings.Split(fmt.Sprint(v), "/")
	d, err := calendar.ParseDuration(parts[len(parts)-1])
	if err != nil {
		return err
	}
	next := repeatLeft - 1
	if repeatLeft < 0 {
		next = -1
	}
	t.Rows = true
	return r.insertTimer(t.ID, el.ID, nil, r.after(r.now, d, el.Timer.Calendar), next)
}

func (r *run) insertTimer(tok, element string, def *uuid.UUID, due time.Time, repeat int) error {
	id := uuid.Must(uuid.NewV7())
	var inst *uuid.UUID
	if r.in != nil {
		inst = &r.in.ID
	}
	if _, err := r.tx.Exec(r.ctx, q["InsertTimer"], id, r.office, inst, def, tok, element, due, repeat, r.now); err != nil {
		return err
	}
	_, err := r.e.river.InsertTx(r.ctx, r.tx, timerArgs{Office: r.office, Timer: id}, &river.InsertOpts{ScheduledAt: due})
	return err
}

// scheduleStartTimer sets the next timer of a timer start event.
func (r *run) scheduleStartTimer(s *bpmn.Element) error {
	due, repeat, err := r.timerSpec(s, map[string]any{})
	if err != nil {
		return engine.E("flow.timer", engine.KindInvalid, fmt.Sprintf("timer start event %q", s.ID), err)
	}
	return r.insertTimer("", s.ID, &r.def.ID, due, repeat)
}

// --- messages ---------------------------------------------------------------

// subscribe makes token t wait for the message of element el.
func (r *run) subscribe(t *token, el, msgEl *bpmn.Element) error {
	if msgEl.Message == nil {
		return engine.Errorf("flow.subscribe", engine.KindConflict, "%q waits for a message but names none", el.ID)
	}
	key := ""
	ck := msgEl.CorrelationKey
	if ck == nil {
		ck = msgEl.Message.CorrelationKey
	}
	if ck != nil {
		v, err := ck.Eval(r.vars(t))
		if err != nil {
			return engine.E("flow.subscribe", engine.KindConflict, fmt.Sprintf("correlation key of %q", el.ID), err)
		}
		if v != nil {
			key = fmt.Sprint(v)
		}
	}
	sub := subscription{id: uuid.Must(uuid.NewV7()), token: t.ID, element: el.ID, name: msgEl.Message.Name, corr: key}
	t.Rows = true
	r.newSubs = append(r.newSubs, sub)
	_, err := r.tx.Exec(r.ctx, q["InsertSubscription"], sub.id, r.office, r.in.ID, sub.token, sub.element, sub.name, sub.corr, r.now)
	return err
}

// deliverBuffered hands a message that arrived before its subscriber to a
// subscription created in this run.
func (r *run) deliverBuffered() (bool, error) {
	for len(r.newSubs) > 0 {
		sub := r.newSubs[0]
		r.newSubs = r.newSubs[1:]
		t := r.in.token(sub.token)
		if t == nil {
			continue
		}
		var id uuid.UUID
		var raw []byte
		err := r.tx.QueryRow(r.ctx, q["TakeBufferedMessage"], sub.name, sub.corr, r.now, r.in.ID).Scan(&id, &raw)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return false, err
		}
		if _, err := r.tx.Exec(r.ctx, "DELETE FROM flow_subscriptions WHERE id = $1", sub.id); err != nil {
			return false, err
		}
		var vars map[string]any
		_ = json.Unmarshal(raw, &vars)
		r.setVars(vars)
		el, err := r.element(sub.element)
		if err != nil {
			return false, err
		}
		r.history("message.delivered", el.ID, t.ID, map[string]any{"message": sub.name, "buffered": id})
		return true, r.fire(t, el, 0)
	}
	return false, nil
}
