package epuap_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"obieg.dev/obieg/adapters/epuap"
	"obieg.dev/obieg/adapters/epuap/sim"
	"obieg.dev/obieg/engine/registry"
)

// simTrust fetches the simulator's certificate the way an office would
// (GET /sim/certificate) and makes it the trust store.
func simTrust(t *testing.T, base string) *x509.CertPool {
	t.Helper()
	res, err := http.Get(base + "/sim/certificate")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	pool := x509.NewCertPool()
	if res.StatusCode != 200 || !pool.AppendCertsFromPEM(data) {
		t.Fatalf("GET /sim/certificate: %d %.80q", res.StatusCode, data)
	}
	return pool
}

// flip changes one byte of a receipt's signed content (the addressee's
// name), keeping it well-formed.
func flip(t *testing.T, doc []byte, old string) []byte {
	t.Helper()
	i := bytes.Index(doc, []byte(old))
	if i < 0 {
		t.Fatalf("%q not in the receipt", old)
	}
	out := bytes.Clone(doc)
	out[i+1] ^= 0x01
	return out
}

// The simulator signs its UPP with its own key: nadaj's UPP verifies
// against the certificate it publishes, not without a trust store, and not
// after one byte of it changed.
func TestSimulatorUPPVerifies(t *testing.T) {
	s := sim.New()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	client := &epuap.Client{Endpoints: epuap.Endpoints{Skrytka: srv.URL + "/skrytka"}, Entity: "ugtestowo", Box: "skrytka"}
	res, err := client.Send(context.Background(), epuap.NadajRequest{To: "/ugsasiednia/skrytka",
		Document: epuap.Document{FileName: "pismo.xml", MediaType: "text/xml", Content: []byte("<pismo>test</pismo>")}})
	if err != nil || res.UPP == nil {
		t.Fatalf("nadaj: %+v %v", res, err)
	}
	upp, err := epuap.ParseReceipt(res.UPP.Content)
	if err != nil || upp.Kind != "UPP" || !upp.Signed {
		t.Fatalf("UPP: %+v %v", upp, err)
	}
	trust := simTrust(t, srv.URL)
	if c := epuap.VerifyReceipt(upp, trust); !c.Valid || c.Signer == "" || c.SigningTime == nil {
		t.Fatalf("the simulator's UPP does not verify: %+v", c)
	}
	if c := epuap.VerifyReceipt(upp, nil); c.Valid {
		t.Errorf("valid without a trust store: %+v", c)
	}
	other := sim.New() // another key: not trusted
	if c := epuap.VerifyReceipt(upp, simTrust(t, httptest.NewServer(other.Handler()).URL)); c.Valid {
		t.Errorf("valid against another simulator's certificate: %+v", c)
	}
	bad, err := epuap.ParseReceipt(flip(t, upp.Raw, "/ugsasiednia/skrytka"))
	if err != nil {
		t.Fatal(err)
	}
	if c := epuap.VerifyReceipt(bad, trust); c.Valid || len(c.Problems) == 0 {
		t.Errorf("tampered UPP verifies: %+v", c)
	}
	unsigned := &epuap.Receipt{Kind: "UPP"}
	if c := epuap.VerifyReceipt(unsigned, trust); c.Valid {
		t.Errorf("unsigned UPP valid: %+v", c)
	}
}

// The UPD the simulator issues when a delivery is opened reaches OnReceipt
// verified; a tampered UPD is handed on flagged invalid (not dropped: it
// reports a legal fact) and acknowledged like any receipt.
func TestInboxVerifiesUPD(t *testing.T) {
	b := setupInbox(t)
	srvURL := strings.TrimSuffix(b.inbox.Client.Endpoints.Pull, "/pull")
	b.inbox.Client.Endpoints.Doreczyciel = srvURL + "/doreczyciel"
	b.inbox.Trust = simTrust(t, srvURL)
	var got []*epuap.Receipt
	b.inbox.OnReceipt = func(_ context.Context, _ *registry.Actor, r *epuap.Receipt) error {
		got = append(got, r)
		return nil
	}
	signed := []byte(`<pismo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:Signature/></pismo>`)
	for _, id := range []string{"list-1", "list-2"} {
		if _, err := b.inbox.Client.Deliver(b.ctx, epuap.DoreczRequest{Entity: "ugtestowo", To: "/ugsasiednia/skrytka", ReplyTo: b.box,
			DocumentID: id, Document: epuap.Document{FileName: "pismo.xml", Content: signed}}); err != nil {
			t.Fatal(err)
		}
		if res, err := http.Post(srvURL+"/sim/deliveries/"+id+"/open", "application/json", nil); err != nil || res.StatusCode != 200 {
			t.Fatalf("open: %v %v", err, res)
		}
	}
	// Take the second UPD out of the box and put it back with one byte
	// of its signed content changed.
	first, err := b.inbox.Client.Next(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.inbox.Client.Ack(b.ctx, first.Document.Content); err != nil {
		t.Fatal(err)
	}
	second, err := b.inbox.Client.Next(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.inbox.Client.Ack(b.ctx, second.Document.Content); err != nil {
		t.Fatal(err)
	}
	b.sim.Put(b.box, *first)
	second.Document.Content = flip(t, second.Document.Content, "/ugsasiednia/skrytka")
	b.sim.Put(b.box, *second)

	pulled, err := b.inbox.PullAll(b.ctx)
	if err != nil || pulled.Receipts != 2 || b.sim.Count(b.box) != 0 {
		t.Fatalf("pull: %+v %v, box %d", pulled, err, b.sim.Count(b.box))
	}
	if c := got[0].Signature; got[0].Kind != "UPD" || c == nil || !c.Valid {
		t.Errorf("genuine UPD: %s %+v", got[0].Kind, c)
	}
	if c := got[1].Signature; c == nil || c.Valid || len(c.Problems) == 0 {
		t.Errorf("tampered UPD not flagged: %+v", c)
	} else {
		t.Logf("tampered UPD: %v", c.Problems)
	}
}
