package postgres

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/migrations"
)

// riverVersion is the River release whose schema the migrations expect
// (go.mod pins the same); part of the test template's identity.
const riverVersion = "river v0.51.1"

// migrationLockKey is the advisory lock key held while migrating, so that
// replicas starting together apply each migration once.
const migrationLockKey = 0x0b1e6_0001

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []migration
	seen := map[int]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration file %q is not named NNNN_description.sql", e.Name())
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %q and %q share version %d", other, e.Name(), v)
		}
		seen[v] = e.Name()
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(data)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// MigrationsHash identifies the set of migrations, for test templates.
func MigrationsHash() string {
	ms, err := loadMigrations(migrations.FS)
	if err != nil {
		panic(err)
	}
	h := sha256.New()
	h.Write([]byte(riverVersion))
	for _, m := range ms {
		fmt.Fprintf(h, "%d\x00%s\x00", m.version, m.sql)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Migrate applies the pending migrations, each in its own transaction, under
// an advisory lock. It returns the versions applied.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	const op = "postgres.Migrate"
	ms, err := loadMigrations(migrations.FS)
	if err != nil {
		return nil, engine.E(op, err)
	}
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return nil, Err(op, err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
		return nil, Err(op, err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockKey) //nolint:errcheck
	// River's job tables first: our migrations and the grants refer to them.
	if err := migrateRiver(ctx, db); err != nil {
		return nil, engine.E(op, "River migrations failed", err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, Err(op, err)
	}
	applied := map[int]bool{}
	rows, err := conn.Query(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, Err(op, err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, Err(op, err)
	}
	for _, v := range vs {
		applied[v] = true
	}
	var done []int
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name)
			return err
		})
		if err != nil {
			return done, engine.E(op, fmt.Sprintf("migration %s failed", m.name), err)
		}
		db.logger.InfoContext(ctx, "migration applied", slog.String("name", m.name))
		done = append(done, m.version)
	}
	if _, err := conn.Exec(ctx, riverGrants); err != nil {
		return done, Err(op, err)
	}
	return done, nil
}

// riverGrants lets tenant transactions (role obieg_app) insert and complete
// River jobs in the same transaction as the state change they belong to.
// Run after every migration, as River's own migrations may add tables.
//
//go:embed river_grants.sql
var riverGrants string

func migrateRiver(ctx context.Context, db *DB) error {
	m, err := rivermigrate.New(riverpgxv5.New(db.Pool), &rivermigrate.Config{Logger: db.logger})
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}
