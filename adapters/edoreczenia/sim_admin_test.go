package edoreczenia_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"obieg.dev/obieg/adapters/edoreczenia"
	"obieg.dev/obieg/engine"
)

// The simulator's own API over HTTP: put a letter, open it, inject faults.
func TestSimulatorAdminAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	post := func(path, body string) *http.Response {
		t.Helper()
		res, err := http.Post(e.srv.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := post("/sim/messages", `{"from":"`+citizenADE+`","fromName":"Jan","to":"`+officeADE+`","subject":"Wniosek",
		"attachments":[{"filename":"w.pdf","contentType":"application/pdf","content":"JVBERi0xLjQK"}]}`)
	var created struct{ MessageID string }
	_ = json.NewDecoder(res.Body).Decode(&created)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || created.MessageID == "" {
		t.Fatalf("POST /sim/messages: %d", res.StatusCode)
	}
	if res := post("/sim/messages", `{"from":"x","to":"`+officeADE+`"}`); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad sender accepted: %d", res.StatusCode)
	}
	if res := post("/sim/messages/"+created.MessageID+"/open", ""); res.StatusCode != http.StatusOK {
		t.Errorf("open: %d", res.StatusCode)
	}
	evs := must[[]edoreczenia.EvidenceInfo](t)(e.office.ListEvidences(ctx, officeADE, created.MessageID))
	if evidenceCodes(evs) != "A.1 D.1 E.1" {
		t.Errorf("evidences after opening: %s", evidenceCodes(evs))
	}
	if res := post("/sim/faults", `{"every":1,"status":502}`); res.StatusCode != http.StatusNoContent {
		t.Fatalf("faults: %d", res.StatusCode)
	}
	_, err := e.office.ListMessages(ctx, officeADE, edoreczenia.ListOptions{})
	wantKind(t, err, engine.KindUnavailable)
	if res := post("/sim/faults", `{"delay":"10m"}`); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a 10-minute delay accepted")
	}
	post("/sim/faults", `{"delay":"1ms","duplicates":true}`)
	page := must[*edoreczenia.MessagesWrapper](t)(e.office.ListMessages(ctx, officeADE, edoreczenia.ListOptions{Label: "INBOX"}))
	if len(page.Messages) != 2 || page.Messages[0].ID() != page.Messages[1].ID() {
		t.Errorf("duplicates: %d messages", len(page.Messages))
	}
}
