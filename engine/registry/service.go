package registry

import (
	"embed"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
)

//go:embed queries.sql
var sqlFS embed.FS

// q holds the registry's SQL, kept in queries.sql.
var q = postgres.Queries(sqlFS, "queries.sql")

// Service is the registry. It is safe for concurrent use.
type Service struct {
	db     *postgres.DB
	blobs  blob.Store
	clock  func() time.Time
	cal    *calendar.Calendar
	logger *slog.Logger
}

// Options configure a Service. Zero values take sensible defaults.
type Options struct {
	Clock  func() time.Time // defaults to time.Now
	Logger *slog.Logger
}

// New returns a registry over db and blobs.
func New(db *postgres.DB, blobs blob.Store, opts Options) *Service {
	s := &Service{db: db, blobs: blobs, clock: opts.Clock, logger: opts.Logger, cal: calendar.Polish()}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	return s
}

// now is the clock's time truncated to what PostgreSQL stores (microseconds),
// so values hashed into the metryka read back identical.
func (s *Service) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

// today is the legal date now, in Europe/Warsaw.
func (s *Service) today() calendar.Date { return calendar.DateOf(s.clock()) }

func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

func trim(s string) string { return strings.TrimSpace(s) }
