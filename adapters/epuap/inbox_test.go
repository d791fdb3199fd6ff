package epuap_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/adapters/epuap"
	"obieg.dev/obieg/adapters/epuap/sim"
	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
	"obieg.dev/obieg/storage/postgres/pgtest"
)

type inboxBundle struct {
	ctx   context.Context
	db    *postgres.DB
	reg   *registry.Service
	sim   *sim.Sim
	inbox *epuap.Inbox
	box   string
}

func setupInbox(t *testing.T) *inboxBundle {
	t.Helper()
	ctx := context.Background()
	db := pgtest.New(t)
	blobs, err := blob.Open(ctx, "file://"+t.TempDir())
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
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	client := &epuap.Client{Endpoints: epuap.Endpoints{Pull: srv.URL + "/pull", Skrytka: srv.URL + "/skrytka", Doreczyciel: srv.URL + "/doreczyciel"},
		Entity: "ugtestowo", Box: "skrytka"}
	b := &inboxBundle{ctx: ctx, db: db, reg: reg, sim: s, box: epuap.BoxAddress("ugtestowo", "skrytka")}
	b.inbox = &epuap.Inbox{Client: client, Registry: reg, Blobs: blobs,
		Actor: func(ctx context.Context) (*registry.Actor, error) { return reg.Actor(ctx, o.ID, u.ID) }}
	return b
}

func (b *inboxBundle) items(t *testing.T) int {
	t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(b.ctx, "SELECT count(*) FROM incoming_items WHERE channel = 'epuap'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func pismo(t *testing.T, text string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/pismo-ogolne-1410.filled.xml")
	if err != nil {
		t.Fatal(err)
	}
	// Vary the content so each document has its own digest.
	return bytes.Replace(data, []byte("</"), []byte("<!-- "+text+" --></"), 1)
}

func TestInboxRegistersOnceAndAcknowledges(t *testing.T) {
	b := setupInbox(t)
	first := pismo(t, "1")
	b.sim.Put(b.box, epuap.Received{Sender: epuap.BoxSender{FirstName: "Jan", Surname: "Kowalski", PersonType: "F"}, ReplyTo: "/jan/skrytka",
		Document: epuap.Document{FileName: "pismo.xml", MediaType: "text/xml", Content: first}})
	unknown, _ := os.ReadFile("testdata/crd-unknown-form.example.xml")
	b.sim.Put(b.box, epuap.Received{Sender: epuap.BoxSender{FirstName: "Anna", Surname: "Nowak", PersonType: "F"}, Document: epuap.Document{FileName: "wniosek.xml", Content: unknown}})
	// The same document again: ePUAP delivers at least once.
	b.sim.Put(b.box, epuap.Received{Sender: epuap.BoxSender{FirstName: "Jan", Surname: "Kowalski"}, Document: epuap.Document{FileName: "pismo.xml", Content: first}})

	got, err := b.inbox.PullAll(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Registered != 2 || got.Repeated != 1 || b.sim.Count(b.box) != 0 || b.items(t) != 2 {
		t.Fatalf("pulled %+v, box %d, items %d", got, b.sim.Count(b.box), b.items(t))
	}
	var subject, sender, notes string
	var docID string
	if err := b.db.Pool.QueryRow(b.ctx, "SELECT subject, sender_name, notes, document_id::text FROM incoming_items ORDER BY n LIMIT 1").Scan(&subject, &sender, &notes, &docID); err != nil {
		t.Fatal(err)
	}
	if subject == "" || sender == "" {
		t.Errorf("item: subject %q sender %q", subject, sender)
	}
	var versions int
	b.db.Pool.QueryRow(b.ctx, "SELECT count(*) FROM document_versions WHERE document_id = $1", docID).Scan(&versions)
	if versions < 1 {
		t.Errorf("original XML not kept: %d versions", versions)
	}
	t.Logf("registered %q from %q (%d files); notes: %s", subject, sender, versions, notes)
}

// Faults on every 7th call and runs cut off at random points: afterwards
// every document is registered exactly once and the box is empty.
func TestInboxUnderFaultsAndInterruptions(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	b := setupInbox(t)
	const n = 500
	for i := range n {
		b.sim.Put(b.box, epuap.Received{Sender: epuap.BoxSender{FirstName: "Jan", Surname: fmt.Sprintf("Kowalski %d", i)},
			Document: epuap.Document{FileName: "pismo.xml", Content: pismo(t, fmt.Sprint(i))}})
	}
	b.sim.SetFaults(sim.Faults{EveryN: 7})
	deadline := time.Now().Add(2 * time.Minute)
	failures, cuts := 0, 0
	for round := 0; b.sim.Count(b.box) > 0; round++ {
		if time.Now().After(deadline) {
			t.Fatalf("box still holds %d after %d rounds", b.sim.Count(b.box), round)
		}
		ctx, cancel := context.WithTimeout(b.ctx, time.Duration(20+round%5*15)*time.Millisecond) // the "worker" dies mid-run
		_, err := b.inbox.PullAll(ctx)
		cancel()
		switch {
		case err == nil:
		case engine.Is(engine.KindUnavailable, err) && strings.Contains(err.Error(), "simulated failure"):
			failures++
		default:
			cuts++
		}
	}
	if got := b.items(t); got != n {
		t.Fatalf("%d incoming items for %d documents", got, n)
	}
	var dups int
	b.db.Pool.QueryRow(b.ctx, "SELECT count(*) - count(DISTINCT external_id) FROM incoming_items").Scan(&dups)
	if dups != 0 {
		t.Errorf("%d duplicates", dups)
	}
	t.Logf("%d documents, %d simulated faults, %d interrupted runs: %d items, box empty", n, failures, cuts, n)
}
