package edoreczenia

import (
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

// Fact is one event of a letter's delivery, from an evidence
// (Evidence.DeliveryFact).
type Fact struct {
	Kind string // FactSubmitted, FactDelivered, FactOpened, FactDeemed, FactFailed
	Time time.Time
}

// FactOf is Evidence.DeliveryFact as a Fact.
func FactOf(e *Evidence) Fact {
	k, t := e.DeliveryFact()
	return Fact{Kind: k, Time: t}
}

// Delivery bases; the same words as the registry's BasisOpened and
// BasisDeemed, so a Delivery is recorded on the outgoing entry as it is.
const (
	BasisOpened = "opened"
	BasisDeemed = "deemed"
)

// Delivery is the legal outcome of a letter sent by a public body to a
// private recipient.
type Delivery struct {
	Delivered bool          // the letter counts as delivered
	Date      calendar.Date // the legal delivery date (Europe/Warsaw), when Delivered
	Basis     string        // BasisOpened or BasisDeemed, when Delivered
	// FromEvidence is false when a deemed delivery was computed by the rule
	// alone (the 14 days passed and the service has not yet issued its
	// evidence).
	FromEvidence bool
	// DeemedOn is the day the fiction takes effect if the letter is not
	// opened before; zero until the day it reached the box is known.
	DeemedOn calendar.Date
	Failed   bool // the service could not deliver: another channel is needed
}

// DeemedPeriodDays is the period after which an unopened letter is deemed
// delivered.
const DeemedPeriodDays = 14

// DeemedOn is the day an electronic letter placed in the box on placed is
// deemed delivered if not opened: the day after 14 days pass (ustawa z dnia
// 18 listopada 2020 r. o doręczeniach elektronicznych art. 41–42;
// domain-rules §2). The 14 days run from the day after placing (KPA
// art. 57 §1): placed on 1 March, the period ends on 15 March and the letter
// is delivered on 16 March. It ends a fiction rather than a deadline for an
// act, so Saturdays and holidays do not move it (KPA art. 57 §4 concerns
// deadlines). registry.DeemedElectronic computes the same; a test keeps the
// two equal.
func DeemedOn(placed time.Time) calendar.Date {
	return calendar.DateOf(placed).AddDays(DeemedPeriodDays + 1)
}

// DeliveryDate applies the rule for a letter of a public body to a private
// recipient (art. 41–42 of the act; domain-rules §2) to the facts known
// from the evidences, as of now:
//
//   - opened (proof of receipt) before the fiction took effect: delivered on
//     the day of opening;
//   - otherwise, once the day DeemedOn(placed) has come — or the service
//     issued its deemed-delivery evidence — delivered on that day (a later
//     opening does not move it);
//   - the 14 days run from the day the letter was placed in the box
//     (FactDelivered); without that evidence, from the proof of sending
//     (FactSubmitted), which the service issues the same moment for an
//     electronic letter;
//   - failed and neither opened nor deemed by an evidence: Failed (the rule
//     alone never deems a letter the service could not deliver).
//
// An opening or deemed evidence without any evidence of sending or
// placing still counts, on its own date.
func DeliveryDate(now time.Time, facts ...Fact) (Delivery, error) {
	const op = "edoreczenia.DeliveryDate"
	var placed, submitted, opened, deemed, failed time.Time
	earliest := func(t *time.Time, v time.Time) {
		if t.IsZero() || v.Before(*t) {
			*t = v
		}
	}
	for _, f := range facts {
		if f.Kind == "" {
			continue
		}
		if f.Time.IsZero() {
			return Delivery{}, engine.Invalid(op, "facts", "a %s fact has no time", f.Kind)
		}
		switch f.Kind {
		case FactDelivered:
			earliest(&placed, f.Time)
		case FactSubmitted:
			earliest(&submitted, f.Time)
		case FactOpened:
			earliest(&opened, f.Time)
		case FactDeemed:
			earliest(&deemed, f.Time)
		case FactFailed:
			earliest(&failed, f.Time)
		default:
			return Delivery{}, engine.Invalid(op, "facts", "unknown fact kind %q", f.Kind)
		}
	}
	if placed.IsZero() {
		placed = submitted
	}
	var d Delivery
	if !placed.IsZero() {
		d.DeemedOn = DeemedOn(placed)
	}
	switch {
	case !opened.IsZero() && (d.DeemedOn.IsZero() || !calendar.DateOf(opened).After(d.DeemedOn)):
		d.Delivered, d.Basis, d.Date, d.FromEvidence = true, BasisOpened, calendar.DateOf(opened), true
	case !d.DeemedOn.IsZero() && (!deemed.IsZero() || !opened.IsZero() || (failed.IsZero() && !calendar.DateOf(now).Before(d.DeemedOn))):
		// The fiction took effect on DeemedOn whatever day the service
		// wrote its evidence (or the addressee opened the letter later).
		d.Delivered, d.Basis, d.Date = true, BasisDeemed, d.DeemedOn
		d.FromEvidence = !deemed.IsZero()
	case !deemed.IsZero():
		d.Delivered, d.Basis, d.Date, d.FromEvidence = true, BasisDeemed, calendar.DateOf(deemed), true
	case !failed.IsZero():
		d.Failed = true
	}
	return d, nil
}
