package edoreczenia_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"obieg.dev/obieg/adapters/edoreczenia"
	"obieg.dev/obieg/adapters/edoreczenia/sim"
	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
	"obieg.dev/obieg/storage/postgres/pgtest"
)

const getMessage = "GET /{eDeliveryAddress}/messages/{messageId}"

// evidenceLog records OnEvidence calls.
type evidenceLog struct {
	mu    sync.Mutex
	calls int
	byID  map[string]*edoreczenia.Evidence
}

func (l *evidenceLog) on(ctx context.Context, a *registry.Actor, ev *edoreczenia.Evidence, raw []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if a == nil || len(raw) == 0 {
		return fmt.Errorf("no actor or no raw evidence")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	l.byID[ev.ID] = ev
	return nil
}

func (l *evidenceLog) count() (calls, distinct int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls, len(l.byID)
}

type inboxEnv struct {
	*env
	ctx   context.Context
	db    *postgres.DB
	inbox *edoreczenia.Inbox
	evs   *evidenceLog
}

func setupInbox(t *testing.T) *inboxEnv {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	db := pgtest.New(t)
	blobs, err := blob.Open(ctx, "file://"+t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	reg := registry.New(db, blobs, registry.Options{Logger: slog.New(slog.DiscardHandler)})
	o, err := reg.CreateOffice(ctx, "Urząd Gminy Testowo", "testowo")
	if err != nil {
		t.Fatal(err)
	}
	u, err := reg.CreateUser(ctx, nil, o.ID, registry.NewUser{Login: "edoreczenia", Name: "Integracja e-Doręczeń", Roles: []registry.Role{registry.RoleIntegrator}})
	if err != nil {
		t.Fatal(err)
	}
	evs := &evidenceLog{byID: map[string]*edoreczenia.Evidence{}}
	in := &edoreczenia.Inbox{Client: e.office, Registry: reg, Blobs: blobs, Addresses: []string{officeADE}, OnEvidence: evs.on,
		Actor:  func(ctx context.Context) (*registry.Actor, error) { return reg.Actor(ctx, o.ID, u.ID) },
		Logger: slog.New(slog.DiscardHandler), Clock: e.clock.Now, PageSize: 40}
	return &inboxEnv{env: e, ctx: ctx, db: db, inbox: in, evs: evs}
}

func (b *inboxEnv) items(t *testing.T) int {
	t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(b.ctx, "SELECT count(*) FROM incoming_items WHERE channel = 'edoreczenia'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (b *inboxEnv) letter(t *testing.T, i int) string {
	t.Helper()
	id, err := b.sim.Deliver(sim.NewMessage{From: citizenADE, FromName: fmt.Sprintf("Kowalski %d", i), To: officeADE,
		Subject: fmt.Sprintf("Wniosek %d", i), CaseID: fmt.Sprintf("ref-%d", i),
		Attachments: []sim.NewAttachment{{FileName: "wniosek.pdf", ContentType: "application/pdf", Content: pdf(fmt.Sprint(i))}}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestInboxRegistersOnceWithFilesAndEvidences(t *testing.T) {
	b := setupInbox(t)
	b.clock.Add(90 * time.Minute)
	first, err := b.sim.Deliver(sim.NewMessage{From: firmADE, FromName: "Firma Sp. z o.o.", FromCompany: true, To: officeADE,
		Subject: "Skarga", CaseID: "ZN/1/2026", Text: "Treść skargi.",
		Attachments: []sim.NewAttachment{{FileName: "skarga.pdf", ContentType: "application/pdf", Content: pdf("skarga")},
			{FileName: "program.exe", ContentType: "application/x-msdownload", Content: []byte("MZ")}}})
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Add(time.Hour)
	b.letter(t, 2)
	b.sim.SetFaults(sim.Faults{Duplicates: true}) // the service lists a message twice
	// A letter the office sends, opened by the addressee: its evidences go to OnEvidence.
	s := &edoreczenia.Sender{Client: b.office, From: officeADE, Logger: slog.New(slog.DiscardHandler)}
	out := must[string](t)(s.SendMessage(b.ctx, edoreczenia.Letter{ID: "outgoing-7", To: citizenADE, Title: "Decyzja", FileName: "d.pdf",
		MediaType: "application/pdf", Content: pdf("d")}))
	b.clock.Add(2 * time.Hour)
	b.sim.Open(out)

	got, err := b.inbox.Pull(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Registered != 2 || got.Evidences != 3 || b.items(t) != 2 {
		t.Fatalf("pulled %+v, items %d", got, b.items(t))
	}
	reads := b.check.Calls(getMessage)
	got, err = b.inbox.Pull(b.ctx)
	if err != nil || got != (edoreczenia.Pulled{}) {
		t.Fatalf("second pull: %+v %v", got, err)
	}
	if n := b.check.Calls(getMessage); n != reads {
		t.Errorf("the second pull read %d messages again", n-reads)
	}
	calls, distinct := b.evs.count()
	if calls != 3 || distinct != 3 {
		t.Errorf("OnEvidence: %d calls, %d evidences", calls, distinct)
	}
	for _, ev := range b.evs.byID {
		if ev.Reference != "outgoing-7" || ev.MessageID != out {
			t.Errorf("evidence %s %s: reference %q message %q", ev.ID, ev.Code, ev.Reference, ev.MessageID)
		}
	}

	var subject, sender, ref, notes, ext, docID string
	var received time.Time
	err = b.db.Pool.QueryRow(b.ctx, `SELECT subject, sender_name, sender_ref, notes, external_id, document_id::text, received_at
		FROM incoming_items WHERE external_id = $1`, "edoreczenia:"+first).Scan(&subject, &sender, &ref, &notes, &ext, &docID, &received)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Skarga" || sender != "Firma Sp. z o.o." || ref != "ZN/1/2026" || !strings.Contains(notes, "program.exe") {
		t.Errorf("item: %q %q %q %q", subject, sender, ref, notes)
	}
	rows, err := b.db.Pool.Query(b.ctx, "SELECT file_name FROM document_versions WHERE document_id = $1 ORDER BY n", docID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		names = append(names, n)
	}
	if strings.Join(names, " ") != "tresc.txt skarga.pdf dowod-A.1.xml dowod-D.1.xml dowod-E.1.xml" {
		t.Errorf("files: %v", names)
	}
	// Received: the proof of receipt, written when the inbox read the letter.
	if ev := b.sim.Evidences(first); len(ev) != 3 || !received.Equal(*ev[2].EventDate) {
		t.Errorf("received at %v, evidences %+v", received, ev)
	}
	var party string
	_ = b.db.Pool.QueryRow(b.ctx, "SELECT p.ade FROM parties p JOIN incoming_items i ON i.sender_party_id = p.id WHERE i.external_id = $1", ext).Scan(&party)
	if party != firmADE {
		t.Errorf("sender's ADE %q", party)
	}
}

// Callbacks first: a subscription's notification registers the letter and
// hands over the evidence without any polling; a callback that fails is
// sent again by the service.
func TestInboxCallbacks(t *testing.T) {
	b := setupInbox(t)
	var failed atomic.Int32
	h := b.inbox.CallbackHandler()
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failed.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable) // the first notification fails
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer cb.Close()
	must[string](t)(b.office.Subscribe(b.ctx, officeADE, edoreczenia.SubscriptionCreate{MessageCallbackURL: cb.URL + "/m", EvidenceCallbackURL: cb.URL + "/e"}))
	id := b.letter(t, 1)
	s := &edoreczenia.Sender{Client: b.office, From: officeADE, Logger: slog.New(slog.DiscardHandler)}
	out := must[string](t)(s.SendMessage(b.ctx, edoreczenia.Letter{ID: "o-1", To: citizenADE, Title: "T", FileName: "t.pdf", MediaType: "application/pdf", Content: pdf("t")}))
	b.sim.Open(out)
	deadline := time.Now().Add(10 * time.Second)
	for {
		calls, _ := b.evs.count()
		if b.items(t) == 1 && calls == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after callbacks: %d items, %d evidences", b.items(t), calls)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var ext string
	_ = b.db.Pool.QueryRow(b.ctx, "SELECT external_id FROM incoming_items").Scan(&ext)
	if ext != "edoreczenia:"+id {
		t.Errorf("external id %q", ext)
	}
	// Polling afterwards finds nothing new and reads nothing again.
	reads := b.check.Calls(getMessage)
	if got, err := b.inbox.Pull(b.ctx); err != nil || got.Registered != 0 || got.Evidences != 0 {
		t.Errorf("pull after callbacks: %+v %v", got, err)
	}
	if b.check.Calls(getMessage) != reads {
		t.Errorf("polling read a message a callback had fetched")
	}
	// A notification for another office's mailbox is refused.
	res, err := http.Post(cb.URL, "application/json", strings.NewReader(`{"eDeliveryAddress":"`+firmADE+`","notificationType":"NewMessage","notification":[{"id":"x"}]}`))
	if err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("foreign notification: %v %v", res.StatusCode, err)
	}
}

// 300 letters, a fault on every 7th call, runs cut off at random points and
// started again: exactly 300 incoming items, each once, with its evidences
// once; the evidences of the office's own letters handed over once each.
func TestInboxUnderFaultsAndInterruptions(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	b := setupInbox(t)
	const n, sent = 300, 20
	for i := range n {
		b.letter(t, i)
		if i%10 == 0 {
			b.clock.Add(time.Minute)
		}
	}
	s := &edoreczenia.Sender{Client: b.office, From: officeADE, Logger: slog.New(slog.DiscardHandler)}
	for i := range sent {
		id := must[string](t)(s.SendMessage(b.ctx, edoreczenia.Letter{ID: fmt.Sprint("o-", i), To: citizenADE, Title: "T", FileName: "t.pdf",
			MediaType: "application/pdf", Content: pdf(fmt.Sprint(i))}))
		b.sim.Open(id)
	}
	b.sim.SetFaults(sim.Faults{Every: 7, Duplicates: true, Delay: 3 * time.Millisecond})
	deadline := time.Now().Add(3 * time.Minute)
	faults, cuts := 0, 0
	for round := 0; ; round++ {
		if time.Now().After(deadline) {
			t.Fatalf("after %d rounds: %d items", round, b.items(t))
		}
		ctx, cancel := context.WithTimeout(b.ctx, time.Duration(15+round%7*20)*time.Millisecond) // the worker dies mid-run
		_, err := b.inbox.Pull(ctx)
		cancel()
		if err == nil {
			break
		}
		if engine.Is(engine.KindUnavailable, err) && strings.Contains(err.Error(), "503") {
			faults++
		} else {
			cuts++
		}
	}
	if got := b.items(t); got != n {
		t.Fatalf("%d incoming items for %d letters", got, n)
	}
	var dups, badDocs int
	_ = b.db.Pool.QueryRow(b.ctx, "SELECT count(*) - count(DISTINCT external_id) FROM incoming_items").Scan(&dups)
	// Each letter: its PDF and three evidences (A.1, D.1, E.1), no more.
	_ = b.db.Pool.QueryRow(b.ctx, `SELECT count(*) FROM (SELECT i.id FROM incoming_items i JOIN document_versions v ON v.document_id = i.document_id
		GROUP BY i.id HAVING count(*) <> 4 OR count(*) FILTER (WHERE v.file_name LIKE 'dowod-%') <> 3) x`).Scan(&badDocs)
	if dups != 0 || badDocs != 0 {
		t.Errorf("%d duplicate items, %d items with wrong files", dups, badDocs)
	}
	if n := b.sim.Count(officeADE, "INBOX"); n != 300 {
		t.Errorf("box holds %d", n)
	}
	calls, distinct := b.evs.count()
	if calls != 3*sent || distinct != 3*sent {
		t.Errorf("OnEvidence: %d calls for %d evidences, want %d once each", calls, distinct, 3*sent)
	}
	t.Logf("%d letters, %d simulated faults, %d interrupted runs: %d items, %d evidences handed over once", n, faults, cuts, n, distinct)
}

// A letter placed in the box with a submission date older than the cursor
// (the service delivers asynchronously) is found by the next sweep.
func TestInboxSweepsForLateArrivals(t *testing.T) {
	b := setupInbox(t)
	b.letter(t, 1)
	if got, err := b.inbox.Pull(b.ctx); err != nil || got.Registered != 1 {
		t.Fatalf("%+v %v", got, err)
	}
	b.clock.Add(-time.Hour)
	b.letter(t, 2) // submitted an hour before the first
	b.clock.Add(time.Hour + time.Minute)
	if got, err := b.inbox.Pull(b.ctx); err != nil || got.Registered != 0 {
		t.Fatalf("a run between sweeps: %+v %v", got, err)
	}
	b.clock.Add(time.Hour)
	if got, err := b.inbox.Pull(b.ctx); err != nil || got.Registered != 1 || b.items(t) != 2 {
		t.Fatalf("the sweep: %+v %v, %d items", got, err, b.items(t))
	}
}

// As above, but every run is a new process: a fresh Inbox with nothing in
// memory, its memory in the database (RegistryState), cut off mid-way
// under faults. Nothing is registered twice and no evidence is lost.
func TestInboxRestartsFromDatabaseState(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	b := setupInbox(t)
	const n, sent = 120, 10
	for i := range n {
		b.letter(t, i)
		if i%10 == 0 {
			b.clock.Add(time.Minute)
		}
	}
	s := &edoreczenia.Sender{Client: b.office, From: officeADE, Logger: slog.New(slog.DiscardHandler)}
	for i := range sent {
		id := must[string](t)(s.SendMessage(b.ctx, edoreczenia.Letter{ID: fmt.Sprint("o-", i), To: citizenADE, Title: "T", FileName: "t.pdf",
			MediaType: "application/pdf", Content: pdf(fmt.Sprint(i))}))
		b.sim.Open(id)
	}
	a, err := b.inbox.Actor(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	b.sim.SetFaults(sim.Faults{Every: 7, Duplicates: true, Delay: 3 * time.Millisecond})
	deadline := time.Now().Add(3 * time.Minute)
	restarts := 0
	for process := 0; ; process++ {
		if time.Now().After(deadline) {
			t.Fatalf("after %d processes: %d items", process, b.items(t))
		}
		// A process: retries its runs after faults until it is killed.
		in := &edoreczenia.Inbox{Client: b.inbox.Client, Registry: b.inbox.Registry, Blobs: b.inbox.Blobs, Addresses: b.inbox.Addresses,
			OnEvidence: b.inbox.OnEvidence, Actor: b.inbox.Actor, Logger: b.inbox.Logger, Clock: b.inbox.Clock, PageSize: b.inbox.PageSize,
			State: &edoreczenia.RegistryState{Registry: b.inbox.Registry, OfficeID: a.OfficeID}}
		ctx, kill := context.WithTimeout(b.ctx, time.Duration(150+process%4*150)*time.Millisecond)
		var err error
		for {
			if _, err = in.Pull(ctx); err == nil || ctx.Err() != nil {
				break
			}
		}
		kill()
		if err == nil {
			break
		}
		restarts++
	}
	if got := b.items(t); got != n {
		t.Fatalf("%d incoming items for %d letters", got, n)
	}
	var dups int
	_ = b.db.Pool.QueryRow(b.ctx, "SELECT count(*) - count(DISTINCT external_id) FROM incoming_items").Scan(&dups)
	if dups != 0 {
		t.Errorf("%d duplicate items", dups)
	}
	calls, distinct := b.evs.count()
	if distinct != 3*sent {
		t.Errorf("%d distinct evidences handed over, want %d (none lost)", distinct, 3*sent)
	}
	t.Logf("%d restarts: %d items; evidences %d handed over in %d calls (a restart between handing over and remembering repeats one; OnEvidence is idempotent)", restarts, n, distinct, calls)
}
