package flow

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
	"obieg.dev/obieg/storage/postgres/pgtest"
)

// bundle: an engine with running workers on its own database, an office
// with unit FN, an administrator and an officer of FN.
type bundle struct {
	ctx     context.Context
	db      *postgres.DB
	e       *Engine
	admin   Who
	officer Who
	other   Who // officer of OR
	calls   *calls
}

// calls counts handler calls by idempotency key.
type calls struct {
	mu   sync.Mutex
	keys map[string]int
	n    int
}

func (c *calls) add(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.keys[key]++
	c.n++
	return c.keys[key]
}

func (c *calls) total() int { c.mu.Lock(); defer c.mu.Unlock(); return c.n }

func setup(t *testing.T) *bundle { return setupWith(t, pgtest.New(t), true) }

// setupOn builds the bundle on db without running workers in this process.
func setupOn(t *testing.T, db *postgres.DB) *bundle { return setupWith(t, db, false) }

func pgtestURL(t *testing.T) string { return pgtest.URL(t) }

func setupWith(t *testing.T, db *postgres.DB, workers bool) *bundle {
	t.Helper()
	ctx := context.Background()
	blobs, err := blob.Open(ctx, "file://"+t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	reg := registry.New(db, blobs, registry.Options{})
	o, err := reg.CreateOffice(ctx, "Urząd Gminy Testowo", "testowo")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := reg.CreateUser(ctx, nil, o.ID, registry.NewUser{Login: "admin", Name: "Admin", Roles: []registry.Role{registry.RoleAdmin}})
	admin, _ := reg.Actor(ctx, o.ID, u.ID)
	fn, _ := reg.CreateUnit(ctx, admin, "FN", "Referat Finansowy", "")
	or, _ := reg.CreateUnit(ctx, admin, "OR", "Referat Organizacyjny", "")
	who := func(login string, unit *registry.Unit) Who {
		pos, err := reg.CreatePosition(ctx, admin, unit.Symbol, "Inspektor "+login, false)
		if err != nil {
			t.Fatal(err)
		}
		nu, _ := reg.CreateUser(ctx, admin, o.ID, registry.NewUser{Login: login, Name: login, Roles: []registry.Role{registry.RoleOfficer}})
		if err := reg.AssignPosition(ctx, admin, nu.ID, pos.ID); err != nil {
			t.Fatal(err)
		}
		return Who{UserID: nu.ID, OfficeID: o.ID, Units: []uuid.UUID{unit.ID}, Positions: []uuid.UUID{pos.ID}}
	}
	e, err := New(db, Options{Logger: slog.New(slog.DiscardHandler), RetryDelay: 50 * time.Millisecond, PollInterval: 50 * time.Millisecond,
		Clock: func() time.Time { return time.Now() }})
	if err != nil {
		t.Fatal(err)
	}
	b := &bundle{ctx: ctx, db: db, e: e, admin: Who{UserID: u.ID, OfficeID: o.ID, Admin: true},
		officer: who("officer", fn), other: who("other", or), calls: &calls{keys: map[string]int{}}}
	if !workers {
		return b
	}
	if err := e.StartWorkers(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e.StopWorkers(stopCtx)
	})
	return b
}

// def wraps process elements in a BPMN document.
func def(id, body string) []byte {
	return []byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:obieg="https://obieg.dev/bpmn"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_%[1]s" targetNamespace="http://obieg.dev/test">
  <bpmn:process id="%[1]s" isExecutable="true">
%[2]s
  </bpmn:process>
</bpmn:definitions>`, id, body))
}

func (b *bundle) deploy(t *testing.T, xml []byte) Definition {
	t.Helper()
	ds, err := b.e.Deploy(b.ctx, b.admin, xml)
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	return ds[0]
}

func (b *bundle) start(t *testing.T, key string, vars map[string]any) *Instance {
	t.Helper()
	in, err := b.e.StartInstance(b.ctx, b.officer, key, "FN.3120.1.2026", vars)
	if err != nil {
		t.Fatalf("start %s: %v", key, err)
	}
	return in
}

// view reads an instance's state as the administrator.
func (b *bundle) view(t *testing.T, id uuid.UUID) *InstanceView {
	t.Helper()
	v, err := b.e.Instance(b.ctx, b.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// waitState polls until the instance reaches state (jobs and timers run
// in the background).
func (b *bundle) waitState(t *testing.T, id uuid.UUID, state string, within time.Duration) *InstanceView {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		v := b.view(t, id)
		if v.State == state {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance %s is %s with tokens at %v after %v, want %s", id, v.State, v.Active, within, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *bundle) tasks(t *testing.T, who Who, instance uuid.UUID) []*Task {
	t.Helper()
	ts, err := b.e.Tasks(b.ctx, who, TaskFilter{Mine: !who.Admin, All: who.Admin, Instance: &instance})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func (b *bundle) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.System(b.ctx, func(tx pgx.Tx) error { return tx.QueryRow(b.ctx, query, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}
