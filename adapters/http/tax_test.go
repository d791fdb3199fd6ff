package web

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The tax API: the administrator's dictionary (a rate above the maximum is
// refused naming the field), an IN-1 as ePUAP carries it, the draft
// decision the assessment makes from it, tax secrecy for other units.
func TestTaxAPI(t *testing.T) {
	b := setup(t)
	res := b.do("POST", "/api/v1/tax/dictionary", b.admin, "application/json",
		[]byte(`{"kind":"rate","key":"building_residential","value":"1.20","validFrom":"2025-01-01","validTo":"2025-12-31"}`))
	if res.status != http.StatusBadRequest || res.problem(t).Field != "value" {
		t.Fatalf("1,20 zł/m² for 2025 (max 1,19): %d %s", res.status, res.body)
	}
	for _, r := range []string{
		`{"kind":"rate","key":"building_residential","value":"1.10","validFrom":"2025-01-01","validTo":"2025-12-31","legalBasis":"Uchwała nr III/20/2024"}`,
		`{"kind":"rate","key":"land_other","value":"0.60","validFrom":"2025-01-01","validTo":"2025-12-31"}`,
		`{"kind":"rate","key":"land_water","value":"6.00","validFrom":"2025-01-01","validTo":"2025-12-31"}`,
		`{"kind":"rate","key":"structure","value":"2","validFrom":"2025-01-01","validTo":"2025-12-31"}`,
		`{"kind":"rate","key":"building_other","value":"10.00","validFrom":"2025-01-01","validTo":"2025-12-31"}`,
		`{"kind":"rate","key":"building_business","value":"30.00","validFrom":"2025-01-01","validTo":"2025-12-31"}`,
	} {
		if res := b.do("POST", "/api/v1/tax/dictionary", b.admin, "application/json", []byte(r)); res.status != http.StatusCreated {
			t.Fatalf("%s: %d %s", r, res.status, res.body)
		}
	}
	xml, err := os.ReadFile(filepath.Join("..", "..", "forms", "in1", "testdata", "in1-epuap.xml"))
	if err != nil {
		t.Fatal(err)
	}
	res = b.do("POST", "/api/v1/tax/declarations", b.officer, "application/xml", xml)
	if res.status != http.StatusCreated {
		t.Fatalf("declaration: %d %s", res.status, res.body)
	}
	var decl struct {
		ID, CaseSignature, Account string
		Year                       int
	}
	res.json(t, &decl)
	if decl.Year != 2025 || decl.Account == "" {
		t.Fatalf("declaration %+v", decl)
	}
	var found struct {
		Taxpayers []struct{ ID, Name, Account string }
	}
	b.do("GET", "/api/v1/tax/taxpayers?q=85071402348", b.officer, "", nil).json(t, &found)
	if len(found.Taxpayers) != 1 || found.Taxpayers[0].Account != decl.Account {
		t.Fatalf("taxpayer by PESEL: %+v", found)
	}
	var rec struct {
		Holdings []struct{ Category, Base, TaxedFrom string }
	}
	b.do("GET", "/api/v1/tax/taxpayers/"+found.Taxpayers[0].ID, b.officer, "", nil).json(t, &rec)
	// Five subjects from 14.03.2025: taxed from 1.04.2025 (upol art. 6 ust. 1).
	if len(rec.Holdings) != 5 || rec.Holdings[0].TaxedFrom != "2025-04-01" {
		t.Fatalf("holdings: %+v", rec.Holdings)
	}
	if res := b.do("GET", "/api/v1/tax/taxpayers", b.other, "", nil); res.status != http.StatusForbidden {
		t.Fatalf("an officer of OR read the taxpayer register: %d", res.status)
	}
	if res := b.do("GET", "/api/v1/tax/decisions?year=2025", b.other, "", nil); res.status != http.StatusForbidden {
		t.Fatalf("an officer of OR read tax decisions: %d", res.status)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		var out struct {
			Decisions []struct {
				ID, Status string
				Total      int
			}
		}
		b.do("GET", "/api/v1/tax/decisions?year=2025", b.officer, "", nil).json(t, &out)
		if len(out.Decisions) == 1 {
			if out.Decisions[0].Status != "draft" || out.Decisions[0].Total <= 0 || out.Decisions[0].Total%100 != 0 {
				t.Fatalf("draft: %+v", out.Decisions[0])
			}
			if res := b.do("GET", "/api/v1/tax/decisions/"+out.Decisions[0].ID, b.officer, "", nil); res.status != http.StatusOK {
				t.Fatalf("decision: %d %s", res.status, res.body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no draft decision from the assessment")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if res := b.do("POST", "/api/v1/tax/declarations", b.officer, "application/xml", []byte("<x/>")); res.status != http.StatusBadRequest {
		t.Fatalf("not an IN-1: %d %s", res.status, res.body)
	}
	if res := b.do("GET", "/api/v1/tax/dictionary?kind=rate&on=2025-06-01", b.officer, "", nil); res.status != http.StatusOK {
		t.Fatalf("dictionary: %d", res.status)
	}
}
