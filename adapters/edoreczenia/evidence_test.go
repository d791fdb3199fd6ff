package edoreczenia_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/adapters/edoreczenia"
	"obieg.dev/obieg/engine"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseEvidenceFixtures(t *testing.T) {
	for _, c := range []struct {
		file, id, event, code, kind string
		at                          time.Time
	}{
		{"evidence-handover.xml", "EV-0001-HANDOVER", "ContentHandover", "E.1", edoreczenia.FactOpened, time.Date(2026, 3, 4, 22, 15, 0, 0, time.UTC)},
		{"evidence-submission.xml", "EV-0002-SUBMISSION", "SubmissionAcceptance", "A.1", edoreczenia.FactSubmitted, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
		{"evidence-deemed.xml", "EV-0003-DEEMED", "ContentHandover", "E.1", edoreczenia.FactDeemed, time.Date(2026, 3, 16, 23, 0, 0, 0, time.UTC)},
		{"evidence-failure.xml", "EV-0004-FAILURE", "ContentConsignmentFailure", "D.2", edoreczenia.FactFailed, time.Date(2026, 3, 4, 22, 15, 0, 0, time.UTC)},
	} {
		ev, err := edoreczenia.ParseEvidence(fixture(t, c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		kind, at := ev.DeliveryFact()
		if ev.ID != c.id || ev.Event != c.event || ev.Code != c.code || kind != c.kind || !at.Equal(c.at) {
			t.Errorf("%s: %s %s %s → %s %v", c.file, ev.ID, ev.Event, ev.Code, kind, at)
		}
		// The Identifier inside the signature is not taken for a party.
		if ev.MessageID != "MSG-42" || ev.Sender != "AE:PL-12345-67890-OBIEG-38" || ev.Recipient != "AE:PL-11111-22222-JANKO-22" ||
			ev.SenderName != "Urząd Gminy Testowo" || ev.RecipientName != "Jan Kowalski" {
			t.Errorf("%s: parties %+v", c.file, ev)
		}
	}
}

// Codes alone (A1, BPOX, H.EPO …) map too, in both spellings of the API.
func TestDeliveryFactByCode(t *testing.T) {
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for code, want := range map[string]string{
		"A.1": edoreczenia.FactSubmitted, "A1": edoreczenia.FactSubmitted, "A.2": edoreczenia.FactFailed,
		"B.1": "", "B.2": edoreczenia.FactFailed, "B3": edoreczenia.FactFailed,
		"D.1": edoreczenia.FactDelivered, "D.2": edoreczenia.FactFailed, "D.3": "",
		"E.1": edoreczenia.FactOpened, "E2": edoreczenia.FactFailed,
		"BP.OX": edoreczenia.FactOpened, "BPOP": edoreczenia.FactOpened, "BP.WX": edoreczenia.FactSubmitted, "BPWP": edoreczenia.FactSubmitted,
		"H.PN": edoreczenia.FactSubmitted, "HDW": edoreczenia.FactSubmitted, "HEPO": edoreczenia.FactOpened, "X.9": "",
	} {
		ev := &edoreczenia.Evidence{Code: edoreczenia.NormalizeCode(code), EventTime: at}
		if got, gotAt := ev.DeliveryFact(); got != want || !gotAt.Equal(at) {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
}

func TestParseEvidenceRefuses(t *testing.T) {
	good := string(fixture(t, "evidence-handover.xml"))
	deep := `<ns2:Evidence xmlns:ns2="http://uri.etsi.org/19522/v1#">` + strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) + `</ns2:Evidence>`
	many := `<ns2:Evidence xmlns:ns2="http://uri.etsi.org/19522/v1#">` + strings.Repeat("<a/>", 30000) + `</ns2:Evidence>`
	for name, c := range map[string]struct {
		doc  string
		kind engine.Kind
	}{
		"doctype":        {`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + good[strings.Index(good, "<ns2:Evidence"):], engine.KindInvalid},
		"entity use":     {strings.Replace(good, "Jan Kowalski", "&e;", 1), engine.KindInvalid},
		"wrong root":     {`<Evidence xmlns="http://uri.etsi.org/02640/v2#"><EventTime>2026-01-01T00:00:00Z</EventTime></Evidence>`, engine.KindInvalid},
		"no event":       {strings.Replace(good, "http://uri.etsi.org/19522/Event/ContentHandover", "", 1), engine.KindInvalid},
		"no time":        {strings.Replace(good, "2026-03-04T22:15:00Z", "wczoraj", 1), engine.KindInvalid},
		"not xml":        {"%PDF-1.4", engine.KindInvalid},
		"two roots":      {good[strings.Index(good, "<ns2:Evidence"):] + "<x/>", engine.KindInvalid},
		"too deep":       {deep, engine.KindTooLarge},
		"too many":       {many, engine.KindTooLarge},
		"too large":      {good + strings.Repeat(" ", edoreczenia.MaxEvidenceSize), engine.KindTooLarge},
		"empty":          {"", engine.KindInvalid},
		"truncated":      {good[:len(good)/2], engine.KindInvalid},
		"bad submission": {strings.Replace(good, "2026-03-02T09:00:00Z", "?", 1), engine.KindInvalid},
	} {
		_, err := edoreczenia.ParseEvidence([]byte(c.doc))
		if err == nil || engine.KindOf(err) != c.kind {
			t.Errorf("%s: %v, want kind %v", name, err, c.kind)
		}
	}
}
