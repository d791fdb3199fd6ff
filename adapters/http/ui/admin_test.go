package ui

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// The administration page lists positions (with holders and ids), users
// (with roles and positions, never a password hash) and substitutions;
// the forms choose positions from the list.
func TestAdminLists(t *testing.T) {
	b := setup(t)
	c := b.client()
	c.login("admin")
	p := c.get("/admin")
	if p.status != http.StatusOK {
		t.Fatalf("admin: %d", p.status)
	}
	for _, want := range []string{"Skarbnik Gminy", "Małgorzata Kamińska (skarbnik)", "Inspektor ds. podatku od nieruchomości",
		"Ewa Wróblewska", "FN-P — Inspektor ds. podatku od nieruchomości", "kierownik", "kancelaria"} {
		if !strings.Contains(p.body, want) {
			t.Fatalf("admin page lacks %q", want)
		}
	}
	if strings.Contains(p.body, "$argon2id") {
		t.Fatal("a password hash on the admin page")
	}
	// A new position, then a user holding it, then a substitution for it.
	p = c.post("/admin/positions", url.Values{"unit": {"OR-K"}, "name": {"Sekretarz Gminy"}, "head": {"on"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("new position: %d %s", p.status, p.body)
	}
	p = c.get("/admin")
	m := regexp.MustCompile(`<option value="([0-9a-f-]{36})">OR-K — Sekretarz Gminy</option>`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("the new position is not offered in the forms: %s", p.body)
	}
	p = c.post("/admin/users", url.Values{"login": {"sekretarz"}, "name": {"Tomasz Sekretarski"}, "password": {"haslo-sekretarza-1"},
		"roles": {"head"}, "position": {m[1]}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("new user: %d %s", p.status, p.body)
	}
	p = c.post("/admin/substitutions", url.Values{"position": {m[1]}, "login": {"wymiar"}, "from": {"2026-11-20"}, "to": {"2026-11-30"}, "reason": {"urlop wypoczynkowy"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("new substitution: %d %s", p.status, p.body)
	}
	p = c.get("/admin")
	for _, re := range []string{
		`<td>OR-K</td><td>Sekretarz Gminy</td><td>tak</td>\s*<td>Tomasz Sekretarski \(sekretarz\)</td>`,
		`<td>sekretarz</td><td>Tomasz Sekretarski</td><td></td>\s*<td>kierownik</td><td>OR-K — Sekretarz Gminy</td>`,
		`<td>OR-K — Sekretarz Gminy</td><td>Piotr Zieliński \(wymiar\)</td><td>2026-11-20</td><td>2026-11-30</td>\s*<td>urlop wypoczynkowy</td><td><span class="badge soon">obowiązuje dziś</span>`,
	} {
		if !regexp.MustCompile(re).MatchString(p.body) {
			t.Fatalf("admin page lacks %s", re)
		}
	}
	// Nobody else sees the lists.
	off := b.client()
	off.login("skarbnik")
	if p := off.get("/admin"); p.status != http.StatusForbidden {
		t.Fatalf("head on the admin page: %d", p.status)
	}
}
