package tax

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/adapters/sign"
	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/forms/in1"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
	"obieg.dev/obieg/storage/postgres/pgtest"
	"obieg.dev/obieg/workflows/correspondence"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// bundle: an office with a registry (OR-K), a finance department (FN) and
// its tax unit (FN-P), an officer of FN-P, the head of FN approving, a
// clerk; the kancelaria and tax workflows deployed, workers running.
type bundle struct {
	ctx                   context.Context
	reg                   *registry.Service
	fe                    *flow.Engine
	corr                  *correspondence.Workflows
	tax                   *Service
	clock                 *clock
	admin, officer, head  *registry.Actor
	clerk                 *registry.Actor
	key                   *sign.Key
	blobs                 blob.Store
	adminW, headW, clerkW flow.Who
	officerW              flow.Who
	signedCount           int
	signedMu              sync.Mutex
}

func setup(t *testing.T) *bundle {
	t.Helper()
	return setupOn(t, pgtest.New(t), "file://"+t.TempDir())
}

// setupOn builds the bundle on a given database and blob store (the crash
// test shares both with a child process).
func setupOn(t *testing.T, db *postgres.DB, blobURL string) *bundle {
	t.Helper()
	ctx := context.Background()
	blobs, err := blob.Open(ctx, blobURL)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 2, 20, 9, 0, 0, 0, calendar.Warsaw())}
	reg := registry.New(db, blobs, registry.Options{Clock: clk.now, Logger: slog.New(slog.DiscardHandler)})
	fe, err := flow.New(db, flow.Options{Clock: clk.now, Logger: slog.New(slog.DiscardHandler), RetryDelay: 20 * time.Millisecond, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	o, err := reg.CreateOffice(ctx, "Urząd Gminy Testowo", "testowo")
	must(err)
	must(reg.SetOfficeAddress(ctx, o.ID, "ul. Rynek 1\n00-001 Testowo"))
	u, err := reg.CreateUser(ctx, nil, o.ID, registry.NewUser{Login: "admin", Name: "Admin", Roles: []registry.Role{registry.RoleAdmin}})
	must(err)
	admin, err := reg.Actor(ctx, o.ID, u.ID)
	must(err)
	for _, un := range [][3]string{{"OR-K", "Kancelaria", ""}, {"FN", "Referat Finansowy", ""}, {"FN-P", "Podatki", "FN"}} {
		_, err := reg.CreateUnit(ctx, admin, un[0], un[1], un[2])
		must(err)
	}
	_, err = reg.ImportJRWA(ctx, admin, "JRWA", calendar.NewDate(2012, 1, 1), nil,
		strings.NewReader("symbol,title,category_own\n3,Finanse,\n31,Podatki,\n312,Wymiar,\n3120,Wymiar podatku od nieruchomości,BE5\n"))
	must(err)
	person := func(login, name, unit string, head bool, role registry.Role) *registry.Actor {
		p, err := reg.CreatePosition(ctx, admin, unit, "Stanowisko "+login, head)
		must(err)
		nu, err := reg.CreateUser(ctx, admin, o.ID, registry.NewUser{Login: login, Name: name, Roles: []registry.Role{role}})
		must(err)
		must(reg.AssignPosition(ctx, admin, nu.ID, p.ID))
		a, err := reg.Actor(ctx, o.ID, nu.ID)
		must(err)
		return a
	}
	b := &bundle{ctx: ctx, reg: reg, fe: fe, clock: clk, admin: admin, blobs: blobs}
	b.clerk = person("kancelaria", "Anna Kancelaryjna", "OR-K", false, registry.RoleRegistry)
	b.officer = person("wymiar", "Zofia Wymiarowa", "FN-P", false, registry.RoleOfficer)
	b.head = person("skarbnik", "Grzegorz Skarbnik", "FN", true, registry.RoleHead)
	b.key, err = sign.DevelopmentKey("Wójt Gminy Testowo", "Urząd Gminy Testowo", clk.now())
	must(err)
	b.corr = correspondence.New(reg, fe)
	b.tax = New(reg, fe, blobs, Options{Clock: clk.now, Logger: slog.New(slog.DiscardHandler),
		Settings: Settings{Signatory: "Jan Wójtowski", Position: "Wójt Gminy Testowo"},
		Sign: func(ctx context.Context, pdf []byte) ([]byte, error) {
			b.signedMu.Lock()
			b.signedCount++
			b.signedMu.Unlock()
			return sign.SignPDF(ctx, pdf, b.key, sign.PDFOptions{Name: "Jan Wójtowski", Reason: "Decyzja podatkowa", Location: "Testowo", Time: clk.now()})
		}})
	b.adminW, b.headW, b.clerkW, b.officerW = correspondence.WhoOf(admin), correspondence.WhoOf(b.head), correspondence.WhoOf(b.clerk), correspondence.WhoOf(b.officer)
	if _, err := b.corr.Deploy(ctx, b.adminW); err != nil {
		t.Fatal(err)
	}
	if _, err := b.tax.Deploy(ctx, b.adminW); err != nil {
		t.Fatal(err)
	}
	must(fe.StartWorkers(ctx))
	t.Cleanup(func() { fe.StopWorkers(context.Background()) })
	// The council's rates for 2026 (all within the maxima of domain-rules §5).
	for cat, v := range map[string]string{"land_business": "1.40", "land_water": "7.00", "land_other": "0.70",
		"building_residential": "1.20", "building_business": "35.00", "building_seed_trade": "16.00",
		"building_health": "7.00", "building_other": "11.00", "structure": "2"} {
		to := calendar.NewDate(2026, 12, 31)
		if _, err := b.tax.SetEntry(ctx, admin, Entry{Kind: KindRate, Key: cat, Value: v, ValidFrom: calendar.NewDate(2026, 1, 1), ValidTo: &to,
			LegalBasis: "Uchwała nr XV/100/2025 Rady Gminy Testowo"}); err != nil {
			t.Fatalf("rate %s: %v", cat, err)
		}
	}
	return b
}

// declaration: Łucja Żółtowska-Ćwik bought a house with a garden on
// 10.12.2025: taxed from 1.01.2026 (upol art. 6 ust. 1), 12 months of 2026.
func declaration() *in1.Declaration {
	return &in1.Declaration{
		Authority: "Wójt Gminy Testowo",
		Filer: in1.Filer{PESEL: "85071402348", Surname: "Żółtowska-Ćwik", FirstName: "Łucja", BirthDate: calendar.NewDate(1985, 7, 14),
			Address: in1.Address{Country: "Polska", Voivodeship: "mazowieckie", County: "warszawski", Commune: "Testowo", Street: "ul. Lipowa", House: "5", City: "Testowo", PostalCode: "00-002"}},
		Circumstances: in1.Circumstances{Kind: in1.KindFirst, Event: in1.EventArose, Date: calendar.NewDate(2025, 12, 10)},
		Taxed: in1.Subjects{
			Land: []in1.Subject{{Category: in1.LandOther, Location: "Testowo, ul. Lipowa 5", Parcel: "0001 123/4", Share: in1.Whole, Area: 81235}},
			Buildings: []in1.Subject{{Category: in1.BuildingResidential, Location: "Testowo, ul. Lipowa 5", Parcel: "0001 123/4", Share: in1.Whole,
				Area: 14050, AreaFull: 12050, AreaLow: 2000}},
		},
		CoOwners: []in1.Person{{PESEL: "82030512351", Surname: "Ćwik", FirstName: "Józef", Address: "ul. Lipowa 5, 00-002 Testowo"}},
		FiledOn:  calendar.NewDate(2026, 2, 19),
	}
}

func (b *bundle) waitTask(t *testing.T, w flow.Who, instance uuid.UUID, element string) *flow.Task {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ts, err := b.fe.Tasks(b.ctx, w, flow.TaskFilter{Instance: &instance})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ts {
			if x.ElementID == element {
				return x
			}
		}
		if time.Now().After(deadline) {
			v, _ := b.fe.Instance(b.ctx, b.adminW, instance)
			t.Fatalf("no task %s: instance %+v", element, v)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// dispatchChild finds the dispatch instance under a tax-delivery instance.
func (b *bundle) dispatchChild(t *testing.T, root uuid.UUID) uuid.UUID {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		v, err := b.fe.Instance(b.ctx, b.adminW, root)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range v.Children {
			cv, _ := b.fe.Instance(b.ctx, b.adminW, c)
			if cv.Key == "dispatch" {
				return c
			}
			if cv.Key == ProcessDelivery {
				return b.dispatchChild(t, c)
			}
		}
		if len(v.Incidents) > 0 {
			t.Fatalf("incident: %+v", v.Incidents)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no dispatch under %s: %+v", root, v)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *bundle) waitDecision(t *testing.T, id uuid.UUID, status string) *Decision {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		d, err := b.tax.Decision(b.ctx, b.officer, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == status {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("decision %s is %s, want %s", id, d.Status, status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *bundle) content(t *testing.T, doc uuid.UUID) []byte {
	t.Helper()
	_, rc, err := b.reg.OpenVersion(b.ctx, b.officer, doc, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func pdfsig(t *testing.T, pdf []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command("pdfsig", p).CombinedOutput()
	return string(out)
}

func pdftext(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// The flagship path: IN-1 → case under 3120 → assessment → approval →
// signed decision (pdfsig: valid) → dispatch by post with ZPO → delivery on
// 5.03.2026 → instalments with art. 47 §2 → a correction → a decision
// replacing the first; all of it in the metryka.
func TestDeclarationToDeliveredDecision(t *testing.T) {
	b := setup(t)
	decl, err := b.tax.RegisterDeclaration(b.ctx, b.officer, declaration(), nil, DeclarationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if decl.Year != 2026 || !strings.HasPrefix(decl.Signature, "FN-P.3120.1.2026") {
		t.Fatalf("declaration: %+v", decl)
	}
	// The co-owner of ZIN-3 is a party to the case and in the taxpayer register.
	c, err := b.reg.Case(b.ctx, b.officer, decl.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]string{}
	for _, p := range c.Parties {
		roles[p.Name] = p.Role
	}
	if roles["Józef Ćwik"] != "współwłaściciel" || roles["Łucja Żółtowska-Ćwik"] != "strona" {
		t.Fatalf("parties of the case: %v", roles)
	}
	// The approver (head of FN) sees the draft: 812,35 m² × 0,70 = 568,645;
	// (120,50 + 20,00 × 50%) = 130,50 m² × 1,20 = 156,60; total 725,245 →
	// 725 zł (Ordynacja art. 63 §1).
	approve := b.waitTask(t, b.headW, decl.InstanceID, "approve")
	v, _ := b.fe.Instance(b.ctx, b.adminW, decl.InstanceID)
	if v.Variables["totalText"] != "725,00 zł" && v.Variables["totalText"] != "725 zł" {
		t.Fatalf("total = %v", v.Variables["totalText"])
	}
	first, _ := uuid.Parse(v.Variables["decisionId"].(string))
	if _, err := b.fe.CompleteTask(b.ctx, b.headW, approve.ID, map[string]any{"approved": true}); err != nil {
		t.Fatal(err)
	}
	d := b.waitDecision(t, first, "signed")
	if d.Total != 72500 || len(d.Lines) != 2 || d.DocumentID == nil {
		t.Fatalf("decision: %+v", d)
	}
	pdf := b.content(t, *d.DocumentID)
	if out := pdfsig(t, pdf); !strings.Contains(out, "Signature is Valid") {
		t.Fatalf("pdfsig:\n%s", out)
	}
	text := pdftext(t, pdf)
	for _, want := range []string{"Łucja Żółtowska-Ćwik", "725", "siedemset dwadzieścia pięć złotych", "Samorządowego Kolegium Odwoławczego", decl.Signature} {
		if !strings.Contains(text, want) {
			t.Errorf("decision PDF lacks %q", want)
		}
	}
	// Dispatch by post with ZPO (the taxpayer has no electronic address).
	child := b.dispatchChild(t, decl.InstanceID)
	post := b.waitTask(t, b.clerkW, child, "post")
	if _, err := b.fe.CompleteTask(b.ctx, b.clerkW, post.ID, map[string]any{"trackingNumber": "00659007734500011111", "postage": 1250}); err != nil {
		t.Fatal(err)
	}
	b.clock.set(time.Date(2026, 3, 6, 9, 0, 0, 0, calendar.Warsaw()))
	zpo := calendar.NewDate(2026, 3, 5)
	if _, err := b.corr.ReturnReceipt(b.ctx, b.clerk, b.clerkW, "00659007734500011111", registry.Delivery{Basis: registry.BasisZPO, Date: &zpo}); err != nil {
		t.Fatal(err)
	}
	d = b.waitDecision(t, first, "delivered")
	// Delivered 5.03.2026, 11 days before 16.03 (15.03 is a Sunday): the
	// first instalment is due 14 days after delivery, 19.03 (art. 47 §2);
	// 725 = 182 + 181 + 181 + 181; 15.11.2026 is a Sunday → 16.11.
	want := []Instalment{{1, calendar.NewDate(2026, 3, 19), 18200}, {2, calendar.NewDate(2026, 5, 15), 18100},
		{3, calendar.NewDate(2026, 9, 15), 18100}, {4, calendar.NewDate(2026, 11, 16), 18100}}
	if len(d.Instalments) != len(want) {
		t.Fatalf("instalments %+v", d.Instalments)
	}
	for i := range want {
		if d.Instalments[i] != want[i] {
			t.Errorf("instalment %d = %+v, want %+v", i+1, d.Instalments[i], want[i])
		}
	}
	if d.DeliveredOn == nil || *d.DeliveredOn != zpo {
		t.Errorf("delivered on %v", d.DeliveredOn)
	}

	// A correction: the low rooms were 10,00 m², not 20,00 m².
	corr := declaration()
	corr.Circumstances.Kind, corr.Circumstances.CorrectionReason = in1.KindCorrection, "Błędnie podana powierzchnia pomieszczeń o wysokości 1,40–2,20 m."
	corr.Taxed.Buildings[0].Area, corr.Taxed.Buildings[0].AreaLow = 13050, 1000
	corr.FiledOn = calendar.NewDate(2026, 3, 6)
	cd, err := b.tax.RegisterDeclaration(b.ctx, b.officer, corr, nil, DeclarationOptions{Corrects: &decl.ID})
	if err != nil {
		t.Fatal(err)
	}
	if cd.CaseID != decl.CaseID {
		t.Fatalf("the correction went to another case: %s vs %s", cd.Signature, decl.Signature)
	}
	approve = b.waitTask(t, b.headW, cd.InstanceID, "approve")
	v, _ = b.fe.Instance(b.ctx, b.adminW, cd.InstanceID)
	second, _ := uuid.Parse(v.Variables["decisionId"].(string))
	if _, err := b.fe.CompleteTask(b.ctx, b.headW, approve.ID, map[string]any{"approved": true}); err != nil {
		t.Fatal(err)
	}
	d2 := b.waitDecision(t, second, "signed")
	// 568,645 + 125,50 × 1,20 (150,60) = 719,245 → 719 zł.
	if d2.Total != 71900 || d2.Replaces == nil || *d2.Replaces != first {
		t.Fatalf("second decision: %+v", d2)
	}
	// The history keeps what the first declaration recorded, superseded by the correction.
	rec, err := b.tax.TaxpayerRecord(b.ctx, b.officer, decl.TaxpayerID)
	if err != nil {
		t.Fatal(err)
	}
	superseded := 0
	for _, h := range rec.Holdings {
		if h.SupersededBy != nil {
			superseded++
			if *h.SupersededBy != cd.ID || h.Declaration != decl.ID {
				t.Errorf("holding %+v", h)
			}
		}
	}
	if len(rec.Holdings) != 4 || superseded != 2 || rec.Holdings[0].TaxedFrom == nil || *rec.Holdings[0].TaxedFrom != calendar.NewDate(2026, 1, 1) {
		t.Fatalf("history: %+v", rec.Holdings)
	}
	if old, _ := b.tax.Decision(b.ctx, b.officer, first); old.Status != "replaced" {
		t.Fatalf("first decision is %s", old.Status)
	}
	if text := pdftext(t, b.content(t, *d2.DocumentID)); !strings.Contains(text, "zmienia decyzję") {
		t.Errorf("the new decision does not say it changes the first:\n%s", text)
	}
	m, err := b.reg.Metryka(b.ctx, b.officer, decl.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range m {
		actions = append(actions, e.Action)
	}
	joined := strings.Join(actions, " ")
	for _, want := range []string{"tax.declaration_registered", "tax.assessed", "tax.draft_approved", "tax.decision_signed",
		"outgoing.delivered", "tax.instalments_fixed", "tax.declaration_corrected"} {
		if !strings.Contains(joined, want) {
			t.Errorf("metryka lacks %s: %v", want, actions)
		}
	}
	if strings.Count(joined, "tax.decision_signed") != 2 {
		t.Errorf("want two signed decisions in the metryka: %v", actions)
	}
}

// The dictionary refuses a rate above the maximum of its year, and an
// overlapping value.
func TestDictionary(t *testing.T) {
	b := setup(t)
	to := calendar.NewDate(2026, 12, 31)
	_, err := b.tax.SetEntry(b.ctx, b.admin, Entry{Kind: KindRate, Key: "building_residential", Value: "1.26", ValidFrom: calendar.NewDate(2026, 1, 1), ValidTo: &to})
	if engine.KindOf(err) != engine.KindInvalid || engine.FieldOf(err) != "value" {
		t.Fatalf("1,26 zł/m² above the 2026 maximum of 1,25: err = %v (field %q)", err, engine.FieldOf(err))
	}
	_, err = b.tax.SetEntry(b.ctx, b.admin, Entry{Kind: KindRate, Key: "land_other", Value: "0.50", ValidFrom: calendar.NewDate(2026, 6, 1), ValidTo: &to})
	if engine.KindOf(err) != engine.KindInvalid || engine.FieldOf(err) != "validFrom" {
		t.Fatalf("overlap: err = %v", err)
	}
	if _, err := b.tax.SetEntry(b.ctx, b.officer, Entry{Kind: KindReminderCost, Value: "16", ValidFrom: calendar.NewDate(2026, 1, 1)}); engine.KindOf(err) != engine.KindForbidden {
		t.Fatalf("an officer edited the dictionary: %v", err)
	}
	// An open-ended entry is closed by the next one.
	if _, err := b.tax.SetEntry(b.ctx, b.admin, Entry{Kind: KindReminderCost, Value: "16", ValidFrom: calendar.NewDate(2021, 2, 20)}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.tax.SetEntry(b.ctx, b.admin, Entry{Kind: KindReminderCost, Value: "17.60", ValidFrom: calendar.NewDate(2027, 1, 1)}); err != nil {
		t.Fatal(err)
	}
	on := calendar.NewDate(2026, 11, 24)
	es, err := b.tax.Entries(b.ctx, b.officer, KindReminderCost, &on)
	if err != nil || len(es) != 1 || es[0].Value != "16" || es[0].ValidTo == nil || *es[0].ValidTo != calendar.NewDate(2026, 12, 31) {
		t.Fatalf("entries on %s: %+v %v", on, es, err)
	}
	// Tax secrecy: the clerk of the registry may not read tax data.
	if _, err := b.tax.Entries(b.ctx, b.clerk, "", nil); engine.KindOf(err) != engine.KindForbidden {
		t.Fatalf("clerk read tax data: %v", err)
	}
}
