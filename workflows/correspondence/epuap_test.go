package correspondence

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/adapters/epuap"
	"obieg.dev/obieg/adapters/epuap/sim"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
)

// A UPD pulled from the ePUAP box is recorded on the outgoing entry it
// names, kept as a document in the case, and hands the delivery to the
// waiting dispatch.
func TestEPUAPReceiptReachesDispatch(t *testing.T) {
	b := setup(t)
	c, _ := b.reg.CreateCase(b.ctx, b.officer, registry.NewCase{Unit: "FN", JRWA: "3120", Title: "Sprawa urzędu sąsiedniego",
		Parties: []registry.NewCaseParty{{Party: registry.Party{Name: "Urząd Gminy Sąsiednia", Kind: "organisation", EPUAPAddress: "/ugsasiednia/skrytka"}}}})
	full, _ := b.reg.Case(b.ctx, b.officer, c.ID)
	// Dispatch by ePUAP: the send step has no adapter yet, so the letter is
	// marked sent by the registry office and the UPD completes the dispatch.
	in, err := b.fe.StartInstance(b.ctx, b.offW, "dispatch", c.Signature, map[string]any{"caseId": c.ID.String(), "recipientPartyId": full.Parties[0].ID.String()})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := b.fe.Instance(b.ctx, b.adminWho, in.ID)
	outID := v.Variables["outgoingId"].(string)
	if v.Variables["channel"] != "epuap" {
		t.Fatalf("channel %v", v.Variables["channel"])
	}
	id, _ := uuidFrom(outID)
	if _, err := b.reg.MarkSent(b.ctx, b.clerk, id, nil, "", 0); err != nil {
		t.Fatal(err)
	}

	s := sim.New()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	box := epuap.BoxAddress("ugtestowo", "skrytka")
	upd := []byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><pos:Dokument xmlns:pos="http://crd.gov.pl/xml/schematy/UPO/2008/05/09/"><pos:UPD>`+
		`<pos:IdentyfikatorPoswiadczenia>UPD-1</pos:IdentyfikatorPoswiadczenia><pos:Adresat><pos:Nazwa>Urząd Gminy Sąsiednia</pos:Nazwa></pos:Adresat>`+
		`<pos:DataOdbioru>2026-10-20T10:15:00</pos:DataOdbioru><pos:DataUtworzeniaPoswiadczenia>2026-10-20T10:15:01</pos:DataUtworzeniaPoswiadczenia>`+
		`<pos:IdentyfikatorSprawy>%s</pos:IdentyfikatorSprawy><pos:IdentyfikatorDokumentu>%s</pos:IdentyfikatorDokumentu></pos:UPD></pos:Dokument>`, c.Signature, outID))
	s.Put(box, epuap.Received{Sender: epuap.BoxSender{Surname: "ePUAP"}, Document: epuap.Document{FileName: "UPD.xml", Content: upd}})
	blobs, _ := blob.Open(b.ctx, "file://"+t.TempDir())
	inbox := &epuap.Inbox{Client: &epuap.Client{Endpoints: epuap.Endpoints{Pull: srv.URL + "/pull"}, Entity: "ugtestowo", Box: "skrytka"},
		Registry: b.reg, Blobs: blobs, Actor: func(context.Context) (*registry.Actor, error) { return b.clerk, nil }}
	inbox.OnReceipt = func(ctx context.Context, a *registry.Actor, r *epuap.Receipt) error {
		return b.w.EPUAPReceipt(ctx, a, WhoOf(a), r.Kind, r.DocumentID, r.DeliveredAt, r.Raw, func(raw []byte) (registry.File, error) {
			st, err := blobs.Stage(ctx, bytes.NewReader(raw), 1<<20)
			return registry.File{Name: "UPD.xml", MediaType: "application/xml", Head: raw, Blob: st}, err
		})
	}
	b.clock.set(time.Date(2026, 10, 21, 9, 0, 0, 0, calendar.Warsaw()))
	got, err := inbox.PullAll(b.ctx)
	if err != nil || got.Receipts != 1 || s.Count(box) != 0 {
		t.Fatalf("pull: %+v %v, box %d", got, err, s.Count(box))
	}
	o, _ := b.reg.Outgoing(b.ctx, b.clerk, id)
	if o.Status != "delivered" || o.DeliveryBasis != "opened" || *o.DeliveredOn != calendar.NewDate(2026, 10, 20) || o.ProofDocumentID == nil {
		t.Fatalf("outgoing: %+v", o)
	}
	if o.AppealDeadline == nil || *o.AppealDeadline != calendar.NewDate(2026, 11, 3) {
		t.Errorf("appeal deadline %v", o.AppealDeadline)
	}
	docs, _ := b.reg.CaseDocuments(b.ctx, b.officer, c.ID)
	if len(docs) != 1 || docs[0].Kind != "potwierdzenie odbioru/doręczenia/przedłożenia" {
		t.Errorf("the UPD is not in the case: %+v", docs)
	}
	// This build's dispatch cannot send through ePUAP yet (sendElectronic
	// fails visibly), so it has not reached its wait: the delivery message
	// is kept for it, and the dispatch stays where it is.
	v, _ = b.fe.Instance(b.ctx, b.adminWho, in.ID)
	if v.State != flow.StateActive || len(v.Active) != 1 || v.Active[0] != "sendElectronic" {
		t.Errorf("dispatch: %s at %v", v.State, v.Active)
	}
}

func uuidFrom(s string) (uuid.UUID, error) { return uuid.Parse(s) }
