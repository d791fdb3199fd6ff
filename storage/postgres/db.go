package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"obieg.dev/obieg/engine"
)

// AppRole is the database role tenant transactions run as. It is subject to
// the row-level security policies created by the migrations.
const AppRole = "obieg_app"

// DB is a pool of connections to Obieg's database.
type DB struct {
	Pool   *pgxpool.Pool
	logger *slog.Logger
}

// Open connects to the database at url and checks it answers.
func Open(ctx context.Context, url string, logger *slog.Logger) (*DB, error) {
	const op = "postgres.Open"
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, engine.E(op, engine.KindInvalid, "database URL is not valid", err)
	}
	if cfg.MaxConns < 16 {
		cfg.MaxConns = 16
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, engine.E(op, engine.KindUnavailable, err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, engine.E(op, engine.KindUnavailable, "database does not answer", err)
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &DB{Pool: pool, logger: logger}, nil
}

// Close closes the pool.
func (db *DB) Close() { db.Pool.Close() }

// Tenant runs fn in one transaction as AppRole with the tenant set to
// officeID, so row-level security limits every statement to that office even
// when a query forgets its filter. fn's error rolls the transaction back.
func (db *DB) Tenant(ctx context.Context, officeID uuid.UUID, fn func(tx pgx.Tx) error) error {
	if officeID == uuid.Nil {
		return engine.E("postgres.Tenant", engine.KindForbidden, "no office in context")
	}
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return Err("postgres.Tenant", err)
	}
	// A connection given back inside a transaction (after a failure) is
	// closed by the pool, never reused.
	defer conn.Release()
	t := &tenantTx{conn: conn.Conn(), office: officeID}
	defer func() {
		if p := recover(); p != nil {
			_ = t.Rollback(context.WithoutCancel(ctx))
			panic(p)
		}
	}()
	if err := fn(t); err != nil {
		_ = t.Rollback(context.WithoutCancel(ctx))
		return err
	}
	if err := t.Commit(ctx); err != nil {
		return Err("postgres.Commit", err)
	}
	return nil
}

// System runs fn in one transaction as the owning role, which row-level
// security does not limit. Only for work that is not any one office's:
// authentication look-ups, migrations, chain verification, seeding.
func (db *DB) System(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return db.inTx(ctx, fn)
}

func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) (err error) {
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		return Err("postgres.Begin", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(ctx); err != nil {
		return Err("postgres.Commit", err)
	}
	return nil
}

// Ready reports whether the database answers; for /readyz.
func (db *DB) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var one int
	if err := db.Pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return engine.E("postgres.Ready", engine.KindUnavailable, err)
	}
	return nil
}

// NotFound turns pgx.ErrNoRows into a KindNotFound error with the message
// given; other errors go through Err.
func NotFound(op string, err error, format string, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return engine.E(op, engine.KindNotFound, fmt.Sprintf(format, args...))
	}
	return Err(op, err)
}

// WithDatabase returns the URL rawURL with its database name replaced.
func WithDatabase(rawURL, name string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("not a postgres:// URL: %q", rawURL)
	}
	u.Path = "/" + name
	q := u.Query()
	q.Del("dbname")
	u.RawQuery = q.Encode()
	return u.String(), nil
}
