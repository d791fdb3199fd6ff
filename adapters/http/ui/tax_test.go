package ui

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine/registry"
)

// in1Form is what the officers' IN-1 form posts for a house with a garden
// bought in October 2026 (taxed from November, upol art. 6 ust. 1).
func in1Form() url.Values {
	return url.Values{
		"a.authority": {"Wójt Gminy Testowo"},
		"b.pesel":     {"85071402348"}, "b.surname": {"Żółtowska-Ćwik"}, "b.firstName": {"Łucja"}, "b.birthDate": {"1985-07-14"},
		"b.address.country": {"Polska"}, "b.address.commune": {"Testowo"}, "b.address.street": {"ul. Lipowa"},
		"b.address.house": {"5"}, "b.address.city": {"Testowo"}, "b.address.postalCode": {"00-002"},
		"c.kind": {"first"}, "c.event": {"arose"}, "c.date": {"2026-10-10"},
		"d.land.0.category": {"land-other"}, "d.land.0.location": {"Testowo, ul. Lipowa 5"}, "d.land.0.parcel": {"0001 123/4"},
		"d.land.0.area": {"812,35"}, "d.land.0.unit": {"m2"},
		"d.buildings.0.category": {"building-residential"}, "d.buildings.0.location": {"Testowo, ul. Lipowa 5"},
		"d.buildings.0.parcel": {"0001 123/4"}, "d.buildings.0.area": {"140,50"}, "d.buildings.0.areaFull": {"120,50"},
		"d.buildings.0.areaLow": {"20,00"},
		"filedOn":               {"2026-11-20"},
	}
}

// TestTaxPages: an officer of the tax unit gets the IN-1 form, sees the
// problems of a wrong one next to its fields, registers a right one and
// lands on its case; the decision of the year appears in the list. An
// officer of another unit is refused (tax secrecy); without the CSRF token
// nothing is registered.
func TestTaxPages(t *testing.T) {
	b := setup(t)
	c := b.client()
	c.login("podatki")

	p := c.get("/tax/declarations/new")
	if p.status != http.StatusOK || !strings.Contains(p.body, `id="f-b-surname"`) || !strings.Contains(p.body, `action="/tax/declarations"`) {
		t.Fatalf("form: %d %s", p.status, p.body)
	}
	if !strings.Contains(p.body, `href="/tax/decisions"`) {
		t.Error("no link to the decisions in the menu")
	}
	if strings.Contains(p.body, "<style") {
		t.Error("the form brings a <style> the CSP refuses")
	}

	// Without the token.
	bad := in1Form()
	bad.Set("csrf", "00")
	if p := c.post("/tax/declarations", bad); p.status != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", p.status)
	}

	// Problems next to their fields, the input kept.
	wrong := in1Form()
	wrong.Del("b.surname")
	wrong.Set("d.buildings.0.area", "sto czterdzieści")
	p = c.post("/tax/declarations", wrong)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong form: %d %s", p.status, p.body)
	}
	for _, want := range []string{`id="f-d-buildings-0-area-err"`, `aria-invalid="true"`, `value="sto czterdzieści"`, `value="Łucja"`, `href="#f-d-buildings-0-area"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("wrong form: no %s", want)
		}
	}
	wrong.Set("d.buildings.0.area", "140,50")
	p = c.post("/tax/declarations", wrong)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="f-b-surname-err"`) {
		t.Fatalf("without a surname: %d", p.status)
	}

	// Registered: the case opens.
	p = c.post("/tax/declarations", in1Form())
	if p.status != http.StatusSeeOther {
		t.Fatalf("register: %d %s", p.status, p.body)
	}
	loc := p.header.Get("Location")
	if !strings.HasPrefix(loc, "/cases/") || !strings.Contains(loc, "FN-P.3120.1.2026") {
		t.Fatalf("redirect: %s", loc)
	}
	p = c.get(loc)
	if p.status != http.StatusOK || !strings.Contains(p.body, "FN-P.3120.1.2026") || !strings.Contains(p.body, "IN-1") {
		t.Fatalf("case: %d %s", p.status, p.body)
	}

	// Search without diacritics finds the case and the IN-1 document.
	p = c.get("/search?q=zoltowska-cwik")
	if !strings.Contains(p.body, "FN-P.3120.1.2026") || !strings.Contains(p.body, "<td>dokument</td>") {
		t.Errorf("search: %s", p.body)
	}

	// The decision appears in the year's list (the assessment step runs on a worker).
	deadline := time.Now().Add(20 * time.Second)
	for {
		p = c.get("/tax/decisions?year=2026")
		if p.status != http.StatusOK {
			t.Fatalf("decisions: %d %s", p.status, p.body)
		}
		if strings.Contains(p.body, "FN-P.3120.1.2026") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no decision listed: %s", p.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// A draft until approved; its instalments come with delivery.
	if !strings.Contains(p.body, "projekt") || !strings.Contains(p.body, `<td class="num">`) {
		t.Errorf("the decision's status or total is not shown: %s", p.body)
	}
	if p := c.get("/tax/decisions?year=dwa"); p.status != http.StatusBadRequest {
		t.Errorf("bad year: %d", p.status)
	}
	if p := c.get("/tax/decisions?year=2025"); p.status != http.StatusOK || strings.Contains(p.body, "FN-P.3120.1.2026") {
		t.Errorf("2025: %d", p.status)
	}

	// English labels.
	c.get("/lang?l=en&next=/tax/decisions")
	if p := c.get("/tax/decisions?year=2026"); !strings.Contains(p.body, "Property tax decisions") {
		t.Error("no English title")
	}

	// Another unit's officer: tax secrecy.
	o := b.client()
	o.login("wymiar")
	if p := o.get("/tax/decisions"); p.status != http.StatusForbidden {
		t.Errorf("officer of FN: %d", p.status)
	}
	if p := o.post("/tax/declarations", in1Form()); p.status != http.StatusForbidden {
		t.Errorf("officer of FN registers: %d %s", p.status, p.body)
	}
}

// TestInboxWithoutWorkflow: without the incoming workflow the head's inbox
// lists the registry's pending assignments to the head's units, and
// accepting one there takes it off the list.
func TestInboxWithoutWorkflow(t *testing.T) {
	b := setupWith(t, false)
	clerk, err := b.reg.ActorByLogin(b.ctx, "kancelaria")
	must(t, err)
	in := registry.NewIncoming{Channel: "paper", Kind: "application", Subject: "Wniosek o rozłożenie zaległości na raty",
		Sender: registry.NewCaseParty{Party: registry.Party{Name: "Zofia Łęcka", Street: "ul. Polna 1", PostalCode: "00-001", City: "Testowo"}}}
	item, err := b.reg.RegisterIncoming(b.ctx, clerk, in)
	must(t, err)
	x, err := b.reg.Assign(b.ctx, clerk, item.ID, registry.AssignTo{Unit: "FN-P", Instruction: "Proszę o analizę"})
	must(t, err)
	in.Subject = "Skarga na pracownika"
	other, err := b.reg.RegisterIncoming(b.ctx, clerk, in)
	must(t, err)
	_, err = b.reg.Assign(b.ctx, clerk, other.ID, registry.AssignTo{Unit: "OR"})
	must(t, err)

	c := b.client()
	c.login("skarbnik")
	p := c.get("/inbox")
	if p.status != http.StatusOK || !strings.Contains(p.body, item.RPW) || !strings.Contains(p.body, "Proszę o analizę") ||
		!strings.Contains(p.body, `action="/assignments/`+x.ID.String()+`/accept"`) {
		t.Fatalf("inbox: %d %s", p.status, p.body)
	}
	if strings.Contains(p.body, other.RPW) {
		t.Error("the head of FN sees an item assigned to OR")
	}
	p = c.post("/assignments/"+x.ID.String()+"/accept", url.Values{"back": {"/inbox"}})
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/inbox") {
		t.Fatalf("accept: %d %s", p.status, p.body)
	}
	if p := c.get("/inbox"); strings.Contains(p.body, item.RPW) {
		t.Error("the accepted item is still in the inbox")
	}
}
