package correspondence

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/adapters/edoreczenia"
	"obieg.dev/obieg/adapters/edoreczenia/sim"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
)

// e-Doręczenia end to end: a decision to a person with an ADE goes from
// the address of the unit in charge; one addressee opens it (the delivery
// date is the day of opening), another never does (deemed delivered the
// day after 14 days); the evidences are filed in the case and the dispatch
// ends with the appeal deadline.
func TestDispatchThroughEDoreczenia(t *testing.T) {
	b := setup(t)
	office, _ := edoreczenia.MakeADE("1234567890", "URZAD")
	jan, _ := edoreczenia.MakeADE("5555566666", "JANEK")
	ewa, _ := edoreczenia.MakeADE("7777788888", "EWAAA")
	adam, _ := edoreczenia.MakeADE("9999900000", "ADAMM")
	var mu sync.Mutex
	simNow := b.clock.now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return simNow }
	s := sim.New(sim.Options{Clock: clock, Logger: slog.New(slog.DiscardHandler), Clients: []sim.Client{
		{ID: "obieg", Secret: "sekret", Addresses: []string{office.String()}},
		{ID: "jan", Secret: "jan", Addresses: []string{jan.String(), ewa.String(), adam.String()}}}})
	s.Register("44051401359", adam.String()) // Adam's PESEL is in the register of addresses
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() { srv.Close(); s.Close() })
	client := &edoreczenia.Client{BaseURL: srv.URL + "/api/v1", HTTP: &http.Client{Timeout: 10 * time.Second},
		Auth: &edoreczenia.Auth{TokenURL: srv.URL + "/oauth2/token", ClientID: "obieg", ClientSecret: "sekret", Clock: clock}}
	if _, err := b.reg.AddEDeliveryAddress(b.ctx, b.admin, office.String(), "Urząd", false, []string{"FN"}); err != nil {
		t.Fatal(err)
	}
	b.w.Electronic = Router{"edoreczenia": &edoreczenia.Sender{Logger: slog.New(slog.DiscardHandler), Client: client, SenderAddress: func(ctx context.Context, sig string) (string, error) {
		unit, _, _ := strings.Cut(sig, ".")
		return b.reg.EDeliverySender(ctx, b.admin.OfficeID, unit)
	}}}
	blobs := b.blobs
	inbox := &edoreczenia.Inbox{Logger: slog.New(slog.DiscardHandler), Client: client, Registry: b.reg, Blobs: blobs, Addresses: []string{office.String()}, Clock: clock,
		State: &edoreczenia.RegistryState{Registry: b.reg, OfficeID: b.admin.OfficeID},
		Actor: func(context.Context) (*registry.Actor, error) { return b.clerk, nil }}
	inbox.OnEvidence = func(ctx context.Context, a *registry.Actor, ev *edoreczenia.Evidence, raw []byte) error {
		kind, at := ev.DeliveryFact()
		if at.IsZero() {
			at = ev.EventTime
		}
		st, err := blobs.Stage(ctx, bytes.NewReader(raw), 1<<20)
		if err != nil {
			return err
		}
		return b.w.EDeliveryEvidence(ctx, a, WhoOf(a), Evidence{Reference: ev.Reference, MessageID: ev.MessageID, Code: ev.Code, Kind: kind, At: at},
			registry.File{Name: "dowod-" + strings.ReplaceAll(ev.Code, ".", "") + ".xml", MediaType: "application/xml", Head: raw, Blob: st})
	}

	b.w.Search = &edoreczenia.Directory{URL: srv.URL + "/search/addresses", Auth: client.Auth}
	send := func(p registry.Party) (uuid.UUID, uuid.UUID) {
		name := p.Name
		c, err := b.reg.CreateCase(b.ctx, b.officer, registry.NewCase{Unit: "FN", JRWA: "3120", Title: "Decyzja — " + name,
			Parties: []registry.NewCaseParty{{Party: p}}})
		if err != nil {
			t.Fatal(err)
		}
		full, _ := b.reg.Case(b.ctx, b.officer, c.ID)
		d := calendar.NewDate(2026, 10, 19)
		st, _ := b.blobs.Stage(b.ctx, bytes.NewReader([]byte("%PDF-1.7 decyzja "+name)), 1<<20)
		doc, err := b.reg.RegisterDocument(b.ctx, b.officer, registry.NewDocument{CaseID: &c.ID, Metadata: registry.Metadata{Tytul: "Decyzja — " + name,
			Typ: "decyzja", Data: &d, Tworca: "Wójt", Dostep: "niepubliczny"},
			Files: []registry.File{{Name: "decyzja.pdf", MediaType: "application/pdf", Head: []byte("%PDF-1.7"), Blob: st}}})
		if err != nil {
			t.Fatal(err)
		}
		in, err := b.fe.StartInstance(b.ctx, b.offW, "dispatch", c.Signature, map[string]any{"caseId": c.ID.String(), "documentId": doc.ID.String(),
			"recipientPartyId": full.Parties[0].ID.String()})
		if err != nil {
			t.Fatal(err)
		}
		var out uuid.UUID
		waitFor(t, func() bool {
			v, _ := b.fe.Instance(b.ctx, b.adminWho, in.ID)
			out, _ = uuid.Parse(str(v.Variables, "outgoingId"))
			return len(v.Active) == 1 && v.Active[0] == "awaitEvidence"
		}, "the letter to "+name+" to be sent", func() string {
			incs, _ := b.fe.Incidents(b.ctx, b.adminWho, &in.ID, true)
			msg := ""
			for _, i := range incs {
				msg += i.Message + "; "
			}
			return msg
		})
		return in.ID, out
	}
	janFlow, janOut := send(registry.Party{Name: "Jan Nowak", ADE: jan.String()})
	ewaFlow, ewaOut := send(registry.Party{Name: "Ewa Kowalska", ADE: ewa.String()})
	// Adam has no address in our registry; the register of addresses has one.
	_, adamOut := send(registry.Party{Name: "Adam Wiśniewski", PESEL: "44051401359", Street: "ul. Polna 1", PostalCode: "00-950", City: "Warszawa"})
	if o, _ := b.reg.Outgoing(b.ctx, b.clerk, adamOut); o.Channel != "edoreczenia" || o.ElectronicAddress != adam.String() || s.Count(adam.String(), "INBOX") != 1 {
		t.Fatalf("Adam's letter: %+v", o)
	}
	if s.Count(jan.String(), "INBOX") != 1 || s.Count(ewa.String(), "INBOX") != 1 {
		t.Fatal("the letters are not in the addressees' boxes")
	}
	o, _ := b.reg.Outgoing(b.ctx, b.clerk, janOut)
	if o.Channel != "edoreczenia" || o.Status != "sent" {
		t.Fatalf("outgoing: %+v", o)
	}
	// Someone not in the register keeps the postal path.
	pc, _ := b.reg.CreateCase(b.ctx, b.officer, registry.NewCase{Unit: "FN", JRWA: "3120", Title: "Decyzja — Zofia",
		Parties: []registry.NewCaseParty{{Party: registry.Party{Name: "Zofia Nowicka", PESEL: "02070803628", Street: "ul. Polna 2", PostalCode: "00-950", City: "Warszawa"}}}})
	pfull, _ := b.reg.Case(b.ctx, b.officer, pc.ID)
	if err := b.w.findADE(b.ctx, b.clerk, pfull.Parties[0].ID); err != nil {
		t.Fatal(err)
	}
	if p, _ := b.reg.Party(b.ctx, b.clerk, pfull.Parties[0].ID); p.ADE != "" || registry.ChooseChannel(*p) != "post_zpo" {
		t.Fatalf("Zofia: %+v", p)
	}
	// Jan opens his on 21.10.
	mu.Lock()
	simNow = time.Date(2026, 10, 21, 18, 30, 0, 0, calendar.Warsaw())
	mu.Unlock()
	b.clock.set(clock())
	citizen := &edoreczenia.Client{BaseURL: srv.URL + "/api/v1", HTTP: &http.Client{Timeout: 10 * time.Second},
		Auth: &edoreczenia.Auth{TokenURL: srv.URL + "/oauth2/token", ClientID: "jan", ClientSecret: "jan", Clock: clock}}
	msgs, err := citizen.ListMessages(b.ctx, jan.String(), edoreczenia.ListOptions{Label: "INBOX"})
	if err != nil || len(msgs.Messages) != 1 {
		t.Fatalf("Jan's box: %+v %v", msgs, err)
	}
	if !s.Open(msgs.Messages[0].ID()) {
		t.Fatal("open failed")
	}
	if _, err := inbox.Pull(b.ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		v, _ := b.fe.Instance(b.ctx, b.adminWho, janFlow)
		return v.State == flow.StateCompleted
	}, "Jan's dispatch to end", nil)
	v, _ := b.fe.Instance(b.ctx, b.adminWho, janFlow)
	// Opened 21.10.2026 → appeal period of 14 days ends 4.11.2026 (a Wednesday).
	if v.Variables["deliveredOn"] != "2026-10-21" || v.Variables["deliveryBasis"] != "opened" || v.Variables["appealDeadline"] != "2026-11-04" {
		t.Fatalf("Jan's dispatch: %v", v.Variables)
	}
	// Ewa never opens hers: 14 days after it was placed (19.10) it is
	// deemed delivered on 3.11.2026.
	mu.Lock()
	simNow = time.Date(2026, 11, 4, 9, 0, 0, 0, calendar.Warsaw())
	mu.Unlock()
	b.clock.set(clock())
	s.Tick()
	if _, err := inbox.Pull(b.ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		v, _ := b.fe.Instance(b.ctx, b.adminWho, ewaFlow)
		return v.State == flow.StateCompleted
	}, "Ewa's dispatch to end", nil)
	v, _ = b.fe.Instance(b.ctx, b.adminWho, ewaFlow)
	if v.Variables["deliveredOn"] != "2026-11-03" || v.Variables["deliveryBasis"] != "deemed" {
		t.Fatalf("Ewa's dispatch: %v", v.Variables)
	}
	o, _ = b.reg.Outgoing(b.ctx, b.clerk, ewaOut)
	if o.ProofDocumentID == nil {
		t.Fatalf("no proof on %+v", o)
	}
	docs, _ := b.reg.CaseDocuments(b.ctx, b.officer, *o.CaseID)
	proofs := 0
	for _, d := range docs {
		if strings.HasPrefix(d.Title, "Dowód e-Doręczenia") {
			proofs++
		}
	}
	if proofs < 2 {
		t.Fatalf("%d evidences filed in Ewa's case", proofs)
	}
	// The same evidence handed over again (a restart between filing and
	// remembering) is filed once.
	_, rc, err := b.reg.OpenVersion(b.ctx, b.clerk, *o.ProofDocumentID, 1)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(rc)
	rc.Close()
	st, _ := blobs.Stage(b.ctx, bytes.NewReader(raw), 1<<20)
	if err := b.w.EDeliveryEvidence(b.ctx, b.clerk, WhoOf(b.clerk), Evidence{Reference: ewaOut.String(), Code: "E.1", Kind: "deemed", At: clock()},
		registry.File{Name: "dowod.xml", MediaType: "application/xml", Head: raw, Blob: st}); err != nil {
		t.Fatal(err)
	}
	if again, _ := b.reg.CaseDocuments(b.ctx, b.officer, *o.CaseID); len(again) != len(docs) {
		t.Fatalf("the evidence was filed twice: %d documents, was %d", len(again), len(docs))
	}
	// A second pull asks for nothing new and files nothing twice.
	if p, err := inbox.Pull(b.ctx); err != nil || p.Evidences != 0 || p.Registered != 0 {
		t.Fatalf("second pull: %+v %v", p, err)
	}
}
