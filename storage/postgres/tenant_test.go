package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/storage/postgres"
	"obieg.dev/obieg/storage/postgres/pgtest"
)

// Whatever a tenant transaction does first — Exec, Query, QueryRow,
// SendBatch, CopyFrom — it already runs under row-level security.
func TestTenantFirstStatementIsUnderRLS(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	a, b := uuid.New(), uuid.New()
	if _, err := db.Pool.Exec(ctx, `INSERT INTO offices (id, name, short_name, created_at) VALUES ($1, 'A', 'aa', now()), ($2, 'B', 'bb', now())`, a, b); err != nil {
		t.Fatal(err)
	}
	_, err := db.Pool.Exec(ctx, `INSERT INTO units (id, office_id, symbol, name, created_at) VALUES (gen_random_uuid(), $1, 'FN', 'x', now()), (gen_random_uuid(), $2, 'FN', 'y', now()), (gen_random_uuid(), $2, 'OR', 'z', now())`, a, b)
	if err != nil {
		t.Fatal(err)
	}
	count := func(tx pgx.Tx) int {
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM units").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for name, first := range map[string]func(tx pgx.Tx) (int, error){
		"QueryRow": func(tx pgx.Tx) (int, error) { return count(tx), nil },
		"Query": func(tx pgx.Tx) (int, error) {
			rows, _ := tx.Query(ctx, "SELECT id FROM units")
			ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
			return len(ids), err
		},
		"Exec": func(tx pgx.Tx) (int, error) {
			tag, err := tx.Exec(ctx, "UPDATE units SET name = name")
			return int(tag.RowsAffected()), err
		},
		"SendBatch": func(tx pgx.Tx) (int, error) {
			b := &pgx.Batch{}
			b.Queue("SELECT count(*) FROM units")
			br := tx.SendBatch(ctx, b)
			defer br.Close()
			var n int
			return n, br.QueryRow().Scan(&n)
		},
		"CopyFrom": func(tx pgx.Tx) (int, error) {
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"units"}, []string{"id", "office_id", "symbol", "name", "created_at"},
				pgx.CopyFromRows([][]any{{uuid.New(), a, "ZZ", "z", time.Now()}}))
			if err == nil {
				t.Errorf("CopyFrom wrote a row for another office")
			}
			return 2, nil
		},
	} {
		err := db.Tenant(ctx, b, func(tx pgx.Tx) error {
			n, err := first(tx)
			if err != nil {
				return err
			}
			if n != 2 {
				t.Errorf("%s first: sees %d units of office B, want 2", name, n)
			}
			return nil
		})
		if err != nil && name != "CopyFrom" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := db.Tenant(ctx, a, func(tx pgx.Tx) error {
		if n := count(tx); n != 1 {
			t.Errorf("office A sees %d units", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_ = postgres.AppRole
}

// A transaction in which a statement failed cannot commit, even if the
// function swallowed the error: PostgreSQL answers ROLLBACK and Tenant
// reports it, and nothing is written.
func TestTenantFailedStatementCannotCommit(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	o := uuid.New()
	if _, err := db.Pool.Exec(ctx, `INSERT INTO offices (id, name, short_name, created_at) VALUES ($1, 'A', 'aa', now())`, o); err != nil {
		t.Fatal(err)
	}
	err := db.Tenant(ctx, o, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO units (id, office_id, symbol, name, created_at) VALUES (gen_random_uuid(), $1, 'FN', 'x', now())", o); err != nil {
			return err
		}
		_, _ = tx.Exec(ctx, "SELECT 1/0") // failed, error ignored
		return nil
	})
	if err == nil {
		t.Fatal("a transaction with a failed statement reported success")
	}
	var n int
	if err := db.Pool.QueryRow(ctx, "SELECT count(*) FROM units").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d units written (%v)", n, err)
	}
	// The pool is healthy afterwards.
	if err := db.Tenant(ctx, o, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO units (id, office_id, symbol, name, created_at) VALUES (gen_random_uuid(), $1, 'FN', 'x', now())", o)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
