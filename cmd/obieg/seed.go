package main

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
)

// jrwaGmina is an extract of a gmina JRWA (classes as commonly used in
// municipal offices under the 2011 instrukcja kancelaryjna), for the demo
// office. An office imports its own full list with `obieg jrwa import`.
//
//go:embed demo/jrwa-gmina.csv
var jrwaGmina []byte

const demoOffice = "demo"

type demoUser struct {
	login, name string
	roles       []registry.Role
	positions   []string // position keys below
}

// cmdSeed creates the demo office once: units, positions, users with
// printed passwords and the JRWA extract. Run again, it changes nothing.
func cmdSeed(ctx context.Context) error {
	a, err := open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.db.Migrate(ctx); err != nil {
		return err
	}
	if _, err := a.reg.OfficeByShortName(ctx, demoOffice); err == nil {
		fmt.Fprintln(stdout, "demo office exists: nothing to seed (new password: ./bin/obieg user password LOGIN)")
		return nil
	} else if !engine.Is(engine.KindNotFound, err) {
		return err
	}
	reg := a.reg
	office, err := reg.CreateOffice(ctx, "Urząd Gminy Przykładowo", demoOffice)
	if err != nil {
		return err
	}
	if err := reg.SetOfficeAddress(ctx, office.ID, "ul. Rynek 1\n00-001 Przykładowo"); err != nil {
		return err
	}
	adminPw := newPassword()
	u, err := reg.CreateUser(ctx, nil, office.ID, registry.NewUser{Login: "admin", Name: "Administrator systemu", Password: adminPw, Roles: []registry.Role{registry.RoleAdmin}})
	if err != nil {
		return err
	}
	admin, err := reg.Actor(ctx, office.ID, u.ID)
	if err != nil {
		return err
	}
	units := []struct{ symbol, name, parent string }{
		{"OR", "Referat Organizacyjny", ""},
		{"OR-K", "Kancelaria ogólna", "OR"},
		{"FN", "Referat Finansowy", ""},
		{"FN-P", "Stanowisko ds. wymiaru podatków", "FN"},
		{"RG", "Referat Rozwoju Gospodarczego i Planowania Przestrzennego", ""},
		{"OŚ", "Stanowisko ds. ochrony środowiska", ""},
	}
	for _, un := range units {
		if _, err := reg.CreateUnit(ctx, admin, un.symbol, un.name, un.parent); err != nil {
			return err
		}
	}
	positions := map[string]*registry.Position{}
	for _, p := range []struct {
		key, unit, name string
		head            bool
	}{
		{"sekretarz", "OR", "Sekretarz Gminy", true},
		{"kancelaria", "OR-K", "Referent ds. kancelaryjnych", false},
		{"archiwista", "OR", "Archiwista zakładowy", false},
		{"skarbnik", "FN", "Skarbnik Gminy — Kierownik Referatu Finansowego", true},
		{"wymiar", "FN-P", "Inspektor ds. wymiaru podatków", false},
		{"ksiegowosc", "FN", "Podinspektor ds. księgowości podatkowej", false},
		{"planowanie", "RG", "Inspektor ds. planowania przestrzennego", false},
		{"srodowisko", "OŚ", "Inspektor ds. ochrony środowiska", false},
	} {
		pos, err := reg.CreatePosition(ctx, admin, p.unit, p.name, p.head)
		if err != nil {
			return err
		}
		positions[p.key] = pos
	}
	users := []demoUser{
		{"kancelaria", "Katarzyna Lewandowska", []registry.Role{registry.RoleRegistry}, []string{"kancelaria"}},
		{"sekretarz", "Tomasz Wójcik", []registry.Role{registry.RoleHead}, []string{"sekretarz"}},
		{"skarbnik", "Małgorzata Kamińska", []registry.Role{registry.RoleHead}, []string{"skarbnik"}},
		{"wymiar", "Piotr Zieliński", []registry.Role{registry.RoleOfficer}, []string{"wymiar"}},
		{"ksiegowa", "Agnieszka Szymańska", []registry.Role{registry.RoleOfficer}, []string{"ksiegowosc"}},
		{"planista", "Marek Dąbrowski", []registry.Role{registry.RoleOfficer}, []string{"planowanie", "srodowisko"}},
		{"archiwista", "Ewa Kozłowska", []registry.Role{registry.RoleArchivist}, []string{"archiwista"}},
	}
	passwords := [][2]string{{"admin", adminPw}}
	for _, du := range users {
		pw := newPassword()
		nu, err := reg.CreateUser(ctx, admin, office.ID, registry.NewUser{Login: du.login, Name: du.name, Password: pw, Roles: du.roles})
		if err != nil {
			return err
		}
		for _, key := range du.positions {
			if err := reg.AssignPosition(ctx, admin, nu.ID, positions[key].ID); err != nil {
				return err
			}
		}
		passwords = append(passwords, [2]string{du.login, pw})
	}
	// The account the ePUAP pull registers documents as (no password: it does not log in).
	if _, err := reg.CreateUser(ctx, admin, office.ID, registry.NewUser{Login: "epuap", Name: "Integracja ePUAP", Roles: []registry.Role{registry.RoleIntegrator}}); err != nil {
		return err
	}
	if _, err := reg.ImportJRWA(ctx, admin, "JRWA gminy (wyciąg)", calendar.NewDate(2012, 1, 1), nil, bytes.NewReader(jrwaGmina)); err != nil {
		return err
	}
	// e-Doręczenia: the integrator account, the office's general address and
	// the tax unit's own (the simulator of make run holds both mailboxes).
	if _, err := reg.CreateUser(ctx, admin, office.ID, registry.NewUser{Login: "edoreczenia", Name: "Integracja e-Doręczeń", Roles: []registry.Role{registry.RoleIntegrator}}); err != nil {
		return err
	}
	if _, err := reg.AddEDeliveryAddress(ctx, admin, demoADEOffice, "Urząd Gminy Przykładowo", true, nil); err != nil {
		return err
	}
	if _, err := reg.AddEDeliveryAddress(ctx, admin, demoADETax, "Referat Podatków", false, []string{"FN-P"}); err != nil {
		return err
	}
	if err := seedTax(ctx, a.tax, admin, time.Now().Year()); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Demo office \"Urząd Gminy Przykładowo\" created. Users and passwords (shown once):")
	for _, p := range passwords {
		fmt.Fprintf(stdout, "  %-12s %s\n", p[0], p[1])
	}
	fmt.Fprintln(stdout, "API token: ./bin/obieg token create --user admin")
	return nil
}
