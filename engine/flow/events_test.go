package flow

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/postgres/pgtest"
)

const asyncRetry = `
    <bpmn:startEvent id="start"/>
    <bpmn:serviceTask id="send" obieg:handler="flaky" obieg:async="true" obieg:retries="2"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="send"/>
    <bpmn:sequenceFlow id="f2" sourceRef="send" targetRef="end"/>`

// An async step is retried; past its retries it raises an incident, and a
// retry of the incident runs it again.
func TestAsyncRetriesIncidentAndRetry(t *testing.T) {
	b := setup(t)
	failUntil := 2 // attempts that fail
	b.e.Register("flaky", func(ctx context.Context, c *engine.Call) error {
		if n := b.calls.add(c.Key); n <= failUntil {
			return errors.New("ePUAP is down")
		}
		c.Set("sent", true)
		return nil
	})
	b.deploy(t, def("sending", asyncRetry))
	in := b.start(t, "sending", nil)
	if in.State != StateActive {
		t.Fatalf("async step ran inline: %+v", in)
	}
	v := b.waitState(t, in.ID, StateCompleted, 20*time.Second)
	if v.Variables["sent"] != true || b.calls.total() != 3 {
		t.Fatalf("after retries: vars %v, %d calls", v.Variables, b.calls.total())
	}
	// Every attempt of the same step carried the same idempotency key.
	if len(b.calls.keys) != 1 {
		t.Errorf("keys differ between attempts: %v", b.calls.keys)
	}

	failUntil = 100
	in = b.start(t, "sending", nil)
	deadline := time.Now().Add(20 * time.Second)
	var incs []*Incident
	for time.Now().Before(deadline) {
		incs, _ = b.e.Incidents(b.ctx, b.admin, &in.ID, false)
		if len(incs) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(incs) != 1 || !strings.Contains(incs[0].Message, "ePUAP is down") || incs[0].ElementID != "send" {
		t.Fatalf("incidents: %+v", incs)
	}
	if v := b.view(t, in.ID); v.State != StateActive || v.Tokens[0].Waits != waitIncident {
		t.Fatalf("instance with incident: %+v", v.Tokens)
	}
	list, _, err := b.e.Instances(b.ctx, b.admin, InstanceFilter{WithIncident: true})
	if err != nil || len(list) != 1 || list[0].ID != in.ID {
		t.Errorf("instances with incidents: %v %+v", err, list)
	}
	failUntil = 0
	if err := b.e.RetryIncident(b.ctx, b.officer, incs[0].ID); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("officer retries: %v", err)
	}
	if err := b.e.RetryIncident(b.ctx, b.admin, incs[0].ID); err != nil {
		t.Fatal(err)
	}
	b.waitState(t, in.ID, StateCompleted, 20*time.Second)
	if incs, _ := b.e.Incidents(b.ctx, b.admin, &in.ID, false); len(incs) != 0 {
		t.Errorf("incident still open: %+v", incs)
	}
}

const receiveWithTimeout = `
    <bpmn:startEvent id="start"/>
    <bpmn:receiveTask id="waitUPD" messageRef="msgUPD" obieg:correlationKey="${docId}"/>
    <bpmn:boundaryEvent id="timeout" attachedToRef="waitUPD">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="delivered"/>
    <bpmn:endEvent id="notDelivered"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="waitUPD"/>
    <bpmn:sequenceFlow id="f2" sourceRef="waitUPD" targetRef="delivered"/>
    <bpmn:sequenceFlow id="f3" sourceRef="timeout" targetRef="notDelivered"/>`

const msgDefs = `<bpmn:message id="msgUPD" name="UPD"/>`

func withMessages(id, body string) []byte {
	return []byte(strings.Replace(string(def(id, body)), "</bpmn:definitions>", msgDefs+"\n</bpmn:definitions>", 1))
}

// A message is correlated by name and key; one that arrives before the
// workflow waits is kept and consumed when the subscription appears.
func TestMessagesAndBuffering(t *testing.T) {
	b := setup(t)
	b.deploy(t, withMessages("dispatch", strings.Replace(receiveWithTimeout, "PT1S", "P1D", 1)))
	in := b.start(t, "dispatch", map[string]any{"docId": "DOC-1"})
	if v := b.view(t, in.ID); len(v.Subscriptions) != 1 || v.Subscriptions[0].CorrelationKey != "DOC-1" || len(v.Timers) != 1 {
		t.Fatalf("waiting: %+v %+v", v.Subscriptions, v.Timers)
	}
	// Wrong key: kept, not delivered.
	c, err := b.e.Correlate(b.ctx, b.officer, "UPD", "DOC-2", map[string]any{"deliveredOn": "2026-11-20"}, time.Hour)
	if err != nil || c.Buffered == nil {
		t.Fatalf("other key: %v %+v", err, c)
	}
	c, err = b.e.Correlate(b.ctx, b.officer, "UPD", "DOC-1", map[string]any{"deliveredOn": "2026-11-21"}, 0)
	if err != nil || c.Instance == nil || *c.Instance != in.ID {
		t.Fatalf("correlate: %v %+v", err, c)
	}
	v := b.view(t, in.ID)
	if v.State != StateCompleted || v.Variables["deliveredOn"] != "2026-11-21" || len(v.Timers) != 0 {
		t.Fatalf("after UPD: %+v timers %v", v.State, v.Timers)
	}
	// The buffered DOC-2 message goes to the instance that waits for it later.
	in2 := b.start(t, "dispatch", map[string]any{"docId": "DOC-2"})
	if v := b.view(t, in2.ID); v.State != StateCompleted || v.Variables["deliveredOn"] != "2026-11-20" {
		t.Fatalf("buffered message not consumed: %+v", v.State)
	}
	// An expired message is not delivered.
	if _, err := b.e.Correlate(b.ctx, b.officer, "UPD", "DOC-3", nil, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if in3 := b.start(t, "dispatch", map[string]any{"docId": "DOC-3"}); in3.State != StateActive {
		t.Errorf("expired message delivered")
	}
}

// An interrupting boundary timer withdraws its activity; a timer of an
// activity that ended is withdrawn.
func TestBoundaryTimer(t *testing.T) {
	b := setup(t)
	b.deploy(t, withMessages("dispatch", receiveWithTimeout))
	in := b.start(t, "dispatch", map[string]any{"docId": "X"})
	v := b.waitState(t, in.ID, StateCompleted, 15*time.Second)
	found := false
	for _, h := range v.History {
		if h.Event == "boundary.fired" && h.Element == "timeout" {
			found = true
		}
	}
	if !found || len(v.Subscriptions) != 0 {
		t.Fatalf("timeout path not taken: %+v", v.History)
	}
	if n := b.count(t, "SELECT count(*) FROM flow_subscriptions"); n != 0 {
		t.Errorf("%d subscriptions left", n)
	}
}

const subprocessError = `
    <bpmn:startEvent id="start"/>
    <bpmn:subProcess id="check">
      <bpmn:startEvent id="s2"/>
      <bpmn:exclusiveGateway id="ok" default="fine"/>
      <bpmn:endEvent id="bad"><bpmn:errorEventDefinition errorRef="errIncomplete"/></bpmn:endEvent>
      <bpmn:endEvent id="e2"/>
      <bpmn:sequenceFlow id="g1" sourceRef="s2" targetRef="ok"/>
      <bpmn:sequenceFlow id="g2" sourceRef="ok" targetRef="bad"><bpmn:conditionExpression>incomplete</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="fine" sourceRef="ok" targetRef="e2"/>
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="caught" attachedToRef="check"><bpmn:errorEventDefinition errorRef="errIncomplete"/></bpmn:boundaryEvent>
    <bpmn:userTask id="callForDocuments"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end"/>
    <bpmn:sequenceFlow id="f3" sourceRef="caught" targetRef="callForDocuments"/>
    <bpmn:sequenceFlow id="f4" sourceRef="callForDocuments" targetRef="end"/>`

func TestErrorEndCaughtByBoundary(t *testing.T) {
	b := setup(t)
	xml := strings.Replace(string(def("checking", subprocessError)), "</bpmn:definitions>", `<bpmn:error id="errIncomplete" errorCode="INCOMPLETE"/></bpmn:definitions>`, 1)
	b.deploy(t, []byte(xml))
	if in := b.start(t, "checking", map[string]any{"incomplete": false}); in.State != StateCompleted {
		t.Fatalf("happy path: %+v", in)
	}
	in := b.start(t, "checking", map[string]any{"incomplete": true})
	v := b.view(t, in.ID)
	if v.State != StateActive || len(v.Active) != 1 || v.Active[0] != "callForDocuments" || v.Variables["errorCode"] != "INCOMPLETE" {
		t.Fatalf("error path: %+v %v", v.Active, v.Variables)
	}
}

const multiInstance = `
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="sign" obieg:assignee="${signer}">
      <bpmn:multiInstanceLoopCharacteristics obieg:collection="${signers}" obieg:elementVariable="signer"/>
    </bpmn:userTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sign"/>
    <bpmn:sequenceFlow id="f2" sourceRef="sign" targetRef="end"/>`

func TestMultiInstanceParallelAndSequential(t *testing.T) {
	b := setup(t)
	b.deploy(t, def("signing", multiInstance))
	in := b.start(t, "signing", map[string]any{"signers": []any{"officer", "admin"}})
	ts := b.tasks(t, b.admin, in.ID)
	if len(ts) != 2 {
		t.Fatalf("parallel: %d tasks", len(ts))
	}
	for _, task := range ts {
		who := b.admin
		if *task.AssigneeID == b.officer.UserID {
			who = b.officer
		}
		if _, err := b.e.CompleteTask(b.ctx, who, task.ID, nil); err != nil {
			t.Fatal(err)
		}
	}
	if v := b.view(t, in.ID); v.State != StateCompleted {
		t.Fatalf("parallel multi-instance did not finish: %+v", v.Tokens)
	}
	b.deploy(t, def("signing", strings.Replace(multiInstance, "<bpmn:multiInstanceLoopCharacteristics ", `<bpmn:multiInstanceLoopCharacteristics isSequential="true" `, 1)))
	in = b.start(t, "signing", map[string]any{"signers": []any{"officer", "admin"}})
	for i, login := range []string{"officer", "admin"} {
		ts := b.tasks(t, b.admin, in.ID)
		if len(ts) != 1 {
			t.Fatalf("sequential step %d: %d tasks", i, len(ts))
		}
		who := b.admin
		if login == "officer" {
			who = b.officer
		}
		if *ts[0].AssigneeID != who.UserID {
			t.Fatalf("step %d assigned to the wrong signer", i)
		}
		b.e.CompleteTask(b.ctx, who, ts[0].ID, nil)
	}
	if v := b.view(t, in.ID); v.State != StateCompleted {
		t.Fatalf("sequential multi-instance did not finish")
	}
	// An empty collection passes straight on.
	if in := b.start(t, "signing", map[string]any{"signers": []any{}}); in.State != StateCompleted {
		t.Errorf("empty collection: %+v", in)
	}
}

const caller = `
    <bpmn:startEvent id="start"/>
    <bpmn:callActivity id="deliver" calledElement="child"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="deliver"/>
    <bpmn:sequenceFlow id="f2" sourceRef="deliver" targetRef="end"/>`

const child = `
    <bpmn:startEvent id="cs"/>
    <bpmn:userTask id="confirm"/>
    <bpmn:endEvent id="ce"/>
    <bpmn:sequenceFlow id="c1" sourceRef="cs" targetRef="confirm"/>
    <bpmn:sequenceFlow id="c2" sourceRef="confirm" targetRef="ce"/>`

func TestCallActivity(t *testing.T) {
	b := setup(t)
	b.deploy(t, def("child", child))
	b.deploy(t, def("caller", caller))
	in := b.start(t, "caller", map[string]any{"case": "FN.3120.1.2026"})
	v := b.view(t, in.ID)
	if len(v.Children) != 1 {
		t.Fatalf("no child: %+v", v)
	}
	kid := b.view(t, v.Children[0])
	if kid.Variables["case"] != "FN.3120.1.2026" || kid.ParentID == nil || *kid.ParentID != in.ID {
		t.Fatalf("child: %+v", kid)
	}
	if len(kid.Tasks) != 1 {
		t.Fatalf("child tasks %+v tokens %+v all tasks %d", kid.Tasks, kid.Tokens, b.count(t, "SELECT count(*) FROM flow_tasks"))
	}
	if _, err := b.e.CompleteTask(b.ctx, b.admin, kid.Tasks[0].ID, map[string]any{"confirmed": true}); err != nil {
		t.Fatal(err)
	}
	v = b.waitState(t, in.ID, StateCompleted, 15*time.Second)
	if v.Variables["confirmed"] != true {
		t.Errorf("child's variables not copied back: %v", v.Variables)
	}
}

const eventGateway = `
    <bpmn:startEvent id="start"/>
    <bpmn:eventBasedGateway id="race"/>
    <bpmn:intermediateCatchEvent id="upd"><bpmn:messageEventDefinition messageRef="msgUPD"/></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="fourteenDays"><bpmn:timerEventDefinition><bpmn:timeDuration>P14D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="delivered"/>
    <bpmn:endEvent id="deemed"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="race"/>
    <bpmn:sequenceFlow id="f2" sourceRef="race" targetRef="upd"/>
    <bpmn:sequenceFlow id="f3" sourceRef="race" targetRef="fourteenDays"/>
    <bpmn:sequenceFlow id="f4" sourceRef="upd" targetRef="delivered"/>
    <bpmn:sequenceFlow id="f5" sourceRef="fourteenDays" targetRef="deemed"/>`

func TestEventBasedGateway(t *testing.T) {
	b := setup(t)
	b.deploy(t, withMessages("racing", eventGateway))
	in := b.start(t, "racing", nil)
	v := b.view(t, in.ID)
	if len(v.Timers) != 1 || len(v.Subscriptions) != 1 {
		t.Fatalf("armed: %+v %+v", v.Timers, v.Subscriptions)
	}
	if _, err := b.e.Correlate(b.ctx, b.officer, "UPD", "", nil, 0); err != nil {
		t.Fatal(err)
	}
	v = b.view(t, in.ID)
	if v.State != StateCompleted || len(v.Timers) != 0 {
		t.Fatalf("message did not win: %+v", v)
	}
	last := v.History[len(v.History)-2]
	if last.Element != "delivered" {
		t.Errorf("ended at %q", last.Element)
	}
}

const externalTask = `
    <bpmn:startEvent id="start"/>
    <bpmn:serviceTask id="sign" camunda:type="external" camunda:topic="pades-sign" obieg:retries="2"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sign"/>
    <bpmn:sequenceFlow id="f2" sourceRef="sign" targetRef="end"/>`

func TestExternalTasks(t *testing.T) {
	b := setup(t)
	b.deploy(t, def("signing", externalTask))
	in := b.start(t, "signing", map[string]any{"doc": "decyzja.pdf"})
	got, err := b.e.FetchAndLock(b.ctx, b.admin, "w1", []string{"pades-sign"}, 10, time.Minute)
	if err != nil || len(got) != 1 || got[0].Variables["doc"] != "decyzja.pdf" || got[0].InstanceID != in.ID {
		t.Fatalf("fetch: %v %+v", err, got)
	}
	// Locked: a second worker gets nothing, and may not complete it.
	if again, _ := b.e.FetchAndLock(b.ctx, b.admin, "w2", []string{"pades-sign"}, 10, time.Minute); len(again) != 0 {
		t.Errorf("locked task fetched twice")
	}
	if err := b.e.CompleteExternal(b.ctx, b.admin, got[0].ID, "w2", nil); !engine.Is(engine.KindConflict, err) {
		t.Errorf("completion by another worker: %v", err)
	}
	if err := b.e.ExtendLock(b.ctx, b.admin, got[0].ID, "w1", time.Hour); err != nil {
		t.Fatal(err)
	}
	// A failure with retries left offers it again after the timeout.
	if err := b.e.FailExternal(b.ctx, b.admin, got[0].ID, "w1", "HSM busy", 1, 0); err != nil {
		t.Fatal(err)
	}
	got, _ = b.e.FetchAndLock(b.ctx, b.admin, "w2", []string{"pades-sign"}, 10, time.Minute)
	if len(got) != 1 {
		t.Fatalf("not offered again after failure")
	}
	if err := b.e.CompleteExternal(b.ctx, b.admin, got[0].ID, "w2", map[string]any{"signed": true}); err != nil {
		t.Fatal(err)
	}
	if v := b.view(t, in.ID); v.State != StateCompleted || v.Variables["signed"] != true {
		t.Fatalf("after completion: %+v", v.State)
	}
	// Failure with no retries left: an incident; retrying it offers the task again.
	in = b.start(t, "signing", nil)
	got, _ = b.e.FetchAndLock(b.ctx, b.admin, "w1", []string{"pades-sign"}, 10, time.Minute)
	if err := b.e.FailExternal(b.ctx, b.admin, got[0].ID, "w1", "certificate expired", 0, 0); err != nil {
		t.Fatal(err)
	}
	incs, _ := b.e.Incidents(b.ctx, b.admin, &in.ID, false)
	if len(incs) != 1 || !strings.Contains(incs[0].Message, "certificate expired") {
		t.Fatalf("incident: %+v", incs)
	}
	if again, _ := b.e.FetchAndLock(b.ctx, b.admin, "w1", []string{"pades-sign"}, 10, time.Minute); len(again) != 0 {
		t.Errorf("task with an incident fetched")
	}
	if err := b.e.RetryIncident(b.ctx, b.admin, incs[0].ID); err != nil {
		t.Fatal(err)
	}
	got, _ = b.e.FetchAndLock(b.ctx, b.admin, "w1", []string{"pades-sign"}, 10, time.Minute)
	if len(got) != 1 {
		t.Fatalf("not offered after the incident was retried")
	}
	if _, err := b.e.FetchAndLock(b.ctx, b.officer, "w9", []string{"pades-sign"}, 1, time.Minute); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("an officer fetches external tasks: %v", err)
	}
	if _, err := b.e.Incidents(b.ctx, b.officer, nil, false); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("an officer lists incidents: %v", err)
	}
	if _, err := b.e.FetchAndLock(b.ctx, b.admin, "", []string{"x"}, 1, time.Minute); engine.FieldOf(err) != "workerId" {
		t.Errorf("no worker id: %v", err)
	}
}

const reminders = `
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="decide" obieg:candidateUnit="FN"/>
    <bpmn:boundaryEvent id="askedAbout" attachedToRef="decide" cancelActivity="false">
      <bpmn:messageEventDefinition messageRef="msgPonaglenie"/>
    </bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="withdrawn" attachedToRef="decide">
      <bpmn:messageEventDefinition messageRef="msgWithdraw"/>
    </bpmn:boundaryEvent>
    <bpmn:serviceTask id="note" obieg:handler="count"/>
    <bpmn:endEvent id="end"/>
    <bpmn:endEvent id="noted"/>
    <bpmn:endEvent id="discontinued"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end"/>
    <bpmn:sequenceFlow id="f3" sourceRef="askedAbout" targetRef="note"/>
    <bpmn:sequenceFlow id="f4" sourceRef="note" targetRef="noted"/>
    <bpmn:sequenceFlow id="f5" sourceRef="withdrawn" targetRef="discontinued"/>`

// A non-interrupting message boundary runs beside its activity (a
// ponaglenie is noted, the case goes on); an interrupting one ends it (the
// application is withdrawn).
func TestMessageBoundaries(t *testing.T) {
	b := setup(t)
	b.e.Register("count", func(ctx context.Context, c *engine.Call) error { b.calls.add(c.Key); return nil })
	xml := strings.Replace(string(def("deciding", reminders)), "</bpmn:definitions>",
		`<bpmn:message id="msgPonaglenie" name="ponaglenie"/><bpmn:message id="msgWithdraw" name="withdraw"/></bpmn:definitions>`, 1)
	b.deploy(t, []byte(xml))
	in := b.start(t, "deciding", nil)
	for range 2 {
		if c, err := b.e.Correlate(b.ctx, b.officer, "ponaglenie", "", nil, 0); err != nil || c.Instance == nil {
			t.Fatalf("ponaglenie: %v %+v", err, c)
		}
	}
	v := b.view(t, in.ID)
	if b.calls.total() != 2 || v.State != StateActive || len(v.Tasks) != 1 || len(v.Subscriptions) != 2 {
		t.Fatalf("after two ponaglenia: %d calls, %s, %d tasks, %d subscriptions", b.calls.total(), v.State, len(v.Tasks), len(v.Subscriptions))
	}
	if _, err := b.e.Correlate(b.ctx, b.officer, "withdraw", "", nil, 0); err != nil {
		t.Fatal(err)
	}
	v = b.view(t, in.ID)
	if v.State != StateCompleted || len(v.Tasks) != 0 {
		t.Fatalf("after withdrawal: %s with %d open tasks", v.State, len(v.Tasks))
	}
	if n := b.count(t, "SELECT count(*) FROM flow_tasks WHERE state = 'cancelled'"); n != 1 {
		t.Errorf("%d tasks cancelled, want 1", n)
	}
}

const positionTask = `
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="assess" obieg:candidatePosition="${position}"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="assess"/>
    <bpmn:sequenceFlow id="f2" sourceRef="assess" targetRef="end"/>`

// A task for a position reaches whoever holds it — including a substitute,
// whose Who carries the lent position — and can be reassigned.
func TestCandidatePositionAndReassign(t *testing.T) {
	b := setup(t)
	b.deploy(t, def("assessing", positionTask))
	in := b.start(t, "assessing", map[string]any{"position": b.officer.Positions[0].String()})
	if ts := b.tasks(t, b.other, in.ID); len(ts) != 0 {
		t.Fatalf("other sees the position's task")
	}
	substitute := b.other
	substitute.Positions = append(substitute.Positions, b.officer.Positions[0]) // zastępstwo, as the registry resolves it
	ts := b.tasks(t, substitute, in.ID)
	if len(ts) != 1 {
		t.Fatalf("substitute sees %d tasks", len(ts))
	}
	if err := b.e.Claim(b.ctx, substitute, ts[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := b.e.Claim(b.ctx, b.officer, ts[0].ID); !engine.Is(engine.KindConflict, err) {
		t.Errorf("claiming a claimed task: %v", err)
	}
	if err := b.e.Reassign(b.ctx, b.officer, ts[0].ID, &b.officer.UserID); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("reassign by a bystander: %v", err)
	}
	if err := b.e.Reassign(b.ctx, substitute, ts[0].ID, &b.officer.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.e.CompleteTask(b.ctx, substitute, ts[0].ID, nil); !engine.Is(engine.KindForbidden, err) {
		t.Errorf("former assignee completes: %v", err)
	}
	if out, err := b.e.CompleteTask(b.ctx, b.officer, ts[0].ID, nil); err != nil || out.State != StateCompleted {
		t.Fatalf("assignee completes: %v", err)
	}
}

// A periodic task runs on its schedule through River.
func TestPeriodicTask(t *testing.T) {
	// No other engine runs on this database: the one with the task leads.
	b := setupOn(t, pgtest.New(t))
	ran := make(chan struct{}, 10)
	e, err := New(b.db, Options{Logger: b.e.logger, PollInterval: 50 * time.Millisecond,
		Periodic: []Periodic{{Name: "pull", Schedule: "@every 1s", Run: func(context.Context) error { ran <- struct{}{}; return nil }}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.StartWorkers(b.ctx); err != nil {
		t.Fatal(err)
	}
	defer e.StopWorkers(context.Background())
	select {
	case <-ran:
	case <-time.After(20 * time.Second):
		t.Fatal("the periodic task did not run")
	}
	if _, err := New(b.db, Options{Periodic: []Periodic{{Name: "x", Schedule: "every tuesday", Run: func(context.Context) error { return nil }}}}); !engine.Is(engine.KindInvalid, err) {
		t.Errorf("bad schedule: %v", err)
	}
}
