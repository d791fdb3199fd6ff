package epuap_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/adapters/epuap"
	"obieg.dev/obieg/adapters/epuap/sim"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
	"obieg.dev/obieg/storage/postgres/pgtest"
)

// The crash test pulls in a child process (this test binary run again with
// OBIEG_EPUAP_CRASH_CHILD set) and kills it with SIGKILL, again and again,
// while the simulator — in the parent, reached over HTTP — fails every 7th
// call. Whatever the moment of the kill (mid-registration, between the
// commit and the acknowledgement, mid-request), every document ends up
// registered exactly once and the box empty.

const crashEnv = "OBIEG_EPUAP_CRASH_CHILD"

type crashConfig struct {
	DB, Sim, Blobs string
	Office, User   uuid.UUID
}

func TestMain(m *testing.M) {
	if cfg := os.Getenv(crashEnv); cfg != "" {
		crashChild(cfg)
	}
	os.Exit(m.Run())
}

// crashChild pulls until it is killed.
func crashChild(raw string) {
	var cfg crashConfig
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(2)
	}
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
	in := &epuap.Inbox{Registry: reg, Blobs: blobs, Logger: quiet, Max: 50,
		Client: &epuap.Client{Endpoints: epuap.Endpoints{Pull: cfg.Sim + "/pull"}, Entity: "ugtestowo", Box: "skrytka"},
		Actor:  func(ctx context.Context) (*registry.Actor, error) { return reg.Actor(ctx, cfg.Office, cfg.User) }}
	for {
		if _, err := in.PullAll(ctx); err != nil {
			time.Sleep(5 * time.Millisecond) // a simulated fault: the next run takes over
		}
	}
}

func TestInboxSurvivesKilledPuller(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test runs about 15 s")
	}
	ctx := context.Background()
	url := pgtest.URL(t)
	db, err := postgres.Open(ctx, url, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := "file://" + t.TempDir()
	blobs, err := blob.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	reg := registry.New(db, blobs, registry.Options{Logger: slog.New(slog.DiscardHandler)})
	o, _ := reg.CreateOffice(ctx, "Urząd Gminy Testowo", "testowo")
	u, err := reg.CreateUser(ctx, nil, o.ID, registry.NewUser{Login: "epuap", Name: "Integracja ePUAP", Roles: []registry.Role{registry.RoleIntegrator}})
	if err != nil {
		t.Fatal(err)
	}
	s := sim.New()
	s.Logger = slog.New(slog.DiscardHandler)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	box := epuap.BoxAddress("ugtestowo", "skrytka")
	const n = 500
	for i := range n {
		s.Put(box, epuap.Received{Sender: epuap.BoxSender{FirstName: "Jan", Surname: fmt.Sprintf("Kowalski %d", i)},
			Document: epuap.Document{FileName: "pismo.xml", Content: pismo(t, fmt.Sprint("crash ", i))}})
	}
	// Every call waits 2 ms, widening the window between a registration's
	// commit and its acknowledgement for the kills to land in.
	s.SetFaults(sim.Faults{EveryN: 7, Delay: 2 * time.Millisecond})
	cfg, _ := json.Marshal(crashConfig{DB: url, Sim: srv.URL, Blobs: dir, Office: o.ID, User: u.ID})
	count := func(q string) int {
		var c int
		if err := db.Pool.QueryRow(ctx, q).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	items := func() int { return count("SELECT count(*) FROM incoming_items WHERE channel = 'epuap'") }

	deadline := time.Now().Add(35 * time.Second)
	kills, between := 0, 0
	for s.Count(box) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("after %d kills the box still holds %d, %d items", kills, s.Count(box), items())
		}
		child := exec.Command(os.Args[0], "-test.run=^$")
		child.Env = append(os.Environ(), crashEnv+"="+string(cfg))
		child.Stderr = os.Stderr
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		// Let it take some documents, then kill it without warning at a
		// moment that varies from round to round.
		start := items()
		for items() < start+40 && s.Count(box) > 0 && time.Now().Before(deadline) {
			time.Sleep(time.Duration(1+kills%4) * time.Millisecond)
		}
		time.Sleep(time.Duration(kills%7) * 3 * time.Millisecond)
		if err := child.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = child.Wait()
		if left := s.Count(box); left > 0 {
			kills++
			if items() > n-left {
				between++ // killed after a registration committed, before its acknowledgement
			}
		}
	}
	if kills < 3 {
		t.Fatalf("only %d kills landed before the box emptied: the test proved little", kills)
	}
	if got := items(); got != n {
		t.Fatalf("%d incoming items for %d documents", got, n)
	}
	if dups := count("SELECT count(*) - count(DISTINCT external_id) FROM incoming_items"); dups != 0 {
		t.Errorf("%d duplicates", dups)
	}
	if s.Count(box) != 0 {
		t.Errorf("box holds %d", s.Count(box))
	}
	t.Logf("%d documents, a fault on every 7th call, the puller killed %d times (%d of them between a registration and its acknowledgement): %d items, box empty",
		n, kills, between, n)
}
