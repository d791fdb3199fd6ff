package registry

import (
	"testing"

	"obieg.dev/obieg/engine"
)

// hitTitles are the hits' kinds and titles.
func hitTitles(hs []SearchHit) map[string]string {
	m := map[string]string{}
	for _, h := range hs {
		m[h.Title] = h.Kind
	}
	return m
}

// TestSearch: cases by signature, title, sender and party (name, PESEL,
// NIP); documents by title, description and file name; Polish diacritics
// ignored; words in any order; another unit's officer does not see a
// case or its documents; another office sees nothing.
func TestSearch(t *testing.T) {
	b := setup(t)
	fn := must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "Zażółć gęślą jaźń — wymiar podatku od nieruchomości",
		Sender: "Łucja Żółtowska-Ćwik", Parties: []NewCaseParty{{Party: Party{Kind: "person", Name: "Grzegorz Brzęczyszczykiewicz", PESEL: "85071402348"}}}}))
	or := must(b.svc.CreateCase(b.ctx, b.admin, NewCase{Unit: "OR", JRWA: "0120", Title: "Regulamin organizacyjny urzędu — zmiana",
		Parties: []NewCaseParty{{Party: Party{Kind: "organisation", Name: "Spółdzielnia Mieszkaniowa Łąka", NIP: "5260250274"}}}}))
	m := meta()
	m.Tytul, m.Opis = "Decyzja o umorzeniu zaległości", "Umorzenie odsetek za zwłokę w podatku rolnym"
	doc := must(b.svc.RegisterDocument(b.ctx, b.officer, NewDocument{Metadata: m, CaseID: &fn.ID, Files: []File{b.file(t, "skan-umorzenie-2026.pdf", "application/pdf", pdf)}}))
	m.Tytul, m.Opis = "Projekt zarządzenia w sprawie regulaminu", ""
	must(b.svc.RegisterDocument(b.ctx, b.admin, NewDocument{Metadata: m, CaseID: &or.ID, Files: []File{b.file(t, "regulamin.pdf", "application/pdf", pdf)}}))

	search := func(a *Actor, q string) map[string]string {
		t.Helper()
		hs, err := b.svc.Search(b.ctx, a, q, 20)
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		return hitTitles(hs)
	}
	for _, c := range []struct {
		q    string
		want string // a title that must be found
		kind string
	}{
		{fn.Signature, fn.Title, HitCase},
		{"3120.1", fn.Title, HitCase},              // a signature fragment (trigrams)
		{"zazolc gesla", fn.Title, HitCase},        // no diacritics
		{"ZAŻÓŁĆ", fn.Title, HitCase},              // case
		{"nieruchom wymiar", fn.Title, HitCase},    // words in any order, as prefixes
		{"zoltowska", fn.Title, HitCase},           // the sender
		{"brzeczyszczykiewicz", fn.Title, HitCase}, // a party's name
		{"85071402348", fn.Title, HitCase},         // PESEL
		{"5260250274", or.Title, HitCase},          // NIP
		{"łąka", or.Title, HitCase},
		{"umorzeniu", "Decyzja o umorzeniu zaległości", HitDocument},      // document title
		{"odsetek zwloke", "Decyzja o umorzeniu zaległości", HitDocument}, // description
		{"skan-umorzenie", "Decyzja o umorzeniu zaległości", HitDocument}, // file name
	} {
		got := search(b.admin, c.q)
		if got[c.want] != c.kind {
			t.Errorf("%q: want %s %q, got %v", c.q, c.kind, c.want, got)
		}
	}
	if got := search(b.admin, "nic takiego nie ma"); len(got) != 0 {
		t.Errorf("nonsense found %v", got)
	}
	// "%" and "_" are not wildcards.
	if got := search(b.admin, "%_%"); len(got) != 0 {
		t.Errorf("wildcards: %v", got)
	}

	// Ranking: the exact signature first.
	hs := must(b.svc.Search(b.ctx, b.admin, fn.Signature, 20))
	if len(hs) == 0 || hs[0].ID != fn.ID || hs[0].Signature != fn.Signature || hs[0].Status != StatusOpen {
		t.Errorf("signature search: %+v", hs)
	}
	// A document hit names its case.
	hs = must(b.svc.Search(b.ctx, b.admin, "umorzeniu", 20))
	if len(hs) != 1 || hs[0].ID != doc.ID || hs[0].CaseID == nil || *hs[0].CaseID != fn.ID || hs[0].Signature != fn.Signature {
		t.Errorf("document hit: %+v", hs)
	}

	// Visibility: the OR officer does not see the FN case nor its document, and sees the OR case.
	for _, q := range []string{fn.Signature, "zazolc", "85071402348", "umorzeniu", "skan-umorzenie"} {
		if got := search(b.other, q); len(got) != 0 {
			t.Errorf("officer of OR finds %q: %v", q, got)
		}
	}
	if got := search(b.other, "regulamin"); got[or.Title] != HitCase || got["Projekt zarządzenia w sprawie regulaminu"] != HitDocument {
		t.Errorf("officer of OR, own unit: %v", got)
	}
	if got := search(b.officer, "regulamin"); len(got) != 0 {
		t.Errorf("officer of FN finds OR's: %v", got)
	}
	// Another office sees nothing of this one.
	_, admin2 := b.newOffice(t, "powiat")
	if got := search(admin2, "zazolc"); len(got) != 0 {
		t.Errorf("another office finds %v", got)
	}

	// The limit applies to all hits; bad input is refused.
	for _, q := range []string{"a", " ", "x\x00y"} {
		if _, err := b.svc.Search(b.ctx, b.admin, q, 10); engine.KindOf(err) != engine.KindInvalid {
			t.Errorf("%q: %v", q, err)
		}
	}
	if _, err := b.svc.Search(b.ctx, b.admin, "abc", SearchMaxLimit+1); engine.KindOf(err) != engine.KindInvalid {
		t.Errorf("limit: %v", err)
	}
	if hs := must(b.svc.Search(b.ctx, b.admin, "regulamin", 1)); len(hs) != 1 {
		t.Errorf("limit 1: %d hits", len(hs))
	}
}
