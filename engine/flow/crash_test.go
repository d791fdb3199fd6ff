package flow

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/postgres"
)

// The crash test runs the engine in a child process (this test binary run
// again with OBIEG_CRASH_CHILD set), kills it with SIGKILL while 1,000
// instances are in their async steps, starts it again, and checks that
// every instance finished exactly once and no side effect happened twice.

const crashProcess = `
    <bpmn:startEvent id="start"/>
    <bpmn:serviceTask id="notify" obieg:handler="effect" obieg:async="true" obieg:retries="5"/>
    <bpmn:serviceTask id="archive" obieg:handler="effect" obieg:async="true" obieg:retries="5"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="notify"/>
    <bpmn:sequenceFlow id="f2" sourceRef="notify" targetRef="archive"/>
    <bpmn:sequenceFlow id="f3" sourceRef="archive" targetRef="end"/>`

// effectHandler acts on "the world" (tables outside the engine's
// transaction) at most once per idempotency key, and counts every call.
func effectHandler(db *postgres.DB) engine.Handler {
	return func(ctx context.Context, c *engine.Call) error {
		if _, err := db.Pool.Exec(ctx, "INSERT INTO crash_calls (key) VALUES ($1)", c.Key); err != nil {
			return err
		}
		time.Sleep(2 * time.Millisecond) // some work, so the kill lands mid-step
		_, err := db.Pool.Exec(ctx, "INSERT INTO crash_effects (key) VALUES ($1) ON CONFLICT (key) DO NOTHING", c.Key)
		return err
	}
}

func crashOptions() Options {
	return Options{Logger: slog.New(slog.DiscardHandler), Workers: 10, PollInterval: 100 * time.Millisecond,
		RetryDelay: 100 * time.Millisecond, JobTimeout: 2 * time.Second, RescueAfter: 3 * time.Second}
}

// crashChild is the worker process: it works jobs until killed or SIGTERM.
func crashChild() {
	ctx := context.Background()
	db, err := postgres.Open(ctx, os.Getenv("OBIEG_CRASH_CHILD"), slog.New(slog.DiscardHandler))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	e, err := New(db, crashOptions())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	e.Register("effect", effectHandler(db))
	if err := e.StartWorkers(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	<-sig
	stop, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	e.StopWorkers(stop)
	os.Exit(0)
}

func TestMain(m *testing.M) {
	if os.Getenv("OBIEG_CRASH_CHILD") != "" {
		crashChild()
	}
	os.Exit(m.Run())
}

func TestCrashMidRunFinishesEveryInstanceOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test runs about a minute")
	}
	ctx := context.Background()
	url := pgtestURL(t)
	db, err := postgres.Open(ctx, url, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Pool.Exec(ctx, `CREATE TABLE crash_calls (key text NOT NULL);
		CREATE TABLE crash_effects (key text PRIMARY KEY);
		GRANT ALL ON crash_calls, crash_effects TO obieg_app`); err != nil {
		t.Fatal(err)
	}
	b := setupOn(t, db)
	b.deploy(t, def("crash", crashProcess))
	const n = 1000
	for i := range n {
		if _, err := b.e.StartInstance(ctx, b.officer, "crash", fmt.Sprintf("C-%d", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	effects := func() int { return b.count(t, "SELECT count(*) FROM crash_effects") }
	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "OBIEG_CRASH_CHILD="+url)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	// Run until a good part is done, then kill the worker without warning.
	w := child()
	deadline := time.Now().Add(60 * time.Second)
	for effects() < n/2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := w.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	w.Wait()
	killedAt := effects()
	running := b.count(t, "SELECT count(*) FROM river_job WHERE state = 'running'")
	t.Logf("killed with %d of %d effects done and %d jobs left running", killedAt, 2*n, running)
	if killedAt >= 2*n {
		t.Fatalf("the kill came too late to test anything")
	}

	// Restart: the rescuer returns the jobs the dead worker held.
	w = child()
	defer func() { w.Process.Signal(syscall.SIGTERM); w.Wait() }()
	deadline = time.Now().Add(3 * time.Minute)
	for b.count(t, "SELECT count(*) FROM flow_instances WHERE state = 'completed'") < n {
		if time.Now().After(deadline) {
			t.Fatalf("after restart only %d of %d instances completed", b.count(t, "SELECT count(*) FROM flow_instances WHERE state = 'completed'"), n)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Let every job settle — jobs of the dead worker are rescued and run
	// again — and check that those late runs changed nothing.
	deadline = time.Now().Add(90 * time.Second)
	for b.count(t, "SELECT count(*) FROM river_job WHERE state <> 'completed'") > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs did not settle", b.count(t, "SELECT count(*) FROM river_job WHERE state <> 'completed'"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	calls := b.count(t, "SELECT count(*) FROM crash_calls")
	if got := effects(); got != 2*n {
		t.Errorf("%d effects for %d steps", got, 2*n)
	}
	t.Logf("%d handler calls for %d steps: %d repeated after the crash, absorbed by their idempotency keys", calls, 2*n, calls-2*n)
	// Each step completed once and each instance ended once.
	if dup := b.count(t, `SELECT count(*) FROM (SELECT h.instance_id, e->>'element' FROM flow_history h, jsonb_array_elements(h.events) e
		WHERE e->>'event' = 'activity.completed' GROUP BY 1, 2 HAVING count(*) <> 1) d`); dup != 0 {
		t.Errorf("%d steps did not complete exactly once", dup)
	}
	if got := b.count(t, "SELECT count(*) FROM flow_history h, jsonb_array_elements(h.events) e WHERE e->>'event' = 'instance.completed'"); got != n {
		t.Errorf("%d completions for %d instances", got, n)
	}
	if got := b.count(t, "SELECT count(*) FROM flow_instances WHERE state = 'completed'"); got != n {
		t.Errorf("%d instances completed after the jobs settled", got)
	}
}
