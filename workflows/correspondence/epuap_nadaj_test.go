package correspondence

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/adapters/epuap"
	"obieg.dev/obieg/adapters/epuap/sim"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
)

// epuapCase makes a case with a public body as its party (ePUAP box
// /ugsasiednia/skrytka) and a decision in it, and starts its dispatch.
func epuapCase(t *testing.T, b *bundle) (*registry.Case, uuid.UUID) {
	t.Helper()
	c, _ := b.reg.CreateCase(b.ctx, b.officer, registry.NewCase{Unit: "FN", JRWA: "3120", Title: "Sprawa urzędu sąsiedniego",
		Parties: []registry.NewCaseParty{{Party: registry.Party{Name: "Urząd Gminy Sąsiednia", Kind: "organisation", EPUAPAddress: "/ugsasiednia/skrytka"}}}})
	full, _ := b.reg.Case(b.ctx, b.officer, c.ID)
	d := calendar.NewDate(2026, 10, 19)
	st, _ := b.blobs.Stage(b.ctx, bytes.NewReader([]byte("%PDF-1.7 pismo")), 1<<20)
	doc, err := b.reg.RegisterDocument(b.ctx, b.officer, registry.NewDocument{CaseID: &c.ID, Metadata: registry.Metadata{Tytul: "Pismo do urzędu sąsiedniego",
		Typ: "decyzja", Data: &d, Tworca: "Wójt Gminy Testowo", Dostep: "niepubliczny"},
		Files: []registry.File{{Name: "pismo.pdf", MediaType: "application/pdf", Head: []byte("%PDF-1.7"), Blob: st}}})
	if err != nil {
		t.Fatal(err)
	}
	in, err := b.fe.StartInstance(b.ctx, b.offW, "dispatch", c.Signature, map[string]any{"caseId": c.ID.String(), "documentId": doc.ID.String(),
		"recipientPartyId": full.Parties[0].ID.String()})
	if err != nil {
		t.Fatal(err)
	}
	return c, in.ID
}

func explainInstance(b *bundle, id uuid.UUID) func() string {
	return func() string {
		v, _ := b.fe.Instance(b.ctx, b.adminWho, id)
		incs, _ := b.fe.Incidents(b.ctx, b.adminWho, &id, true)
		msg := fmt.Sprintf("state %s active %v vars %v", v.State, v.Active, v.Variables)
		for _, i := range incs {
			msg += "; incident: " + i.Message
		}
		return msg
	}
}

func simPool(s *sim.Sim) *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.Certificate())
	return pool
}

func stageAs(b *bundle, ctx context.Context, name string) func([]byte) (registry.File, error) {
	return func(raw []byte) (registry.File, error) {
		st, err := b.blobs.Stage(ctx, bytes.NewReader(raw), 1<<20)
		return registry.File{Name: name, MediaType: "application/xml", Head: raw, Blob: st}, err
	}
}

// Without a signing key the office sends to a public body's box with
// skrytka nadaj: the UPP ePUAP answers with is verified, filed in the case
// as the letter's proof of delivery, and the dispatch ends with the UPP's
// date of delivery and the appeal deadline from it.
func TestDispatchThroughEPUAPNadaj(t *testing.T) {
	b := setup(t)
	s := sim.New()
	s.Clock = b.clock.now
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	client := &epuap.Client{Endpoints: epuap.Endpoints{Pull: srv.URL + "/pull", Skrytka: srv.URL + "/skrytka", Doreczyciel: srv.URL + "/doreczyciel"},
		Entity: "ugtestowo", Box: "skrytka"}
	sender := &epuap.Sender{Client: client, Trust: simPool(s)}
	sender.OnUPP = func(ctx context.Context, id string, upp *epuap.Receipt) error {
		return b.w.EPUAPSubmitted(ctx, b.clerk, WhoOf(b.clerk), id, UPP{ReceiptID: upp.ReceiptID, SubmittedAt: upp.SubmittedAt,
			DeliveredAt: upp.DeliveredAt, Raw: upp.Raw, Signature: upp.Signature}, stageAs(b, ctx, "UPP.xml"))
	}
	if sender.Official() {
		t.Fatal("a sender without a key must use nadaj")
	}
	b.w.Electronic = Router{"epuap": sender}

	c, inst := epuapCase(t, b)
	waitFor(t, func() bool {
		v, _ := b.fe.Instance(b.ctx, b.adminWho, inst)
		return v.State == flow.StateCompleted
	}, "the dispatch to end on the UPP", explainInstance(b, inst))
	if n := s.Count("/ugsasiednia/skrytka"); n != 1 {
		t.Fatalf("%d documents in the recipient's box", n)
	}
	v, _ := b.fe.Instance(b.ctx, b.adminWho, inst)
	id, _ := uuid.Parse(v.Variables["outgoingId"].(string))
	o, _ := b.reg.Outgoing(b.ctx, b.clerk, id)
	if o.DeliveryBasis != registry.BasisOpened || o.DeliveredOn == nil || *o.DeliveredOn != calendar.NewDate(2026, 10, 19) ||
		o.ProofDocumentID == nil || o.SentOn == nil {
		t.Fatalf("outgoing: %+v", o)
	}
	if v.Variables["deliveredOn"] != "2026-10-19" || v.Variables["appealDeadline"] != o.AppealDeadline.String() {
		t.Errorf("dispatch variables %v", v.Variables)
	}
	proof, err := b.reg.Document(b.ctx, b.clerk, *o.ProofDocumentID)
	if err != nil {
		t.Fatal(err)
	}
	if proof.CaseID == nil || *proof.CaseID != c.ID || !strings.HasPrefix(proof.Title, "UPP") || len(proof.Signatures) != 1 || !proof.Signatures[0].Valid {
		t.Fatalf("UPP document: %+v", proof)
	}
	t.Logf("%s sent %s, delivered %s (UPP %s), appeal deadline %s", o.Number, o.SentOn, o.DeliveredOn, proof.Title, o.AppealDeadline)
}

// A UPD whose signed content was changed is still recorded as the proof
// of delivery (refusing it would lose the legal fact it reports) but the
// document keeps the failed verification and says so in its description.
func TestEPUAPTamperedUPDRecordedFlagged(t *testing.T) {
	b := setup(t)
	key, _ := testKey(t)
	s := sim.New()
	s.Clock = func() time.Time { return time.Date(2026, 10, 20, 10, 15, 0, 0, calendar.Warsaw()) }
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	client := &epuap.Client{Endpoints: epuap.Endpoints{Pull: srv.URL + "/pull", Skrytka: srv.URL + "/skrytka", Doreczyciel: srv.URL + "/doreczyciel"},
		Entity: "ugtestowo", Box: "skrytka"}
	b.w.Electronic = &epuap.Sender{Client: client, Key: key}
	_, inst := epuapCase(t, b)
	outID := ""
	waitFor(t, func() bool {
		v, _ := b.fe.Instance(b.ctx, b.adminWho, inst)
		outID, _ = v.Variables["outgoingId"].(string)
		return len(v.Active) == 1 && v.Active[0] == "awaitEvidence"
	}, "the dispatch to wait for the UPD", explainInstance(b, inst))
	if res, err := http.Post(srv.URL+"/sim/deliveries/"+outID+"/open", "application/json", nil); err != nil || res.StatusCode != 200 {
		t.Fatalf("open: %v %v", err, res)
	}
	// Someone between ePUAP and us changed one byte of the UPD.
	upd, err := client.Next(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Ack(b.ctx, upd.Document.Content); err != nil {
		t.Fatal(err)
	}
	upd.Document.Content = bytes.Replace(upd.Document.Content, []byte("/ugsasiednia/skrytka"), []byte("/ugsasiednia/skrytkb"), 1)
	s.Put(epuap.BoxAddress("ugtestowo", "skrytka"), *upd)

	b.clock.set(time.Date(2026, 10, 21, 9, 0, 0, 0, calendar.Warsaw()))
	inbox := &epuap.Inbox{Client: client, Registry: b.reg, Blobs: b.blobs, Trust: simPool(s), Actor: func(context.Context) (*registry.Actor, error) { return b.clerk, nil }}
	inbox.OnReceipt = func(ctx context.Context, a *registry.Actor, r *epuap.Receipt) error {
		return b.w.EPUAPReceipt(ctx, a, WhoOf(a), r.Kind, r.DocumentID, r.DeliveredAt, r.Raw, r.Signature, stageAs(b, ctx, "UPD.xml"))
	}
	if got, err := inbox.PullAll(b.ctx); err != nil || got.Receipts != 1 {
		t.Fatalf("pull: %+v %v", got, err)
	}
	id, _ := uuid.Parse(outID)
	o, _ := b.reg.Outgoing(b.ctx, b.clerk, id)
	if o.Status != "delivered" || *o.DeliveredOn != calendar.NewDate(2026, 10, 20) || o.ProofDocumentID == nil {
		t.Fatalf("outgoing: %+v", o)
	}
	proof, _ := b.reg.Document(b.ctx, b.clerk, *o.ProofDocumentID)
	if len(proof.Signatures) != 1 || proof.Signatures[0].Valid || len(proof.Signatures[0].Problems) == 0 ||
		!strings.Contains(proof.Metadata.Opis, "NIEWAŻNY") {
		t.Fatalf("tampered UPD document: signatures %+v, description %q", proof.Signatures, proof.Metadata.Opis)
	}
	t.Logf("flagged: %s", proof.Metadata.Opis)
}
