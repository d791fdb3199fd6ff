package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// setTenant switches the transaction to the application role and the office.
const setTenant = `SELECT set_config('role', $1, true), set_config('obieg.office_id', $2, true)`

// tenantTx is a transaction that sets the tenant (setTenant) in the same
// round trip as its first statement, by sending both as one batch. Every
// method makes sure the tenant is set before anything else reaches the
// server, so no statement can run as the owning role by mistake.
type tenantTx struct {
	pgx.Tx
	office uuid.UUID
	set    bool
}

func (t *tenantTx) queue(b *pgx.Batch) {
	b.Queue(setTenant, AppRole, t.office.String())
	t.set = true
}

// ensure sets the tenant now, on its own, if it is not set yet.
func (t *tenantTx) ensure(ctx context.Context) error {
	if t.set {
		return nil
	}
	t.set = true
	_, err := t.Tx.Exec(ctx, setTenant, AppRole, t.office.String())
	return err
}

func (t *tenantTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if t.set {
		return t.Tx.Exec(ctx, sql, args...)
	}
	b := &pgx.Batch{}
	t.queue(b)
	b.Queue(sql, args...)
	br := t.Tx.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return pgconn.CommandTag{}, err
	}
	return br.Exec()
}

func (t *tenantTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if t.set {
		return t.Tx.Query(ctx, sql, args...)
	}
	b := &pgx.Batch{}
	t.queue(b)
	b.Queue(sql, args...)
	br := t.Tx.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
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
	if t.set {
		return t.Tx.SendBatch(ctx, b)
	}
	nb := &pgx.Batch{}
	t.queue(nb)
	nb.QueuedQueries = append(nb.QueuedQueries, b.QueuedQueries...)
	br := t.Tx.SendBatch(ctx, nb)
	if _, err := br.Exec(); err != nil {
		return &failedBatch{BatchResults: br, err: err}
	}
	return br
}

func (t *tenantTx) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	if err := t.ensure(ctx); err != nil {
		return 0, err
	}
	return t.Tx.CopyFrom(ctx, table, cols, src)
}

func (t *tenantTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	if err := t.ensure(ctx); err != nil {
		return nil, err
	}
	return t.Tx.Prepare(ctx, name, sql)
}

func (t *tenantTx) Begin(ctx context.Context) (pgx.Tx, error) {
	if err := t.ensure(ctx); err != nil {
		return nil, err
	}
	return t.Tx.Begin(ctx)
}

func (t *tenantTx) LargeObjects() pgx.LargeObjects {
	panic("postgres: large objects are not used by Obieg")
}

// Conn gives the raw connection; the tenant is set first. (A context is
// not available here, so this round trip cannot be cancelled.)
func (t *tenantTx) Conn() *pgx.Conn {
	_ = t.ensure(context.Background())
	return t.Tx.Conn()
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
