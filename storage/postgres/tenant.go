package postgres

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// setTenant switches the transaction to the application role and the office.
const setTenant = `SELECT set_config('role', $1, true), set_config('obieg.office_id', $2, true)`

// tenantTx is a transaction that starts lazily: BEGIN, the tenant switch
// (setTenant) and its first statement go to the server as one batch, one
// round trip. Every method makes sure the transaction is begun and the
// tenant set before anything else reaches the server, so no statement can
// run outside it or as the owning role.
type tenantTx struct {
	conn   *pgx.Conn
	office uuid.UUID
	begun  bool
	ended  bool
}

func (t *tenantTx) prelude(b *pgx.Batch) {
	b.Queue("BEGIN")
	b.Queue(setTenant, AppRole, t.office.String())
	t.begun = true
}

// skipPrelude reads the results of BEGIN and the tenant switch.
func skipPrelude(br pgx.BatchResults) error {
	for range 2 {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	return nil
}

// ensure begins the transaction and sets the tenant now, if not yet done.
func (t *tenantTx) ensure(ctx context.Context) error {
	if t.begun {
		return nil
	}
	b := &pgx.Batch{}
	t.prelude(b)
	return t.conn.SendBatch(ctx, b).Close()
}

func (t *tenantTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if t.begun {
		return t.conn.Exec(ctx, sql, args...)
	}
	b := &pgx.Batch{}
	t.prelude(b)
	b.Queue(sql, args...)
	br := t.conn.SendBatch(ctx, b)
	defer br.Close()
	if err := skipPrelude(br); err != nil {
		return pgconn.CommandTag{}, err
	}
	return br.Exec()
}

func (t *tenantTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if t.begun {
		return t.conn.Query(ctx, sql, args...)
	}
	b := &pgx.Batch{}
	t.prelude(b)
	b.Queue(sql, args...)
	br := t.conn.SendBatch(ctx, b)
	if err := skipPrelude(br); err != nil {
		br.Close()
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

func (t *tenantTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := t.Query(ctx, sql, args...)
	if err != nil {
		return errRow{err}
	}
	return rowOf{rows}
}

func (t *tenantTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if t.begun {
		return t.conn.SendBatch(ctx, b)
	}
	nb := &pgx.Batch{}
	t.prelude(nb)
	nb.QueuedQueries = append(nb.QueuedQueries, b.QueuedQueries...)
	br := t.conn.SendBatch(ctx, nb)
	if err := skipPrelude(br); err != nil {
		return &failedBatch{BatchResults: br, err: err}
	}
	return br
}

func (t *tenantTx) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	if err := t.ensure(ctx); err != nil {
		return 0, err
	}
	return t.conn.CopyFrom(ctx, table, cols, src)
}

func (t *tenantTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	if err := t.ensure(ctx); err != nil {
		return nil, err
	}
	return t.conn.Prepare(ctx, name, sql)
}

// Begin would open a nested transaction (a savepoint); Obieg does not use them.
func (t *tenantTx) Begin(ctx context.Context) (pgx.Tx, error) {
	return nil, errors.New("postgres: nested transactions are not supported")
}

// Commit commits a begun transaction. PostgreSQL answers COMMIT of a
// transaction that failed with ROLLBACK: that is reported as an error.
func (t *tenantTx) Commit(ctx context.Context) error {
	if !t.begun || t.ended {
		return nil
	}
	t.ended = true
	tag, err := t.conn.Exec(ctx, "COMMIT")
	if err == nil && tag.String() == "ROLLBACK" {
		return errors.New("postgres: the transaction had failed and was rolled back")
	}
	return err
}

func (t *tenantTx) Rollback(ctx context.Context) error {
	if !t.begun || t.ended {
		return nil
	}
	t.ended = true
	_, err := t.conn.Exec(ctx, "ROLLBACK")
	return err
}

func (t *tenantTx) LargeObjects() pgx.LargeObjects {
	panic("postgres: large objects are not used by Obieg")
}

// Conn gives the raw connection, the transaction begun and the tenant set
// first. (No context is given here, so that round trip cannot be cancelled.)
func (t *tenantTx) Conn() *pgx.Conn {
	_ = t.ensure(context.Background())
	return t.conn
}

type batchRows struct {
	pgx.Rows
	br pgx.BatchResults
}

func (r *batchRows) Close() {
	r.Rows.Close()
	r.br.Close()
}

type rowOf struct{ rows pgx.Rows }

func (r rowOf) Scan(dest ...any) error {
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

type failedBatch struct {
	pgx.BatchResults
	err error
}

func (f *failedBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, f.err }
func (f *failedBatch) Query() (pgx.Rows, error)         { return nil, f.err }
func (f *failedBatch) QueryRow() pgx.Row                { return errRow{f.err} }

// TenantRow runs one statement for an office in a single round trip: the
// tenant switch and the statement go as one batch, which PostgreSQL runs as
// one implicit transaction (committed when the batch ends, rolled back
// whole if any part fails).
func (db *DB) TenantRow(ctx context.Context, officeID uuid.UUID, sql string, args ...any) pgx.Row {
	b := &pgx.Batch{}
	b.Queue(setTenant, AppRole, officeID.String())
	b.Queue(sql, args...)
	br := db.Pool.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return errRow{err}
	}
	return closingRow{row: br.QueryRow(), br: br}
}

type closingRow struct {
	row pgx.Row
	br  pgx.BatchResults
}

func (r closingRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	return err
}
