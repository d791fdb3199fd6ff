package registry

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

func (b *bundle) clerk(t *testing.T) *Actor {
	t.Helper()
	pos := must(b.svc.CreatePosition(b.ctx, b.admin, "OR", "Referent ds. kancelaryjnych", false))
	return b.newUser(t, "kancelaria", "Katarzyna Lewandowska", []Role{RoleRegistry}, pos)
}

func letter(subject string) NewIncoming {
	return NewIncoming{Channel: "paper", Kind: "application", Subject: subject,
		Sender:    NewCaseParty{Party: Party{Name: "Jan Nowak", PESEL: "44051401359", Street: "ul. Lipowa 5", PostalCode: "00-950", City: "Warszawa"}},
		SenderRef: "JN/1/2026"}
}

// RPW numbers are gapless and unique under concurrency.
func TestIncomingRPWConcurrent(t *testing.T) {
	b := setup(t)
	clerk := b.clerk(t)
	const n = 100
	var wg sync.WaitGroup
	nums := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := letter(fmt.Sprintf("Pismo %d", i))
			in.SenderRef = fmt.Sprintf("REF/%d", i)
			item, err := b.svc.RegisterIncoming(b.ctx, clerk, in)
			if err != nil {
				t.Error(err)
				return
			}
			nums[i] = item.N
		}()
	}
	wg.Wait()
	sort.Ints(nums)
	for i, v := range nums {
		if v != i+1 {
			t.Fatalf("RPW numbers not exactly 1..%d: position %d holds %d", n, i, v)
		}
	}
}

func TestIncomingDuplicatesAndHandover(t *testing.T) {
	b := setup(t)
	clerk := b.clerk(t)
	in := letter("Wniosek o wydanie zaświadczenia")
	in.Files = []File{b.file(t, "skan.pdf", "application/pdf", pdf)}
	first := must(b.svc.RegisterIncoming(b.ctx, clerk, in))
	if first.RPW != "RPW/1/2026" || first.DocumentID == nil || first.ReceivedOn != calendar.NewDate(2026, 11, 23) {
		t.Fatalf("first: %+v", first)
	}
	in.Files = []File{b.file(t, "skan.pdf", "application/pdf", pdf)}
	if _, err := b.svc.RegisterIncoming(b.ctx, clerk, in); !engine.Is(engine.KindConflict, err) || !strings.Contains(err.Error(), "RPW/1/2026") {
		t.Fatalf("duplicate: %v", err)
	}
	in.AllowDuplicate = true
	if second := must(b.svc.RegisterIncoming(b.ctx, clerk, in)); second.RPW != "RPW/2/2026" {
		t.Errorf("confirmed duplicate: %s", second.RPW)
	}
	// An electronic item handed over twice is registered once.
	e := NewIncoming{Channel: "epuap", Subject: "Pismo ogólne", Sender: NewCaseParty{Party: Party{Name: "Anna Kowalska"}}, ExternalID: "epuap:abc123"}
	one := must(b.svc.RegisterIncoming(b.ctx, clerk, e))
	two := must(b.svc.RegisterIncoming(b.ctx, clerk, e))
	if one.ID != two.ID || !two.Existing || one.Existing {
		t.Errorf("handover twice: %s %s existing=%v", one.RPW, two.RPW, two.Existing)
	}
	if b.count(t, "incoming_items") != 3 {
		t.Errorf("%d items", b.count(t, "incoming_items"))
	}
	for _, bad := range []struct {
		in    NewIncoming
		field string
	}{
		{NewIncoming{Channel: "pigeon", Subject: "x", Sender: NewCaseParty{Party: Party{Name: "A"}}}, "channel"},
		{NewIncoming{Channel: "paper", Sender: NewCaseParty{Party: Party{Name: "A"}}}, "subject"},
		{NewIncoming{Channel: "paper", Subject: "x"}, "sender.name"},
		{NewIncoming{Channel: "paper", Subject: "x", Sender: NewCaseParty{Party: Party{Name: "Firma", Kind: "organisation", REGON: "123456789"}}}, "sender.regon"},
	} {
		if _, err := b.svc.RegisterIncoming(b.ctx, clerk, bad.in); engine.FieldOf(err) != bad.field {
			t.Errorf("%+v: %v, want field %s", bad.in, err, bad.field)
		}
	}
	if _, err := b.svc.RegisterIncoming(b.ctx, b.officer, letter("x")); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("officer registers: %v", err)
	}
	reg := must(b.svc.IncomingRegister(b.ctx, clerk, IncomingFilter{Channel: "paper"}))
	if len(reg) != 2 || reg[0].N != 1 {
		t.Errorf("register filtered by channel: %d", len(reg))
	}
}

func TestAssignmentSteps(t *testing.T) {
	b := setup(t)
	clerk := b.clerk(t)
	item := must(b.svc.RegisterIncoming(b.ctx, clerk, letter("Skarga na działanie urzędu")))
	deadline := calendar.NewDate(2026, 12, 7)
	x := must(b.svc.Assign(b.ctx, clerk, item.ID, AssignTo{Unit: "OR", Instruction: "Proszę o odpowiedź", Deadline: &deadline}))
	// OR returns it: not theirs.
	if err := b.svc.ReturnAssignment(b.ctx, b.other, x.ID, ""); engine.FieldOf(err) != "reason" {
		t.Errorf("return without reason: %v", err)
	}
	if err := b.svc.ReturnAssignment(b.ctx, b.officer, x.ID, "nie nasza"); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("return by another unit: %v", err)
	}
	must0(b.svc.ReturnAssignment(b.ctx, b.other, x.ID, "sprawa podatkowa — do FN"))
	// Reassigned to FN's position; FN accepts.
	y := must(b.svc.Assign(b.ctx, clerk, item.ID, AssignTo{PositionID: &b.fnPos.ID}))
	if y.Unit != "" || *y.UnitID != b.fnPos.UnitID {
		t.Errorf("position assignment: %+v", y)
	}
	must0(b.svc.AcceptAssignment(b.ctx, b.officer, y.ID))
	if err := b.svc.AcceptAssignment(b.ctx, b.officer, y.ID); !engine.Is(engine.KindConflict, err) {
		t.Errorf("accept twice: %v", err)
	}
	got := must(b.svc.Incoming(b.ctx, b.officer, item.ID))
	if got.Status != "accepted" || len(got.Assignments) != 2 || got.Assignments[0].State != "returned" || got.Assignments[0].Reason == "" ||
		got.Assignments[1].State != "accepted" || got.Assignments[1].DecidedBy == nil || *got.Assignments[1].DecidedBy != b.officer.UserID {
		t.Fatalf("item: %+v", got)
	}
	if _, err := b.svc.Incoming(b.ctx, b.other, item.ID); !engine.Is(engine.KindNotFound, err) {
		t.Errorf("OR still sees the item: %v", err)
	}
	if _, err := b.svc.Assign(b.ctx, b.officer, item.ID, AssignTo{Unit: "OR"}); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("officer assigns: %v", err)
	}
}

// Item 6 of the issue: a paper letter from registration to the appeal
// deadline, computed across a public holiday.
func TestPaperLetterEndToEnd(t *testing.T) {
	b := setup(t)
	clerk := b.clerk(t)
	b.clock.Set(time.Date(2026, 10, 19, 9, 0, 0, 0, calendar.Warsaw()))
	in := letter("Wniosek o zmianę decyzji podatkowej")
	in.Files = []File{b.file(t, "skan-wniosku.pdf", "application/pdf", pdf)}
	item := must(b.svc.RegisterIncoming(b.ctx, clerk, in))
	x := must(b.svc.Assign(b.ctx, clerk, item.ID, AssignTo{Unit: "FN", Instruction: "Rozpatrzyć"}))
	must0(b.svc.AcceptAssignment(b.ctx, b.officer, x.ID))
	c := must(b.svc.OpenCaseForItem(b.ctx, b.officer, item.ID, NewCase{JRWA: "3120"}))
	if c.Signature != "FN.3120.1.2026" || c.Sender != "Jan Nowak" || c.SenderRef != "JN/1/2026" || c.StartedOn != calendar.NewDate(2026, 10, 19) {
		t.Fatalf("case: %+v", c)
	}
	got := must(b.svc.Incoming(b.ctx, b.officer, item.ID))
	if got.Status != "in_case" || got.CaseSignature != c.Signature {
		t.Fatalf("item after case: %+v", got)
	}
	docs := must(b.svc.CaseDocuments(b.ctx, b.officer, c.ID))
	if len(docs) != 1 || docs[0].ID != *item.DocumentID {
		t.Fatalf("the scan is not in the case: %+v", docs)
	}
	// The reply: a decision, registered in the case, sent by post with ZPO.
	b.clock.Set(time.Date(2026, 10, 26, 10, 0, 0, 0, calendar.Warsaw()))
	dec := meta()
	dec.Typ, dec.Tytul = "decyzja", "Decyzja w sprawie zmiany wymiaru podatku"
	reply := must(b.svc.RegisterDocument(b.ctx, b.officer, NewDocument{Metadata: dec, CaseID: &c.ID,
		Relations: []Relation{{To: *item.DocumentID, Kind: RelReplyTo}}, Files: []File{b.file(t, "decyzja.pdf", "application/pdf", pdf)}}))
	out := must(b.svc.RegisterOutgoing(b.ctx, b.officer, NewOutgoing{CaseID: &c.ID, DocumentID: &reply.ID,
		Recipient: NewCaseParty{Party: Party{ID: *item.SenderPartyID}}}))
	if out.Channel != "post_zpo" || out.Address != "ul. Lipowa 5\n00-950 Warszawa" || out.Number != "RPWych/1/2026" {
		t.Fatalf("outgoing: %+v", out)
	}
	if _, err := b.svc.MarkSent(b.ctx, clerk, out.ID, nil, "", 0); engine.FieldOf(err) != "trackingNumber" {
		t.Errorf("sent without tracking number: %v", err)
	}
	must(b.svc.MarkSent(b.ctx, clerk, out.ID, nil, "00659007734500012345", 1250))
	book := must(b.svc.PostalBook(b.ctx, clerk, calendar.NewDate(2026, 10, 26)))
	if len(book) != 1 || book[0].TrackingNumber != "00659007734500012345" || book[0].Postage != 1250 {
		t.Fatalf("postal book: %+v", book)
	}
	// The ZPO comes back signed on 28.10.2026; 14 days end on 11.11 —
	// Independence Day — so the appeal deadline moves to 12.11 (KPA art. 57 §4).
	b.clock.Set(time.Date(2026, 11, 2, 9, 0, 0, 0, calendar.Warsaw()))
	zpo := calendar.NewDate(2026, 10, 28)
	done := must(b.svc.RegisterReturnReceipt(b.ctx, clerk, " 0065 9007 7345 0001 2345 ", Delivery{Basis: BasisZPO, Date: &zpo}))
	if *done.DeliveredOn != zpo || *done.AppealDeadline != calendar.NewDate(2026, 11, 12) || done.Status != "delivered" {
		t.Fatalf("delivery: %+v", done)
	}
	if _, err := b.svc.RegisterReturnReceipt(b.ctx, clerk, "00659007734500012345", Delivery{Basis: BasisZPO, Date: &zpo}); !engine.Is(engine.KindConflict, err) {
		t.Errorf("second ZPO: %v", err)
	}
	m := must(b.svc.Metryka(b.ctx, b.officer, c.ID))
	last := m[len(m)-1]
	if last.Action != ActionDelivered || last.Details["appealDeadline"] != "2026-11-12" || last.Details["deliveredOn"] != "2026-10-28" {
		t.Fatalf("metryka: %+v", last)
	}
	var actions []string
	for _, e := range m {
		actions = append(actions, e.Action)
	}
	want := "case.created,case.party_added,item.attached,document.registered,outgoing.delivered"
	if strings.Join(actions, ",") != want {
		t.Errorf("metryka actions %v, want %s", actions, want)
	}
	if rep := must(b.svc.VerifyChains(b.ctx)); rep.Broken != nil {
		t.Errorf("chain: %v", rep.Broken)
	}
}

func TestDeliveryRules(t *testing.T) {
	cal := calendar.Polish()
	// Awizo on 2.11.2026: storage ends 16.11 (Monday), deemed delivered then.
	if got := DeemedAfterStorage(calendar.NewDate(2026, 11, 2)); got != calendar.NewDate(2026, 11, 16) {
		t.Errorf("storage: %s", got)
	}
	// Not opened, sent 1.12.2026: delivered the day after 14 days pass: 16.12.
	if got := DeemedElectronic(calendar.NewDate(2026, 12, 1)); got != calendar.NewDate(2026, 12, 16) {
		t.Errorf("electronic: %s", got)
	}
	// Delivered 10.12.2025: 24.12 (holiday from 2025), 25, 26, weekend → 29.12.
	if got := AppealDeadline(cal, calendar.NewDate(2025, 12, 10)); got != calendar.NewDate(2025, 12, 29) {
		t.Errorf("appeal: %s", got)
	}
	for _, tc := range []struct {
		p    Party
		want string
	}{
		{Party{Kind: "person", ADE: "AE:PL-12345-67890-ABCDE-12", EPUAPAddress: "/jan/skrytka"}, "edoreczenia"},
		{Party{Kind: "organisation", EPUAPAddress: "/gmina/skrytka"}, "epuap"},
		{Party{Kind: "person", EPUAPAddress: "/jan/skrytka"}, "post_zpo"},
		{Party{Kind: "person", PreferredChannel: "in_person"}, "in_person"},
	} {
		if got := ChooseChannel(tc.p); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.p, got, tc.want)
		}
	}
	for s, ok := range map[string]bool{"123456785": true, "123456786": false, "12345678512347": true, "12345678512348": false, "12345": false} {
		if ValidREGON(s) != ok {
			t.Errorf("REGON %s: %v", s, !ok)
		}
	}
}

func TestMergeParties(t *testing.T) {
	b := setup(t)
	clerk := b.clerk(t)
	c1 := must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "A",
		Parties: []NewCaseParty{{Party: Party{Name: "Jan Nowak", PESEL: "44051401359"}}}}))
	c2 := must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "B",
		Parties: []NewCaseParty{{Party: Party{Name: "J. Nowak"}}}}))
	keep := must(b.svc.Case(b.ctx, b.officer, c1.ID)).Parties[0].ID
	dup := must(b.svc.Case(b.ctx, b.officer, c2.ID)).Parties[0].ID
	if found := must(b.svc.Parties(b.ctx, clerk, "nowak", 10)); len(found) != 2 {
		t.Fatalf("search: %d", len(found))
	}
	if err := b.svc.MergeParties(b.ctx, b.officer, keep, dup); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("officer merges: %v", err)
	}
	must0(b.svc.MergeParties(b.ctx, clerk, keep, dup))
	if err := b.svc.MergeParties(b.ctx, clerk, keep, dup); !engine.Is(engine.KindConflict, err) {
		t.Errorf("merge twice: %v", err)
	}
	got := must(b.svc.Case(b.ctx, b.officer, c2.ID))
	if len(got.Parties) != 1 || got.Parties[0].ID != keep {
		t.Fatalf("case B parties after merge: %+v", got.Parties)
	}
	m := must(b.svc.Metryka(b.ctx, b.officer, c2.ID))
	if last := m[len(m)-1]; last.Action != ActionPartyMerged || last.Details["fromName"] != "J. Nowak" {
		t.Errorf("metryka: %+v", last)
	}
	if found := must(b.svc.Parties(b.ctx, clerk, "nowak", 10)); len(found) != 1 {
		t.Errorf("merged duplicate still listed")
	}
	var into string
	if err := b.db.Pool.QueryRow(b.ctx, "SELECT merged_into::text FROM parties WHERE id = $1", dup).Scan(&into); err != nil || into != keep.String() {
		t.Errorf("duplicate row not kept: %v %s", err, into)
	}
}

// Postage comes from the office's dated price list when not given.
func TestPostageFromPriceList(t *testing.T) {
	b := setup(t)
	clerk := b.clerk(t)
	for _, r := range []PostageRate{
		{Channel: "post_zpo", MaxWeightG: 50, Price: 1150, ValidFrom: calendar.NewDate(2025, 1, 1), ValidTo: ptr(calendar.NewDate(2025, 12, 31))},
		{Channel: "post_zpo", MaxWeightG: 50, Price: 1250, ValidFrom: calendar.NewDate(2026, 1, 1)},
		{Channel: "post_zpo", MaxWeightG: 1000, Price: 1490, ValidFrom: calendar.NewDate(2026, 1, 1)},
	} {
		must(b.svc.AddPostageRate(b.ctx, clerk, r))
	}
	if _, err := b.svc.AddPostageRate(b.ctx, clerk, PostageRate{Channel: "epuap", MaxWeightG: 1, Price: 0, ValidFrom: calendar.NewDate(2026, 1, 1)}); engine.FieldOf(err) != "channel" {
		t.Errorf("electronic class: %v", err)
	}
	if _, err := b.svc.AddPostageRate(b.ctx, b.officer, PostageRate{Channel: "post_zpo", MaxWeightG: 50, Price: 1, ValidFrom: calendar.NewDate(2027, 1, 1)}); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("officer edits the price list: %v", err)
	}
	out := must(b.svc.RegisterOutgoing(b.ctx, clerk, NewOutgoing{Recipient: NewCaseParty{Party: Party{Name: "Jan Nowak", Street: "ul. Lipowa 5", PostalCode: "00-950", City: "Warszawa"}}}))
	sent := must(b.svc.MarkSent(b.ctx, clerk, out.ID, nil, "00659007734500055555", 0))
	if sent.Postage != 1250 {
		t.Errorf("postage %d, want 1250 from the 2026 list", sent.Postage)
	}
	if rates := must(b.svc.PostageRates(b.ctx, clerk)); len(rates) != 2 {
		t.Errorf("rates in force: %d", len(rates))
	}
}

func ptr[T any](v T) *T { return &v }
