package correspondence

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/adapters/epuap"
	"obieg.dev/obieg/adapters/epuap/sim"
	"obieg.dev/obieg/adapters/sign"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
)

// The whole ePUAP path of dispatch: the decision is sent officially
// (dorecz, XAdES-signed, WS-Security), the addressee opens it, ePUAP puts
// the UPD in the office's box, the pull records it on the outgoing entry and
// in the case, and the dispatch ends with the delivery date and the appeal
// deadline.
func TestDispatchThroughEPUAP(t *testing.T) {
	b := setup(t)
	key, trust := testKey(t)
	s := sim.New()
	s.Verify = func(env []byte) error { _, err := sign.VerifySOAP(env, trust, time.Now()); return err }
	s.Clock = func() time.Time { return time.Date(2026, 10, 20, 10, 15, 0, 0, calendar.Warsaw()) }
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	client := &epuap.Client{Endpoints: epuap.Endpoints{Pull: srv.URL + "/pull", Skrytka: srv.URL + "/skrytka", Doreczyciel: srv.URL + "/doreczyciel"},
		Entity: "ugtestowo", Box: "skrytka", Signer: epuap.SignerFunc(func(env []byte) ([]byte, error) { return sign.SignSOAP(env, key, time.Now()) })}
	b.w.Electronic = &epuap.Sender{Client: client, Key: key}

	c, _ := b.reg.CreateCase(b.ctx, b.officer, registry.NewCase{Unit: "FN", JRWA: "3120", Title: "Sprawa urzędu sąsiedniego",
		Parties: []registry.NewCaseParty{{Party: registry.Party{Name: "Urząd Gminy Sąsiednia", Kind: "organisation", EPUAPAddress: "/ugsasiednia/skrytka"}}}})
	full, _ := b.reg.Case(b.ctx, b.officer, c.ID)
	d := calendar.NewDate(2026, 10, 19)
	st, _ := b.blobs.Stage(b.ctx, bytes.NewReader([]byte("%PDF-1.7 decyzja")), 1<<20)
	doc, err := b.reg.RegisterDocument(b.ctx, b.officer, registry.NewDocument{CaseID: &c.ID, Metadata: registry.Metadata{Tytul: "Decyzja w sprawie ulgi",
		Typ: "decyzja", Data: &d, Tworca: "Wójt Gminy Testowo", Dostep: "niepubliczny"},
		Files: []registry.File{{Name: "decyzja.pdf", MediaType: "application/pdf", Head: []byte("%PDF-1.7"), Blob: st}}})
	if err != nil {
		t.Fatal(err)
	}
	in, err := b.fe.StartInstance(b.ctx, b.offW, "dispatch", c.Signature, map[string]any{"caseId": c.ID.String(), "documentId": doc.ID.String(),
		"recipientPartyId": full.Parties[0].ID.String()})
	if err != nil {
		t.Fatal(err)
	}
	outID := ""
	waitFor(t, func() bool {
		v, _ := b.fe.Instance(b.ctx, b.adminWho, in.ID)
		outID, _ = v.Variables["outgoingId"].(string)
		return len(v.Active) == 1 && v.Active[0] == "awaitEvidence"
	}, "the dispatch to send and wait for the UPD", func() string {
		v, _ := b.fe.Instance(b.ctx, b.adminWho, in.ID)
		incs, _ := b.fe.Incidents(b.ctx, b.adminWho, &in.ID, true)
		msg := fmt.Sprintf("active %v vars %v", v.Active, v.Variables)
		for _, i := range incs {
			msg += "; incident: " + i.Message
		}
		return msg
	})
	their := epuap.BoxAddress("ugsasiednia", "skrytka")
	if s.Count(their) != 1 {
		t.Fatalf("the letter is not in the addressee's box")
	}
	// The addressee opens it: ePUAP issues the UPD into our box.
	res, err := http.Post(srv.URL+"/sim/deliveries/"+outID+"/open", "application/json", nil)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("open: %v %v", err, res)
	}
	b.clock.set(time.Date(2026, 10, 21, 9, 0, 0, 0, calendar.Warsaw()))
	blobs := b.blobs
	inbox := &epuap.Inbox{Client: client, Registry: b.reg, Blobs: blobs, Actor: func(context.Context) (*registry.Actor, error) { return b.clerk, nil }}
	inbox.OnReceipt = func(ctx context.Context, a *registry.Actor, r *epuap.Receipt) error {
		return b.w.EPUAPReceipt(ctx, a, WhoOf(a), r.Kind, r.DocumentID, r.DeliveredAt, r.Raw, r.Signature, func(raw []byte) (registry.File, error) {
			st, err := blobs.Stage(ctx, bytes.NewReader(raw), 1<<20)
			return registry.File{Name: "UPD.xml", MediaType: "application/xml", Head: raw, Blob: st}, err
		})
	}
	got, err := inbox.PullAll(b.ctx)
	if err != nil || got.Receipts != 1 {
		t.Fatalf("pull: %+v %v", got, err)
	}
	id, _ := uuidFrom(outID)
	o, _ := b.reg.Outgoing(b.ctx, b.clerk, id)
	if o.DeliveryBasis != "opened" || *o.DeliveredOn != calendar.NewDate(2026, 10, 20) || o.ProofDocumentID == nil {
		t.Fatalf("outgoing: %+v", o)
	}
	waitFor(t, func() bool {
		v, _ := b.fe.Instance(b.ctx, b.adminWho, in.ID)
		return v.State == flow.StateCompleted && v.Variables["appealDeadline"] == "2026-11-03"
	}, "the dispatch to end with the appeal deadline 2026-11-03", nil)
}

func waitFor(t *testing.T, cond func() bool, what string, explain func() string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			msg := ""
			if explain != nil {
				msg = explain()
			}
			t.Fatalf("timed out waiting for %s: %s", what, msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// testKey makes a CA and an office certificate it signed.
func testKey(t *testing.T) (*sign.Key, *x509.CertPool) {
	t.Helper()
	caKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	caT := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test CA"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caT, caT, &caKey.PublicKey, caKey)
	ca, _ := x509.ParseCertificate(caDER)
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	lt := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "UG Testowo EZD"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, _ := x509.CreateCertificate(rand.Reader, lt, ca, &k.PublicKey, caKey)
	key, err := sign.LoadPEM(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return key, pool
}

func uuidFrom(s string) (uuid.UUID, error) { return uuid.Parse(s) }
