package registry

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
	"obieg.dev/obieg/storage/postgres/pgtest"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// bundle is what most registry tests need: a migrated database of their own,
// a file blob store, a fixed clock, and an office "gmina" with units FN and
// OR, positions, an administrator, an officer in FN and the demo JRWA.
type bundle struct {
	ctx      context.Context
	svc      *Service
	db       *postgres.DB
	blobs    blob.Store
	blobRoot string
	clock    *clock
	office   *Office
	admin    *Actor
	officer  *Actor // holds "Inspektor ds. wymiaru" in FN
	other    *Actor // holds a position in OR only
	fnPos    *Position
}

func setup(t *testing.T) *bundle {
	t.Helper()
	ctx := context.Background()
	db := pgtest.New(t)
	root := t.TempDir()
	blobs, err := blob.Open(ctx, "file://"+root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	clk := &clock{t: time.Date(2026, 11, 23, 9, 30, 0, 0, calendar.Warsaw())}
	svc := New(db, blobs, Options{Clock: clk.Now})
	b := &bundle{ctx: ctx, svc: svc, db: db, blobs: blobs, blobRoot: root, clock: clk}
	b.office, b.admin = b.newOffice(t, "gmina")
	b.fnPos = must(svc.CreatePosition(ctx, b.admin, "FN", "Inspektor ds. wymiaru podatków", false))
	orPos := must(svc.CreatePosition(ctx, b.admin, "OR", "Referent ds. organizacyjnych", false))
	b.officer = b.newUser(t, "jan.kowalski", "Jan Kowalski", []Role{RoleOfficer}, b.fnPos)
	b.other = b.newUser(t, "anna.nowak", "Anna Nowak", []Role{RoleOfficer}, orPos)
	return b
}

// newOffice creates an office with an administrator, units FN and OR and
// the demo JRWA valid from 2012.
func (b *bundle) newOffice(t *testing.T, short string) (*Office, *Actor) {
	t.Helper()
	o := must(b.svc.CreateOffice(b.ctx, "Urząd Gminy "+short, short))
	u := must(b.svc.CreateUser(b.ctx, nil, o.ID, NewUser{Login: short + ".admin", Name: "Administrator " + short, Roles: []Role{RoleAdmin}}))
	admin := must(b.svc.Actor(b.ctx, o.ID, u.ID))
	must(b.svc.CreateUnit(b.ctx, admin, "FN", "Referat Finansowy", ""))
	must(b.svc.CreateUnit(b.ctx, admin, "OR", "Referat Organizacyjny", ""))
	f, err := os.Open(filepath.Join("..", "..", "cmd", "obieg", "demo", "jrwa-gmina.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	must(b.svc.ImportJRWA(b.ctx, admin, "JRWA 2011", calendar.NewDate(2012, 1, 1), nil, f))
	return o, admin
}

func (b *bundle) newUser(t *testing.T, login, name string, roles []Role, positions ...*Position) *Actor {
	t.Helper()
	u := must(b.svc.CreateUser(b.ctx, b.admin, uuid.Nil, NewUser{Login: login, Name: name, Roles: roles}))
	for _, p := range positions {
		if err := b.svc.AssignPosition(b.ctx, b.admin, u.ID, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	return must(b.svc.Actor(b.ctx, b.office.ID, u.ID))
}

// count returns the number of rows in a table, across all offices.
func (b *bundle) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(b.ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// blobFiles counts committed blobs in the file store.
func (b *bundle) blobFiles(t *testing.T) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(filepath.Join(b.blobRoot, "sha256"), func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// must0 panics on err (for calls that return only an error).
func must0(err error) {
	if err != nil {
		panic(err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
