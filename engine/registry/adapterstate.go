package registry

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/storage/postgres"
)

// AdapterCursor returns what an adapter stored under key for the office
// ("" when nothing yet): where its listing of an outside service resumes.
func (s *Service) AdapterCursor(ctx context.Context, officeID uuid.UUID, adapter, key string) (string, error) {
	var v string
	err := s.db.TenantRow(ctx, officeID, q["AdapterCursor"], adapter, key).Scan(&v)
	if err == pgx.ErrNoRows {
		return "", nil
	}
	return v, postgres.Err("registry.AdapterCursor", err)
}

// SetAdapterCursor stores an adapter's cursor.
func (s *Service) SetAdapterCursor(ctx context.Context, officeID uuid.UUID, adapter, key, value string) error {
	return postgres.Err("registry.SetAdapterCursor", s.db.Tenant(ctx, officeID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q["SetAdapterCursor"], officeID, adapter, key, value, s.now())
		return err
	}))
}

// AdapterSeen reports whether an adapter marked (kind, id) under key.
func (s *Service) AdapterSeen(ctx context.Context, officeID uuid.UUID, adapter, key, kind, id string) (bool, error) {
	var seen bool
	err := s.db.TenantRow(ctx, officeID, q["AdapterSeen"], adapter, key, kind, id).Scan(&seen)
	return seen, postgres.Err("registry.AdapterSeen", err)
}

// MarkAdapterSeen records that an adapter took (kind, id) under key.
func (s *Service) MarkAdapterSeen(ctx context.Context, officeID uuid.UUID, adapter, key, kind, id string) error {
	return postgres.Err("registry.MarkAdapterSeen", s.db.Tenant(ctx, officeID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q["MarkAdapterSeen"], officeID, adapter, key, kind, id, s.now())
		return err
	}))
}
