package flow

import (
	"cmp"
	"context"
	"embed"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow/bpmn"
	"obieg.dev/obieg/storage/postgres"
)

//go:embed queries.sql
var sqlFS embed.FS

var q = postgres.Queries(sqlFS, "queries.sql")

// Engine runs BPMN processes. Create it with New, register handlers, then
// StartWorkers to work jobs and timers (an engine that is not started can still
// deploy, start instances and complete tasks: its jobs wait for a started one).
type Engine struct {
	db       *postgres.DB
	clock    func() time.Time
	logger   *slog.Logger
	cal      *calendar.Calendar
	river    *river.Client[pgx.Tx]
	handlers map[string]engine.Handler
	models   sync.Map // definition id → *cachedModel
	latest   sync.Map // latestKey → definition id last seen as the latest version
	mu       sync.RWMutex
	msgTTL   time.Duration
}

// Options configure an Engine.
type Options struct {
	Clock  func() time.Time
	Logger *slog.Logger
	// Workers is how many jobs run at once in this process; 0 means 20.
	Workers int
	// RetryDelay is the first delay before a failed async task is retried;
	// each further attempt doubles it (default 5 s, at most 1 h).
	RetryDelay time.Duration
	// MessageTTL is how long a message with no subscriber is kept (default 24 h).
	MessageTTL time.Duration
	// PollInterval is how often workers look for jobs when no notification
	// arrives (default 1 s; jobs inserted through this engine notify at once).
	PollInterval time.Duration
	// FetchCooldown is the least time between two fetches of jobs by one
	// worker pool (default 10 ms); it bounds async throughput.
	FetchCooldown time.Duration
	// Periodic tasks to run on their schedules (on one leader at a time).
	Periodic []Periodic
	// JobTimeout bounds one run of a handler (default 5 min).
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay running before it is taken
	// for dead (its worker crashed) and run again (default 10 min; must
	// exceed JobTimeout). Rescue checks run every 30 s.
	RescueAfter time.Duration
}

// New builds an engine on db.
func New(db *postgres.DB, opts Options) (*Engine, error) {
	e := &Engine{db: db, clock: opts.Clock, logger: opts.Logger, cal: calendar.Polish(), handlers: map[string]engine.Handler{}, msgTTL: opts.MessageTTL}
	if e.clock == nil {
		e.clock = time.Now
	}
	if e.logger == nil {
		e.logger = slog.Default()
	}
	if e.msgTTL <= 0 {
		e.msgTTL = 24 * time.Hour
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = 20
	}
	delay := opts.RetryDelay
	if delay <= 0 {
		delay = 5 * time.Second
	}
	poll := opts.PollInterval
	if poll <= 0 {
		poll = time.Second
	}
	jobTimeout := cmp.Or(opts.JobTimeout, 5*time.Minute)
	rescue := cmp.Or(opts.RescueAfter, 10*time.Minute)
	if rescue <= jobTimeout {
		return nil, engine.E("flow.New", engine.KindInvalid, "RescueAfter must exceed JobTimeout")
	}
	ws := river.NewWorkers()
	river.AddWorker(ws, &stepWorker{e: e})
	river.AddWorker(ws, &timerWorker{e: e})
	river.AddWorker(ws, &resumeWorker{e: e})
	pjobs, ptasks, err := periodicJobs(opts.Periodic)
	if err != nil {
		return nil, err
	}
	river.AddWorker(ws, &periodicWorker{tasks: ptasks})
	client, err := river.NewClient(riverpgxv5.New(db.Pool), &river.Config{
		Logger:               e.logger,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: workers}},
		Workers:              ws,
		RetryPolicy:          &retryPolicy{first: delay},
		FetchPollInterval:    poll,
		FetchCooldown:        10 * time.Millisecond,
		JobTimeout:           jobTimeout,
		RescueStuckJobsAfter: rescue,
		PeriodicJobs:         pjobs,
	})
	if err != nil {
		return nil, engine.E("flow.New", err)
	}
	e.river = client
	return e, nil
}

// Register makes a handler available to service and send tasks by name.
func (e *Engine) Register(name string, h engine.Handler) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.handlers[name] = h
}

func (e *Engine) handler(name string) engine.Handler {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.handlers[name]
}

// StartWorkers starts working jobs and timers until ctx ends or StopWorkers is called.
func (e *Engine) StartWorkers(ctx context.Context) error { return e.river.Start(ctx) }

// StopWorkers finishes the jobs in progress and stops.
func (e *Engine) StopWorkers(ctx context.Context) error { return e.river.Stop(ctx) }

// Stopped is closed when the engine has stopped after Start.
func (e *Engine) Stopped() <-chan struct{} { return e.river.Stopped() }

func (e *Engine) now() time.Time { return e.clock().UTC().Truncate(time.Microsecond) }

// model returns the parsed process of a definition, from cache.
func (e *Engine) model(ctx context.Context, tx querier, defID uuid.UUID) (*bpmn.Process, *Definition, error) {
	if v, ok := e.models.Load(defID); ok {
		m := v.(*cachedModel)
		return m.proc, m.def, nil
	}
	var d Definition
	var xml []byte
	if err := tx.QueryRow(ctx, q["DefinitionByID"], defID).Scan(&d.ID, &d.Key, &d.Version, &d.Name, &d.Hash, &d.DeployedAt, &xml); err != nil {
		return nil, nil, postgres.NotFound("flow.model", err, "no definition %s", defID)
	}
	defs, err := bpmn.Parse(xml)
	if err != nil {
		return nil, nil, engine.E("flow.model", fmt.Sprintf("stored definition %s no longer parses", defID), err)
	}
	p := defs.Process(d.Key)
	if p == nil {
		return nil, nil, engine.Errorf("flow.model", engine.KindOther, "definition %s lacks process %s", defID, d.Key)
	}
	e.models.Store(defID, &cachedModel{proc: p, def: &d, simple: simple(p)})
	return p, &d, nil
}

// querier is a transaction or the pool.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

type cachedModel struct {
	proc   *bpmn.Process
	def    *Definition
	simple bool // runs to its end without the database (fast.go)
}

// retryPolicy doubles the delay from first, up to an hour.
type retryPolicy struct{ first time.Duration }

func (p *retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	d := p.first
	for i := 1; i < job.Attempt && d < time.Hour; i++ {
		d *= 2
	}
	return time.Now().Add(min(d, time.Hour))
}

// Who is the person (or system) acting on the engine, resolved by the caller
// from the registry: the user, the units and positions in force today.
type Who struct {
	UserID    uuid.UUID
	OfficeID  uuid.UUID
	Units     []uuid.UUID
	Positions []uuid.UUID
	Admin     bool // may deploy, see every instance and task, retry incidents, migrate
	Head      bool // may reassign tasks in its units
	// Integrator: a system account that serves external tasks.
	Integrator bool
	// ReadOnly: may look but not act (archivists).
	ReadOnly bool
}

// mayAct refuses read-only callers.
func (who Who) mayAct(op string) error {
	if who.ReadOnly {
		return engine.E(op, engine.KindForbidden, "you may read but not act on processes")
	}
	return nil
}

// mayServeExternal: external tasks are for integrator or administrator accounts.
func (who Who) mayServeExternal(op string) error {
	if who.Admin || who.Integrator {
		return nil
	}
	return engine.E(op, engine.KindForbidden, "external tasks are served to integrator or administrator accounts")
}
