package main

// Peer measurements for the workflow benchmark (start → service task →
// service task → end): the same two-step instance run on River and on
// go-workflows, and the floor, a raw single-row INSERT+COMMIT. Each runs
// against a database of its own on the same server, created for the run and
// dropped WITH (FORCE) afterwards.
//
// Every result counts n instances started by c concurrent clients; took runs
// from the first start until the last instance reached its end state, and
// p50/p99 are each instance's time from its start to its end state.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for go-workflows

	"github.com/cschleiden/go-workflows/backend"
	"github.com/cschleiden/go-workflows/backend/history"
	"github.com/cschleiden/go-workflows/backend/monoprocess"
	gwpostgres "github.com/cschleiden/go-workflows/backend/postgres"
	"github.com/cschleiden/go-workflows/client"
	"github.com/cschleiden/go-workflows/core"
	"github.com/cschleiden/go-workflows/worker"
	"github.com/cschleiden/go-workflows/workflow"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"obieg.dev/obieg/storage/postgres"
)

// peerPoolSize is the number of connections each peer may hold: the same as
// Obieg's own pool (postgres.Open raises MaxConns to at least 16), so no
// system gets more of the server than another.
const peerPoolSize = 16

// peerTimeout bounds the wait for n instances to finish; instances still
// unfinished then are counted as errors.
func peerTimeout(n int) time.Duration { return time.Minute + time.Duration(n)*10*time.Millisecond }

// peerLogger passes on only errors, so a peer's own failures still show.
func peerLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

// withFreshDB creates a database on the server at admin, runs fn with its
// URL, and drops it WITH (FORCE) whatever fn did.
func withFreshDB(ctx context.Context, admin, kind string, fn func(url string) (result, error)) (result, error) {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return result{}, err
	}
	defer conn.Close(context.Background())
	name := fmt.Sprintf("obieg_bench_%s_%d", kind, time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return result{}, err
	}
	defer conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	url, err := postgres.WithDatabase(admin, name)
	if err != nil {
		return result{}, err
	}
	return fn(url)
}

// openPool opens a pool with peerPoolSize connections, as postgres.Open does.
func openPool(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = peerPoolSize
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// completions collects the end of each instance, its latency and a count,
// and closes all once the expected number of instances have finished.
// Starts and ends are atomics: the client that starts an instance and the
// worker that ends it meet only through the database.
type completions struct {
	base  time.Time
	start []atomic.Int64 // ns since base, set by the client that starts instance i
	lat   []atomic.Int64 // ns from start to end, set when instance i ends
	done  atomic.Int64
	want  atomic.Int64
	all   chan struct{}
	once  sync.Once
}

func newCompletions(n int) *completions {
	c := &completions{base: time.Now(), start: make([]atomic.Int64, n), lat: make([]atomic.Int64, n), all: make(chan struct{})}
	c.want.Store(int64(n))
	return c
}

// started records that instance i is being started now.
func (c *completions) started(i int) { c.start[i].Store(int64(time.Since(c.base))) }

// finish records that instance i reached its end state now.
func (c *completions) finish(i int) {
	if i < 0 || i >= len(c.lat) {
		return
	}
	c.lat[i].Store(max(1, int64(time.Since(c.base))-c.start[i].Load()))
	if c.done.Add(1) >= c.want.Load() {
		c.once.Do(func() { close(c.all) })
	}
}

// expect sets the number of instances to wait for (fewer than n when some
// failed to start).
func (c *completions) expect(n int64) {
	c.want.Store(n)
	if c.done.Load() >= n {
		c.once.Do(func() { close(c.all) })
	}
}

// wait blocks until every expected instance finished or the timeout passed.
func (c *completions) wait(ctx context.Context, timeout time.Duration) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-c.all:
	case <-t.C:
	case <-ctx.Done():
	}
}

// measured turns a run into a result: n instances over the time from start
// to now (the last completion, or the timeout), latencies of the instances
// that finished, and as errors errs plus the instances that never finished.
func (c *completions) measured(name string, n int, start time.Time, errs int64) result {
	took := time.Since(start)
	var lat []time.Duration
	for i := range c.lat {
		if l := c.lat[i].Load(); l > 0 {
			lat = append(lat, time.Duration(l))
		}
	}
	r := result{name: name, ops: n, took: took, errors: errs}
	if missing := int64(n - len(lat)); missing > r.errors {
		r.errors = missing
	}
	r.p50, r.p99 = percentiles(lat)
	return r
}

// ---------------------------------------------------------------------------
// (c) River: two chained jobs with a state-row update.

type riverStep1Args struct {
	ID int `json:"id"`
}

func (riverStep1Args) Kind() string { return "bench_step1" }

type riverStep2Args struct {
	ID int `json:"id"`
}

func (riverStep2Args) Kind() string { return "bench_step2" }

// riverStep1 moves the instance to step 1 and inserts job 2, completing job 1
// in the same transaction (River's JobCompleteTx pattern).
type riverStep1 struct {
	river.WorkerDefaults[riverStep1Args]
	pool *pgxpool.Pool
	errs *atomic.Int64
}

func (w *riverStep1) Work(ctx context.Context, job *river.Job[riverStep1Args]) error {
	err := func() error {
		tx, err := w.pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.Background())
		tag, err := tx.Exec(ctx, "UPDATE bench_state SET step = 1, updated_at = now() WHERE id = $1 AND step = 0", job.Args.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("instance %d: not at step 0", job.Args.ID)
		}
		if _, err := river.ClientFromContext[pgx.Tx](ctx).InsertTx(ctx, tx, riverStep2Args{ID: job.Args.ID}, nil); err != nil {
			return err
		}
		if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}()
	if err != nil && w.errs.Add(1) == 1 {
		fmt.Fprintf(os.Stderr, "river step 1: %v\n", err)
	}
	return err
}

// riverStep2 moves the instance to step 2 and completes job 2 in the same
// transaction; the instance has ended when that commits.
type riverStep2 struct {
	river.WorkerDefaults[riverStep2Args]
	pool *pgxpool.Pool
	errs *atomic.Int64
	done *completions
}

func (w *riverStep2) Work(ctx context.Context, job *river.Job[riverStep2Args]) error {
	err := func() error {
		tx, err := w.pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.Background())
		tag, err := tx.Exec(ctx, "UPDATE bench_state SET step = 2, updated_at = now() WHERE id = $1 AND step = 1", job.Args.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("instance %d: not at step 1", job.Args.ID)
		}
		if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}()
	if err != nil {
		if w.errs.Add(1) == 1 {
			fmt.Fprintf(os.Stderr, "river step 2: %v\n", err)
		}
		return err
	}
	w.done.finish(job.Args.ID)
	return nil
}

// riverFetchCooldown is the one River setting changed from its default
// (100 ms). River documents that "throughput is limited by this value": a
// producer fetches at most once per cooldown, at most MaxWorkers jobs, so the
// default caps a queue of 16 workers at 160 jobs/s whatever the database can
// do. 2 ms is what River's own benchmark (cmd/river/riverbench) uses.
const riverFetchCooldown = 2 * time.Millisecond

// peerRiverChain (c): an instance is a bench_state row inserted together with
// job 1 in one transaction (InsertTx); job 1 sets step 1 and inserts job 2,
// job 2 sets step 2; each job is completed in its own transaction with
// JobCompleteTx. The run ends when all n rows reached step 2.
//
// River runs one client in this process with the default queue at
// MaxWorkers = benchWorkers (the same as Obieg async), FetchCooldown = 2 ms (see riverFetchCooldown), and
// everything else at its defaults (FetchPollInterval 1 s as the fallback to
// LISTEN/NOTIFY); the pool has peerPoolSize connections.
func peerRiverChain(ctx context.Context, admin string, n, c int) (result, error) {
	return withFreshDB(ctx, admin, "river", func(url string) (result, error) {
		pool, err := openPool(ctx, url)
		if err != nil {
			return result{}, err
		}
		defer pool.Close()
		logger := peerLogger()
		migrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: logger})
		if err != nil {
			return result{}, err
		}
		if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return result{}, fmt.Errorf("river migrations: %w", err)
		}
		if _, err := pool.Exec(ctx, `CREATE TABLE bench_state (id bigint PRIMARY KEY, step int NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return result{}, err
		}

		var workErrs atomic.Int64
		done := newCompletions(n)
		workers := river.NewWorkers()
		river.AddWorker(workers, &riverStep1{pool: pool, errs: &workErrs})
		river.AddWorker(workers, &riverStep2{pool: pool, errs: &workErrs, done: done})
		rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
			FetchCooldown: riverFetchCooldown,
			Logger:        logger,
			Queues:        map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: benchWorkers}},
			Workers:       workers,
		})
		if err != nil {
			return result{}, err
		}
		if err := rc.Start(ctx); err != nil {
			return result{}, err
		}
		defer func() {
			stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			rc.Stop(stopCtx)
		}()

		start := time.Now()
		ins := throughput("river start", n, c, func(i int) error {
			done.started(i)
			tx, err := pool.Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(context.Background())
			if _, err := tx.Exec(ctx, "INSERT INTO bench_state (id, step) VALUES ($1, 0)", i); err != nil {
				return err
			}
			if _, err := rc.InsertTx(ctx, tx, riverStep1Args{ID: i}, nil); err != nil {
				return err
			}
			return tx.Commit(ctx)
		})
		done.expect(int64(n) - ins.errors)
		done.wait(ctx, peerTimeout(n))
		r := done.measured("River: 2 chained jobs + state row", n, start, ins.errors+workErrs.Load())

		// Check in the database what the in-process count says.
		var atStep2, completed int64
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM bench_state WHERE step = 2").Scan(&atStep2); err != nil {
			return r, err
		}
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE state = 'completed'").Scan(&completed); err != nil {
			return r, err
		}
		r.errors = max(r.errors, int64(n)-atStep2)
		if completed < 2*atStep2 {
			return r, fmt.Errorf("river: %d instances at step 2 but only %d jobs completed", atStep2, completed)
		}
		return r, nil
	})
}

// ---------------------------------------------------------------------------
// (d) go-workflows: a workflow of two activities.

// gwAddOne is the trivial activity: its input plus one.
func gwAddOne(_ context.Context, x int) (int, error) { return x + 1, nil }

// gwTwoSteps runs gwAddOne twice in sequence and returns input + 2.
func gwTwoSteps(ctx workflow.Context, x int) (int, error) {
	a, err := workflow.ExecuteActivity[int](ctx, workflow.DefaultActivityOptions, gwAddOne, x).Get(ctx)
	if err != nil {
		return 0, err
	}
	return workflow.ExecuteActivity[int](ctx, workflow.DefaultActivityOptions, gwAddOne, a).Get(ctx)
}

const gwInstancePrefix = "bench-"

// gwDoneBackend reports each workflow instance that finished, once the
// backend has committed the workflow task that finished it.
type gwDoneBackend struct {
	backend.Backend
	done *completions
}

func (b *gwDoneBackend) CompleteWorkflowTask(ctx context.Context, task *backend.WorkflowTask, state core.WorkflowInstanceState,
	executed, activityEvents, timerEvents []*history.Event, workflowEvents []*history.WorkflowEvent,
) error {
	if err := b.Backend.CompleteWorkflowTask(ctx, task, state, executed, activityEvents, timerEvents, workflowEvents); err != nil {
		return err
	}
	if state == core.WorkflowInstanceStateFinished && task.WorkflowInstanceState != state {
		if i, err := strconv.Atoi(strings.TrimPrefix(task.WorkflowInstance.InstanceID, gwInstancePrefix)); err == nil {
			b.done.finish(i)
		}
	}
	return nil
}

// peerGoWorkflows (d): an instance is a go-workflows workflow instance
// running two activities in sequence, on its PostgreSQL backend
// (backend/postgres, migrations applied by the backend). The run ends when
// all n instances have finished: counted when the backend commits the
// finishing workflow task, checked afterwards against each instance's result
// (input + 2) through the client.
//
// The backend is wrapped in monoprocess (worker and clients in one process,
// as go-workflows' own benchmark runs PostgreSQL), the worker uses
// worker.DefaultOptions (2 workflow and 2 activity pollers, unlimited
// parallel tasks, executor cache 128), and database/sql may open
// peerPoolSize connections.
func peerGoWorkflows(ctx context.Context, admin string, n, c int) (result, error) {
	return withFreshDB(ctx, admin, "goworkflows", func(url string) (r result, err error) {
		db, err := sql.Open("pgx", url)
		if err != nil {
			return result{}, err
		}
		defer db.Close()
		db.SetMaxOpenConns(peerPoolSize)
		db.SetMaxIdleConns(peerPoolSize)

		var pb backend.Backend
		func() {
			// The backend panics when its migrations fail.
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("go-workflows postgres backend: %v", p)
				}
			}()
			pb = gwpostgres.NewPostgresBackendWithDB(db,
				gwpostgres.WithApplyMigrations(true),
				gwpostgres.WithBackendOptions(backend.WithLogger(peerLogger())))
		}()
		if err != nil {
			return result{}, err
		}
		defer pb.Close()

		done := newCompletions(n)
		b := &gwDoneBackend{Backend: monoprocess.NewMonoprocessBackend(pb), done: done}
		opts := worker.DefaultOptions
		w := worker.New(b, &opts)
		if err := w.RegisterWorkflow(gwTwoSteps); err != nil {
			return result{}, err
		}
		if err := w.RegisterActivity(gwAddOne); err != nil {
			return result{}, err
		}
		wctx, stop := context.WithCancel(ctx)
		if err := w.Start(wctx); err != nil {
			stop()
			return result{}, err
		}
		defer func() {
			stop()
			w.WaitForCompletion()
		}()
		gc := client.New(b)

		instances := make([]*workflow.Instance, n)
		start := time.Now()
		ins := throughput("go-workflows start", n, c, func(i int) error {
			done.started(i)
			wi, err := gc.CreateWorkflowInstance(ctx, client.WorkflowInstanceOptions{InstanceID: gwInstancePrefix + strconv.Itoa(i)}, gwTwoSteps, i)
			instances[i] = wi
			return err
		})
		done.expect(int64(n) - ins.errors)
		done.wait(ctx, peerTimeout(n))
		r = done.measured("go-workflows: 2 activities", n, start, ins.errors)

		// Check every instance's result, outside the measured time.
		var bad atomic.Int64
		throughput("go-workflows check", n, c, func(i int) error {
			if instances[i] == nil {
				return nil // failed to start: already counted
			}
			got, err := client.GetWorkflowResult[int](ctx, gc, instances[i], time.Second)
			if err == nil && got != i+2 {
				err = fmt.Errorf("instance %d: result %d, want %d", i, got, i+2)
			}
			if err != nil {
				bad.Add(1)
			}
			return err
		})
		r.errors = max(r.errors, bad.Load())
		return r, nil
	})
}

// ---------------------------------------------------------------------------
// (e) raw PostgreSQL: the floor.

// peerRawInsert (e): an instance is one single-row INSERT committed on its
// own (autocommit), into a table of the same shape as rawInsert's, from c
// clients through a pool of peerPoolSize connections.
func peerRawInsert(ctx context.Context, admin string, n, c int) (result, error) {
	return withFreshDB(ctx, admin, "raw", func(url string) (result, error) {
		pool, err := openPool(ctx, url)
		if err != nil {
			return result{}, err
		}
		defer pool.Close()
		if _, err := pool.Exec(ctx, `CREATE TABLE bench_raw (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), at timestamptz NOT NULL DEFAULT now(), action text, details jsonb)`); err != nil {
			return result{}, err
		}
		r := throughput("raw PostgreSQL INSERT+COMMIT", n, c, func(i int) error {
			_, err := pool.Exec(ctx, "INSERT INTO bench_raw (action, details) VALUES ($1, $2)", "instance.started", map[string]string{"i": strconv.Itoa(i)})
			return err
		})
		var rows int64
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM bench_raw").Scan(&rows); err != nil {
			return r, err
		}
		if rows != int64(n)-r.errors {
			return r, errors.New("raw: row count does not match the inserts that succeeded")
		}
		return r, nil
	})
}
