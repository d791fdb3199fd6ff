package registry

import (
	"slices"
	"testing"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

// The administrator lists users (with positions, without password
// hashes), positions (with holders) and substitutions of the office only;
// nobody else may.
func TestOrganisationLists(t *testing.T) {
	b := setup(t)
	must(b.svc.CreateUnit(b.ctx, b.admin, "FN-P", "Referat Podatków", "FN"))
	head := must(b.svc.CreatePosition(b.ctx, b.admin, "FN", "Skarbnik Gminy", true))
	skarbnik := b.newUser(t, "skarbnik", "Małgorzata Kamińska", []Role{RoleHead}, head)
	must(b.svc.CreateUser(b.ctx, b.admin, b.office.ID, NewUser{Login: "z.haslem", Name: "Z Hasłem", Password: "bardzo-tajne-haslo", Roles: []Role{RoleOfficer}}))
	must(b.svc.CreateSubstitution(b.ctx, b.admin, Substitution{PositionID: b.fnPos.ID, UserID: b.other.UserID,
		ValidFrom: calendar.NewDate(2026, 11, 20), ValidTo: calendar.NewDate(2026, 11, 27), Reason: "urlop"}))
	// Another office's people stay out of the lists.
	_, otherAdmin := b.newOffice(t, "inny")
	must(b.svc.CreatePosition(b.ctx, otherAdmin, "FN", "Obcy", true))

	users := must(b.svc.Users(b.ctx, b.admin))
	var logins []string
	for _, u := range users {
		logins = append(logins, u.Login)
	}
	if want := []string{"anna.nowak", "gmina.admin", "jan.kowalski", "skarbnik", "z.haslem"}; !slices.Equal(logins, want) {
		t.Fatalf("users: %v, want %v", logins, want)
	}
	jan := users[slices.IndexFunc(users, func(u UserEntry) bool { return u.Login == "jan.kowalski" })]
	if !jan.Active || jan.Name != "Jan Kowalski" || !slices.Equal(jan.Positions, []string{"FN — Inspektor ds. wymiaru podatków"}) ||
		!slices.Equal(jan.Roles, []Role{RoleOfficer}) {
		t.Errorf("jan.kowalski: %+v", jan)
	}

	pos := must(b.svc.Positions(b.ctx, b.admin))
	if len(pos) != 3 || pos[0].Name != "Skarbnik Gminy" || !pos[0].IsHead || pos[0].Unit != "FN" ||
		!slices.Equal(pos[0].Holders, []string{"Małgorzata Kamińska (skarbnik)"}) || pos[2].Unit != "OR" {
		t.Fatalf("positions: %+v", pos)
	}

	subs := must(b.svc.Substitutions(b.ctx, b.admin))
	if len(subs) != 1 || subs[0].UserLogin != "anna.nowak" || subs[0].Position != "Inspektor ds. wymiaru podatków" || subs[0].Unit != "FN" ||
		subs[0].Reason != "urlop" || !subs[0].InForce(calendar.NewDate(2026, 11, 23)) || subs[0].InForce(calendar.NewDate(2026, 11, 28)) {
		t.Fatalf("substitutions: %+v", subs)
	}

	for _, a := range []*Actor{b.officer, skarbnik} {
		if _, err := b.svc.Users(b.ctx, a); !engine.Is(engine.KindForbidden, err) {
			t.Errorf("%s lists users: %v", a.Login, err)
		}
		if _, err := b.svc.Positions(b.ctx, a); !engine.Is(engine.KindForbidden, err) {
			t.Errorf("%s lists positions: %v", a.Login, err)
		}
		if _, err := b.svc.Substitutions(b.ctx, a); !engine.Is(engine.KindForbidden, err) {
			t.Errorf("%s lists substitutions: %v", a.Login, err)
		}
	}

	// The head of FN approves for FN and for FN-P, which has no head; OR has none.
	units := must(b.svc.Units(b.ctx, b.officer))
	id := func(sym string) (u Unit) {
		for _, x := range units {
			if x.Symbol == sym {
				return x
			}
		}
		t.Fatalf("no unit %s", sym)
		return
	}
	for _, sym := range []string{"FN", "FN-P"} {
		if p, err := b.svc.HeadPosition(b.ctx, b.officer, id(sym).ID); err != nil || p.ID != head.ID {
			t.Errorf("head of %s: %+v %v", sym, p, err)
		}
	}
	if _, err := b.svc.HeadPosition(b.ctx, b.officer, id("OR").ID); !engine.Is(engine.KindNotFound, err) {
		t.Errorf("head of OR: %v", err)
	}
}
