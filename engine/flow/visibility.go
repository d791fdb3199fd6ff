package flow

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/postgres"
)

// InstanceView is everything about one instance, for people and for
// rendering its diagram with the active elements highlighted.
type InstanceView struct {
	ID            uuid.UUID      `json:"id"`
	DefinitionID  uuid.UUID      `json:"definitionId"`
	Key           string         `json:"processKey"`
	Version       int            `json:"version"`
	BusinessKey   string         `json:"businessKey,omitempty"`
	State         string         `json:"state"`
	StartedAt     time.Time      `json:"startedAt"`
	EndedAt       *time.Time     `json:"endedAt,omitempty"`
	ParentID      *uuid.UUID     `json:"parentId,omitempty"`
	Active        []string       `json:"activeElements"`
	Tokens        []TokenView    `json:"tokens"`
	Variables     map[string]any `json:"variables"`
	Tasks         []*Task        `json:"tasks"`
	Timers        []TimerView    `json:"timers"`
	Subscriptions []SubView      `json:"subscriptions"`
	External      []ExternalView `json:"externalTasks"`
	Incidents     []*Incident    `json:"incidents"`
	History       []HistoryEntry `json:"history,omitempty"`
	Children      []uuid.UUID    `json:"children,omitempty"`
}

// TokenView is a waiting token.
type TokenView struct {
	ID      string `json:"id"`
	Element string `json:"elementId"`
	Waits   string `json:"waitsFor"`
	Scope   string `json:"scope,omitempty"`
}

// TimerView is a pending timer.
type TimerView struct {
	ID      uuid.UUID `json:"id"`
	Element string    `json:"elementId"`
	Token   string    `json:"token"`
	DueAt   time.Time `json:"dueAt"`
	Repeats int       `json:"repeatsLeft,omitempty"`
}

// SubView is a message the instance waits for.
type SubView struct {
	Element        string `json:"elementId"`
	Token          string `json:"token"`
	Message        string `json:"messageName"`
	CorrelationKey string `json:"correlationKey,omitempty"`
}

// ExternalView is a service task waiting for an external worker.
type ExternalView struct {
	ID            uuid.UUID  `json:"id"`
	Element       string     `json:"elementId"`
	Topic         string     `json:"topic"`
	WorkerID      string     `json:"workerId,omitempty"`
	LockExpiresAt *time.Time `json:"lockExpiresAt,omitempty"`
	Retries       int        `json:"retries"`
	Error         string     `json:"errorMessage,omitempty"`
}

// HistoryEntry is one event in an instance's history.
type HistoryEntry struct {
	At      time.Time      `json:"at"`
	Event   string         `json:"event"`
	Element string         `json:"elementId,omitempty"`
	Token   string         `json:"token,omitempty"`
	Details map[string]any `json:"details,omitempty"`
}

// Instance returns the state of an instance with its tasks, timers,
// subscriptions, external tasks, incidents and history. Process variables
// may hold personal data: administrators only.
func (e *Engine) Instance(ctx context.Context, who Who, id uuid.UUID) (*InstanceView, error) {
	const op = "flow.Instance"
	if !who.Admin {
		return nil, engine.E(op, engine.KindForbidden, "only an administrator may inspect process instances")
	}
	v := &InstanceView{}
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		r, err := e.load(ctx, tx, who.OfficeID, id, false)
		if err != nil {
			return err
		}
		in := r.in
		*v = InstanceView{ID: in.ID, DefinitionID: in.DefinitionID, Key: r.def.Key, Version: r.def.Version, BusinessKey: in.BusinessKey,
			State: in.State, StartedAt: in.StartedAt, EndedAt: in.EndedAt, ParentID: in.ParentID, Variables: in.Vars,
			Active: []string{}, Tokens: []TokenView{}}
		seen := map[string]bool{}
		for _, t := range in.T.Tokens {
			v.Tokens = append(v.Tokens, TokenView{ID: t.ID, Element: t.Element, Waits: t.Wait, Scope: t.Scope})
			if !seen[t.Element] {
				seen[t.Element] = true
				v.Active = append(v.Active, t.Element)
			}
			if t.Child != nil {
				v.Children = append(v.Children, *t.Child)
			}
		}
		rows, _ := tx.Query(ctx, q["ListTasks"], false, false, uuid.Nil, nil, nil, true, id)
		if v.Tasks, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Task, error) { return scanTask(r) }); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, q["InstanceTimers"], id)
		if v.Timers, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (TimerView, error) {
			var t TimerView
			return t, r.Scan(&t.ID, &t.Element, &t.Token, &t.DueAt, &t.Repeats)
		}); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, q["InstanceSubscriptions"], id)
		if v.Subscriptions, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (SubView, error) {
			var s SubView
			return s, r.Scan(&s.Element, &s.Token, &s.Message, &s.CorrelationKey)
		}); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, q["InstanceExternal"], id)
		if v.External, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (ExternalView, error) {
			var x ExternalView
			return x, r.Scan(&x.ID, &x.Element, &x.Topic, &x.WorkerID, &x.LockExpiresAt, &x.Retries, &x.Error)
		}); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, q["ListIncidents"], id, true)
		if v.Incidents, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Incident, error) { return scanIncident(r) }); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, q["InstanceHistory"], id)
		v.History, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (HistoryEntry, error) {
			var h HistoryEntry
			return h, r.Scan(&h.At, &h.Event, &h.Element, &h.Token, &h.Details)
		})
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return v, nil
}

// InstanceSummary is a line of an instance list.
type InstanceSummary struct {
	ID          uuid.UUID  `json:"id"`
	Key         string     `json:"processKey"`
	Version     int        `json:"version"`
	BusinessKey string     `json:"businessKey,omitempty"`
	State       string     `json:"state"`
	StartedAt   time.Time  `json:"startedAt"`
	EndedAt     *time.Time `json:"endedAt,omitempty"`
	Incident    bool       `json:"hasIncident"`
}

// InstanceFilter selects instances; empty fields match all.
type InstanceFilter struct {
	Key, State, BusinessKey string
	WithIncident            bool
	Cursor                  string
	Limit                   int
}

// Instances lists instances, newest first, a page at a time.
func (e *Engine) Instances(ctx context.Context, who Who, f InstanceFilter) ([]InstanceSummary, string, error) {
	const op = "flow.Instances"
	if !who.Admin {
		return nil, "", engine.E(op, engine.KindForbidden, "only an administrator may list process instances")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var curAt *time.Time
	var curID *uuid.UUID
	if f.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		ts, ids, ok := strings.Cut(string(b), "|")
		us, err2 := strconv.ParseInt(ts, 10, 64)
		id, err3 := uuid.Parse(ids)
		if err != nil || !ok || err2 != nil || err3 != nil {
			return nil, "", engine.Invalid(op, "cursor", "cursor is not valid")
		}
		at := time.UnixMicro(us).UTC()
		curAt, curID = &at, &id
	}
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	var out []InstanceSummary
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["ListInstances"], opt(f.Key), opt(f.State), opt(f.BusinessKey), f.WithIncident, curAt, curID, f.Limit+1)
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (InstanceSummary, error) {
			var s InstanceSummary
			return s, r.Scan(&s.ID, &s.Key, &s.Version, &s.BusinessKey, &s.State, &s.StartedAt, &s.EndedAt, &s.Incident)
		})
		return err
	})
	if err != nil {
		return nil, "", postgres.Err(op, err)
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[len(out)-1]
		next = base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d|%s", last.StartedAt.UnixMicro(), last.ID)))
	}
	return out, next, nil
}
