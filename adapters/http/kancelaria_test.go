package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"obieg.dev/obieg/engine/registry"
)

// pdfText extracts the text of a PDF with poppler's pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is not on PATH: install poppler-utils (make test does)")
	}
	f := filepath.Join(t.TempDir(), "x.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// A paper letter through the API: registered with its scan, assigned,
// accepted, a case opened, the decision sent with ZPO, the receipt
// registered by tracking number; registers, postal book, labels and ZPO
// printed.
func TestKancelariaAPI(t *testing.T) {
	b := setup(t)
	meta := `{"channel":"paper","kind":"application","subject":"Wniosek o zmianę wymiaru podatku","senderRef":"ZG/5/2026",
		"sender":{"name":"Józef Żółćkiewicz","pesel":"44051401359","street":"ul. Gęślą 5 m. 12","postalCode":"00-950","city":"Warszawa"}}`
	ct, body := multipartBody(t, part{name: "metadata", contentType: "application/json", data: []byte(meta)},
		part{name: "file", filename: "skan.pdf", contentType: "application/pdf", data: pdf})
	r := b.do(http.MethodPost, "/api/v1/incoming", b.admin, ct, body)
	if r.status != 201 {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	var item registry.IncomingItem
	r.json(t, &item)
	if item.RPW != "RPW/1/2026" || item.DocumentID == nil {
		t.Fatalf("item: %s", r.body)
	}
	if r := b.do(http.MethodPost, "/api/v1/incoming", b.admin, ct, body); r.status != 409 || !strings.Contains(r.problem(t).Detail, "RPW/1/2026") {
		t.Errorf("duplicate: %d %s", r.status, r.body)
	}
	r = b.postJSON("/api/v1/incoming/"+item.ID.String()+"/assign", b.admin, map[string]any{"unit": "FN", "instruction": "Rozpatrzyć"})
	var x registry.Assignment
	r.json(t, &x)
	if r := b.do(http.MethodPost, "/api/v1/assignments/"+x.ID.String()+"/accept", b.officer, "", nil); r.status != 204 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	r = b.postJSON("/api/v1/incoming/"+item.ID.String()+"/case", b.officer, map[string]any{"jrwa": "3120"})
	if r.status != 201 {
		t.Fatalf("open case: %d %s", r.status, r.body)
	}
	var c registry.Case
	r.json(t, &c)
	r = b.postJSON("/api/v1/outgoing", b.officer, map[string]any{"caseId": c.ID, "documentId": item.DocumentID,
		"recipient": map[string]any{"id": item.SenderPartyID}})
	if r.status != 201 {
		t.Fatalf("outgoing: %d %s", r.status, r.body)
	}
	var out registry.OutgoingItem
	r.json(t, &out)
	if out.Channel != "post_zpo" {
		t.Errorf("channel %s", out.Channel)
	}
	if r := b.postJSON("/api/v1/outgoing/"+out.ID.String()+"/sent", b.admin, map[string]any{"trackingNumber": "00659007734500099999", "postage": 1250}); r.status != 200 {
		t.Fatalf("sent: %d %s", r.status, r.body)
	}
	r = b.do(http.MethodGet, "/api/v1/outgoing/"+out.ID.String()+"/zpo", b.admin, "", nil)
	if r.status != 200 {
		t.Fatalf("zpo: %d %s", r.status, r.body)
	}
	if txt := pdfText(t, r.body); !strings.Contains(txt, c.Signature) || !strings.Contains(txt, "00659007734500099999") || !strings.Contains(txt, "Żółćkiewicz") || !strings.Contains(txt, "art. 39 KPA") {
		t.Errorf("ZPO text:\n%s", txt)
	}
	day := out.RegisteredOn.String()
	r = b.do(http.MethodGet, "/api/v1/postal-book?date="+day+"&format=csv", b.admin, "", nil)
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][3] != "00659007734500099999" || rows[1][5] != "12,50" {
		t.Fatalf("postal book CSV: %v %q", err, rows)
	}
	r = b.do(http.MethodGet, "/api/v1/postal-book?date="+day+"&format=pdf", b.admin, "", nil)
	if txt := pdfText(t, r.body); !strings.Contains(txt, "Książka nadawcza") || !strings.Contains(txt, "Józef Żółćkiewicz") {
		t.Errorf("postal book PDF:\n%s", txt)
	}
	r = b.do(http.MethodGet, "/api/v1/postal-book/labels?date="+day, b.admin, "", nil)
	if txt := pdfText(t, r.body); !strings.Contains(txt, "00-950 Warszawa") {
		t.Errorf("labels:\n%s", txt)
	}
	r = b.postJSON("/api/v1/return-receipts", b.admin, map[string]any{"trackingNumber": "0065 9007 7345 0009 9999", "basis": "zpo", "date": day})
	if r.status != 200 {
		t.Fatalf("return receipt: %d %s", r.status, r.body)
	}
	r.json(t, &out)
	if out.DeliveredOn == nil || out.AppealDeadline == nil {
		t.Fatalf("delivery: %s", r.body)
	}
	if r := b.postJSON("/api/v1/return-receipts", b.admin, map[string]any{"trackingNumber": "NOPE", "basis": "zpo", "date": day}); r.status != 404 || r.problem(t).Field != "trackingNumber" {
		t.Errorf("unknown tracking: %d %s", r.status, r.body)
	}
	r = b.do(http.MethodGet, "/api/v1/incoming?format=pdf", b.admin, "", nil)
	if txt := pdfText(t, r.body); !strings.Contains(txt, "Rejestr przesyłek wpływających") || !strings.Contains(txt, "RPW/1/2026") {
		t.Errorf("incoming register PDF:\n%s", txt)
	}
	r = b.do(http.MethodGet, "/api/v1/outgoing?format=csv", b.admin, "", nil)
	if !strings.Contains(string(r.body), "RPWych/1/2026") || !strings.Contains(string(r.body), "zpo") {
		t.Errorf("outgoing CSV:\n%s", r.body)
	}
	if r := b.do(http.MethodGet, "/api/v1/incoming", b.officer, "", nil); r.status != 403 {
		t.Errorf("officer reads the register: %d", r.status)
	}
	if r := b.do(http.MethodGet, "/api/v1/incoming?format=xls", b.admin, "", nil); r.status != 400 || r.problem(t).Field != "format" {
		t.Errorf("bad format: %d", r.status)
	}
	r = b.do(http.MethodGet, "/api/v1/parties?q=żółć", b.admin, "", nil)
	var ps struct{ Parties []registry.Party }
	r.json(t, &ps)
	if len(ps.Parties) != 1 {
		t.Errorf("party search: %s", r.body)
	}
}

// An e-mail imported twice is registered once; its attachments become files.
func TestImportEML(t *testing.T) {
	b := setup(t)
	eml := []byte("From: =?UTF-8?Q?Zofia_W=C3=B3jcik?= <zofia@example.pl>\r\nTo: urzad@gmina.example\r\n" +
		"Subject: =?UTF-8?Q?Wniosek_o_wydanie_za=C5=9Bwiadczenia?=\r\nMessage-ID: <abc-123@example.pl>\r\n" +
		"Date: Mon, 23 Nov 2026 08:15:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDzień dobry, w załączeniu wniosek.\r\n" +
		"--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"wniosek.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		"JVBERi0xLjcKJSVFT0YK\r\n" +
		"--b1\r\nContent-Type: application/x-msdownload\r\nContent-Disposition: attachment; filename=\"setup.exe\"\r\n\r\nMZ\r\n--b1--\r\n")
	r := b.do(http.MethodPost, "/api/v1/incoming/eml", b.admin, "message/rfc822", eml)
	if r.status != 201 {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	var item registry.IncomingItem
	r.json(t, &item)
	if item.Channel != "email" || item.SenderName != "Zofia Wójcik" || item.Subject != "Wniosek o wydanie zaświadczenia" ||
		item.Attachments != 2 || !strings.Contains(item.Notes, "setup.exe") {
		t.Fatalf("item: %s", r.body)
	}
	r = b.do(http.MethodGet, "/api/v1/documents/"+item.DocumentID.String(), b.admin, "", nil)
	var doc registry.Document
	json.Unmarshal(r.body, &doc)
	if len(doc.Versions) != 2 || doc.Versions[0].MediaType != "message/rfc822" || doc.Versions[1].FileName != "wniosek.pdf" {
		t.Fatalf("document: %s", r.body)
	}
	if r := b.do(http.MethodPost, "/api/v1/incoming/eml", b.admin, "message/rfc822", eml); r.status != 200 {
		t.Errorf("second import: %d", r.status)
	}
	if r := b.do(http.MethodPost, "/api/v1/incoming/eml", b.admin, "text/plain", eml); r.status != 415 {
		t.Errorf("wrong content type: %d", r.status)
	}
}
