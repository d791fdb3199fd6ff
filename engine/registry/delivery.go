package registry

import (
	"obieg.dev/obieg/engine/calendar"
)

// Legal delivery dates. The date of delivery starts the appeal period, so
// it is computed by the rules, from the evidence, never typed in freely.

// DeliveryBasis says what a delivery date rests on.
const (
	BasisZPO      = "zpo"       // the date the addressee signed the return receipt
	BasisStorage  = "storage"   // paper not collected: deemed on the last day of storage
	BasisOpened   = "opened"    // e-Doręczenia / ePUAP: opened (proof of receipt)
	BasisDeemed   = "deemed"    // e-Doręczenia / ePUAP: not opened, deemed after 14 days
	BasisInPerson = "in_person" // handed over at the office
)

// DeemedAfterStorage: a letter not collected is deemed delivered on the
// last day of the 14-day storage counted from the first notice (KPA art. 44
// §1, §4; Ordynacja podatkowa art. 150 §4). The period runs from the day
// after the notice (KPA art. 57 §1). It is the end of a fiction, not a
// deadline for an act, so art. 57 §4 (moving off holidays) does not apply.
func DeemedAfterStorage(firstNotice calendar.Date) calendar.Date {
	return firstNotice.AddDays(14)
}

// DeemedElectronic: an electronic letter to a private recipient that is not
// opened counts as delivered on the day after 14 days pass from the day it
// was placed in the box (ustawa o doręczeniach elektronicznych art. 41–42;
// domain-rules §2): the 14 days run from the day after sending.
func DeemedElectronic(sent calendar.Date) calendar.Date {
	return sent.AddDays(15)
}

// AppealDeadline is the last day to appeal a decision delivered on
// delivered: 14 days (KPA art. 129 §2; Ordynacja art. 223 §2), counted from
// the day after delivery and moved off Saturdays and holidays (KPA art. 57
// §1, §4; OP art. 12 §5).
func AppealDeadline(cal *calendar.Calendar, delivered calendar.Date) calendar.Date {
	return cal.DeadlineDays(delivered, 14)
}
