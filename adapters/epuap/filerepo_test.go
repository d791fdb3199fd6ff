package epuap_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"obieg.dev/obieg/adapters/epuap"
	"obieg.dev/obieg/adapters/epuap/sim"
	"obieg.dev/obieg/engine"
)

// withURIAttachment is the 1410 fixture with its attachment given as a URI
// (kodowanie="URI") instead of inline base64.
func withURIAttachment(t *testing.T, text, name, uri string) []byte {
	t.Helper()
	doc := pismo(t, text)
	old := []byte(`<str:Zalacznik format="application/pdf" kodowanie="base64" nazwaPliku="skan.pdf">
        <str:DaneZalacznika>JVBERi0xLjQK</str:DaneZalacznika>`)
	if !bytes.Contains(doc, old) {
		t.Fatal("fixture changed: no inline attachment to replace")
	}
	return bytes.Replace(doc, old, fmt.Appendf(nil, `<str:Zalacznik format="application/pdf" kodowanie="URI" nazwaPliku="%s">
        <str:DaneZalacznika>%s</str:DaneZalacznika>`, name, uri), 1)
}

func (b *inboxBundle) files(t *testing.T) []string {
	t.Helper()
	rows, err := b.db.Pool.Query(b.ctx, `SELECT v.file_name FROM incoming_items i JOIN document_versions v ON v.document_id = i.document_id ORDER BY i.n, v.n`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		out = append(out, n)
	}
	return out
}

// An attachment in FileRepo is downloaded and kept as a file of the
// incoming item. While FileRepo fails, the document stays in the box (not
// acknowledged) and nothing is registered; the next run takes it whole.
func TestInboxFetchesFileRepoAttachment(t *testing.T) {
	b := setupInbox(t)
	base := strings.TrimSuffix(b.inbox.Client.Endpoints.Pull, "/pull")
	pdf := []byte("%PDF-1.7 skan wniosku z FileRepo")
	// Store the file through the simulator's API, as a sender's portal would.
	res, err := http.Post(base+"/sim/filerepo?name=skan.pdf&type=application/pdf", "application/pdf", bytes.NewReader(pdf))
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("store: %v %v", err, res)
	}
	var stored struct{ ID, URI string }
	if err := json.NewDecoder(res.Body).Decode(&stored); err != nil {
		t.Fatal(err)
	}
	if stored.URI != base+"/filerepo/"+stored.ID {
		t.Fatalf("uri %q", stored.URI)
	}
	b.sim.Put(b.box, epuap.Received{Sender: epuap.BoxSender{FirstName: "Jan", Surname: "Kowalski", PersonType: "F"},
		Document: epuap.Document{FileName: "pismo.xml", Content: withURIAttachment(t, "filerepo", "skan.pdf", stored.URI)}})

	// Calls: pobierzNastepny (1), the FileRepo download (2) fails.
	b.sim.SetFaults(sim.Faults{EveryN: 2})
	_, err = b.inbox.PullAll(b.ctx)
	if !engine.Is(engine.KindUnavailable, err) || b.sim.Count(b.box) != 1 || b.items(t) != 0 {
		t.Fatalf("with FileRepo failing: err %v, box %d, items %d", err, b.sim.Count(b.box), b.items(t))
	}
	b.sim.SetFaults(sim.Faults{})
	got, err := b.inbox.PullAll(b.ctx)
	if err != nil || got.Registered != 1 || b.sim.Count(b.box) != 0 {
		t.Fatalf("pull: %+v %v, box %d", got, err, b.sim.Count(b.box))
	}
	files := b.files(t)
	if len(files) != 2 || files[1] != "skan.pdf" {
		t.Fatalf("files of the item: %v", files)
	}
	var size int64
	_ = b.db.Pool.QueryRow(b.ctx, `SELECT size FROM document_versions WHERE file_name = 'skan.pdf'`).Scan(&size)
	if size != int64(len(pdf)) {
		t.Errorf("stored %d bytes of %d", size, len(pdf))
	}
}

// A URI off the ePUAP host is never requested (SSRF): the letter is
// registered with a note instead of the file. So is a file FileRepo does
// not have — permanent failures must not block the box.
func TestInboxRefusesForeignAttachmentURI(t *testing.T) {
	b := setupInbox(t)
	var hits atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte("%PDF- secret"))
	}))
	defer internal.Close()
	base := strings.TrimSuffix(b.inbox.Client.Endpoints.Pull, "/pull")
	for i, uri := range []string{internal.URL + "/admin/secret.pdf", "file:///etc/passwd", base + "/filerepo/no-such-file"} {
		b.sim.Put(b.box, epuap.Received{Sender: epuap.BoxSender{FirstName: "Jan", Surname: "Kowalski", PersonType: "F"},
			Document: epuap.Document{FileName: "pismo.xml", Content: withURIAttachment(t, fmt.Sprint("ssrf", i), "skan.pdf", uri)}})
	}
	got, err := b.inbox.PullAll(b.ctx)
	if err != nil || got.Registered != 3 || b.sim.Count(b.box) != 0 {
		t.Fatalf("pull: %+v %v, box %d", got, err, b.sim.Count(b.box))
	}
	if hits.Load() != 0 {
		t.Errorf("the foreign host was requested %d times", hits.Load())
	}
	rows, _ := b.db.Pool.Query(b.ctx, "SELECT notes FROM incoming_items ORDER BY n")
	defer rows.Close()
	for rows.Next() {
		var notes string
		_ = rows.Scan(&notes)
		if !strings.Contains(notes, "nie pobrano") {
			t.Errorf("notes %q", notes)
		}
	}
	if n := len(b.files(t)); n != 3 {
		t.Errorf("%d files: want only the three XML documents", n)
	}
	// FetchFile itself: refused before any request; too large refused.
	_, err = b.inbox.Client.FetchFile(b.ctx, internal.URL+"/x")
	if !engine.Is(engine.KindInvalid, err) {
		t.Errorf("foreign URI: %v", err)
	}
	big := b.sim.StoreFile("big.pdf", "application/pdf", make([]byte, epuap.MaxDocumentSize+1))
	_, err = b.inbox.Client.FetchFile(b.ctx, base+"/filerepo/"+big)
	if !engine.Is(engine.KindTooLarge, err) {
		t.Errorf("too large: %v", err)
	}
}
