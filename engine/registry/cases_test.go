package registry

import (
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

func TestCreateCaseSignatureAndDeadline(t *testing.T) {
	b := setup(t)
	c, err := b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "Wymiar podatku od nieruchomości — Jan Nowak",
		Sender: "Jan Nowak", Parties: []NewCaseParty{{Party: Party{Name: "Jan Nowak", PESEL: "44051401359"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Signature != "FN.3120.1.2026" {
		t.Errorf("signature = %q, want FN.3120.1.2026", c.Signature)
	}
	// KPA art. 35 §3: one month from 2026-11-23 is 2026-12-23, a Wednesday.
	if c.Deadline == nil || *c.Deadline != calendar.NewDate(2026, 12, 23) {
		t.Errorf("deadline = %v, want 2026-12-23", c.Deadline)
	}
	c2 := must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "Druga sprawa"}))
	if c2.Signature != "FN.3120.2.2026" {
		t.Errorf("second signature = %q", c2.Signature)
	}
	// Another class or unit starts its own spis spraw at 1.
	c3 := must(b.svc.CreateCase(b.ctx, b.admin, NewCase{Unit: "OR", JRWA: "1431", Title: "Wniosek o informację publiczną"}))
	if c3.Signature != "OR.1431.1.2026" {
		t.Errorf("OR signature = %q", c3.Signature)
	}
	got := must(b.svc.Case(b.ctx, b.officer, c.ID))
	if len(got.Parties) != 1 || got.Parties[0].Name != "Jan Nowak" || got.Parties[0].Role != "strona" {
		t.Errorf("parties = %+v", got.Parties)
	}
	if got.Category != "BE5" || got.JRWATitle == "" {
		t.Errorf("category %q, jrwa title %q", got.Category, got.JRWATitle)
	}
	// New year, new numbering.
	b.clock.Set(b.clock.Now().AddDate(0, 2, 0))
	c4 := must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "Sprawa w nowym roku"}))
	if c4.Signature != "FN.3120.1.2027" {
		t.Errorf("new-year signature = %q", c4.Signature)
	}
}

func TestCreateCaseRejectsBadInput(t *testing.T) {
	b := setup(t)
	before := b.count(t, "cases")
	for _, tc := range []struct {
		in    NewCase
		field string
		kind  engine.Kind
	}{
		{NewCase{JRWA: "3120", Title: "x"}, "unit", engine.KindInvalid},
		{NewCase{Unit: "FN", Title: "x"}, "jrwa", engine.KindInvalid},
		{NewCase{Unit: "FN", JRWA: "3120"}, "title", engine.KindInvalid},
		{NewCase{Unit: "XX", JRWA: "3120", Title: "x"}, "unit", engine.KindNotFound},
		{NewCase{Unit: "FN", JRWA: "9999", Title: "x"}, "jrwa", engine.KindNotFound},
		{NewCase{Unit: "FN", JRWA: "312", Title: "x"}, "jrwa", engine.KindInvalid}, // not a leaf
		{NewCase{Unit: "FN", JRWA: "3120", Title: "x", Parties: []NewCaseParty{{Party: Party{Name: "X", PESEL: "44051401358"}}}}, "parties[0].pesel", engine.KindInvalid},
	} {
		_, err := b.svc.CreateCase(b.ctx, b.officer, tc.in)
		if engine.KindOf(err) != tc.kind || engine.FieldOf(err) != tc.field {
			t.Errorf("%+v: got kind %v field %q (%v), want %v %q", tc.in, engine.KindOf(err), engine.FieldOf(err), err, tc.kind, tc.field)
		}
	}
	// An officer of OR may not open a case in FN.
	if _, err := b.svc.CreateCase(b.ctx, b.other, NewCase{Unit: "FN", JRWA: "3120", Title: "x"}); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("officer of OR in FN: %v", err)
	}
	if n := b.count(t, "cases"); n != before {
		t.Errorf("cases written by failed creations: %d", n-before)
	}
	if n := b.count(t, "case_counters"); n != 0 {
		t.Errorf("counters taken by failed creations: %d", n)
	}
}

// TestConcurrentCaseNumbers: 200 concurrent creations for the same unit,
// class and year get the numbers 1..200 exactly once each.
func TestConcurrentCaseNumbers(t *testing.T) {
	b := setup(t)
	const n = 200
	var wg sync.WaitGroup
	nums := make([]int, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: fmt.Sprintf("Sprawa %d", i)})
			if err != nil {
				errs[i] = err
				return
			}
			nums[i] = c.N
			if c.Signature != fmt.Sprintf("FN.3120.%d.2026", c.N) {
				errs[i] = fmt.Errorf("signature %q for n=%d", c.Signature, c.N)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Ints(nums)
	for i, v := range nums {
		if v != i+1 {
			t.Fatalf("numbers not exactly 1..%d: position %d holds %d", n, i, v)
		}
	}
}

func TestCaseLifecycleAndSpis(t *testing.T) {
	b := setup(t)
	c := must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "Podatek — Maria Wiśniewska", Sender: "Maria Wiśniewska", SenderRef: "MW/1/2026"}))
	if _, err := b.svc.ResumeCase(b.ctx, b.officer, c.ID, ""); !engine.Is(engine.KindConflict, err) {
		t.Errorf("resume an open case: %v", err)
	}
	if _, err := b.svc.SuspendCase(b.ctx, b.other, c.ID, "x"); !engine.Is(engine.KindNotFound, err) {
		t.Errorf("officer of another unit suspends: %v", err)
	}
	must(b.svc.SuspendCase(b.ctx, b.officer, c.ID, "KPA art. 97 §1 pkt 4"))
	must(b.svc.ResumeCase(b.ctx, b.officer, c.ID, ""))
	closed := must(b.svc.CloseCase(b.ctx, b.officer, c.ID, "decyzja ostateczna"))
	if closed.Status != StatusClosed || closed.ClosedOn == nil || *closed.ClosedOn != calendar.NewDate(2026, 11, 23) {
		t.Errorf("closed = %+v", closed)
	}
	if _, err := b.svc.CloseCase(b.ctx, b.officer, c.ID, ""); !engine.Is(engine.KindConflict, err) {
		t.Errorf("close twice: %v", err)
	}
	must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "Druga"}))
	rows := must(b.svc.Spis(b.ctx, b.officer, "FN", "3120", 2026))
	if len(rows) != 2 || rows[0].N != 1 || rows[0].Sender != "Maria Wiśniewska" || rows[0].ClosedOn == nil || rows[1].N != 2 {
		t.Errorf("spis = %+v", rows)
	}
	m := must(b.svc.Metryka(b.ctx, b.officer, c.ID))
	var actions []string
	for _, e := range m {
		actions = append(actions, e.Action)
	}
	want := []string{ActionCaseCreated, ActionCaseSuspended, ActionCaseResumed, ActionCaseClosed}
	if fmt.Sprint(actions) != fmt.Sprint(want) {
		t.Errorf("metryka actions = %v, want %v", actions, want)
	}
	if m[0].ActorName != "Jan Kowalski" || m[0].ActorPosition != "Inspektor ds. wymiaru podatków" {
		t.Errorf("metryka actor = %q / %q", m[0].ActorName, m[0].ActorPosition)
	}
}

func TestListCasesFiltersAndScope(t *testing.T) {
	b := setup(t)
	mk := func(a *Actor, unit, jrwa, title, party string) *Case {
		in := NewCase{Unit: unit, JRWA: jrwa, Title: title}
		if party != "" {
			in.Parties = []NewCaseParty{{Party: Party{Name: party}}}
		}
		return must(b.svc.CreateCase(b.ctx, a, in))
	}
	mk(b.officer, "FN", "3120", "Podatek od nieruchomości — Kowalczyk", "Piotr Kowalczyk")
	c2 := mk(b.officer, "FN", "3130", "Ulga — Zielińska", "Ewa Zielińska")
	mk(b.admin, "OR", "1431", "Informacja publiczna", "")
	must(b.svc.CloseCase(b.ctx, b.officer, c2.ID, ""))

	count := func(a *Actor, f CaseFilter) int { return len(must(b.svc.Cases(b.ctx, a, f)).Cases) }
	for name, tc := range map[string]struct {
		a    *Actor
		f    CaseFilter
		want int
	}{
		"admin all":      {b.admin, CaseFilter{}, 3},
		"officer scope":  {b.officer, CaseFilter{}, 2},
		"other scope":    {b.other, CaseFilter{}, 1},
		"unit":           {b.admin, CaseFilter{Unit: "FN"}, 2},
		"jrwa":           {b.admin, CaseFilter{JRWA: "3130"}, 1},
		"year":           {b.admin, CaseFilter{Year: 2025}, 0},
		"status":         {b.admin, CaseFilter{Status: "closed"}, 1},
		"party":          {b.admin, CaseFilter{Party: "kowalczyk"}, 1},
		"text":           {b.admin, CaseFilter{Text: "informacja"}, 1},
		"text signature": {b.admin, CaseFilter{Text: "FN.3130"}, 1},
	} {
		if got := count(tc.a, tc.f); got != tc.want {
			t.Errorf("%s: %d cases, want %d", name, got, tc.want)
		}
	}
	// Pagination walks every case once.
	seen := map[uuid.UUID]bool{}
	cursor := ""
	for {
		p := must(b.svc.Cases(b.ctx, b.admin, CaseFilter{Limit: 2, Cursor: cursor}))
		for _, c := range p.Cases {
			if seen[c.ID] {
				t.Fatalf("case %s twice", c.Signature)
			}
			seen[c.ID] = true
		}
		if p.Next == "" {
			break
		}
		cursor = p.Next
	}
	if len(seen) != 3 {
		t.Errorf("pagination saw %d cases", len(seen))
	}
	if _, err := b.svc.Cases(b.ctx, b.admin, CaseFilter{Cursor: "garbage!"}); engine.FieldOf(err) != "cursor" {
		t.Errorf("bad cursor: %v", err)
	}
}

// A substitution lends a position: the substitute works in its unit for the
// dates of the substitution only.
func TestSubstitution(t *testing.T) {
	b := setup(t)
	c := must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "Sprawa"}))
	if _, err := b.svc.Case(b.ctx, b.other, c.ID); !engine.Is(engine.KindNotFound, err) {
		t.Fatalf("before substitution: %v", err)
	}
	must(b.svc.CreateSubstitution(b.ctx, b.admin, Substitution{PositionID: b.fnPos.ID, UserID: b.other.UserID,
		ValidFrom: calendar.NewDate(2026, 11, 20), ValidTo: calendar.NewDate(2026, 11, 27), Reason: "urlop"}))
	sub := must(b.svc.Actor(b.ctx, b.office.ID, b.other.UserID))
	if _, err := b.svc.Case(b.ctx, sub, c.ID); err != nil {
		t.Fatalf("during substitution: %v", err)
	}
	b.clock.Set(b.clock.Now().AddDate(0, 0, 5)) // 28 November: over
	sub = must(b.svc.Actor(b.ctx, b.office.ID, b.other.UserID))
	if _, err := b.svc.Case(b.ctx, sub, c.ID); !engine.Is(engine.KindNotFound, err) {
		t.Fatalf("after substitution: %v", err)
	}
	if _, err := b.svc.CreateSubstitution(b.ctx, b.officer, Substitution{PositionID: b.fnPos.ID, UserID: b.other.UserID,
		ValidFrom: calendar.NewDate(2026, 12, 1), ValidTo: calendar.NewDate(2026, 12, 2)}); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("officer arranges a substitution: %v", err)
	}
}
