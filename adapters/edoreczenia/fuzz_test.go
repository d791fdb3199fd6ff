package edoreczenia_test

import (
	"encoding/json"
	"testing"

	"obieg.dev/obieg/adapters/edoreczenia"
	"obieg.dev/obieg/engine"
)

func FuzzParseEvidence(f *testing.F) {
	for _, name := range []string{"evidence-handover.xml", "evidence-submission.xml", "evidence-deemed.xml", "evidence-failure.xml"} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>`))
	f.Add([]byte(`<ns2:Evidence xmlns:ns2="http://uri.etsi.org/19522/v1#"><EventTime>2026-01-01T00:00:00</EventTime><ns2:EvidenceType>BPOX</ns2:EvidenceType></ns2:Evidence>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := edoreczenia.ParseEvidence(data)
		if err != nil {
			if k := engine.KindOf(err); k != engine.KindInvalid && k != engine.KindTooLarge {
				t.Fatalf("kind %v: %v", k, err)
			}
			return
		}
		if ev.EventTime.IsZero() || (ev.Event == "" && ev.Code == "") {
			t.Fatalf("accepted without event or time: %+v", ev)
		}
		kind, _ := ev.DeliveryFact()
		switch kind {
		case "", edoreczenia.FactSubmitted, edoreczenia.FactDelivered, edoreczenia.FactOpened, edoreczenia.FactDeemed, edoreczenia.FactFailed:
		default:
			t.Fatalf("unknown fact %q", kind)
		}
	})
}

func FuzzDecodeMessage(f *testing.F) {
	f.Add([]byte(`{"messageMetadata":{"messageId":"M1","shippingService":"electronic","to":[{"eDeliveryAddress":"AE:PL-66081-65851-BHGEH-20"}]},"attachments":[{"order":1,"file":{"fileMetadata":{"fileId":"F"},"file":"JVBERi0="}}]}`))
	f.Add([]byte(`{"messageControlData":{"opened":true,"daysToReceive":3,"labels":[{"label":"INBOX"}]}}`))
	f.Add([]byte(`{"messageMetadata":{"timestamp":"2017-07-21T17:32:28Z"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := edoreczenia.DecodeMessage(data)
		if err != nil {
			if k := engine.KindOf(err); k != engine.KindUnavailable && k != engine.KindTooLarge {
				t.Fatalf("kind %v: %v", k, err)
			}
			return
		}
		// What decodes encodes and decodes to the same.
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := edoreczenia.DecodeMessage(b)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
		if m2.ID() != m.ID() || m2.TextBody != m.TextBody || len(m2.Attachments) != len(m.Attachments) {
			t.Fatalf("round trip changed the message: %s", b)
		}
	})
}
