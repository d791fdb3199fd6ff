package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
)

// The search suite measures registry.Search on a database the operator
// scaled beforehand (obieg seed then obieg seed-scale --documents 100000),
// against a baseline in the same run: reading one case by primary key in
// a tenant transaction (raw SQL) and through the registry (registry.Case).
var (
	searchDB    = flag.String("search-db", os.Getenv("OBIEG_BENCH_SEARCH_DATABASE_URL"), "URL of a database holding the scaled demo office (suite search)")
	searchRuns  = flag.Int("search-runs", 200, "times each search query runs (suite search)")
	searchLimit = flag.Int("search-limit", 20, "hits asked for (suite search)")
)

// searchQuery is one kind of query of the mix.
type searchQuery struct{ name, q, as string }

func runSearchSuite(ctx context.Context) error {
	if *searchDB == "" {
		return fmt.Errorf("suite search needs -search-db (a database after obieg seed-scale)")
	}
	logger := slog.New(slog.DiscardHandler)
	db, err := postgres.Open(ctx, *searchDB, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	blobs, err := blob.Open(ctx, "file://"+os.TempDir())
	if err != nil {
		return err
	}
	defer blobs.Close()
	reg := registry.New(db, blobs, registry.Options{Logger: logger})
	actors := map[string]*registry.Actor{}
	for _, l := range []string{"admin", "wymiar", "planista"} {
		if actors[l], err = reg.ActorByLogin(ctx, l); err != nil {
			return fmt.Errorf("user %s of the demo office: %w", l, err)
		}
	}
	office := actors["admin"].OfficeID
	// Samples from the data: a signature, a PESEL, case ids for the baseline.
	var docs int
	var sig, pesel string
	var ids []uuid.UUID
	err = db.Tenant(ctx, office, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM documents").Scan(&docs); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT signature FROM cases ORDER BY created_at DESC OFFSET 5000 LIMIT 1").Scan(&sig); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT pesel FROM parties WHERE pesel <> '' ORDER BY id OFFSET 777 LIMIT 1").Scan(&pesel); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, "SELECT id FROM cases ORDER BY random() LIMIT 1000")
		ids, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		return err
	})
	if err != nil {
		return err
	}
	mix := []searchQuery{
		{"exact signature", sig, "admin"},
		{"signature fragment", "3120.1", "admin"},
		{"surname", "Kowalska", "admin"},
		{"surname, no diacritics", "wisniewska", "admin"},
		{"two words, any order", "nieruchomosci wymiar", "admin"},
		{"PESEL", pesel, "admin"},
		{"file name fragment", "zawiadomienie-3", "admin"},
		{"common word (¼ of documents)", "wniosek", "admin"},
		{"no match", "xyzzy", "admin"},
		{"surname, officer of FN-P", "Nowak", "wymiar"},
		{"two units' officer", "gospodarstwa rolnego", "planista"},
	}
	fmt.Printf("\nSearch on %d documents (%d runs per query, limit %d, one client)\n\n", docs, *searchRuns, *searchLimit)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "query\tas\thits\tp50\tp99\tmax\t\n")
	var all []time.Duration
	for _, m := range mix {
		a := actors[m.as]
		hits, err := reg.Search(ctx, a, m.q, *searchLimit) // warm
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		lat := make([]time.Duration, 0, *searchRuns)
		for range *searchRuns {
			t0 := time.Now()
			if _, err := reg.Search(ctx, a, m.q, *searchLimit); err != nil {
				return err
			}
			lat = append(lat, time.Since(t0))
		}
		all = append(all, lat...)
		p50, p99 := percentiles(lat)
		fmt.Fprintf(tw, "%s\t%s\t%d\t%v\t%v\t%v\t\n", m.name, m.as, len(hits), r10(p50), r10(p99), r10(maxDur(lat)))
	}
	p50, p99 := percentiles(all)
	fmt.Fprintf(tw, "all searches\t\t\t%v\t%v\t%v\t\n", r10(p50), r10(p99), r10(maxDur(all)))

	// Baselines: one case by primary key.
	n := *searchRuns * 5
	raw := make([]time.Duration, 0, n)
	api := make([]time.Duration, 0, n)
	for i := range n {
		id := ids[i%len(ids)]
		t0 := time.Now()
		err := db.Tenant(ctx, office, func(tx pgx.Tx) error {
			var s string
			return tx.QueryRow(ctx, "SELECT signature FROM cases WHERE id = $1", id).Scan(&s)
		})
		if err != nil {
			return err
		}
		raw = append(raw, time.Since(t0))
		t0 = time.Now()
		if _, err := reg.Case(ctx, actors["admin"], id); err != nil {
			return err
		}
		api = append(api, time.Since(t0))
	}
	b50, b99 := percentiles(raw)
	fmt.Fprintf(tw, "baseline: case by primary key (raw SQL, tenant tx)\t\t1\t%v\t%v\t%v\t\n", r10(b50), r10(b99), r10(maxDur(raw)))
	c50, c99 := percentiles(api)
	fmt.Fprintf(tw, "baseline: registry.Case\tadmin\t1\t%v\t%v\t%v\t\n", r10(c50), r10(c99), r10(maxDur(api)))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Printf("\nsearch p50 ÷ primary-key p50: %.1f; search p99 ÷ primary-key p99: %.1f; target p99 < 200 ms: %v\n",
		float64(p50)/float64(b50), float64(p99)/float64(b99), p99 < 200*time.Millisecond)
	return nil
}

func r10(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }

func maxDur(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)-1]
}
