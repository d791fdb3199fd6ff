package edoreczenia_test

import (
	"testing"
	"time"

	"obieg.dev/obieg/adapters/edoreczenia"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
)

// Worked examples of ustawa o doręczeniach elektronicznych art. 41–42
// (domain-rules §2): opened → the day of opening; not opened → the day
// after 14 days pass from placing in the box. Times are UTC; dates are
// Warsaw's.
func TestDeliveryDate(t *testing.T) {
	warsaw := calendar.Warsaw()
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, warsaw) }
	date := calendar.NewDate
	f := func(kind string, t time.Time) edoreczenia.Fact { return edoreczenia.Fact{Kind: kind, Time: t} }
	placed := at(2026, 3, 2, 10, 0) // Monday 2 March 2026
	for _, c := range []struct {
		name  string
		now   time.Time
		facts []edoreczenia.Fact
		want  edoreczenia.Delivery
	}{
		{"opened on day 3", at(2026, 3, 5, 12, 0),
			[]edoreczenia.Fact{f("submitted", placed), f("delivered", placed), f("opened", at(2026, 3, 4, 23, 30))},
			edoreczenia.Delivery{Delivered: true, Date: date(2026, 3, 4), Basis: "opened", FromEvidence: true, DeemedOn: date(2026, 3, 17)}},
		{"opened late evening UTC counts in Warsaw's date", at(2026, 3, 6, 0, 0),
			[]edoreczenia.Fact{f("delivered", placed), f("opened", time.Date(2026, 3, 4, 23, 30, 0, 0, time.UTC))},
			edoreczenia.Delivery{Delivered: true, Date: date(2026, 3, 5), Basis: "opened", FromEvidence: true, DeemedOn: date(2026, 3, 17)}},
		{"not opened, 14 days not over", at(2026, 3, 16, 23, 59),
			[]edoreczenia.Fact{f("submitted", placed), f("delivered", placed)},
			edoreczenia.Delivery{DeemedOn: date(2026, 3, 17)}},
		{"not opened, deemed on the day after 14 days (rule, no evidence yet)", at(2026, 3, 17, 0, 0),
			[]edoreczenia.Fact{f("submitted", placed), f("delivered", placed)},
			edoreczenia.Delivery{Delivered: true, Date: date(2026, 3, 17), Basis: "deemed", DeemedOn: date(2026, 3, 17)}},
		{"deemed evidence written later does not move the date", at(2026, 3, 20, 0, 0),
			[]edoreczenia.Fact{f("delivered", placed), f("deemed", at(2026, 3, 18, 3, 0))},
			edoreczenia.Delivery{Delivered: true, Date: date(2026, 3, 17), Basis: "deemed", FromEvidence: true, DeemedOn: date(2026, 3, 17)}},
		{"opened on the day of the fiction: opened", at(2026, 3, 18, 0, 0),
			[]edoreczenia.Fact{f("delivered", placed), f("opened", at(2026, 3, 17, 9, 0))},
			edoreczenia.Delivery{Delivered: true, Date: date(2026, 3, 17), Basis: "opened", FromEvidence: true, DeemedOn: date(2026, 3, 17)}},
		{"opened after the fiction: stays deemed", at(2026, 3, 25, 0, 0),
			[]edoreczenia.Fact{f("delivered", placed), f("opened", at(2026, 3, 20, 9, 0))},
			edoreczenia.Delivery{Delivered: true, Date: date(2026, 3, 17), Basis: "deemed", DeemedOn: date(2026, 3, 17)}},
		{"fiction falls on a holiday: not moved (1 May 2026)", at(2026, 5, 2, 0, 0),
			[]edoreczenia.Fact{f("delivered", at(2026, 4, 16, 8, 0))},
			edoreczenia.Delivery{Delivered: true, Date: date(2026, 5, 1), Basis: "deemed", DeemedOn: date(2026, 5, 1)}},
		{"placed just before midnight Warsaw counts from that day", at(2026, 1, 2, 0, 0),
			[]edoreczenia.Fact{f("submitted", time.Date(2025, 12, 30, 22, 59, 0, 0, time.UTC))},
			edoreczenia.Delivery{DeemedOn: date(2026, 1, 14)}},
		{"only the proof of receipt", at(2026, 3, 10, 0, 0),
			[]edoreczenia.Fact{f("opened", at(2026, 3, 9, 8, 0))},
			edoreczenia.Delivery{Delivered: true, Date: date(2026, 3, 9), Basis: "opened", FromEvidence: true}},
		{"failed", at(2026, 3, 10, 0, 0),
			[]edoreczenia.Fact{f("submitted", placed), f("failed", at(2026, 3, 2, 10, 5))},
			edoreczenia.Delivery{DeemedOn: date(2026, 3, 17), Failed: true}},
		{"failed is never deemed by the rule alone", at(2026, 4, 10, 0, 0),
			[]edoreczenia.Fact{f("submitted", placed), f("failed", at(2026, 3, 2, 10, 5))},
			edoreczenia.Delivery{DeemedOn: date(2026, 3, 17), Failed: true}},
		{"nothing yet", at(2026, 3, 10, 0, 0), nil, edoreczenia.Delivery{}},
	} {
		got, err := edoreczenia.DeliveryDate(c.now, c.facts...)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
	// Failed only when nothing else happened and the period is not over.
	got, _ := edoreczenia.DeliveryDate(at(2026, 3, 3, 0, 0), f("failed", placed))
	if !got.Failed || got.Delivered {
		t.Errorf("failed: %+v", got)
	}
	if _, err := edoreczenia.DeliveryDate(at(2026, 3, 3, 0, 0), f("opened", time.Time{})); err == nil {
		t.Error("a fact without time accepted")
	}
	if _, err := edoreczenia.DeliveryDate(at(2026, 3, 3, 0, 0), f("posted", placed)); err == nil {
		t.Error("an unknown fact accepted")
	}
}

// The adapter's rule and the registry's agree on every day of two years.
func TestDeemedOnAgreesWithRegistry(t *testing.T) {
	for d := calendar.NewDate(2025, 1, 1); d.Before(calendar.NewDate(2027, 1, 1)); d = d.AddDays(1) {
		if got, want := edoreczenia.DeemedOn(d.Start().Add(13*time.Hour)), registry.DeemedElectronic(d); got != want {
			t.Fatalf("%s: adapter %s, registry %s", d, got, want)
		}
	}
}
