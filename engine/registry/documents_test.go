package registry

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

func (b *bundle) file(t *testing.T, name, mediaType string, content []byte) File {
	t.Helper()
	st, err := b.blobs.Stage(b.ctx, bytes.NewReader(content), 10<<20)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Discard() })
	head := content
	if len(head) > 512 {
		head = head[:512]
	}
	return File{Name: name, MediaType: mediaType, Head: head, Blob: st}
}

func meta() Metadata {
	d := calendar.NewDate(2026, 11, 20)
	return Metadata{Tytul: "Wniosek o zaświadczenie o niezaleganiu", Typ: "podanie/wniosek", Data: &d, Tworca: "Jan Nowak", Dostep: "niepubliczny"}
}

var pdf = []byte("%PDF-1.7\n% zażółć gęślą jaźń\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

func TestRegisterDocumentInCase(t *testing.T) {
	b := setup(t)
	c := must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "Sprawa"}))
	scan := bytes.Repeat([]byte("skan "), 1000)
	d, err := b.svc.RegisterDocument(b.ctx, b.officer, NewDocument{Metadata: meta(), CaseID: &c.ID, Files: []File{
		b.file(t, "wniosek.pdf", "application/pdf", pdf),
		b.file(t, "załącznik — skan.txt", "text/plain", scan),
	}})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pdf)
	if len(d.Versions) != 2 || d.Versions[0].SHA256 != hex.EncodeToString(sum[:]) || d.Versions[1].N != 2 || d.Versions[1].Size != int64(len(scan)) {
		t.Fatalf("versions = %+v", d.Versions)
	}
	if d.Metadata.Identyfikator != d.ID.String() || d.Metadata.Jezyk != "pol" || d.Metadata.Klasa != "tekst" {
		t.Errorf("metadata defaults: %+v", d.Metadata)
	}
	v, rc, err := b.svc.OpenVersion(b.ctx, b.officer, d.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, pdf) || v.FileName != "wniosek.pdf" {
		t.Fatalf("content: %v %q", err, got)
	}
	m := must(b.svc.Metryka(b.ctx, b.officer, c.ID))
	if last := m[len(m)-1]; last.Action != ActionDocumentAdded || last.DocumentID == nil || *last.DocumentID != d.ID {
		t.Errorf("metryka last = %+v", last)
	}
	// The other unit cannot read it.
	if _, err := b.svc.Document(b.ctx, b.other, d.ID); !engine.Is(engine.KindNotFound, err) {
		t.Errorf("other unit reads document: %v", err)
	}
	// Versions are immutable in the database too.
	if _, err := b.db.Pool.Exec(b.ctx, "UPDATE document_versions SET size = 0"); err == nil {
		t.Error("UPDATE of document_versions succeeded")
	}
	if _, err := b.db.Pool.Exec(b.ctx, "DELETE FROM document_versions"); err == nil {
		t.Error("DELETE of document_versions succeeded")
	}
	// A new version leaves the old one as it was.
	v3 := must(b.svc.AddVersion(b.ctx, b.officer, d.ID, b.file(t, "wniosek-poprawiony.pdf", "application/pdf", append(pdf, '\n'))))
	if v3.N != 3 {
		t.Errorf("new version n = %d", v3.N)
	}
	full := must(b.svc.Document(b.ctx, b.officer, d.ID))
	if len(full.Versions) != 3 || full.Versions[0].SHA256 != d.Versions[0].SHA256 {
		t.Errorf("versions after add: %+v", full.Versions)
	}
}

func TestDownloadVerifiesHash(t *testing.T) {
	b := setup(t)
	d := must(b.svc.RegisterDocument(b.ctx, b.admin, NewDocument{Metadata: meta(), Files: []File{b.file(t, "a.pdf", "application/pdf", pdf)}}))
	// Corrupt the stored blob behind the store's back.
	var path string
	filepath.WalkDir(filepath.Join(b.blobRoot, "sha256"), func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			path = p
		}
		return nil
	})
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(pdf, []byte("1.7"), []byte("1.6"), 1)
	if err := os.WriteFile(path, bad, 0o444); err != nil {
		t.Fatal(err)
	}
	_, rc, err := b.svc.OpenVersion(b.ctx, b.admin, d.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); err == nil || !strings.Contains(err.Error(), d.Versions[0].SHA256) {
		t.Fatalf("corrupt content read without error: %v", err)
	}
}

func TestRegisterDocumentRejectsAndWritesNothing(t *testing.T) {
	b := setup(t)
	c := must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "Sprawa"}))
	must(b.svc.CloseCase(b.ctx, b.officer, c.ID, ""))
	docs, vers, metr, blobs := b.count(t, "documents"), b.count(t, "document_versions"), b.count(t, "metryka"), b.blobFiles(t)
	noTitle := meta()
	noTitle.Tytul = " "
	badType := meta()
	badType.Typ = "list"
	noDate := meta()
	noDate.Data = nil
	for _, tc := range []struct {
		name  string
		in    NewDocument
		field string
		kind  engine.Kind
	}{
		{"no title", NewDocument{Metadata: noTitle, Files: []File{b.file(t, "a.pdf", "application/pdf", pdf)}}, "metadata.tytul", engine.KindInvalid},
		{"bad type", NewDocument{Metadata: badType, Files: []File{b.file(t, "a.pdf", "application/pdf", pdf)}}, "metadata.typ", engine.KindInvalid},
		{"no date", NewDocument{Metadata: noDate, Files: []File{b.file(t, "a.pdf", "application/pdf", pdf)}}, "metadata.data", engine.KindInvalid},
		{"no files", NewDocument{Metadata: meta()}, "file", engine.KindInvalid},
		{"traversal", NewDocument{Metadata: meta(), Files: []File{b.file(t, "../../etc/passwd", "text/plain", []byte("x"))}}, "file[0]", engine.KindInvalid},
		{"backslash", NewDocument{Metadata: meta(), Files: []File{b.file(t, `..\boot.ini`, "text/plain", []byte("x"))}}, "file[0]", engine.KindInvalid},
		{"exe", NewDocument{Metadata: meta(), Files: []File{b.file(t, "a.exe", "application/x-msdownload", []byte("MZ"))}}, "file[0]", engine.KindInvalid},
		{"fake pdf", NewDocument{Metadata: meta(), Files: []File{b.file(t, "a.pdf", "application/pdf", []byte("MZ\x90\x00"))}}, "file[0]", engine.KindInvalid},
		{"second file bad", NewDocument{Metadata: meta(), Files: []File{b.file(t, "a.pdf", "application/pdf", pdf), b.file(t, "b\x00.txt", "text/plain", []byte("x"))}}, "file[1]", engine.KindInvalid},
		{"closed case", NewDocument{Metadata: meta(), CaseID: &c.ID, Files: []File{b.file(t, "a.pdf", "application/pdf", pdf)}}, "", engine.KindConflict},
		{"bad relation", NewDocument{Metadata: meta(), Relations: []Relation{{To: c.ID, Kind: RelReplyTo}}, Files: []File{b.file(t, "a.pdf", "application/pdf", pdf)}}, "relations[0].to", engine.KindNotFound},
	} {
		_, err := b.svc.RegisterDocument(b.ctx, b.officer, tc.in)
		if engine.KindOf(err) != tc.kind || engine.FieldOf(err) != tc.field {
			t.Errorf("%s: kind %v field %q (%v), want %v %q", tc.name, engine.KindOf(err), engine.FieldOf(err), err, tc.kind, tc.field)
		}
	}
	if docs2, vers2, metr2, blobs2 := b.count(t, "documents"), b.count(t, "document_versions"), b.count(t, "metryka"), b.blobFiles(t); docs2 != docs || vers2 != vers || metr2 != metr || blobs2 != blobs {
		t.Errorf("rejected registrations wrote: documents %d→%d, versions %d→%d, metryka %d→%d, blobs %d→%d", docs, docs2, vers, vers2, metr, metr2, blobs, blobs2)
	}
}

func TestRelationsAndAttach(t *testing.T) {
	b := setup(t)
	c := must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "Sprawa"}))
	in := must(b.svc.RegisterDocument(b.ctx, b.officer, NewDocument{Metadata: meta(), Files: []File{b.file(t, "wniosek.pdf", "application/pdf", pdf)}}))
	if err := b.svc.AttachDocument(b.ctx, b.officer, in.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.AttachDocument(b.ctx, b.officer, in.ID, c.ID); err != nil {
		t.Errorf("attaching again to the same case: %v", err)
	}
	c2 := must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "Inna"}))
	if err := b.svc.AttachDocument(b.ctx, b.officer, in.ID, c2.ID); !engine.Is(engine.KindConflict, err) {
		t.Errorf("attach to a second case: %v", err)
	}
	reply := meta()
	reply.Typ = "zaświadczenie"
	out := must(b.svc.RegisterDocument(b.ctx, b.officer, NewDocument{Metadata: reply, CaseID: &c.ID,
		Relations: []Relation{{To: in.ID, Kind: RelReplyTo}}, Files: []File{b.file(t, "zaswiadczenie.pdf", "application/pdf", pdf)}}))
	if err := b.svc.AddRelation(b.ctx, b.officer, Relation{From: out.ID, To: in.ID, Kind: "cites"}); engine.FieldOf(err) != "kind" {
		t.Errorf("bad relation kind: %v", err)
	}
	got := must(b.svc.Document(b.ctx, b.officer, in.ID))
	if len(got.Relations) != 1 || got.Relations[0].From != out.ID || got.Relations[0].Kind != RelReplyTo {
		t.Errorf("relations of the incoming letter: %+v", got.Relations)
	}
	docs := must(b.svc.CaseDocuments(b.ctx, b.officer, c.ID))
	if len(docs) != 2 {
		t.Errorf("case has %d documents", len(docs))
	}
	var actions []string
	for _, e := range must(b.svc.Metryka(b.ctx, b.officer, c.ID)) {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, ",") != "case.created,document.attached,document.registered" {
		t.Errorf("metryka = %v", actions)
	}
}
