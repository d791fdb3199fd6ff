package registry

import (
	"bytes"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

// Row-level security is the second wall: a tenant transaction of one office
// sees none of another office's rows even through queries with no filter,
// and cannot write rows for it.
func TestRowLevelSecurity(t *testing.T) {
	b := setup(t)
	must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "Sprawa gminy"}))
	office2, admin2 := b.newOffice(t, "powiat")
	c2 := must(b.svc.CreateCase(b.ctx, admin2, NewCase{Unit: "FN", JRWA: "3120", Title: "Sprawa powiatu"}))
	if c2.Signature != "FN.3120.1.2026" {
		t.Errorf("each office numbers its own cases: %s", c2.Signature)
	}

	tables := []string{"units", "positions", "users", "jrwa_versions", "jrwa_classes", "cases", "metryka", "case_counters", "offices"}
	err := b.db.Tenant(b.ctx, b.office.ID, func(tx pgx.Tx) error {
		for _, table := range tables {
			var foreign int
			col := "office_id"
			if table == "offices" {
				col = "id"
			}
			// No WHERE on office: the policy alone must hide office 2.
			if err := tx.QueryRow(b.ctx, "SELECT count(*) FROM "+table+" WHERE "+col+" = $1", office2.ID).Scan(&foreign); err != nil {
				return err
			}
			if foreign != 0 {
				t.Errorf("%s: office 1 sees %d rows of office 2", table, foreign)
			}
		}
		var n int
		if err := tx.QueryRow(b.ctx, "SELECT count(*) FROM cases").Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("unfiltered SELECT of cases returns %d rows, want 1", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Writing a row for another office is refused by the policy's WITH CHECK.
	err = b.db.Tenant(b.ctx, b.office.ID, func(tx pgx.Tx) error {
		_, err := tx.Exec(b.ctx, "INSERT INTO units (id, office_id, symbol, name, created_at) VALUES (gen_random_uuid(), $1, 'XX', 'x', now())", office2.ID)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "row-level security") {
		t.Errorf("insert into another office: %v", err)
	}
	// And the Go API refuses to find another office's case.
	if _, err := b.svc.Case(b.ctx, b.admin, c2.ID); !engine.Is(engine.KindNotFound, err) {
		t.Errorf("admin of office 1 reads a case of office 2: %v", err)
	}
	// A tenant transaction with no office set sees nothing.
	var n int
	if err := b.db.Pool.QueryRow(b.ctx, "SELECT count(*) FROM cases").Scan(&n); err != nil || n != 2 {
		t.Fatalf("system sees %d cases (%v)", n, err)
	}
	err = b.db.System(b.ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(b.ctx, "SET LOCAL ROLE obieg_app"); err != nil {
			return err
		}
		return tx.QueryRow(b.ctx, "SELECT count(*) FROM cases").Scan(&n)
	})
	if err != nil || n != 0 {
		t.Errorf("app role without office sees %d cases (%v)", n, err)
	}
}

func TestMetrykaAppendOnlyAndVerify(t *testing.T) {
	b := setup(t)
	c := must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "Sprawa"}))
	must(b.svc.SuspendCase(b.ctx, b.officer, c.ID, "art. 97"))
	must(b.svc.ResumeCase(b.ctx, b.officer, c.ID, ""))
	rep := must(b.svc.VerifyChains(b.ctx))
	if rep.Broken != nil || rep.Entries != 3 || rep.Cases != 1 {
		t.Fatalf("intact chain: %+v %v", rep, rep.Broken)
	}
	m := must(b.svc.Metryka(b.ctx, b.officer, c.ID))
	if m[0].PrevHash != strings.Repeat("00", 32) || m[1].PrevHash != m[0].Hash || m[2].PrevHash != m[1].Hash {
		t.Errorf("entries are not chained")
	}
	// UPDATE and DELETE are refused by the database, for the app role and
	// for the owner alike.
	for _, stmt := range []string{
		"UPDATE metryka SET action = 'x'",
		"DELETE FROM metryka",
		"TRUNCATE metryka CASCADE",
	} {
		err := b.db.Tenant(b.ctx, b.office.ID, func(tx pgx.Tx) error { _, err := tx.Exec(b.ctx, stmt); return err })
		if err == nil {
			t.Errorf("app role: %s succeeded", stmt)
		}
		if _, err := b.db.Pool.Exec(b.ctx, stmt); err == nil {
			t.Errorf("owner: %s succeeded", stmt)
		}
	}
	// A superuser can switch the trigger off; verification catches the tampering.
	tamper := func(stmt string) {
		t.Helper()
		if _, err := b.db.Pool.Exec(b.ctx, "ALTER TABLE metryka DISABLE TRIGGER metryka_append_only; "+stmt+"; ALTER TABLE metryka ENABLE TRIGGER metryka_append_only"); err != nil {
			t.Fatal(err)
		}
	}
	tamper("UPDATE metryka SET actor_name = 'Ktoś Inny' WHERE seq = 2")
	rep = must(b.svc.VerifyChains(b.ctx))
	if rep.Broken == nil || rep.Broken.Seq != 2 || rep.Broken.CaseSignature != "FN.3120.1.2026" || !strings.Contains(rep.Broken.Reason, "altered") {
		t.Fatalf("altered entry not caught: %+v", rep.Broken)
	}
	tamper("UPDATE metryka SET actor_name = 'Jan Kowalski' WHERE seq = 2")
	if rep = must(b.svc.VerifyChains(b.ctx)); rep.Broken != nil {
		t.Fatalf("restored chain still broken: %v", rep.Broken)
	}
	tamper("DELETE FROM metryka WHERE seq = 2")
	rep = must(b.svc.VerifyChains(b.ctx))
	if rep.Broken == nil || rep.Broken.Seq != 3 || !strings.Contains(rep.Broken.Reason, "missing") {
		t.Fatalf("deleted entry not caught: %+v", rep.Broken)
	}
}

func TestJRWAImport(t *testing.T) {
	b := setup(t)
	classes := must(b.svc.JRWA(b.ctx, b.officer))
	leaves := 0
	for _, c := range classes {
		if c.Leaf {
			leaves++
		}
		if c.Symbol == "3120" && (c.CategoryOwn != "BE5" || c.CategoryOther != "Bc" || !c.Leaf) {
			t.Errorf("3120 = %+v", c)
		}
		if c.Symbol == "31" && c.Leaf {
			t.Errorf("31 is not a leaf")
		}
	}
	if leaves < 20 {
		t.Errorf("only %d leaf classes", leaves)
	}
	for _, bad := range []struct{ csv, want string }{
		{"symbol,title\n12345,Za długi\n", "1 to 4 digits"},
		{"symbol,title\n1,A\n123,Brak rodzica\n", "parent class 12"},
		{"symbol,title\n1,A\n1,B\n", "twice"},
		{"symbol,title,category_own\n1,A,X7\n", "archival category"},
		{"title\n1\n", "symbol"},
		{"symbol;hasło;kategoria\n1;Zarządzanie;\n", "archival category"},
	} {
		_, err := b.svc.ImportJRWA(b.ctx, b.admin, "zła", calendar.NewDate(2026, 1, 1), nil, strings.NewReader(bad.csv))
		if !engine.Is(engine.KindInvalid, err) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: %v, want mention of %q", bad.csv, err, bad.want)
		}
	}
	// Semicolons and Polish headers are accepted.
	v := must(b.svc.ImportJRWA(b.ctx, b.admin, "JRWA 2027", calendar.NewDate(2027, 1, 1), nil,
		bytes.NewReader([]byte("\ufeffsymbol;hasło;kategoria\n3;Finanse;\n31;Podatki;\n312;Wymiar;\n3120;Wymiar podatków;A\n"))))
	if v.Classes != 4 {
		t.Errorf("classes = %d", v.Classes)
	}
	// A case keeps the class of the version in force when it was opened.
	b.clock.Set(b.clock.Now().AddDate(1, 0, 0))
	c := must(b.svc.CreateCase(b.ctx, b.officer, NewCase{Unit: "FN", JRWA: "3120", Title: "Pod nową wersją"}))
	if c.Category != "A" {
		t.Errorf("case under JRWA 2027 has category %q", c.Category)
	}
	if _, err := b.svc.ImportJRWA(b.ctx, b.officer, "x", calendar.NewDate(2027, 1, 1), nil, strings.NewReader("symbol,title\n1,A\n")); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("officer imports JRWA: %v", err)
	}
}
