package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"sort"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	web "obieg.dev/obieg/adapters/http"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
)

func main() {
	admin := flag.String("db", os.Getenv("OBIEG_BENCH_DATABASE_URL"), "admin URL of the PostgreSQL server")
	n := flag.Int("n", 2000, "operations per throughput measurement")
	c := flag.Int("c", 8, "concurrent clients")
	rate := flag.Int("rate", 100, "requests per second for the latency measurement")
	dur := flag.Duration("duration", 10*time.Second, "length of the latency measurement")
	suite := flag.String("suite", "all", "registry, flow, tax, search (on a scaled database, -search-db) or all")
	taxN := flag.Int("tax-n", 10000, "taxpayers in the annual tax batch")
	flowN := flag.Int("flow-n", 5000, "instances for the workflow benchmark")
	flag.IntVar(&benchWorkers, "workers", benchWorkers, "jobs worked at once by Obieg async and by the River peer")
	flag.Parse()
	if *admin == "" {
		fmt.Fprintln(os.Stderr, "bench: -db (or OBIEG_BENCH_DATABASE_URL) is required; run `make bench`")
		os.Exit(2)
	}
	if path := os.Getenv("OBIEG_BENCH_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	ctx := context.Background()
	var err error
	switch *suite {
	case "registry":
		err = run(ctx, *admin, *n, *c, *rate, *dur)
	case "flow":
		err = runFlowSuite(ctx, *admin, *flowN, *c)
	case "tax":
		err = runTaxSuite(ctx, *admin, *taxN, *c)
	case "search":
		err = runSearchSuite(ctx)
	case "all":
		if err = run(ctx, *admin, *n, *c, *rate, *dur); err == nil {
			err = runFlowSuite(ctx, *admin, *flowN, *c)
		}
		if err == nil {
			err = runTaxSuite(ctx, *admin, *taxN, *c)
		}
	default:
		err = fmt.Errorf("-suite must be registry, flow, tax, search or all")
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// pdfSize is the size of the test document: a typical scanned letter.
const pdfSize = 200 << 10

// uniquePDF makes a 200 KB PDF-shaped file with random content, so that the
// content-addressed store really writes every one.
func uniquePDF() []byte {
	b := make([]byte, pdfSize)
	copy(b, "%PDF-1.7\n")
	rand.Read(b[9 : pdfSize-6])
	copy(b[pdfSize-6:], "%%EOF\n")
	return b
}

type result struct {
	name   string
	ops    int
	took   time.Duration
	p50    time.Duration
	p99    time.Duration
	errors int64
}

func (r result) rate() float64 { return float64(r.ops) / r.took.Seconds() }

func run(ctx context.Context, admin string, n, c, rate int, dur time.Duration) error {
	fmt.Printf("obieg bench: n=%d, clients=%d, PDF %d KB, latency at %d req/s for %v\n\n", n, c, pdfSize>>10, rate, dur)
	env, err := newEnv(ctx, admin)
	if err != nil {
		return err
	}
	defer env.close()

	raw, err := env.rawInsert(ctx, n, c)
	if err != nil {
		return err
	}
	blobs, err := env.rawBlobWrite(ctx, n/4, c)
	if err != nil {
		return err
	}
	reg, err := env.registrations(ctx, n/4, c)
	if err != nil {
		return err
	}
	rawLat, err := env.rawInsertLatency(ctx, rate, dur)
	if err != nil {
		return err
	}
	apiLat, err := env.apiLatency(ctx, rate, dur)
	if err != nil {
		return err
	}

	printTable([]result{raw, blobs, reg, rawLat, apiLat}, "ops/s")
	fmt.Println()
	fmt.Printf("registrations/s ÷ raw single-row INSERT/s:  %.3f\n", reg.rate()/raw.rate())
	fmt.Printf("registrations/s ÷ raw 200 KB blob writes/s: %.3f\n", reg.rate()/blobs.rate())
	fmt.Printf("API p50 ÷ raw INSERT p50 at %d/s:           %.2f\n", rate, float64(apiLat.p50)/float64(rawLat.p50))
	fmt.Printf("API p99 ÷ raw INSERT p99 at %d/s:           %.2f\n", rate, float64(apiLat.p99)/float64(rawLat.p99))
	if reg.errors+apiLat.errors+raw.errors+blobs.errors+rawLat.errors > 0 {
		return fmt.Errorf("some operations failed")
	}
	return nil
}

// env is one database, blob store, registry and HTTP server for the run.
type env struct {
	db      *postgres.DB
	blobs   blob.Store
	reg     *registry.Service
	srv     *httptest.Server
	token   string
	caseIDs []string
	cleanup []func()
}

func (e *env) close() {
	for i := len(e.cleanup) - 1; i >= 0; i-- {
		e.cleanup[i]()
	}
}

func newEnv(ctx context.Context, admin string) (*env, error) {
	e := &env{}
	name := fmt.Sprintf("obieg_bench_%d", time.Now().UnixNano())
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, err
	}
	e.cleanup = append(e.cleanup, func() {
		conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		conn.Close(context.Background())
	})
	url, err := postgres.WithDatabase(admin, name)
	if err != nil {
		return nil, err
	}
	logger := slog.New(slog.DiscardHandler)
	if e.db, err = postgres.Open(ctx, url, logger); err != nil {
		return nil, err
	}
	e.cleanup = append(e.cleanup, e.db.Close)
	if _, err := e.db.Migrate(ctx); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "obieg-bench-blobs-")
	if err != nil {
		return nil, err
	}
	e.cleanup = append(e.cleanup, func() { os.RemoveAll(dir) })
	if e.blobs, err = blob.Open(ctx, "file://"+dir); err != nil {
		return nil, err
	}
	e.reg = registry.New(e.db, e.blobs, registry.Options{Logger: logger})
	e.srv = httptest.NewServer(web.New(web.Config{Registry: e.reg, Blobs: e.blobs, Logger: logger}))
	e.cleanup = append(e.cleanup, e.srv.Close)

	o, err := e.reg.CreateOffice(ctx, "Urząd Gminy Bench", "bench")
	if err != nil {
		return nil, err
	}
	u, err := e.reg.CreateUser(ctx, nil, o.ID, registry.NewUser{Login: "bench", Name: "Bench", Roles: []registry.Role{registry.RoleAdmin}})
	if err != nil {
		return nil, err
	}
	a, err := e.reg.Actor(ctx, o.ID, u.ID)
	if err != nil {
		return nil, err
	}
	if _, err := e.reg.CreateUnit(ctx, a, "FN", "Referat Finansowy", ""); err != nil {
		return nil, err
	}
	if _, err := e.reg.ImportJRWA(ctx, a, "JRWA", calendar.NewDate(2012, 1, 1), nil,
		bytes.NewReader([]byte("symbol,title,category_own\n3,Finanse,\n31,Podatki,\n312,Wymiar,\n3120,Wymiar podatków,BE5\n"))); err != nil {
		return nil, err
	}
	t, err := e.reg.CreateToken(ctx, "bench", registry.NewToken{})
	if err != nil {
		return nil, err
	}
	e.token = t.Secret
	// Cases for the documents to go into, spread so clients do not all queue on one case row.
	for i := range 64 {
		c, err := e.reg.CreateCase(ctx, a, registry.NewCase{Unit: "FN", JRWA: "3120", Title: fmt.Sprintf("Sprawa %d", i)})
		if err != nil {
			return nil, err
		}
		e.caseIDs = append(e.caseIDs, c.ID.String())
	}
	return e, nil
}

// throughput runs op n times from c clients and records latencies.
func throughput(name string, n, c int, op func(i int) error) result {
	var next, errs atomic.Int64
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				if err := op(i); err != nil {
					if errs.Add(1) == 1 {
						fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
					}
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	r := result{name: name, ops: n, took: time.Since(start), errors: errs.Load()}
	r.p50, r.p99 = percentiles(lat)
	return r
}

// fixedRate sends op at rate per second for d (open loop: a slow answer
// does not delay the next request), and records latencies.
func fixedRate(name string, rate int, d time.Duration, op func(i int) error) result {
	total := int(float64(rate) * d.Seconds())
	lat := make([]time.Duration, total)
	var errs atomic.Int64
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	for i := range total {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			if err := op(i); err != nil {
				if errs.Add(1) == 1 {
					fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
				}
			}
			lat[i] = time.Since(t0)
		}()
	}
	wg.Wait()
	r := result{name: name, ops: total, took: time.Since(start), errors: errs.Load()}
	r.p50, r.p99 = percentiles(lat)
	return r
}

func percentiles(lat []time.Duration) (p50, p99 time.Duration) {
	s := append([]time.Duration(nil), lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0, 0
	}
	return s[len(s)*50/100], s[min(len(s)-1, len(s)*99/100)]
}

// rawInsert is the baseline: single-row INSERT + COMMIT (autocommit) of a
// row of similar width to a metryka entry, from c clients.
func (e *env) rawInsert(ctx context.Context, n, c int) (result, error) {
	if _, err := e.db.Pool.Exec(ctx, `CREATE TABLE bench_raw (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), at timestamptz NOT NULL DEFAULT now(), action text, details jsonb)`); err != nil {
		return result{}, err
	}
	return throughput("raw PostgreSQL INSERT+COMMIT", n, c, func(i int) error {
		_, err := e.db.Pool.Exec(ctx, "INSERT INTO bench_raw (action, details) VALUES ($1, $2)", "document.registered", map[string]string{"i": fmt.Sprint(i)})
		return err
	}), nil
}

func (e *env) rawInsertLatency(ctx context.Context, rate int, d time.Duration) (result, error) {
	return fixedRate(fmt.Sprintf("raw INSERT at %d/s", rate), rate, d, func(i int) error {
		_, err := e.db.Pool.Exec(ctx, "INSERT INTO bench_raw (action, details) VALUES ($1, $2)", "case.created", map[string]string{"i": fmt.Sprint(i)})
		return err
	}), nil
}

// rawBlobWrite is the baseline for content: stage and commit (fsync,
// rename) a fresh 200 KB file in the file blob store.
func (e *env) rawBlobWrite(ctx context.Context, n, c int) (result, error) {
	return throughput("raw blob write (200 KB, fsync)", n, c, func(int) error {
		st, err := e.blobs.Stage(ctx, bytes.NewReader(uniquePDF()), pdfSize+1)
		if err != nil {
			return err
		}
		return st.Commit(ctx)
	}), nil
}

// registrations: POST /api/v1/documents with NES metadata and a 200 KB PDF
// into a case, so each also appends a metryka entry.
func (e *env) registrations(ctx context.Context, n, c int) (result, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c}}
	return throughput("document registration via API", n, c, func(i int) error {
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "--B\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n"+
			`{"tytul":"Deklaracja IN-1 nr %d","typ":"podanie/wniosek","data":"2026-11-20","tworca":"Jan Nowak","dostep":"niepubliczny","caseId":"%s"}`+
			"\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"deklaracja.pdf\"\r\nContent-Type: application/pdf\r\n\r\n", i, e.caseIDs[i%len(e.caseIDs)])
		buf.Write(uniquePDF())
		buf.WriteString("\r\n--B--\r\n")
		return e.call(ctx, client, http.MethodPost, "/api/v1/documents", "multipart/form-data; boundary=B", buf.Bytes(), http.StatusCreated)
	}), nil
}

// apiLatency: at a fixed rate, a registry office's mix: one request in four
// opens a case (signature from the locked spis spraw counter, party,
// metryka entries), three read a case back.
func (e *env) apiLatency(ctx context.Context, rate int, d time.Duration) (result, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	return fixedRate(fmt.Sprintf("API create/get case at %d/s", rate), rate, d, func(i int) error {
		if i%4 == 0 {
			body := fmt.Sprintf(`{"unit":"FN","jrwa":"3120","title":"Sprawa %d","parties":[{"name":"Jan Nowak"}]}`, i)
			return e.call(ctx, client, http.MethodPost, "/api/v1/cases", "application/json", []byte(body), http.StatusCreated)
		}
		return e.call(ctx, client, http.MethodGet, "/api/v1/cases/"+e.caseIDs[i%len(e.caseIDs)], "", nil, http.StatusOK)
	}), nil
}

func (e *env) call(ctx context.Context, client *http.Client, method, path, ct string, body []byte, want int) error {
	req, err := http.NewRequestWithContext(ctx, method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, data)
	}
	return nil
}

func printTable(rs []result, unit string) {
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "measurement\tops\t%s\tp50\tp99\terrors\t\n", unit)
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%v\t%v\t%d\t\n", r.name, r.ops, r.rate(), r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond), r.errors)
	}
	tw.Flush()
}
