package registry

import (
	"testing"

	"github.com/google/uuid"
)

func assignmentIDs(xs []*Assignment) map[uuid.UUID]bool {
	m := map[uuid.UUID]bool{}
	for _, x := range xs {
		m[x.ID] = true
	}
	return m
}

// TestPendingAssignments: each actor sees the pending assignments they may
// decide — to their unit (heads: and the units below), to a position they
// hold — and no others; decided ones leave the list; administrators see all.
func TestPendingAssignments(t *testing.T) {
	b := setup(t)
	clerk := b.clerk(t)
	must(b.svc.CreateUnit(b.ctx, b.admin, "FN-P", "Referat Podatków", "FN"))
	headPos := must(b.svc.CreatePosition(b.ctx, b.admin, "FN", "Skarbnik Gminy", true))
	head := b.newUser(t, "skarbnik", "Małgorzata Kamińska", []Role{RoleHead}, headPos)

	toFN := must(b.svc.Assign(b.ctx, clerk, must(b.svc.RegisterIncoming(b.ctx, clerk, letter("Wniosek o zaświadczenie"))).ID, AssignTo{Unit: "FN"}))
	toFNP := must(b.svc.Assign(b.ctx, clerk, must(b.svc.RegisterIncoming(b.ctx, clerk, letter("Informacja IN-1"))).ID, AssignTo{Unit: "FN-P"}))
	toOR := must(b.svc.Assign(b.ctx, clerk, must(b.svc.RegisterIncoming(b.ctx, clerk, letter("Skarga"))).ID, AssignTo{Unit: "OR"}))
	toPos := must(b.svc.Assign(b.ctx, clerk, must(b.svc.RegisterIncoming(b.ctx, clerk, letter("Korekta"))).ID, AssignTo{PositionID: &b.fnPos.ID}))

	for _, c := range []struct {
		who  string
		a    *Actor
		want []*Assignment
	}{
		{"head of FN", head, []*Assignment{toFN, toFNP}},
		{"officer of FN", b.officer, []*Assignment{toFN, toPos}},
		{"officer of OR", b.other, []*Assignment{toOR}},
		{"clerk (OR)", clerk, []*Assignment{toOR}},
		{"admin", b.admin, []*Assignment{toFN, toFNP, toOR, toPos}},
	} {
		got := must(b.svc.PendingAssignments(b.ctx, c.a))
		ids := assignmentIDs(got)
		if len(got) != len(c.want) {
			t.Errorf("%s: %d pending, want %d: %+v", c.who, len(got), len(c.want), got)
		}
		for _, w := range c.want {
			if !ids[w.ID] {
				t.Errorf("%s: %s (to %s) missing", c.who, w.ID, w.Unit)
			}
		}
		// Every listed assignment is one the actor may decide.
		for _, x := range got {
			if x.State != "pending" {
				t.Errorf("%s: %s is %s", c.who, x.ID, x.State)
			}
		}
	}
	// Decided: gone from the list.
	must0(b.svc.AcceptAssignment(b.ctx, head, toFNP.ID))
	must0(b.svc.ReturnAssignment(b.ctx, head, toFN.ID, "nie dotyczy referatu"))
	if got := must(b.svc.PendingAssignments(b.ctx, head)); len(got) != 0 {
		t.Errorf("head after deciding: %+v", got)
	}
	// Another office's actors see none of these.
	_, admin2 := b.newOffice(t, "powiat")
	if got := must(b.svc.PendingAssignments(b.ctx, admin2)); len(got) != 0 {
		t.Errorf("another office: %+v", got)
	}
	if _, err := b.svc.PendingAssignments(b.ctx, nil); err == nil {
		t.Error("no actor: no error")
	}
}
