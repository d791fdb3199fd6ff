package flow

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
)

const inlineTwo = `
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="assess" obieg:handler="assess"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:serviceTask id="round" obieg:handler="round"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="assess"/>
    <bpmn:sequenceFlow id="f2" sourceRef="assess" targetRef="round"/>
    <bpmn:sequenceFlow id="f3" sourceRef="round" targetRef="end"/>`

func TestInlineProcessCompletesInOneTransition(t *testing.T) {
	b := setup(t)
	b.e.Register("assess", func(ctx context.Context, c *engine.Call) error {
		b.calls.add(c.Key)
		c.Set("tax", c.Vars["area"].(float64)*1.25)
		return nil
	})
	b.e.Register("round", func(ctx context.Context, c *engine.Call) error {
		c.Set("rounded", int(c.Vars["tax"].(float64)+0.5))
		return nil
	})
	b.deploy(t, def("tax", inlineTwo))
	in := b.start(t, "tax", map[string]any{"area": 101.0})
	if in.State != StateCompleted || in.Variables["rounded"] != 126 {
		t.Fatalf("instance: %+v", in)
	}
	v := b.view(t, in.ID)
	if v.State != StateCompleted || len(v.Tokens) != 0 || v.Variables["rounded"] != 126.0 {
		t.Fatalf("stored: %+v", v)
	}
	// A simple process starts in one round trip once its definition is
	// known; a newer version deployed behind that knowledge is noticed.
	in = b.start(t, "tax", map[string]any{"area": 2.0})
	if in.State != StateCompleted || in.Version != 1 {
		t.Fatalf("fast start: %+v", in)
	}
	other, err := New(b.db, Options{Logger: b.e.logger}) // another replica
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Deploy(b.ctx, b.admin, def("tax", strings.Replace(inlineTwo, `id="end"`, `id="end" name="Koniec"`, 1))); err != nil {
		t.Fatal(err)
	}
	if in = b.start(t, "tax", map[string]any{"area": 2.0}); in.Version != 2 || in.Variables["rounded"] != 3 {
		t.Fatalf("start after another replica deployed version 2: %+v", in)
	}
	if v := b.view(t, in.ID); v.Version != 2 || len(v.History) < 3 {
		t.Fatalf("stored: %+v", v)
	}
	// A failing inline handler fails the start and leaves nothing behind.
	b.e.Register("round", func(ctx context.Context, c *engine.Call) error { return errors.New("printer on fire") })
	before := b.count(t, "SELECT count(*) FROM flow_instances")
	if _, err := b.e.StartInstance(b.ctx, b.officer, "tax", "", map[string]any{"area": 1.0}); err == nil || !strings.Contains(err.Error(), "printer on fire") {
		t.Fatalf("failing handler: %v", err)
	}
	if n := b.count(t, "SELECT count(*) FROM flow_instances"); n != before {
		t.Errorf("a failed start left %d instances", n-before)
	}
}

const userTaskXOR = `
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="review" name="Sprawdź deklarację" obieg:candidateUnit="FN" obieg:dueDate="P14D" obieg:calendar="kpa"/>
    <bpmn:exclusiveGateway id="big" default="small"/>
    <bpmn:userTask id="approve" name="Zatwierdź" obieg:assignee="${approver}"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="big"/>
    <bpmn:sequenceFlow id="large" sourceRef="big" targetRef="approve"><bpmn:conditionExpression>${amount &gt; 1000}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="small" sourceRef="big" targetRef="end"/>
    <bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="end"/>`

func TestUserTasksAndExclusiveGateway(t *testing.T) {
	b := setup(t)
	b.deploy(t, def("declaration", userTaskXOR))
	in := b.start(t, "declaration", map[string]any{"approver": "admin"})
	ts := b.tasks(t, b.officer, in.ID)
	if len(ts) != 1 || ts[0].ElementID != "review" || ts[0].DueAt == nil {
		t.Fatalf("officer's tasks: %+v", ts)
	}
	// 14 working days (KPA) from now is at least 18 calendar days away.
	if d := time.Until(*ts[0].DueAt); d < 17*24*time.Hour {
		t.Errorf("KPA due date %v is too soon", ts[0].DueAt)
	}
	if got := b.tasks(t, b.other, in.ID); len(got) != 0 {
		t.Errorf("an officer of another unit sees %d tasks", len(got))
	}
	if _, err := b.e.CompleteTask(b.ctx, b.other, ts[0].ID, nil); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("other unit completes: %v", err)
	}
	if err := b.e.Claim(b.ctx, b.officer, ts[0].ID); err != nil {
		t.Fatal(err)
	}
	out, err := b.e.CompleteTask(b.ctx, b.officer, ts[0].ID, map[string]any{"amount": 5000})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != StateActive {
		t.Fatalf("after review: %+v", out)
	}
	v := b.view(t, in.ID)
	if len(v.Active) != 1 || v.Active[0] != "approve" || v.Tasks[0].AssigneeID == nil || *v.Tasks[0].AssigneeID != b.admin.UserID {
		t.Fatalf("approve task: %+v", v.Tasks)
	}
	if _, err := b.e.CompleteTask(b.ctx, b.officer, v.Tasks[0].ID, nil); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("someone else's task: %v", err)
	}
	if _, err := b.e.CompleteTask(b.ctx, b.admin, v.Tasks[0].ID, nil); err != nil {
		t.Fatal(err)
	}
	if v := b.view(t, in.ID); v.State != StateCompleted {
		t.Fatalf("end: %+v", v)
	}
	// The default flow when the condition fails.
	in2 := b.start(t, "declaration", nil)
	task := b.tasks(t, b.officer, in2.ID)[0]
	if out, _ := b.e.CompleteTask(b.ctx, b.officer, task.ID, map[string]any{"amount": 10}); out.State != StateCompleted {
		t.Errorf("default flow: %+v", out)
	}
}

const parallel = `
    <bpmn:startEvent id="start"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:userTask id="a"/>
    <bpmn:userTask id="b"/>
    <bpmn:userTask id="c"/>
    <bpmn:parallelGateway id="join"/>
    <bpmn:serviceTask id="after" obieg:handler="count"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>
    <bpmn:sequenceFlow id="fa" sourceRef="split" targetRef="a"/>
    <bpmn:sequenceFlow id="fb" sourceRef="split" targetRef="b"/>
    <bpmn:sequenceFlow id="fc" sourceRef="split" targetRef="c"/>
    <bpmn:sequenceFlow id="ja" sourceRef="a" targetRef="join"/>
    <bpmn:sequenceFlow id="jb" sourceRef="b" targetRef="join"/>
    <bpmn:sequenceFlow id="jc" sourceRef="c" targetRef="join"/>
    <bpmn:sequenceFlow id="f9" sourceRef="join" targetRef="after"/>
    <bpmn:sequenceFlow id="f10" sourceRef="after" targetRef="end"/>`

// Tasks completed at the same moment on the branches of a parallel split
// join exactly once.
func TestParallelJoinUnderConcurrency(t *testing.T) {
	b := setup(t)
	b.e.Register("count", func(ctx context.Context, c *engine.Call) error { b.calls.add(c.Key); return nil })
	b.deploy(t, def("par", parallel))
	const n = 10
	var wg sync.WaitGroup
	for range n {
		in := b.start(t, "par", nil)
		ts := b.tasks(t, b.admin, in.ID)
		if len(ts) != 3 {
			t.Fatalf("%d tasks", len(ts))
		}
		for _, task := range ts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := b.e.CompleteTask(b.ctx, b.admin, task.ID, nil); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	if got := b.calls.total(); got != n {
		t.Errorf("the step after the join ran %d times for %d instances", got, n)
	}
	if left := b.count(t, "SELECT count(*) FROM flow_instances WHERE state <> 'completed'"); left != 0 {
		t.Errorf("%d instances not completed", left)
	}
}

const inclusive = `
    <bpmn:startEvent id="start"/>
    <bpmn:inclusiveGateway id="split" default="none"/>
    <bpmn:userTask id="land"/>
    <bpmn:userTask id="building"/>
    <bpmn:serviceTask id="skip" obieg:handler="count"/>
    <bpmn:inclusiveGateway id="join"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>
    <bpmn:sequenceFlow id="fl" sourceRef="split" targetRef="land"><bpmn:conditionExpression>hasLand</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="fb" sourceRef="split" targetRef="building"><bpmn:conditionExpression>hasBuilding</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="none" sourceRef="split" targetRef="skip"/>
    <bpmn:sequenceFlow id="jl" sourceRef="land" targetRef="join"/>
    <bpmn:sequenceFlow id="jb" sourceRef="building" targetRef="join"/>
    <bpmn:sequenceFlow id="js" sourceRef="skip" targetRef="join"/>
    <bpmn:sequenceFlow id="f9" sourceRef="join" targetRef="end"/>`

func TestInclusiveGateway(t *testing.T) {
	b := setup(t)
	b.e.Register("count", func(ctx context.Context, c *engine.Call) error { return nil })
	b.deploy(t, def("inc", inclusive))
	// Two branches taken: the join waits for both.
	in := b.start(t, "inc", map[string]any{"hasLand": true, "hasBuilding": true})
	ts := b.tasks(t, b.admin, in.ID)
	if len(ts) != 2 {
		t.Fatalf("%d tasks", len(ts))
	}
	if out, _ := b.e.CompleteTask(b.ctx, b.admin, ts[0].ID, nil); out.State != StateActive {
		t.Fatalf("join fired after one of two branches")
	}
	if out, _ := b.e.CompleteTask(b.ctx, b.admin, ts[1].ID, nil); out.State != StateCompleted {
		t.Fatalf("join did not fire after both")
	}
	// One branch taken: the join fires when it arrives.
	in = b.start(t, "inc", map[string]any{"hasLand": false, "hasBuilding": true})
	ts = b.tasks(t, b.admin, in.ID)
	if len(ts) != 1 || ts[0].ElementID != "building" {
		t.Fatalf("tasks %+v", ts)
	}
	if out, _ := b.e.CompleteTask(b.ctx, b.admin, ts[0].ID, nil); out.State != StateCompleted {
		t.Fatalf("single branch: %+v", out)
	}
	// None: the default flow.
	if in := b.start(t, "inc", map[string]any{"hasLand": false, "hasBuilding": false}); in.State != StateCompleted {
		t.Fatalf("default: %+v", in)
	}
}

func TestDeployVersionsAndRejections(t *testing.T) {
	b := setup(t)
	b.e.Register("assess", func(ctx context.Context, c *engine.Call) error { return nil })
	b.e.Register("round", func(ctx context.Context, c *engine.Call) error { return nil })
	d1 := b.deploy(t, def("declaration", userTaskXOR))
	running := b.start(t, "declaration", nil)
	if again := b.deploy(t, def("declaration", userTaskXOR)); again.Version != 1 || again.New {
		t.Errorf("unchanged XML made %+v", again)
	}
	changed := strings.Replace(userTaskXOR, `name="Zatwierdź"`, `name="Zatwierdź decyzję"`, 1)
	d2 := b.deploy(t, def("declaration", changed))
	if d2.Version != 2 || d2.ID == d1.ID {
		t.Fatalf("changed XML: %+v", d2)
	}
	if v := b.view(t, running.ID); v.Version != 1 {
		t.Errorf("running instance moved to version %d", v.Version)
	}
	if in := b.start(t, "declaration", nil); b.view(t, in.ID).Version != 2 {
		t.Errorf("new instance not on version 2")
	}
	_, err := b.e.Deploy(b.ctx, b.admin, def("bad", `<bpmn:startEvent id="s"/><bpmn:complexGateway id="Gateway_odd"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="Gateway_odd"/>`))
	if !engine.Is(engine.KindInvalid, err) || !strings.Contains(err.Error(), "Gateway_odd") {
		t.Errorf("unsupported element: %v", err)
	}
	if _, err := b.e.Deploy(b.ctx, b.officer, def("tax", inlineTwo)); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("officer deploys: %v", err)
	}
}

func TestStartErrors(t *testing.T) {
	b := setup(t)
	archivist := b.officer
	archivist.ReadOnly = true
	if _, err := b.e.StartInstance(b.ctx, archivist, "tax", "", nil); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("read-only caller starts a process: %v", err)
	}
	if _, err := b.e.Correlate(b.ctx, archivist, "UPD", "", nil, 0); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("read-only caller sends a message: %v", err)
	}
	if _, err := b.e.StartInstance(b.ctx, b.officer, "nothing", "", nil); !engine.Is(engine.KindNotFound, err) {
		t.Errorf("unknown key: %v", err)
	}
	b.deploy(t, def("tax", inlineTwo))
	if _, err := b.e.StartInstance(b.ctx, b.officer, "tax", "", nil); err == nil || !strings.Contains(err.Error(), `no handler "assess"`) {
		t.Errorf("missing handler: %v", err)
	}
}

func TestMigrateWaitingInstances(t *testing.T) {
	b := setup(t)
	d1 := b.deploy(t, def("declaration", userTaskXOR))
	in := b.start(t, "declaration", nil)
	v2 := strings.ReplaceAll(userTaskXOR, `"review"`, `"verify"`)
	d2 := b.deploy(t, def("declaration", v2))
	if _, err := b.e.MigrateInstances(b.ctx, b.admin, []uuid.UUID{in.ID}, d2.ID, nil); !engine.Is(engine.KindInvalid, err) || !strings.Contains(err.Error(), "review") {
		t.Fatalf("unmapped element: %v", err)
	}
	if _, err := b.e.MigrateInstances(b.ctx, b.admin, []uuid.UUID{in.ID}, d2.ID, map[string]string{"review": "big"}); !engine.Is(engine.KindInvalid, err) {
		t.Fatalf("type change: %v", err)
	}
	n, err := b.e.MigrateInstances(b.ctx, b.admin, []uuid.UUID{in.ID}, d2.ID, map[string]string{"review": "verify"})
	if err != nil || n != 1 {
		t.Fatal(n, err)
	}
	v := b.view(t, in.ID)
	if v.Version != 2 || v.Active[0] != "verify" || v.Tasks[0].ElementID != "verify" || v.DefinitionID == d1.ID {
		t.Fatalf("migrated: %+v %+v", v.Active, v.Tasks)
	}
	if out, err := b.e.CompleteTask(b.ctx, b.admin, v.Tasks[0].ID, map[string]any{"amount": 1}); err != nil || out.State != StateCompleted {
		t.Fatalf("runs on after migration: %v %+v", err, out)
	}
}
