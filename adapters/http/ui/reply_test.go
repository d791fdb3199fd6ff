package ui

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/workflows/correspondence"
)

// replyCase opens a case of FN with one party, as the officer "wymiar".
func (b *bundle) replyCase(t *testing.T) *registry.Case {
	t.Helper()
	off, err := b.reg.ActorByLogin(b.ctx, "wymiar")
	must(t, err)
	c, err := b.reg.CreateCase(b.ctx, off, registry.NewCase{Unit: "FN", JRWA: "3120", Title: "Ulga w podatku od nieruchomości",
		Parties: []registry.NewCaseParty{{Party: registry.Party{Kind: "person", Name: "Zofia Łęcka-Źdźbło", Street: "ul. Polna 5",
			PostalCode: "00-002", City: "Żółkiewka"}, Role: "strona"}}})
	must(t, err)
	c, err = b.reg.Case(b.ctx, off, c.ID) // with its parties
	must(t, err)
	return c
}

// replyTaskOf is the open task of the reply process for the user.
func (b *bundle) replyTaskOf(t *testing.T, login, element string) *flow.Task {
	t.Helper()
	a, err := b.reg.ActorByLogin(b.ctx, login)
	must(t, err)
	ts, err := b.flow.Tasks(b.ctx, who(a), flow.TaskFilter{Mine: true})
	must(t, err)
	for _, x := range ts {
		if x.ProcessKey == correspondence.ReplyProcess && x.ElementID == element {
			return x
		}
	}
	t.Fatalf("%s has no %s task of a reply", login, element)
	return nil
}

// pdfText is the text of a PDF the server served.
func pdfText(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pismo.pdf")
	must(t, os.WriteFile(path, []byte(body), 0o600))
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	must(t, err)
	return strings.Join(strings.Fields(string(out)), " ")
}

// The officer writes a summons from a template, edits it and sends it for
// approval; only the head of FN may decide it; sent back with a reason, it
// is corrected as a new version; approved, its dispatch registers it in the
// outgoing register and waits for the registry office to post it.
func TestReplyFromTemplate(t *testing.T) {
	b := setup(t)
	c := b.replyCase(t)
	caseURL := "/cases/" + c.ID.String()

	off := b.client()
	off.login("wymiar")
	if p := off.get(caseURL); !strings.Contains(p.body, `href="`+caseURL+`/reply"`) {
		t.Fatalf("case page without the reply action: %s", p.body)
	}
	p := off.get(caseURL + "/reply?template=wezwanie")
	for _, want := range []string{"art. 64 § 2", "wzywam Zofia Łęcka-Źdźbło", "FN.3120.1.2026", "ul. Polna 5", "00-002 Żółkiewka",
		"23 listopada 2026 r.", "Piotr Zieliński, Inspektor ds. wymiaru podatków", "Skarbnik Gminy", `value="Wezwanie do usunięcia braków podania"`} {
		if !strings.Contains(p.body, want) {
			t.Fatalf("reply form lacks %q: %s", want, p.body)
		}
	}
	if p := off.get(caseURL + "/reply?template=przedluzenie"); !strings.Contains(p.body, "art. 36 § 1") || !strings.Contains(p.body, "ponaglenia") {
		t.Fatalf("art. 36 template: %s", p.body)
	}
	party := c.Parties[0].ID.String()
	text := "Na podstawie art. 64 § 2 KPA wzywam do usunięcia braków podania przez dołączenie pełnomocnictwa.\n\nBraki należy usunąć w terminie 7 dni."
	// No text, no letter.
	if p := off.post(caseURL+"/reply", url.Values{"template": {"wezwanie"}, "party": {party}, "title": {"Wezwanie"}, "text": {"  "}}); p.status != http.StatusBadRequest {
		t.Fatalf("empty letter: %d", p.status)
	}
	p = off.post(caseURL+"/reply", url.Values{"template": {"wezwanie"}, "party": {party}, "title": {"Wezwanie do usunięcia braków podania"}, "text": {text}})
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), caseURL+"?flash=flash.replySubmitted") {
		t.Fatalf("submit: %d %q %s", p.status, p.header.Get("Location"), p.body)
	}
	docs, err := b.reg.CaseDocuments(b.ctx, b.admin, c.ID)
	must(t, err)
	if len(docs) != 1 || docs[0].Metadata.Typ != "wezwanie" || docs[0].Metadata.Odbiorca != "Zofia Łęcka-Źdźbło" || len(docs[0].Versions) != 1 {
		t.Fatalf("documents: %+v", docs)
	}
	doc := docs[0]
	p = off.get(p.header.Get("Location"))
	if !strings.Contains(p.body, "Pismo wysłano do zatwierdzenia") || !strings.Contains(p.body, "correspondence.reply_submitted") {
		t.Fatalf("case page after submit: %s", p.body)
	}
	p = off.get("/documents/" + doc.ID.String() + "/versions/1")
	got := pdfText(t, p.body)
	for _, want := range []string{"Urząd Gminy Testowo", "Testowo, dnia 23 listopada 2026 r.", "Znak sprawy: FN.3120.1.2026", "Zofia Łęcka-Źdźbło",
		"ul. Polna 5", "00-002 Żółkiewka", "przez dołączenie pełnomocnictwa", "Piotr Zieliński", "Inspektor ds. wymiaru podatków"} {
		if !strings.Contains(got, want) {
			t.Errorf("the letter lacks %q: %s", want, got)
		}
	}

	// The approval is the head position's: the officer of the same unit may not decide it.
	appr := b.replyTaskOf(t, "skarbnik", "approve")
	if p := off.post("/replies/"+appr.ID.String()+"/decide", url.Values{"decision": {"approve"}}); p.status != http.StatusForbidden {
		t.Fatalf("officer approves his own letter: %d", p.status)
	}
	if p := off.post("/tasks/"+appr.ID.String()+"/complete", url.Values{"approved": {"true"}}); p.status != http.StatusForbidden {
		t.Fatalf("officer completes the approval through the generic form: %d", p.status)
	}

	head := b.client()
	head.login("skarbnik")
	if p := head.get("/inbox"); !strings.Contains(p.body, `href="/tasks/`+appr.ID.String()+`"`) || !strings.Contains(p.body, "Zatwierdzenie pisma do wysyłki") {
		t.Fatalf("inbox without the approval: %s", p.body)
	}
	if p := head.get("/tasks/" + appr.ID.String()); p.status != http.StatusSeeOther || p.header.Get("Location") != "/replies/"+appr.ID.String() {
		t.Fatalf("task page of a reply: %d %q", p.status, p.header.Get("Location"))
	}
	p = head.get("/replies/" + appr.ID.String())
	if !strings.Contains(p.body, `<iframe src="/documents/`+doc.ID.String()+`/versions/1"`) || !strings.Contains(p.body, `value="approve"`) {
		t.Fatalf("approval page: %s", p.body)
	}
	if p := head.post("/replies/"+appr.ID.String()+"/decide", url.Values{"decision": {"reject"}}); p.status != http.StatusBadRequest {
		t.Fatalf("sent back without a reason: %d", p.status)
	}
	p = head.post("/replies/"+appr.ID.String()+"/decide", url.Values{"decision": {"reject"}, "reason": {"Proszę wskazać, jakie pełnomocnictwo."}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/inbox?flash=flash.replyRejected" {
		t.Fatalf("send back: %d %q %s", p.status, p.header.Get("Location"), p.body)
	}

	// Back with the officer, who corrects it: a new version goes to the head again.
	rev := b.replyTaskOf(t, "wymiar", "revise")
	p = off.get("/replies/" + rev.ID.String())
	if !strings.Contains(p.body, "Proszę wskazać, jakie pełnomocnictwo.") || !strings.Contains(p.body, "przez dołączenie pełnomocnictwa") {
		t.Fatalf("correction page: %s", p.body)
	}
	fixed := strings.Replace(text, "pełnomocnictwa", "pełnomocnictwa do reprezentowania strony w postępowaniu podatkowym", 1)
	p = off.post("/replies/"+rev.ID.String()+"/revise", url.Values{"decision": {"resubmit"}, "text": {fixed}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/tasks?flash=flash.replyResubmitted" {
		t.Fatalf("resubmit: %d %q %s", p.status, p.header.Get("Location"), p.body)
	}
	d, err := b.reg.Document(b.ctx, b.admin, doc.ID)
	must(t, err)
	if len(d.Versions) != 2 {
		t.Fatalf("versions after the correction: %d", len(d.Versions))
	}
	if got := pdfText(t, off.get("/documents/"+doc.ID.String()+"/versions/2").body); !strings.Contains(got, "do reprezentowania strony") {
		t.Fatalf("version 2: %s", got)
	}

	// Approved: the dispatch registers the letter for posting.
	appr = b.replyTaskOf(t, "skarbnik", "approve")
	p = head.post("/replies/"+appr.ID.String()+"/decide", url.Values{"decision": {"approve"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/inbox?flash=flash.replyApproved" {
		t.Fatalf("approve: %d %q %s", p.status, p.header.Get("Location"), p.body)
	}
	out, err := b.reg.OutgoingRegister(b.ctx, b.admin, registry.OutgoingFilter{})
	must(t, err)
	if len(out) != 1 || out[0].DocumentID == nil || *out[0].DocumentID != doc.ID || out[0].Channel != "post_zpo" ||
		out[0].CaseID == nil || *out[0].CaseID != c.ID || !strings.Contains(out[0].Address, "00-002 Żółkiewka") {
		t.Fatalf("outgoing register: %+v", out)
	}
	clerk := b.client()
	clerk.login("kancelaria")
	if p := clerk.get("/outgoing"); !strings.Contains(p.body, out[0].Number) || !strings.Contains(p.body, "Zofia Łęcka-Źdźbło") {
		t.Fatalf("outgoing register page: %s", p.body)
	}
	if p := clerk.get("/tasks"); !strings.Contains(p.body, "Nadanie przesyłki poleconej") || !strings.Contains(p.body, "FN.3120.1.2026") {
		t.Fatalf("the registry office has no posting task: %s", p.body)
	}
}

// A party with no address cannot be written to: refused before anything
// is registered.
func TestReplyNeedsAnAddress(t *testing.T) {
	b := setup(t)
	offA, err := b.reg.ActorByLogin(b.ctx, "wymiar")
	must(t, err)
	c, err := b.reg.CreateCase(b.ctx, offA, registry.NewCase{Unit: "FN", JRWA: "3120", Title: "Sprawa",
		Parties: []registry.NewCaseParty{{Party: registry.Party{Kind: "person", Name: "Jan Bezadresowy"}, Role: "strona"}}})
	must(t, err)
	c, err = b.reg.Case(b.ctx, offA, c.ID)
	must(t, err)
	off := b.client()
	off.login("wymiar")
	p := off.post("/cases/"+c.ID.String()+"/reply", url.Values{"template": {"odpowiedz"}, "party": {c.Parties[0].ID.String()},
		"title": {"Odpowiedź"}, "text": {"Treść."}})
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, "no postal address") {
		t.Fatalf("reply to a party without an address: %d %s", p.status, p.body)
	}
	if docs, err := b.reg.CaseDocuments(b.ctx, b.admin, c.ID); err != nil || len(docs) != 0 {
		t.Fatalf("documents after a refused reply: %v %v", docs, err)
	}
}
