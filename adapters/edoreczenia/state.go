package edoreczenia

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine/registry"
)

// What State remembers as seen.
const (
	KindMessage  = "message"  // a message registered as an incoming item
	KindEvidence = "evidence" // an evidence handed to OnEvidence (or set aside)
)

// Cursor is where listing a mailbox resumes: the submission date of the
// newest message taken, and when the mailbox was last swept for late
// arrivals (see Inbox.Overlap).
type Cursor struct {
	Since time.Time `json:"since"`
	Swept time.Time `json:"swept"`
}

// State is the inbox's memory of what it fetched. The in-memory one
// (NewMemoryState) forgets on restart: the inbox then lists the mailbox
// from the start and reads each message once more — the registry returns
// the existing entries (external id), so nothing is registered twice, but
// the service is asked again. A deployment keeps it in the database.
type State interface {
	Cursor(ctx context.Context, address string) (Cursor, error)
	SetCursor(ctx context.Context, address string, c Cursor) error
	Seen(ctx context.Context, address, kind, id string) (bool, error)
	MarkSeen(ctx context.Context, address, kind, id string) error
}

// MemoryState is a State in memory, safe for concurrent use.
type MemoryState struct {
	mu      sync.Mutex
	cursors map[string]Cursor
	seen    map[string]bool
}

// NewMemoryState returns an empty MemoryState.
func NewMemoryState() *MemoryState {
	return &MemoryState{cursors: map[string]Cursor{}, seen: map[string]bool{}}
}

// Cursor implements State.
func (m *MemoryState) Cursor(_ context.Context, address string) (Cursor, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cursors[address], nil
}

// SetCursor implements State.
func (m *MemoryState) SetCursor(_ context.Context, address string, c Cursor) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cursors[address] = c
	return nil
}

// Seen implements State.
func (m *MemoryState) Seen(_ context.Context, address, kind, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seen[address+"\x00"+kind+"\x00"+id], nil
}

// MarkSeen implements State.
func (m *MemoryState) MarkSeen(_ context.Context, address, kind, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seen[address+"\x00"+kind+"\x00"+id] = true
	return nil
}

// RegistryState keeps the inbox's memory in the database (the registry's
// adapter tables), so a restart resumes where the last run stopped.
type RegistryState struct {
	Registry *registry.Service
	OfficeID uuid.UUID
}

const stateAdapter = "edoreczenia"

// Cursor implements State.
func (r *RegistryState) Cursor(ctx context.Context, address string) (Cursor, error) {
	var c Cursor
	v, err := r.Registry.AdapterCursor(ctx, r.OfficeID, stateAdapter, address)
	if err != nil || v == "" {
		return c, err
	}
	return c, json.Unmarshal([]byte(v), &c)
}

// SetCursor implements State.
func (r *RegistryState) SetCursor(ctx context.Context, address string, c Cursor) error {
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return r.Registry.SetAdapterCursor(ctx, r.OfficeID, stateAdapter, address, string(v))
}

// Seen implements State.
func (r *RegistryState) Seen(ctx context.Context, address, kind, id string) (bool, error) {
	return r.Registry.AdapterSeen(ctx, r.OfficeID, stateAdapter, address, kind, id)
}

// MarkSeen implements State.
func (r *RegistryState) MarkSeen(ctx context.Context, address, kind, id string) error {
	return r.Registry.MarkAdapterSeen(ctx, r.OfficeID, stateAdapter, address, kind, id)
}
