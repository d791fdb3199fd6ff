package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
)

// The workflow benchmark: start → service task → service task → end, n
// instances started by c clients, on Obieg (inline and async) and on the
// peers in peers.go, all against the same PostgreSQL server in one run.

const benchProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:obieg="https://obieg.dev/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="bench" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:serviceTask id="one" obieg:handler="addOne"%[1]s/>
    <bpmn:serviceTask id="two" obieg:handler="addOne"%[1]s/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="one"/>
    <bpmn:sequenceFlow id="f2" sourceRef="one" targetRef="two"/>
    <bpmn:sequenceFlow id="f3" sourceRef="two" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>`

// addOne is the same trivial work the peers' activities do.
func addOne(_ context.Context, c *engine.Call) error {
	n, _ := c.Vars["n"].(float64)
	if v, ok := c.Vars["n"].(int); ok {
		n = float64(v)
	}
	c.Set("n", n+1)
	return nil
}

// obiegFlow runs the benchmark process on Obieg, inline or async.
func obiegFlow(ctx context.Context, admin string, n, c int, async bool) (result, error) {
	kind, attrs := "inline", ""
	if async {
		kind, attrs = "async", ` obieg:async="true"`
	}
	return withFreshDB(ctx, admin, "obieg_"+kind, func(url string) (result, error) {
		logger := slog.New(slog.DiscardHandler)
		db, err := postgres.Open(ctx, url, logger)
		if err != nil {
			return result{}, err
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			return result{}, err
		}
		who, err := benchOffice(ctx, db)
		if err != nil {
			return result{}, err
		}
		// The same worker settings as the River peer: benchWorkers workers, 2 ms fetch cooldown.
		e, err := flow.New(db, flow.Options{Logger: logger, Workers: benchWorkers, FetchCooldown: riverFetchCooldown})
		if err != nil {
			return result{}, err
		}
		e.Register("addOne", addOne)
		if _, err := e.Deploy(ctx, who, []byte(fmt.Sprintf(benchProcess, attrs))); err != nil {
			return result{}, err
		}
		if async {
			if err := e.StartWorkers(ctx); err != nil {
				return result{}, err
			}
			defer func() {
				stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				e.StopWorkers(stop)
			}()
		}
		name := "Obieg inline (one transaction)"
		if async {
			name = "Obieg async (River jobs)"
		}
		start := time.Now()
		r := throughput(name, n, c, func(i int) error {
			in, err := e.StartInstance(ctx, who, "bench", "", map[string]any{"n": 0})
			if err == nil && !async && in.State != flow.StateCompleted {
				err = fmt.Errorf("inline instance is %s", in.State)
			}
			return err
		})
		if !async {
			return r, nil
		}
		// Async: wait until all have ended; latencies from the engine's own start and end times.
		deadline := time.Now().Add(peerTimeout(n))
		var done int
		for {
			if err := db.Pool.QueryRow(ctx, "SELECT count(*) FROM flow_instances WHERE state = 'completed'").Scan(&done); err != nil {
				return result{}, err
			}
			if done >= n || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		rows, _ := db.Pool.Query(ctx, "SELECT ended_at - started_at, ended_at FROM flow_instances WHERE state = 'completed'")
		type row struct {
			lat time.Duration
			end time.Time
		}
		got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
			var x row
			return x, r.Scan(&x.lat, &x.end)
		})
		if err != nil {
			return result{}, err
		}
		lat := make([]time.Duration, 0, len(got))
		last := start
		for _, x := range got {
			lat = append(lat, x.lat)
			if x.end.After(last) {
				last = x.end
			}
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		r.took = last.Sub(start)
		r.errors += int64(n - done)
		r.p50, r.p99 = percentiles(lat)
		return r, nil
	})
}

// benchOffice creates an office with an administrator for the engine's rows.
func benchOffice(ctx context.Context, db *postgres.DB) (flow.Who, error) {
	dir, err := os.MkdirTemp("", "obieg-bench-")
	if err != nil {
		return flow.Who{}, err
	}
	defer os.RemoveAll(dir)
	blobs, err := blob.Open(ctx, "file://"+dir)
	if err != nil {
		return flow.Who{}, err
	}
	defer blobs.Close()
	reg := registry.New(db, blobs, registry.Options{Logger: slog.New(slog.DiscardHandler)})
	o, err := reg.CreateOffice(ctx, "Urząd Gminy Bench", "bench")
	if err != nil {
		return flow.Who{}, err
	}
	u, err := reg.CreateUser(ctx, nil, o.ID, registry.NewUser{Login: "bench", Name: "Bench", Roles: []registry.Role{registry.RoleAdmin}})
	if err != nil {
		return flow.Who{}, err
	}
	return flow.Who{UserID: u.ID, OfficeID: o.ID, Admin: true}, nil
}

// benchWorkers is how many jobs Obieg async and the River peer each work
// at once (the -workers flag).
var benchWorkers = 64

// runFlowSuite measures Obieg and the peers and prints the table and ratios.
func runFlowSuite(ctx context.Context, admin string, n, c int) error {
	fmt.Printf("\nworkflow: start → service task → service task → end, n=%d, clients=%d, workers=%d (Obieg async and River), one PostgreSQL\n\n", n, c, benchWorkers)
	type run struct {
		fn   func() (result, error)
		into *result
	}
	var inline, async, riverChain, gowf, raw result
	for _, r := range []run{
		{func() (result, error) { return peerRawInsert(ctx, admin, n, c) }, &raw},
		{func() (result, error) { return obiegFlow(ctx, admin, n, c, false) }, &inline},
		{func() (result, error) { return obiegFlow(ctx, admin, n, c, true) }, &async},
		{func() (result, error) { return peerRiverChain(ctx, admin, n, c) }, &riverChain},
		{func() (result, error) { return peerGoWorkflows(ctx, admin, n, c) }, &gowf},
	} {
		// Start each measurement from a quiet server: flush what the last one wrote.
		if err := checkpoint(ctx, admin); err != nil {
			return err
		}
		res, err := r.fn()
		if err != nil {
			return err
		}
		*r.into = res
	}
	printTable([]result{inline, async, riverChain, gowf, raw}, "instances/s")
	ratio := func(label string, a, b result, target float64) {
		got := a.rate() / b.rate()
		verdict := "meets"
		if got < target {
			verdict = "BELOW"
		}
		fmt.Printf("%-34s %6.2f   (target ≥ %.1f: %s)\n", label, got, target, verdict)
	}
	fmt.Println()
	ratio("Obieg inline ÷ raw INSERT", inline, raw, 0.4)
	ratio("Obieg async ÷ River chain", async, riverChain, 1.0)
	ratio("Obieg inline ÷ go-workflows", inline, gowf, 10)
	fmt.Printf("%-34s %6.2f\n", "Obieg async ÷ raw INSERT", async.rate()/raw.rate())
	fmt.Printf("%-34s %6.2f\n", "Obieg async ÷ go-workflows", async.rate()/gowf.rate())
	for _, r := range []result{inline, async, riverChain, gowf, raw} {
		if r.errors > 0 {
			return fmt.Errorf("%s: %d errors", r.name, r.errors)
		}
	}
	return nil
}

func checkpoint(ctx context.Context, admin string) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CHECKPOINT")
	return err
}
