package tax

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/adapters/sign"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
	"obieg.dev/obieg/storage/postgres/pgtest"
	"obieg.dev/obieg/workflows/correspondence"
)

// The batch crash test runs the annual batch in a child process (this test
// binary run again with OBIEG_TAX_CRASH_CHILD set) and kills it with
// SIGKILL, again and again, at varying moments; a last run in the parent
// finishes the batch. Every taxpayer ends with exactly one decision, one
// signed document and one delivery workflow.

const taxCrashEnv = "OBIEG_TAX_CRASH_CHILD"

type taxCrashConfig struct {
	DB, Blobs    string
	Office, Head uuid.UUID
}

func TestMain(m *testing.M) {
	if cfg := os.Getenv(taxCrashEnv); cfg != "" {
		taxCrashChild(cfg)
	}
	os.Exit(m.Run())
}

func taxCrashChild(raw string) {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "tax crash child:", err)
		os.Exit(2)
	}
	var cfg taxCrashConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		fail(err)
	}
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	db, err := postgres.Open(ctx, cfg.DB, quiet)
	if err != nil {
		fail(err)
	}
	blobs, err := blob.Open(ctx, cfg.Blobs)
	if err != nil {
		fail(err)
	}
	reg := registry.New(db, blobs, registry.Options{Logger: quiet})
	fe, err := flow.New(db, flow.Options{Logger: quiet})
	if err != nil {
		fail(err)
	}
	correspondence.New(reg, fe)
	key, err := sign.DevelopmentKey("Wójt", "Urząd", time.Now())
	if err != nil {
		fail(err)
	}
	t := New(reg, fe, blobs, Options{Logger: quiet, Sign: func(ctx context.Context, pdf []byte) ([]byte, error) {
		return sign.SignPDF(ctx, pdf, key, sign.PDFOptions{Name: "Wójt", Time: time.Now()})
	}})
	head, err := reg.Actor(ctx, cfg.Office, cfg.Head)
	if err != nil {
		fail(err)
	}
	for {
		_, _ = t.RunBatch(ctx, head, 2026, BatchOptions{Workers: 3})
	}
}

func TestBatchSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	ctx := context.Background()
	url := pgtest.URL(t)
	db, err := postgres.Open(ctx, url, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	blobURL := "file://" + t.TempDir()
	b := setupOn(t, db, blobURL)
	const n = 40
	b.taxpayers(t, n)
	count := func(q string) int {
		var c int
		if err := db.Pool.QueryRow(ctx, q).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	decisions := func() int { return count("SELECT count(*) FROM tax_decisions") }
	cfg, _ := json.Marshal(taxCrashConfig{DB: url, Blobs: blobURL, Office: b.head.OfficeID, Head: b.head.UserID})
	kills := 0
	deadline := time.Now().Add(60 * time.Second)
	for decisions() < n*3/4 && time.Now().Before(deadline) {
		child := exec.Command(os.Args[0], "-test.run=^$")
		child.Env = append(os.Environ(), taxCrashEnv+"="+string(cfg))
		child.Stderr = os.Stderr
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		start := decisions()
		for decisions() < start+4+kills%5 && time.Now().Before(deadline) {
			time.Sleep(time.Duration(2+kills%3) * time.Millisecond)
		}
		_ = child.Process.Signal(syscall.SIGKILL)
		_ = child.Wait()
		kills++
	}
	if kills < 3 {
		t.Fatalf("only %d kills", kills)
	}
	done, err := b.tax.RunBatch(ctx, b.head, 2026, BatchOptions{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != "done" {
		t.Fatalf("batch %+v", done)
	}
	if got := count("SELECT count(*) FROM tax_decisions WHERE status = 'signed'"); got != n {
		t.Fatalf("%d signed decisions for %d taxpayers after %d kills", got, n, kills)
	}
	if got := count("SELECT count(DISTINCT taxpayer_id) FROM tax_decisions"); got != n {
		t.Fatalf("%d taxpayers with decisions", got)
	}
	if got := count("SELECT count(*) FROM tax_decisions"); got != n {
		t.Fatalf("%d decision rows (drafts left behind?)", got)
	}
	if got := count("SELECT count(*) FROM metryka WHERE action = 'tax.decision_signed'"); got != n {
		t.Fatalf("%d signed-decision metryka entries", got)
	}
	ins, _, err := b.fe.Instances(ctx, b.adminW, flow.InstanceFilter{Key: ProcessDelivery, Limit: 1000})
	if err != nil || len(ins) != n {
		t.Fatalf("%d delivery workflows, %v", len(ins), err)
	}
	t.Logf("%d taxpayers, the batch killed %d times: %d decisions, each once", n, kills, n)
}
