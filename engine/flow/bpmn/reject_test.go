package bpmn

import (
	"strings"
	"testing"

	"obieg.dev/obieg/engine"
)

// doc wraps a process body (and extra root elements) in a Camunda 7 style
// definitions element.
func doc(roots, body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:obieg="https://obieg.dev/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.28.0">
` + roots + `
  <bpmn:process id="Process_1" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
` + body + `
  </bpmn:process>
</bpmn:definitions>
`
}

// flow is a sequence flow.
func flow(id, src, tgt string) string {
	return `<bpmn:sequenceFlow id="` + id + `" sourceRef="` + src + `" targetRef="` + tgt + `" />`
}

// chain links StartEvent_1 → mid → End_1 (an end event it declares).
func chain(mid string, decl string) string {
	return decl + `<bpmn:endEvent id="End_1" />` + flow("Flow_a", "StartEvent_1", mid) + flow("Flow_b", mid, "End_1")
}

type rejectCase struct {
	name       string
	xml        string
	id, reason string // both must appear in the message
	kind       engine.Kind
}

var rejectCases = []rejectCase{
	{name: "complexGateway", id: "Gateway_1x2", reason: "supported gateways are exclusive, parallel, inclusive and event-based",
		xml: doc("", chain("Gateway_1x2", `<bpmn:complexGateway id="Gateway_1x2" />`))},
	{name: "scriptTask", id: "Activity_Skrypt", reason: "script tasks are not supported",
		xml: doc("", chain("Activity_Skrypt", `<bpmn:scriptTask id="Activity_Skrypt" scriptFormat="groovy"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>`))},
	{name: "businessRuleTask", id: "Activity_DMN", reason: "business rule tasks",
		xml: doc("", chain("Activity_DMN", `<bpmn:businessRuleTask id="Activity_DMN" camunda:decisionRef="d" />`))},
	{name: "transaction", id: "Tx_1", reason: "transaction",
		xml: doc("", chain("Tx_1", `<bpmn:transaction id="Tx_1" />`))},
	{name: "adHocSubProcess", id: "AdHoc_1", reason: "ad-hoc",
		xml: doc("", chain("AdHoc_1", `<bpmn:adHocSubProcess id="AdHoc_1" />`))},
	{name: "signal catch event", id: "Event_Sygnal", reason: "signal events are not supported",
		xml: doc(`<bpmn:signal id="Signal_1" name="alarm" />`, chain("Event_Sygnal",
			`<bpmn:intermediateCatchEvent id="Event_Sygnal"><bpmn:signalEventDefinition id="SignalEventDefinition_1" signalRef="Signal_1" /></bpmn:intermediateCatchEvent>`))},
	{name: "signal start event", id: "Start_Sygnal", reason: "signal events",
		xml: doc(`<bpmn:signal id="Signal_1" name="alarm" />`, `<bpmn:startEvent id="Start_Sygnal"><bpmn:signalEventDefinition signalRef="Signal_1" /></bpmn:startEvent>`)},
	{name: "compensation boundary", id: "Event_Kompensata", reason: "compensation events are not supported",
		xml: doc("", chain("Activity_1", `<bpmn:task id="Activity_1" /><bpmn:boundaryEvent id="Event_Kompensata" attachedToRef="Activity_1"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>`))},
	{name: "escalation end", id: "End_Eskalacja", reason: "escalation",
		xml: doc("", `<bpmn:endEvent id="End_Eskalacja"><bpmn:escalationEventDefinition /></bpmn:endEvent>`+flow("f", "StartEvent_1", "End_Eskalacja"))},
	{name: "conditional catch", id: "Event_Warunek", reason: "conditional",
		xml: doc("", chain("Event_Warunek", `<bpmn:intermediateCatchEvent id="Event_Warunek"><bpmn:conditionalEventDefinition><bpmn:condition>${x}</bpmn:condition></bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>`))},
	{name: "link throw", id: "Event_Link", reason: "link events",
		xml: doc("", chain("Event_Link", `<bpmn:intermediateThrowEvent id="Event_Link"><bpmn:linkEventDefinition name="A" /></bpmn:intermediateThrowEvent>`))},
	{name: "message throw", id: "Event_Wyslij", reason: "only none intermediate throw events",
		xml: doc(`<bpmn:message id="M" name="m" />`, chain("Event_Wyslij", `<bpmn:intermediateThrowEvent id="Event_Wyslij"><bpmn:messageEventDefinition messageRef="M" /></bpmn:intermediateThrowEvent>`))},
	{name: "message end", id: "End_Msg", reason: "message endEvent is not supported",
		xml: doc(`<bpmn:message id="M" name="m" />`, `<bpmn:endEvent id="End_Msg"><bpmn:messageEventDefinition messageRef="M" /></bpmn:endEvent>`+flow("f", "StartEvent_1", "End_Msg"))},
	{name: "multiple event definitions", id: "Event_Multi", reason: "several event definitions",
		xml: doc(`<bpmn:message id="M" name="m" />`, chain("Event_Multi", `<bpmn:intermediateCatchEvent id="Event_Multi"><bpmn:messageEventDefinition messageRef="M" /><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`))},
	{name: "eventSubProcess", id: "Activity_ZdarzeniowyPodproces", reason: "event sub-processes",
		xml: doc("", `<bpmn:endEvent id="End_1" />`+flow("f", "StartEvent_1", "End_1")+
			`<bpmn:subProcess id="Activity_ZdarzeniowyPodproces" triggeredByEvent="true"><bpmn:startEvent id="Event_Es" isInterrupting="false"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent></bpmn:subProcess>`)},
	{name: "bad condition syntax", id: "Flow_Zly", reason: "condition",
		xml: doc("", `<bpmn:exclusiveGateway id="G" /><bpmn:endEvent id="E1" /><bpmn:endEvent id="E2" />`+flow("f0", "StartEvent_1", "G")+
			`<bpmn:sequenceFlow id="Flow_Zly" sourceRef="G" targetRef="E1"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${kwota &gt;&gt; (100}</bpmn:conditionExpression></bpmn:sequenceFlow>`+flow("f2", "G", "E2"))},
	{name: "condition not boolean", id: "Flow_Int", reason: "bool",
		xml: doc("", `<bpmn:exclusiveGateway id="G" /><bpmn:endEvent id="E1" /><bpmn:endEvent id="E2" />`+flow("f0", "StartEvent_1", "G")+
			`<bpmn:sequenceFlow id="Flow_Int" sourceRef="G" targetRef="E1"><bpmn:conditionExpression>${1 + 2}</bpmn:conditionExpression></bpmn:sequenceFlow>`+flow("f2", "G", "E2"))},
	{name: "script condition", id: "Flow_JS", reason: "language",
		xml: doc("", `<bpmn:endEvent id="E1" /><bpmn:sequenceFlow id="Flow_JS" sourceRef="StartEvent_1" targetRef="E1"><bpmn:conditionExpression language="javascript">true</bpmn:conditionExpression></bpmn:sequenceFlow>`)},
	{name: "condition after parallel gateway", id: "Flow_P", reason: "conditions are allowed only",
		xml: doc("", `<bpmn:parallelGateway id="G" /><bpmn:endEvent id="E1" />`+flow("f0", "StartEvent_1", "G")+
			`<bpmn:sequenceFlow id="Flow_P" sourceRef="G" targetRef="E1"><bpmn:conditionExpression>${x}</bpmn:conditionExpression></bpmn:sequenceFlow>`)},
	{name: "unknown sequenceFlow target", id: "Flow_Donikad", reason: `targetRef "Activity_Brak"`,
		xml: doc("", `<bpmn:endEvent id="End_1" />`+flow("f", "StartEvent_1", "End_1")+flow("Flow_Donikad", "StartEvent_1", "Activity_Brak"))},
	{name: "flow without source", id: "Flow_Bez", reason: "no sourceRef",
		xml: doc("", `<bpmn:endEvent id="End_1" /><bpmn:sequenceFlow id="Flow_Bez" targetRef="End_1" />`)},
	{name: "flow crossing sub-process", id: "Flow_Przez", reason: "cannot cross",
		xml: doc("", `<bpmn:subProcess id="Sub"><bpmn:startEvent id="SS" /><bpmn:endEvent id="SE" />`+flow("sf", "SS", "SE")+`</bpmn:subProcess>`+flow("Flow_Przez", "StartEvent_1", "SE")+flow("f2", "StartEvent_1", "Sub"))},
	{name: "DOCTYPE", id: "", reason: "DOCTYPE",
		xml: `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + doc("", "")[len(`<?xml version="1.0" encoding="UTF-8"?>`):]},
	{name: "entity without DTD", reason: "malformed XML",
		xml: strings.Replace(doc("", ""), `id="Process_1"`, `id="&xxe;"`, 1)},
	{name: "default flow with condition", id: "Flow_Domyslny", reason: "must not have a condition",
		xml: doc("", `<bpmn:exclusiveGateway id="Gateway_D" default="Flow_Domyslny" /><bpmn:endEvent id="E1" /><bpmn:endEvent id="E2" />`+flow("f0", "StartEvent_1", "Gateway_D")+
			`<bpmn:sequenceFlow id="Flow_Domyslny" sourceRef="Gateway_D" targetRef="E1"><bpmn:conditionExpression>${a}</bpmn:conditionExpression></bpmn:sequenceFlow>`+flow("f2", "Gateway_D", "E2"))},
	{name: "default flow not outgoing", id: "Gateway_D", reason: "not an outgoing sequence flow",
		xml: doc("", `<bpmn:exclusiveGateway id="Gateway_D" default="f0" /><bpmn:endEvent id="E1" />`+flow("f0", "StartEvent_1", "Gateway_D")+flow("f1", "Gateway_D", "E1"))},
	{name: "default on parallel gateway", id: "Gateway_P", reason: "cannot have a default flow",
		xml: doc("", `<bpmn:parallelGateway id="Gateway_P" default="f1" /><bpmn:endEvent id="E1" />`+flow("f0", "StartEvent_1", "Gateway_P")+flow("f1", "Gateway_P", "E1"))},
	{name: "service task without handler", id: "Activity_Usluga", reason: "needs obieg:handler",
		xml: doc("", chain("Activity_Usluga", `<bpmn:serviceTask id="Activity_Usluga" name="Wyślij" />`))},
	{name: "send task without handler", id: "Activity_Wysylka", reason: "needs obieg:handler",
		xml: doc("", chain("Activity_Wysylka", `<bpmn:sendTask id="Activity_Wysylka" />`))},
	{name: "camunda:class", id: "Activity_Java", reason: "obieg:handler",
		xml: doc("", chain("Activity_Java", `<bpmn:serviceTask id="Activity_Java" camunda:class="pl.gmina.Delegat" />`))},
	{name: "camunda:delegateExpression", id: "Activity_Bean", reason: "obieg:handler",
		xml: doc("", chain("Activity_Bean", `<bpmn:serviceTask id="Activity_Bean" camunda:delegateExpression="${bean}" />`))},
	{name: "camunda type connector", id: "Activity_Con", reason: `camunda:type="connector"`,
		xml: doc("", chain("Activity_Con", `<bpmn:serviceTask id="Activity_Con" camunda:type="connector" />`))},
	{name: "external without topic", id: "Activity_Ext", reason: "camunda:topic",
		xml: doc("", chain("Activity_Ext", `<bpmn:serviceTask id="Activity_Ext" camunda:type="external" />`))},
	{name: "handler and topic", id: "Activity_Oba", reason: "give one",
		xml: doc("", chain("Activity_Oba", `<bpmn:serviceTask id="Activity_Oba" obieg:handler="h" camunda:type="external" camunda:topic="t" />`))},
	{name: "execution listener", id: "Activity_L", reason: "listeners",
		xml: doc("", chain("Activity_L", `<bpmn:userTask id="Activity_L"><bpmn:extensionElements><camunda:executionListener class="x.Y" event="start" /></bpmn:extensionElements></bpmn:userTask>`))},
	{name: "zeebe ioMapping", id: "Activity_IO", reason: "zeebe:ioMapping",
		xml: doc("", chain("Activity_IO", `<bpmn:serviceTask id="Activity_IO"><bpmn:extensionElements><zeebe:taskDefinition type="t" /><zeebe:ioMapping><zeebe:input source="=a" target="b" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>`))},
	{name: "camunda:asyncAfter", id: "Activity_AA", reason: "asyncAfter",
		xml: doc("", chain("Activity_AA", `<bpmn:task id="Activity_AA" camunda:asyncAfter="true" />`))},
	{name: "unknown obieg attribute", id: "Activity_Lit", reason: "obieg:asignee",
		xml: doc("", chain("Activity_Lit", `<bpmn:userTask id="Activity_Lit" obieg:asignee="jan" />`))},
	{name: "obieg attribute misplaced", id: "Activity_Mis", reason: "obieg:handler is not allowed on a userTask",
		xml: doc("", chain("Activity_Mis", `<bpmn:userTask id="Activity_Mis" obieg:handler="h" />`))},
	{name: "conflicting aliases", id: "Activity_Kto", reason: "conflicting assignee",
		xml: doc("", chain("Activity_Kto", `<bpmn:userTask id="Activity_Kto" obieg:assignee="jan" camunda:assignee="anna" />`))},
	{name: "composite assignee", id: "Activity_Tpl", reason: "mixing literals",
		xml: doc("", chain("Activity_Tpl", `<bpmn:userTask id="Activity_Tpl" obieg:assignee="user-${id}" />`))},
	{name: "bad assignee expression", id: "Activity_Expr", reason: "assignee",
		xml: doc("", chain("Activity_Expr", `<bpmn:userTask id="Activity_Expr" obieg:assignee="${a +}" />`))},
	{name: "bad due date", id: "Activity_Due", reason: "P14",
		xml: doc("", chain("Activity_Due", `<bpmn:userTask id="Activity_Due" obieg:dueDate="P14" />`))},
	{name: "unknown calendar", id: "Activity_Cal", reason: "calendar",
		xml: doc("", chain("Activity_Cal", `<bpmn:userTask id="Activity_Cal" obieg:dueDate="P1D" obieg:calendar="gregorian" />`))},
	{name: "candidateUsers", id: "Activity_CU", reason: "candidateUsers",
		xml: doc("", chain("Activity_CU", `<bpmn:userTask id="Activity_CU" camunda:candidateUsers="a,b" />`))},
	{name: "bad retries", id: "Activity_R", reason: "retries",
		xml: doc("", chain("Activity_R", `<bpmn:serviceTask id="Activity_R" obieg:handler="h" obieg:retries="-1" />`))},
	{name: "duplicate id", id: "Activity_Dup", reason: "duplicate id",
		xml: doc("", chain("Activity_Dup", `<bpmn:task id="Activity_Dup" /><bpmn:task id="Activity_Dup" />`))},
	{name: "no start event", id: "Process_Bez", reason: "no start event",
		xml: strings.Replace(strings.Replace(doc("", `<bpmn:endEvent id="E" />`), `<bpmn:startEvent id="StartEvent_1" />`, "", 1), "Process_1", "Process_Bez", 1)},
	{name: "two none start events", id: "StartEvent_2", reason: "second none start event",
		xml: doc("", `<bpmn:startEvent id="StartEvent_2" />`)},
	{name: "end event with outgoing", id: "End_Dalej", reason: "end event cannot have outgoing",
		xml: doc("", `<bpmn:endEvent id="End_Dalej" /><bpmn:task id="T" />`+flow("f1", "StartEvent_1", "End_Dalej")+flow("f2", "End_Dalej", "T"))},
	{name: "start event with incoming", id: "StartEvent_1", reason: "start event cannot have incoming",
		xml: doc("", `<bpmn:task id="T" />`+flow("f1", "StartEvent_1", "T")+flow("f2", "T", "StartEvent_1"))},
	{name: "unreachable task", id: "Activity_Sierota", reason: "not reachable",
		xml: doc("", `<bpmn:endEvent id="E" />`+flow("f1", "StartEvent_1", "E")+`<bpmn:task id="Activity_Sierota" />`)},
	{name: "boundary on gateway", id: "Event_NaBramce", reason: "activities only",
		xml: doc("", `<bpmn:exclusiveGateway id="G" /><bpmn:endEvent id="E" />`+flow("f1", "StartEvent_1", "G")+flow("f2", "G", "E")+
			`<bpmn:boundaryEvent id="Event_NaBramce" attachedToRef="G"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>`)},
	{name: "boundary on missing activity", id: "Event_Nigdzie", reason: "attachedToRef",
		xml: doc("", chain("T", `<bpmn:task id="T" />`)+
			`<bpmn:boundaryEvent id="Event_Nigdzie" attachedToRef="Activity_Brak"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>`)},
	{name: "boundary in other scope", id: "Event_Obok", reason: "same (sub-)process",
		xml: doc("", `<bpmn:subProcess id="Sub"><bpmn:startEvent id="SS" /><bpmn:task id="ST" />`+flow("sf", "SS", "ST")+`</bpmn:subProcess>`+flow("f1", "StartEvent_1", "Sub")+
			`<bpmn:boundaryEvent id="Event_Obok" attachedToRef="ST"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>`)},
	{name: "non-interrupting error boundary", id: "Event_BladNP", reason: "always interrupting",
		xml: doc(`<bpmn:error id="Err" errorCode="E1" />`, chain("T", `<bpmn:task id="T" />`)+
			`<bpmn:boundaryEvent id="Event_BladNP" attachedToRef="T" cancelActivity="false"><bpmn:errorEventDefinition errorRef="Err" /></bpmn:boundaryEvent>`)},
	{name: "error end without errorRef", id: "End_Blad", reason: "errorRef",
		xml: doc("", `<bpmn:endEvent id="End_Blad"><bpmn:errorEventDefinition /></bpmn:endEvent>`+flow("f", "StartEvent_1", "End_Blad"))},
	{name: "error without code", id: "End_Blad", reason: "no errorCode",
		xml: doc(`<bpmn:error id="Err" name="x" />`, `<bpmn:endEvent id="End_Blad"><bpmn:errorEventDefinition errorRef="Err" /></bpmn:endEvent>`+flow("f", "StartEvent_1", "End_Blad"))},
	{name: "unknown messageRef", id: "Activity_Odbior", reason: `messageRef "Message_Brak"`,
		xml: doc("", chain("Activity_Odbior", `<bpmn:receiveTask id="Activity_Odbior" messageRef="Message_Brak" />`))},
	{name: "event gateway to task", id: "Gateway_Wyscig", reason: "must lead to intermediate timer or message catch events",
		xml: doc(`<bpmn:message id="M" name="m" />`, `<bpmn:eventBasedGateway id="Gateway_Wyscig" /><bpmn:task id="T" /><bpmn:intermediateCatchEvent id="C"><bpmn:messageEventDefinition messageRef="M" /></bpmn:intermediateCatchEvent><bpmn:endEvent id="E" />`+
			flow("f0", "StartEvent_1", "Gateway_Wyscig")+flow("f1", "Gateway_Wyscig", "T")+flow("f2", "Gateway_Wyscig", "C")+flow("f3", "T", "E")+flow("f4", "C", "E"))},
	{name: "event gateway with one flow", id: "Gateway_Sam", reason: "at least two",
		xml: doc("", `<bpmn:eventBasedGateway id="Gateway_Sam" /><bpmn:intermediateCatchEvent id="C"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`+
			flow("f0", "StartEvent_1", "Gateway_Sam")+flow("f1", "Gateway_Sam", "C"))},
	{name: "bad timer duration", id: "Event_Czas", reason: "P1X",
		xml: doc("", chain("Event_Czas", `<bpmn:intermediateCatchEvent id="Event_Czas"><bpmn:timerEventDefinition><bpmn:timeDuration>P1X</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`))},
	{name: "bad timer date", id: "Event_Data", reason: "RFC 3339",
		xml: doc("", chain("Event_Data", `<bpmn:intermediateCatchEvent id="Event_Data"><bpmn:timerEventDefinition><bpmn:timeDate>31.12.2026</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`))},
	{name: "cron cycle", id: "Start_Cron", reason: "cron",
		xml: doc("", `<bpmn:startEvent id="Start_Cron"><bpmn:timerEventDefinition><bpmn:timeCycle>0 0 9 * * ?</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>`)},
	{name: "empty timer", id: "Event_Pusty", reason: "timer needs one of",
		xml: doc("", chain("Event_Pusty", `<bpmn:intermediateCatchEvent id="Event_Pusty"><bpmn:timerEventDefinition /></bpmn:intermediateCatchEvent>`))},
	{name: "standard loop", id: "Activity_Petla", reason: "standardLoopCharacteristics",
		xml: doc("", chain("Activity_Petla", `<bpmn:task id="Activity_Petla"><bpmn:standardLoopCharacteristics /></bpmn:task>`))},
	{name: "multi-instance without collection", id: "Activity_MI", reason: "loopCardinality or a collection",
		xml: doc("", chain("Activity_MI", `<bpmn:task id="Activity_MI"><bpmn:multiInstanceLoopCharacteristics /></bpmn:task>`))},
	{name: "multi-instance bad cardinality", id: "Activity_MIC", reason: "loopCardinality",
		xml: doc("", chain("Activity_MIC", `<bpmn:task id="Activity_MIC"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>trzy</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:task>`))},
	{name: "sub-process without start", id: "Sub_Pusty", reason: "exactly one none start event",
		xml: doc("", chain("Sub_Pusty", `<bpmn:subProcess id="Sub_Pusty"><bpmn:task id="ST" /></bpmn:subProcess>`))},
	{name: "timer start in sub-process", id: "Sub_Start", reason: "none start event",
		xml: doc("", chain("Sub", `<bpmn:subProcess id="Sub"><bpmn:startEvent id="Sub_Start"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent></bpmn:subProcess>`))},
	{name: "call activity without called element", id: "Activity_Call", reason: "calledElement",
		xml: doc("", chain("Activity_Call", `<bpmn:callActivity id="Activity_Call" />`))},
	{name: "potentialOwner", id: "Activity_PO", reason: "potentialOwner",
		xml: doc("", chain("Activity_PO", `<bpmn:userTask id="Activity_PO"><bpmn:potentialOwner><bpmn:resourceAssignmentExpression><bpmn:formalExpression>x</bpmn:formalExpression></bpmn:resourceAssignmentExpression></bpmn:potentialOwner></bpmn:userTask>`))},
	{name: "collection without multi-instance", id: "Activity_Kol", reason: "need multiInstanceLoopCharacteristics",
		xml: doc("", chain("Activity_Kol", `<bpmn:task id="Activity_Kol" obieg:collection="pisma" />`))},
	{name: "correlation key on a start event", id: "Start_M", reason: "obieg:correlationKey is not allowed on a startEvent",
		xml: doc(`<bpmn:message id="M" name="m" />`, `<bpmn:startEvent id="Start_M" obieg:correlationKey="x"><bpmn:messageEventDefinition messageRef="M" /></bpmn:startEvent>`)},
	{name: "calendar on a message event", id: "Event_MK", reason: "timer events only",
		xml: doc(`<bpmn:message id="M" name="m" />`, chain("Event_MK", `<bpmn:intermediateCatchEvent id="Event_MK" obieg:calendar="kpa"><bpmn:messageEventDefinition messageRef="M" /></bpmn:intermediateCatchEvent>`))},
	{name: "zeebe element misplaced", id: "Activity_ZM", reason: "zeebe:taskDefinition is not allowed on a userTask",
		xml: doc("", chain("Activity_ZM", `<bpmn:userTask id="Activity_ZM"><bpmn:extensionElements><zeebe:taskDefinition type="x" /></bpmn:extensionElements></bpmn:userTask>`))},
	{name: "unknown element in process", id: "Foo_1", reason: "not supported",
		xml: doc("", `<bpmn:fooBar id="Foo_1" />`)},
	{name: "no executable process", id: "Definitions_1", reason: "no executable process",
		xml: strings.Replace(doc("", ""), `isExecutable="true"`, `isExecutable="false"`, 1)},
	{name: "element without id", reason: "line",
		xml: doc("", `<bpmn:task name="bez id" />`)},
	{name: "wrong root", reason: "not definitions",
		xml: `<definitions xmlns="urn:other"/>`},
	{name: "malformed", reason: "malformed XML",
		xml: `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process>`},
	{name: "latin2 encoding", reason: "malformed XML",
		xml: `<?xml version="1.0" encoding="ISO-8859-2"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>`},
	{name: "too deep", reason: "deeper", kind: engine.KindTooLarge,
		xml: strings.Repeat("<a>", 2*MaxDepth) + strings.Repeat("</a>", 2*MaxDepth)},
}

func TestReject(t *testing.T) {
	for _, c := range rejectCases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse([]byte(c.xml))
			if err == nil {
				t.Fatalf("accepted: %+v", d)
			}
			kind := c.kind
			if kind == engine.KindOther {
				kind = engine.KindInvalid
			}
			if !engine.Is(kind, err) {
				t.Errorf("kind = %v, want %v (%v)", engine.KindOf(err), kind, err)
			}
			msg := engine.MessageOf(err)
			t.Log(err)
			if c.id != "" && !strings.Contains(msg, `"`+c.id+`"`) {
				t.Errorf("message does not name %q: %s", c.id, msg)
			}
			if !strings.Contains(msg, c.reason) {
				t.Errorf("message does not say %q: %s", c.reason, msg)
			}
		})
	}
}

// TestRejectManyProblems: every problem is listed, in document order.
func TestRejectManyProblems(t *testing.T) {
	_, err := Parse([]byte(doc("", `<bpmn:complexGateway id="G1" /><bpmn:scriptTask id="S1" />`)))
	msg := engine.MessageOf(err)
	if !strings.HasPrefix(msg, "2 problems: ") || strings.Index(msg, `"G1"`) > strings.Index(msg, `"S1"`) {
		t.Errorf("message = %s", msg)
	}
}

// TestNonExecutableIsLenient: problems of a process that is never started are
// warnings.
func TestNonExecutableIsLenient(t *testing.T) {
	src := strings.Replace(doc("", `<bpmn:endEvent id="E" />`+flow("f", "StartEvent_1", "E")), `</bpmn:definitions>`,
		`<bpmn:process id="Opis" isExecutable="false"><bpmn:scriptTask id="Skrypt" /><bpmn:serviceTask id="Usluga" />`+flow("g", "Usluga", "Nigdzie")+`</bpmn:process></bpmn:definitions>`, 1)
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(d.Warnings, "\n")
	for _, id := range []string{`"Skrypt"`, `"Usluga"`, `"g"`} {
		if !strings.Contains(w, id) {
			t.Errorf("warnings do not name %s: %s", id, w)
		}
	}
	if p := d.Process("Opis"); p == nil || p.Executable || p.Element("Skrypt") != nil || p.Flow("g") != nil {
		t.Errorf("non-executable process = %+v", p)
	}
}
