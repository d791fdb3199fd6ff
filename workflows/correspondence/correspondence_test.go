package correspondence

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres/pgtest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type bundle struct {
	ctx            context.Context
	blobs          blob.Store
	reg            *registry.Service
	fe             *flow.Engine
	w              *Workflows
	clock          *clock
	admin, clerk   *registry.Actor
	officer        *registry.Actor
	adminWho       flow.Who
	clerkWho, offW flow.Who
}

func who(a *registry.Actor) flow.Who {
	w := flow.Who{UserID: a.UserID, OfficeID: a.OfficeID, Units: a.Units, Admin: a.Has(registry.RoleAdmin), Head: a.Has(registry.RoleHead)}
	for _, p := range a.Positions {
		w.Positions = append(w.Positions, p.ID)
	}
	return w
}

func setup(t *testing.T) *bundle {
	t.Helper()
	ctx := context.Background()
	db := pgtest.New(t)
	blobs, err := blob.Open(ctx, "file://"+t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 10, 19, 9, 0, 0, 0, calendar.Warsaw())}
	reg := registry.New(db, blobs, registry.Options{Clock: clk.now, Logger: slog.New(slog.DiscardHandler)})
	fe, err := flow.New(db, flow.Options{Logger: slog.New(slog.DiscardHandler), RetryDelay: 20 * time.Millisecond, PollInterval: 50 * time.Millisecond})
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
	u, _ := reg.CreateUser(ctx, nil, o.ID, registry.NewUser{Login: "admin", Name: "Admin", Roles: []registry.Role{registry.RoleAdmin}})
	admin, _ := reg.Actor(ctx, o.ID, u.ID)
	for _, un := range [][2]string{{"OR-K", "Kancelaria"}, {"FN", "Referat Finansowy"}} {
		_, err := reg.CreateUnit(ctx, admin, un[0], un[1], "")
		must(err)
	}
	_, err = reg.ImportJRWA(ctx, admin, "JRWA", calendar.NewDate(2012, 1, 1), nil,
		strings.NewReader("symbol,title,category_own\n3,Finanse,\n31,Podatki,\n312,Wymiar,\n3120,Wymiar podatków,BE5\n"))
	must(err)
	person := func(login, unit string, role registry.Role) *registry.Actor {
		p, err := reg.CreatePosition(ctx, admin, unit, "Stanowisko "+login, false)
		must(err)
		nu, err := reg.CreateUser(ctx, admin, o.ID, registry.NewUser{Login: login, Name: login, Roles: []registry.Role{role}})
		must(err)
		must(reg.AssignPosition(ctx, admin, nu.ID, p.ID))
		a, err := reg.Actor(ctx, o.ID, nu.ID)
		must(err)
		return a
	}
	b := &bundle{ctx: ctx, reg: reg, fe: fe, clock: clk, admin: admin, blobs: blobs}
	b.clerk, b.officer = person("kancelaria", "OR-K", registry.RoleRegistry), person("wymiar", "FN", registry.RoleOfficer)
	b.adminWho, b.clerkWho, b.offW = who(admin), who(b.clerk), who(b.officer)
	b.w = New(reg, fe)
	if _, err := b.w.Deploy(ctx, b.adminWho); err != nil {
		t.Fatal(err)
	}
	must(fe.StartWorkers(ctx))
	t.Cleanup(func() { fe.StopWorkers(context.Background()) })
	return b
}

func (b *bundle) task(t *testing.T, w flow.Who, instance uuid.UUID, element string) *flow.Task {
	t.Helper()
	ts, err := b.fe.Tasks(b.ctx, w, flow.TaskFilter{Mine: true, Instance: &instance})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ts {
		if x.ElementID == element {
			return x
		}
	}
	t.Fatalf("no task %s for this user (tasks: %+v)", element, ts)
	return nil
}

func (b *bundle) complete(t *testing.T, w flow.Who, task *flow.Task, vars map[string]any) *flow.Instance {
	t.Helper()
	in, err := b.fe.CompleteTask(b.ctx, w, task.ID, vars)
	if err != nil {
		t.Fatalf("complete %s: %v", task.ElementID, err)
	}
	return in
}

// incoming.bpmn: dekretacja by the registry office, a return, a second
// dekretacja, acceptance with a new case.
func TestIncomingWorkflow(t *testing.T) {
	b := setup(t)
	item, err := b.reg.RegisterIncoming(b.ctx, b.clerk, registry.NewIncoming{Channel: "paper", Kind: "application",
		Subject: "Wniosek o ulgę w podatku", Sender: registry.NewCaseParty{Party: registry.Party{Name: "Jan Nowak"}}})
	if err != nil {
		t.Fatal(err)
	}
	in, err := b.w.StartIncoming(b.ctx, b.clerk, b.clerkWho, item.ID)
	if err != nil {
		t.Fatal(err)
	}
	b.complete(t, b.clerkWho, b.task(t, b.clerkWho, in.ID, "assign"), map[string]any{"unit": "FN", "instruction": "Rozpatrzyć"})
	b.complete(t, b.offW, b.task(t, b.offW, in.ID, "accept"), map[string]any{"decision": "return", "reason": "brak załącznika"})
	b.complete(t, b.clerkWho, b.task(t, b.clerkWho, in.ID, "assign"), map[string]any{"unit": "FN", "instruction": "Rozpatrzyć po uzupełnieniu"})
	out := b.complete(t, b.offW, b.task(t, b.offW, in.ID, "accept"), map[string]any{"decision": "newCase", "jrwa": "3120"})
	if out.State != flow.StateCompleted || out.Variables["caseSignature"] != "FN.3120.1.2026" {
		t.Fatalf("incoming workflow: %+v", out)
	}
	got, err := b.reg.Incoming(b.ctx, b.officer, item.ID)
	if err != nil || got.Status != "in_case" || len(got.Assignments) != 2 || got.Assignments[0].State != "returned" || got.Assignments[1].State != "accepted" {
		t.Fatalf("item: %v %+v", err, got)
	}
}

// A "domain" process that calls dispatch, as tax and benefits will.
const domain = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:obieg="https://obieg.dev/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="decision" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:callActivity id="deliver" calledElement="dispatch"/>
    <bpmn:endEvent id="e"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="deliver"/>
    <bpmn:sequenceFlow id="f2" sourceRef="deliver" targetRef="e"/>
  </bpmn:process>
</bpmn:definitions>`

// dispatch.bpmn by post, as a call activity: the registry office posts the
// letter, the ZPO comes back, the legal delivery date and the appeal
// deadline (past 11 November) reach the calling process.
func TestDispatchByPostAsCallActivity(t *testing.T) {
	b := setup(t)
	if _, err := b.fe.Deploy(b.ctx, b.adminWho, []byte(domain)); err != nil {
		t.Fatal(err)
	}
	c, err := b.reg.CreateCase(b.ctx, b.officer, registry.NewCase{Unit: "FN", JRWA: "3120", Title: "Ulga w podatku",
		Parties: []registry.NewCaseParty{{Party: registry.Party{Name: "Jan Nowak", Street: "ul. Lipowa 5", PostalCode: "00-950", City: "Warszawa"}}}})
	if err != nil {
		t.Fatal(err)
	}
	full, _ := b.reg.Case(b.ctx, b.officer, c.ID)
	b.clock.set(time.Date(2026, 10, 26, 10, 0, 0, 0, calendar.Warsaw()))
	parent, err := b.fe.StartInstance(b.ctx, b.offW, "decision", c.Signature, map[string]any{
		"caseId": c.ID.String(), "recipientPartyId": full.Parties[0].ID.String()})
	if err != nil {
		t.Fatal(err)
	}
	pv, _ := b.fe.Instance(b.ctx, b.adminWho, parent.ID)
	if len(pv.Children) != 1 {
		t.Fatalf("dispatch not called: %+v", pv)
	}
	child := pv.Children[0]
	cv, _ := b.fe.Instance(b.ctx, b.adminWho, child)
	if cv.Variables["channel"] != "post_zpo" || cv.Variables["registryUnit"] != "OR-K" {
		t.Fatalf("dispatch variables: %v", cv.Variables)
	}
	b.complete(t, b.clerkWho, b.task(t, b.clerkWho, child, "post"), map[string]any{"trackingNumber": "00659007734500077777", "postage": 1250})
	b.clock.set(time.Date(2026, 11, 2, 9, 0, 0, 0, calendar.Warsaw()))
	zpo := calendar.NewDate(2026, 10, 28)
	if _, err := b.w.ReturnReceipt(b.ctx, b.clerk, b.clerkWho, "00659007734500077777", registry.Delivery{Basis: registry.BasisZPO, Date: &zpo}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		v, _ := b.fe.Instance(b.ctx, b.adminWho, parent.ID)
		if v.State == flow.StateCompleted {
			if v.Variables["deliveredOn"] != "2026-10-28" || v.Variables["appealDeadline"] != "2026-11-12" || v.Variables["deliveryBasis"] != "zpo" {
				t.Fatalf("the caller got %v", v.Variables)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("caller still %s at %v", v.State, v.Active)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// In person: the clerk records the handing over; electronic: without an
// adapter the step fails visibly with an incident.
func TestDispatchInPersonAndElectronic(t *testing.T) {
	b := setup(t)
	c, _ := b.reg.CreateCase(b.ctx, b.officer, registry.NewCase{Unit: "FN", JRWA: "3120", Title: "Sprawa",
		Parties: []registry.NewCaseParty{
			{Party: registry.Party{Name: "Anna Kowalska", PreferredChannel: "in_person"}},
			{Party: registry.Party{Name: "Firma Sp. z o.o.", Kind: "organisation", ADE: "AE:PL-12345-67890-ABCDE-12"}},
		}})
	full, _ := b.reg.Case(b.ctx, b.officer, c.ID)
	var inPerson, company uuid.UUID
	for _, p := range full.Parties {
		if p.Name == "Anna Kowalska" {
			inPerson = p.ID
		} else {
			company = p.ID
		}
	}
	in, err := b.fe.StartInstance(b.ctx, b.offW, "dispatch", c.Signature, map[string]any{"caseId": c.ID.String(), "recipientPartyId": inPerson.String()})
	if err != nil {
		t.Fatal(err)
	}
	out := b.complete(t, b.clerkWho, b.task(t, b.clerkWho, in.ID, "handOver"), map[string]any{"deliveredOn": "2026-10-19"})
	if out.State != flow.StateCompleted || out.Variables["appealDeadline"] != "2026-11-02" {
		t.Fatalf("in person: %+v", out)
	}
	el, err := b.fe.StartInstance(b.ctx, b.offW, "dispatch", c.Signature, map[string]any{"caseId": c.ID.String(), "recipientPartyId": company.String()})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		incs, _ := b.fe.Incidents(b.ctx, b.adminWho, &el.ID, false)
		if len(incs) == 1 {
			if !strings.Contains(incs[0].Message, "no edoreczenia adapter") {
				t.Errorf("incident: %s", incs[0].Message)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no incident for the electronic channel")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
