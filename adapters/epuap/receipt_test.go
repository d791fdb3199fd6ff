package epuap

import (
	"bytes"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
)

func TestParseUPP(t *testing.T) {
	raw := fixture(t, "upp.example.xml")
	r := must[*Receipt](t)(ParseReceipt(raw))
	eq(t, "kind", r.Kind, "UPP")
	eq(t, "recipient", r.Recipient, ReceiptParty{Name: "Urząd Gminy X", ID: "urzadgminyx", IDType: "ePUAP-ID"})
	eq(t, "sender", r.Sender, ReceiptParty{Name: "Jan Kowalski", ID: "jan_kowalski", IDType: "ePUAP-ID"})
	// 14:34:19 without a zone is Warsaw time: CEST in May.
	eq(t, "delivered", r.DeliveredAt.UTC(), time.Date(2024, 5, 23, 12, 34, 19, 0, time.UTC))
	eq(t, "submitted", r.SubmittedAt.Equal(r.DeliveredAt), true)
	eq(t, "issued", r.IssuedAt.UTC(), time.Date(2024, 5, 23, 12, 34, 20, 0, time.UTC))
	eq(t, "document id", r.DocumentID, "…")
	eq(t, "receipt id", r.ReceiptID, "…")
	eq(t, "signed", r.Signed, true)
	eq(t, "raw", bytes.Equal(r.Raw, raw), true)
	if len(r.Info) != 1 || r.Info[0] != (ReceiptInfo{Type: "…", Value: "…"}) {
		t.Errorf("info %+v", r.Info)
	}
	eq(t, "digest", r.DocumentDigest, Digest{})

	r = must[*Receipt](t)(ParseReceipt(fixture(t, "upp.signed-shape.xml")))
	eq(t, "receipt id", r.ReceiptID, "UPP-2024-0042")
	eq(t, "document id", r.DocumentID, "12345678")
	eq(t, "delivered", r.DeliveredAt, time.Date(2024, 5, 23, 14, 34, 19, 0, time.UTC))
	eq(t, "digest", r.DocumentDigest, Digest{Algorithm: "http://www.w3.org/2000/09/xmldsig#sha1", Value: Skrot(nil)})
}

func TestParseUPD(t *testing.T) {
	r := must[*Receipt](t)(ParseReceipt(fixture(t, "upd.filled.xml")))
	eq(t, "kind", r.Kind, "UPD")
	eq(t, "receipt id", r.ReceiptID, "UPD-2024-0001")
	eq(t, "case", r.CaseID, "GK.6733.1.2024")
	eq(t, "document", r.DocumentID, "GK.6733.1.2024-decyzja")
	eq(t, "issuer", r.Issuer, ReceiptParty{Name: "Urząd Gminy X", ID: "urzadgminyx", IDType: "ePUAP-ID"})
	eq(t, "sender", r.Sender, r.Issuer)
	eq(t, "recipient", r.Recipient.ID, "jan_kowalski")
	eq(t, "delivered", r.DeliveredAt.UTC(), time.Date(2024, 6, 3, 7, 15, 0, 0, time.UTC))
	eq(t, "issued", r.IssuedAt.UTC(), time.Date(2024, 6, 3, 7, 15, 2, 120e6, time.UTC))
	eq(t, "submitted", r.SubmittedAt.IsZero(), true)
	eq(t, "info", r.Info[0], ReceiptInfo{Type: "Tytuł", Value: "Decyzja"})

	// The verbatim example has "…" for its dates: refused, naming the field.
	_, err := ParseReceipt(fixture(t, "upd.example.xml"))
	wantKind(t, err, engine.KindInvalid)
	eq(t, "field", engine.FieldOf(err), "DataOdbioru")
}

func TestParseReceiptRefuses(t *testing.T) {
	for _, in := range [][]byte{
		fixture(t, "pismo-ogolne-1410.example.xml"),
		[]byte(`<pos:Dokument xmlns:pos="` + NSUPO + `"><pos:Inne/></pos:Dokument>`),
		[]byte(`<Dokument><UPP/></Dokument>`),
	} {
		_, err := ParseReceipt(in)
		wantKind(t, err, engine.KindInvalid)
	}
}
