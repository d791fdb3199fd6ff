package postgres

import (
	"context"
	"errors"
	"net"

	"github.com/jackc/pgx/v5/pgconn"

	"obieg.dev/obieg/engine"
)

// Err maps a database error to an engine error of the right kind. Constraint
// violations become conflicts or invalid input; a lost connection is
// unavailable. An *engine.Error passes through unchanged.
func Err(op string, err error) error {
	if err == nil {
		return nil
	}
	var ee *engine.Error
	if errors.As(err, &ee) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return engine.E(op, engine.KindUnavailable, "request cancelled or timed out", err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return engine.E(op, engine.KindConflict, "already exists", err)
		case "23503": // foreign_key_violation
			return engine.E(op, engine.KindInvalid, "refers to something that does not exist", err)
		case "23514", "23502", "22P02", "22007", "22008", "22001": // check, not null, bad text repr, bad datetime, value too long
			return engine.E(op, engine.KindInvalid, "value not accepted", err)
		case "42501": // insufficient_privilege (also our append-only triggers)
			return engine.E(op, engine.KindForbidden, "not allowed", err)
		case "40001", "40P01": // serialization failure, deadlock
			return engine.E(op, engine.KindConflict, "concurrent change, try again", err)
		case "57P01", "57P02", "57P03", "53300": // shutdown, too many connections
			return engine.E(op, engine.KindUnavailable, "database unavailable", err)
		}
		return engine.E(op, err)
	}
	var ne net.Error
	if errors.As(err, &ne) || pgconn.SafeToRetry(err) {
		return engine.E(op, engine.KindUnavailable, "database unavailable", err)
	}
	return engine.E(op, err)
}
