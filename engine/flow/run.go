package flow

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/flow/bpmn"
	"obieg.dev/obieg/storage/postgres"
)

// run is one transition of one instance: it moves tokens in memory until
// every token waits, writing rows and jobs through tx as it goes, then saves
// the instance. It is used by one goroutine inside one transaction.
type run struct {
	e      *Engine
	ctx    context.Context
	tx     pgx.Tx
	office uuid.UUID
	in     *instance
	proc   *bpmn.Process
	def    *Definition
	now    time.Time
	actor  *uuid.UUID // who caused the transition, for history

	queue   []*token
	hist    []histEvent
	newSubs []subscription // created in this run: buffered messages may match
	parent  *run           // set when this instance was started by a call activity in the same transaction
	ended   string         // state the instance ended in during this run
	errCode string         // error code the instance ended with (call activity children)
}

type histEvent struct {
	event, element, token string
	details               map[string]any
}

type subscription struct {
	id         uuid.UUID
	token      string
	element    string
	name, corr string
}

// load reads an instance (locking it when lock) and its model.
func (e *Engine) load(ctx context.Context, tx pgx.Tx, office, id uuid.UUID, lock bool) (*run, error) {
	query := q["GetInstance"]
	if lock {
		query = q["LockInstance"]
	}
	in := &instance{OfficeID: office}
	var vars, toks []byte
	err := tx.QueryRow(ctx, query, id).Scan(&in.ID, &in.DefinitionID, &in.BusinessKey, &in.State, &vars, &toks,
		&in.ParentID, &in.ParentToken, &in.StartedAt, &in.EndedAt)
	if err != nil {
		return nil, postgres.NotFound("flow.load", err, "no process instance %s", id)
	}
	if err := json.Unmarshal(vars, &in.Vars); err != nil {
		return nil, engine.E("flow.load", err)
	}
	if err := json.Unmarshal(toks, &in.T); err != nil {
		return nil, engine.E("flow.load", err)
	}
	if in.Vars == nil {
		in.Vars = map[string]any{}
	}
	proc, def, err := e.model(ctx, tx, in.DefinitionID)
	if err != nil {
		return nil, err
	}
	return &run{e: e, ctx: ctx, tx: tx, office: office, in: in, proc: proc, def: def, now: e.now()}, nil
}

// finish runs to the wait states and saves.
func (r *run) finish() error {
	if err := r.drain(); err != nil {
		return err
	}
	return r.save()
}

func (r *run) save() error {
	vars, err := json.Marshal(r.in.Vars)
	if err != nil {
		return engine.E("flow.save", engine.KindInvalid, "variables are not JSON-serialisable", err)
	}
	toks, _ := json.Marshal(r.in.T)
	hist, err := r.takeHistory()
	if err != nil {
		return err
	}
	if r.in.isNew {
		if hist == nil {
			hist = []byte("[]")
		}
		_, err = r.tx.Exec(r.ctx, q["InsertInstance"], r.in.ID, r.office, r.in.DefinitionID, r.in.BusinessKey, r.in.State,
			vars, toks, r.in.ParentID, r.in.ParentToken, r.in.StartedAt, r.in.EndedAt, r.actor, uuid.Must(uuid.NewV7()), hist)
		r.in.isNew = false
		return err
	}
	_, err = r.tx.Exec(r.ctx, q["UpdateInstance"], r.in.ID, r.in.State, vars, toks, r.in.EndedAt, r.in.DefinitionID,
		uuid.Must(uuid.NewV7()), r.office, r.now, hist)
	return err
}

func (r *run) history(event, element, tok string, details map[string]any) {
	r.hist = append(r.hist, histEvent{event, element, tok, details})
}

// takeHistory returns the transition's events as a JSON array for its one
// history row (nil when there are none), and clears them.
func (r *run) takeHistory() ([]byte, error) {
	if len(r.hist) == 0 {
		return nil, nil
	}
	type event struct {
		Event   string         `json:"event"`
		Element string         `json:"element,omitempty"`
		Token   string         `json:"token,omitempty"`
		Details map[string]any `json:"details,omitempty"`
	}
	evs := make([]event, len(r.hist))
	for i, h := range r.hist {
		evs[i] = event{h.event, h.element, h.token, h.details}
	}
	r.hist = r.hist[:0]
	return json.Marshal(evs)
}

func (r *run) element(id string) (*bpmn.Element, error) {
	el := r.proc.Element(id)
	if el == nil {
		return nil, engine.Errorf("flow.run", engine.KindConflict, "element %q is not in %s version %d (instance %s)", id, r.def.Key, r.def.Version, r.in.ID)
	}
	return el, nil
}

// vars is what expressions and handlers at t see: instance variables, then
// the local variables of enclosing scopes, innermost last.
func (r *run) vars(t *token) map[string]any {
	var chain []*token
	for cur := t; cur != nil; {
		if len(cur.Vars) > 0 {
			chain = append(chain, cur)
		}
		if cur.Scope == "" {
			break
		}
		cur = r.in.token(cur.Scope)
	}
	if len(chain) == 0 {
		return r.in.Vars
	}
	out := maps.Clone(r.in.Vars)
	for i := len(chain) - 1; i >= 0; i-- {
		maps.Copy(out, chain[i].Vars)
	}
	return out
}

func (r *run) setVars(vars map[string]any) {
	maps.Copy(r.in.Vars, vars)
}

func (r *run) push(t *token) {
	t.Wait = ""
	r.queue = append(r.queue, t)
}

// drain moves tokens until all wait, then fires inclusive joins that can
// no longer receive tokens and delivers buffered messages to new
// subscriptions, until nothing changes.
func (r *run) drain() error {
	for steps := 0; ; {
		for len(r.queue) > 0 {
			t := r.queue[0]
			r.queue = r.queue[1:]
			if r.in.token(t.ID) != t {
				continue // cancelled while queued
			}
			if steps++; steps > 100000 {
				return engine.Errorf("flow.run", engine.KindConflict, "instance %s ran 100000 steps without waiting: an endless loop in the process?", r.in.ID)
			}
			if err := r.step(t); err != nil {
				return err
			}
		}
		fired, err := r.fireInclusiveJoins()
		if err != nil {
			return err
		}
		if fired {
			continue
		}
		delivered, err := r.deliverBuffered()
		if err != nil {
			return err
		}
		if !delivered {
			return nil
		}
	}
}

func (r *run) step(t *token) error {
	el, err := r.element(t.Element)
	if err != nil {
		return err
	}
	switch el.Type {
	case bpmn.StartEvent, bpmn.IntermediateThrowEvent, bpmn.BoundaryEvent:
		return r.leave(t, el)
	case bpmn.EndEvent:
		return r.endEvent(t, el)
	case bpmn.IntermediateCatchEvent:
		return r.catchEvent(t, el)
	case bpmn.ExclusiveGateway, bpmn.InclusiveGateway:
		if len(el.Scope.Incoming[el.ID]) > 1 {
			return r.join(t, el)
		}
		return r.leave(t, el)
	case bpmn.ParallelGateway:
		if len(el.Scope.Incoming[el.ID]) > 1 {
			return r.join(t, el)
		}
		return r.leave(t, el)
	case bpmn.EventBasedGateway:
		return r.eventGateway(t, el)
	}
	return r.enterActivity(t, el)
}

// leave sends t out of el along the flows it takes: for an exclusive
// gateway the first whose condition holds (else the default), for an
// inclusive gateway every one whose condition holds (else the default), for
// anything else every unconditional flow and every conditional one that
// holds (else the default). No flow out ends the token.
func (r *run) leave(t *token, el *bpmn.Element) error {
	var take []*bpmn.SequenceFlow
	vars := r.vars(t)
	for _, f := range el.Scope.Outgoing[el.ID] {
		if f.Default {
			continue
		}
		if el.Type == bpmn.ParallelGateway || f.Condition == nil {
			take = append(take, f)
			continue
		}
		ok, err := f.Condition.Bool(vars)
		if err != nil {
			return engine.E("flow.leave", engine.KindConflict, fmt.Sprintf("condition of sequence flow %q (%s): %v", f.ID, f.Condition.Source, err))
		}
		if ok {
			take = append(take, f)
			if el.Type == bpmn.ExclusiveGateway {
				break
			}
		}
	}
	if len(take) == 0 && el.Default != nil {
		take = append(take, el.Default)
	}
	if len(take) == 0 {
		if el.Type == bpmn.ExclusiveGateway || el.Type == bpmn.InclusiveGateway {
			return engine.Errorf("flow.leave", engine.KindConflict, "no outgoing flow of gateway %q matched and it has no default flow", el.ID)
		}
		return r.consume(t)
	}
	t.Arrived = nil
	for i, f := range take {
		next := t
		if i > 0 {
			next = r.in.newToken(f.Target.ID, t.Scope)
		}
		next.Element, next.From = f.Target.ID, f.ID
		r.push(next)
	}
	return nil
}

// consume ends a token; its scope may be complete.
func (r *run) consume(t *token) error {
	r.in.drop(t)
	if t.Rows {
		if err := r.cleanupRows([]string{t.ID}); err != nil {
			return err
		}
	}
	return r.scopeCheck(t.Scope)
}

// scopeCheck completes a scope with no tokens left: a sub-process leaves,
// the process ends.
func (r *run) scopeCheck(scope string) error {
	if len(r.in.inScope(scope)) > 0 {
		return nil
	}
	if scope == "" {
		return r.end(StateCompleted, "")
	}
	st := r.in.token(scope)
	if st == nil || st.Wait != waitScope {
		return nil
	}
	return r.completeActivity(st)
}

// join records t's arrival at a joining gateway. A parallel join fires
// when a token has come by every incoming flow; an inclusive join when no
// other token of the scope can still reach it (fireInclusiveJoins); a
// joining exclusive gateway passes every token straight on.
func (r *run) join(t *token, el *bpmn.Element) error {
	if el.Type == bpmn.ExclusiveGateway {
		return r.leave(t, el)
	}
	var j *token
	for _, x := range r.in.T.Tokens {
		if x != t && x.Element == el.ID && x.Wait == waitJoin && x.Scope == t.Scope {
			j = x
			break
		}
	}
	if j == nil {
		j = t
		t.Wait, t.Arrived = waitJoin, map[string]int{}
	} else {
		r.in.drop(t)
	}
	j.Arrived[t.From]++
	if el.Type == bpmn.ParallelGateway {
		for _, f := range el.Scope.Incoming[el.ID] {
			if j.Arrived[f.ID] == 0 {
				return nil
			}
		}
		return r.fireJoin(j, el)
	}
	return nil // inclusive: decided when the scope is quiet
}

// fireJoin lets one token out of a join, keeping any extra arrivals waiting.
func (r *run) fireJoin(j *token, el *bpmn.Element) error {
	extra := false
	for f, n := range j.Arrived {
		if n > 1 {
			j.Arrived[f] = n - 1
			extra = true
		} else {
			delete(j.Arrived, f)
		}
	}
	r.history("gateway.joined", el.ID, j.ID, nil)
	out := j
	if extra {
		out = r.in.newToken(el.ID, j.Scope)
	} else {
		j.Arrived = nil
	}
	return r.leave(out, el)
}

// fireInclusiveJoins fires every inclusive join that no other token of its
// scope can still reach.
func (r *run) fireInclusiveJoins() (bool, error) {
	for _, j := range r.in.T.Tokens {
		if j.Wait != waitJoin {
			continue
		}
		el, err := r.element(j.Element)
		if err != nil {
			return false, err
		}
		if el.Type != bpmn.InclusiveGateway {
			continue
		}
		blocked := false
		for _, x := range r.in.inScope(j.Scope) {
			if x == j || (x.Wait == waitJoin && x.Element == j.Element) {
				continue
			}
			if r.canReach(x.Element, el) {
				blocked = true
				break
			}
		}
		if !blocked {
			return true, r.fireJoin(j, el)
		}
	}
	return false, nil
}

// canReach reports whether a token at element from can still arrive at
// target in the same scope, by sequence flows or boundary events.
func (r *run) canReach(from string, target *bpmn.Element) bool {
	seen := map[string]bool{}
	stack := []string{from}
	sc := target.Scope
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[id] {
			continue
		}
		seen[id] = true
		for _, f := range sc.Outgoing[id] {
			if f.Target == target {
				return true
			}
			stack = append(stack, f.Target.ID)
		}
		if el := sc.Elements[id]; el != nil {
			for _, b := range el.Boundaries {
				stack = append(stack, b.ID)
			}
		}
	}
	return false
}

// end finishes the instance with its remaining tokens cancelled.
func (r *run) end(state, errCode string) error {
	if r.in.State != StateActive {
		return nil
	}
	var all []string
	for _, t := range r.in.T.Tokens {
		all = append(all, t.ID)
		if t.Child != nil {
			if err := r.terminateChild(*t.Child); err != nil {
				return err
			}
		}
	}
	if len(all) > 0 {
		if err := r.cleanupRows(all); err != nil {
			return err
		}
	}
	r.in.T.Tokens = nil
	r.in.State = state
	now := r.now
	r.in.EndedAt = &now
	r.ended, r.errCode = state, errCode
	r.history("instance."+state, "", "", nil)
	if r.in.ParentID != nil && r.parent == nil {
		_, err := r.e.river.InsertTx(r.ctx, r.tx, resumeArgs{Office: r.office, Instance: *r.in.ParentID, Token: r.in.ParentToken,
			Child: r.in.ID, State: state, ErrorCode: errCode}, nil)
		return err
	}
	return nil
}

// cancel removes t and every token inside it, with their rows; called
// instances are terminated.
func (r *run) cancel(t *token) error {
	ids := []string{t.ID}
	rows := t.Rows
	victims := []*token{t}
	for i := 0; i < len(victims); i++ {
		for _, x := range r.in.inScope(victims[i].ID) {
			victims = append(victims, x)
			ids = append(ids, x.ID)
			rows = rows || x.Rows
		}
	}
	for _, v := range victims {
		if v.Child != nil {
			if err := r.terminateChild(*v.Child); err != nil {
				return err
			}
		}
		r.in.drop(v)
	}
	r.history("element.cancelled", t.Element, t.ID, nil)
	if rows {
		return r.cleanupRows(ids)
	}
	return nil
}

// cleanupRows cancels the open tasks and removes the timers, subscriptions
// and external tasks of the given tokens, and resolves their incidents.
func (r *run) cleanupRows(ids []string) error {
	for _, name := range []string{"CancelTokenTasks", "ResolveTokenIncidents"} {
		if _, err := r.tx.Exec(r.ctx, q[name], r.in.ID, ids, r.now); err != nil {
			return err
		}
	}
	for _, name := range []string{"DeleteTokenTimers", "DeleteTokenSubscriptions", "DeleteTokenExternal"} {
		if _, err := r.tx.Exec(r.ctx, q[name], r.in.ID, ids); err != nil {
			return err
		}
	}
	return nil
}

// terminateChild ends a called instance that its caller no longer waits for.
// Locks go parent before child, never the other way (children reach their
// parent through a job), so this cannot deadlock.
func (r *run) terminateChild(id uuid.UUID) error {
	cr, err := r.e.load(r.ctx, r.tx, r.office, id, true)
	if err != nil || cr.in.State != StateActive {
		return err
	}
	cr.parent = r // the parent knows: no resume job
	if err := cr.end(StateTerminated, ""); err != nil {
		return err
	}
	return cr.save()
}
