package bpmn

import "testing"

// Small documents exercising one feature each (doc, flow and chain are in
// reject_test.go).
func TestAccept(t *testing.T) {
	timer := func(id, attached, extra, value string) string {
		return `<bpmn:boundaryEvent id="` + id + `" attachedToRef="` + attached + `" ` + extra + `><bpmn:timerEventDefinition><bpmn:timeDuration>` + value + `</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>`
	}
	cases := []struct {
		name  string
		roots string
		body  string
		check func(t *testing.T, p *Process)
	}{
		{"loopCardinality literal", "", chain("T", `<bpmn:task id="T"><bpmn:multiInstanceLoopCharacteristics isSequential="true"><bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:task>`),
			func(t *testing.T, p *Process) {
				l := p.Element("T").Loop
				if !l.Sequential || l.Cardinality.Code != "3" || !l.Cardinality.IsLiteral() || l.Collection != nil {
					t.Errorf("loop = %+v", l)
				}
			}},
		{"loopCardinality expression", "", chain("T", `<bpmn:task id="T"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>${liczbaKopii}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:task>`),
			func(t *testing.T, p *Process) {
				if v, _ := p.Element("T").Loop.Cardinality.Eval(map[string]any{"liczbaKopii": 4}); v != 4 {
					t.Errorf("cardinality = %v", v)
				}
			}},
		{"obieg collection", "", chain("T", `<bpmn:userTask id="T" obieg:assignee="${urzednik}"><bpmn:multiInstanceLoopCharacteristics obieg:collection="urzednicy" obieg:elementVariable="urzednik" /></bpmn:userTask>`),
			func(t *testing.T, p *Process) {
				l := p.Element("T").Loop
				if l.Collection.Program == nil || l.Collection.Code != "urzednicy" || l.ElementVariable != "urzednik" {
					t.Errorf("loop = %+v", l)
				}
			}},
		{"multi-instance sub-process", "", chain("S", `<bpmn:subProcess id="S"><bpmn:multiInstanceLoopCharacteristics camunda:collection="${pisma}" camunda:elementVariable="pismo" /><bpmn:startEvent id="SS" /><bpmn:endEvent id="SE" />`+flow("sf", "SS", "SE")+`</bpmn:subProcess>`),
			func(t *testing.T, p *Process) {
				if s := p.Element("S"); s.Loop == nil || s.Sub == nil || s.Sub.NoneStart().ID != "SS" {
					t.Errorf("sub-process = %+v", s)
				}
			}},
		{"non-interrupting message boundary and catch-all error boundary", `<bpmn:message id="M" name="przypomnienie" />`,
			chain("T", `<bpmn:task id="T" />`) + `<bpmn:boundaryEvent id="B1" attachedToRef="T" cancelActivity="false" obieg:correlationKey="=sprawa"><bpmn:messageEventDefinition messageRef="M" /></bpmn:boundaryEvent>` +
				`<bpmn:boundaryEvent id="B2" attachedToRef="T"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>`,
			func(t *testing.T, p *Process) {
				b1, b2 := p.Element("B1"), p.Element("B2")
				if b1.CancelActivity || b1.Message.Name != "przypomnienie" || b1.CorrelationKey.Code != "sprawa" {
					t.Errorf("B1 = %+v", b1)
				}
				if !b2.CancelActivity || b2.Event != EventError || b2.Error != nil || len(p.Element("T").Boundaries) != 2 {
					t.Errorf("B2 = %+v", b2)
				}
			}},
		{"timer expression and cycle on non-interrupting boundary", "",
			chain("T", `<bpmn:task id="T" />`) + timer("B1", "T", `cancelActivity="false"`, "${terminOdpowiedzi}") +
				`<bpmn:boundaryEvent id="B2" attachedToRef="T" cancelActivity="false"><bpmn:timerEventDefinition obieg:calendar="kpa"><bpmn:timeCycle>R3/P7D</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>`,
			func(t *testing.T, p *Process) {
				if tm := p.Element("B1").Timer; tm.Value.Program == nil || tm.Calendar != "" {
					t.Errorf("B1 timer = %+v", tm)
				}
				if tm := p.Element("B2").Timer; tm.Type != TimerCycle || tm.Calendar != "kpa" {
					t.Errorf("B2 timer = %+v", tm)
				}
			}},
		{"event gateway to receive task", `<bpmn:message id="M" name="m" />`,
			`<bpmn:eventBasedGateway id="G" /><bpmn:receiveTask id="R" messageRef="M" /><bpmn:intermediateCatchEvent id="C"><bpmn:timerEventDefinition><bpmn:timeDate>2026-06-30T12:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent><bpmn:endEvent id="E" />` +
				flow("f0", "StartEvent_1", "G") + flow("f1", "G", "R") + flow("f2", "G", "C") + flow("f3", "R", "E") + flow("f4", "C", "E"),
			func(t *testing.T, p *Process) {
				if len(p.Outgoing["G"]) != 2 || len(p.Incoming["E"]) != 2 {
					t.Error("bad indices")
				}
			}},
		{"implicit split and conditional flow from a task", "",
			`<bpmn:task id="T" default="f2" obieg:async="true" /><bpmn:endEvent id="E1" /><bpmn:endEvent id="E2" /><bpmn:endEvent id="E3" />` + flow("f0", "StartEvent_1", "T") +
				`<bpmn:sequenceFlow id="f1" sourceRef="T" targetRef="E1"><bpmn:conditionExpression>pilne</bpmn:conditionExpression></bpmn:sequenceFlow>` + flow("f2", "T", "E2") +
				flow("f3", "StartEvent_1", "E3"),
			func(t *testing.T, p *Process) {
				task := p.Element("T")
				if task.Default.ID != "f2" || !task.Async || p.Flow("f1").Condition.Code != "pilne" || len(p.Outgoing["StartEvent_1"]) != 2 {
					t.Errorf("task = %+v", task)
				}
				if task.Lane != nil || p.Lanes != nil {
					t.Error("lanes without a laneSet")
				}
			}},
		{"async gateway", "",
			`<bpmn:exclusiveGateway id="G" obieg:async="true" obieg:retries="0" /><bpmn:endEvent id="E" />` + flow("f0", "StartEvent_1", "G") + flow("f1", "G", "E"),
			func(t *testing.T, p *Process) {
				if g := p.Element("G"); !g.Async || g.Retries != 0 {
					t.Errorf("gateway = %+v", g)
				}
			}},
		{"zeebe user task", "",
			chain("U", `<bpmn:userTask id="U"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="=kierownik" candidateGroups="sekretariat" /><zeebe:formDefinition formKey="camunda-forms:bpmn:f" /><zeebe:taskSchedule dueDate="2026-09-01T00:00:00Z" /></bpmn:extensionElements></bpmn:userTask>`),
			func(t *testing.T, p *Process) {
				u := p.Element("U")
				if u.User.Assignee.Code != "kierownik" || u.User.CandidateUnit.Code != "sekretariat" || u.Form != "camunda-forms:bpmn:f" || u.User.DueDate.Code != "2026-09-01T00:00:00Z" {
					t.Errorf("user task = %+v %+v", u, u.User)
				}
			}},
		{"call activity expression and zeebe send task", "",
			`<bpmn:callActivity id="C" calledElement="${rodzajSprawy}" /><bpmn:sendTask id="S"><bpmn:extensionElements><zeebe:taskDefinition type="epuap" retries="1" /></bpmn:extensionElements></bpmn:sendTask><bpmn:endEvent id="E" />` +
				flow("f0", "StartEvent_1", "C") + flow("f1", "C", "S") + flow("f2", "S", "E"),
			func(t *testing.T, p *Process) {
				if c := p.Element("C"); c.CalledElement.Program == nil {
					t.Errorf("call activity = %+v", c)
				}
				if s := p.Element("S"); s.Topic != "epuap" || s.Retries != 1 {
					t.Errorf("send task = %+v", s)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse([]byte(doc(c.roots, c.body)))
			if err != nil {
				t.Fatal(err)
			}
			checkModel(t, d)
			c.check(t, d.Process("Process_1"))
		})
	}
}
