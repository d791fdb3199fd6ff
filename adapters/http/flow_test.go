package web

import (
	"net/http"
	"strings"
	"testing"

	"obieg.dev/obieg/engine/flow"
)

// A registration workflow as Camunda Modeler 5 saves it (diagram
// interchange included), driven entirely through the REST API.
const camundaDiagram = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:obieg="https://obieg.dev/bpmn"
  id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.30.0">
  <bpmn:process id="incoming" name="Pismo wpływające" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Activity_assign" name="Dekretacja" camunda:candidateGroups="FN"><bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing></bpmn:userTask>
    <bpmn:receiveTask id="Activity_wait" name="Czekaj na UPD" messageRef="Message_upd" obieg:correlationKey="${signature}"><bpmn:incoming>Flow_2</bpmn:incoming><bpmn:outgoing>Flow_3</bpmn:outgoing></bpmn:receiveTask>
    <bpmn:endEvent id="Event_end"><bpmn:incoming>Flow_3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Activity_assign"/>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Activity_assign" targetRef="Activity_wait"/>
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Activity_wait" targetRef="Event_end"/>
  </bpmn:process>
  <bpmn:message id="Message_upd" name="UPD"/>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="incoming">
      <bpmndi:BPMNShape id="_BPMNShape_StartEvent_2" bpmnElement="StartEvent_1"><dc:Bounds x="179" y="99" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Activity_assign_di" bpmnElement="Activity_assign"><dc:Bounds x="270" y="77" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Activity_wait_di" bpmnElement="Activity_wait"><dc:Bounds x="430" y="77" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Event_end_di" bpmnElement="Event_end"><dc:Bounds x="592" y="99" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1"><di:waypoint x="215" y="117"/><di:waypoint x="270" y="117"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2"><di:waypoint x="370" y="117"/><di:waypoint x="430" y="117"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_3_di" bpmnElement="Flow_3"><di:waypoint x="530" y="117"/><di:waypoint x="592" y="117"/></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`

func TestWorkflowAPI(t *testing.T) {
	b := setup(t)
	if r := b.do(http.MethodPost, "/api/v1/process-definitions", b.officer, "application/xml", []byte(camundaDiagram)); r.status != 403 {
		t.Errorf("officer deploys: %d", r.status)
	}
	r := b.do(http.MethodPost, "/api/v1/process-definitions", b.admin, "application/xml", []byte(camundaDiagram))
	if r.status != 201 {
		t.Fatalf("deploy: %d %s", r.status, r.body)
	}
	var deployed struct{ Definitions []flow.Definition }
	r.json(t, &deployed)
	// The office has the shipped "incoming" already (setup deploys the
	// kancelaria workflows): this diagram of the same key is its next version.
	if len(deployed.Definitions) != 1 || deployed.Definitions[0].Key != "incoming" || deployed.Definitions[0].Version != 2 || !deployed.Definitions[0].New {
		t.Fatalf("deployed: %s", r.body)
	}
	if r := b.do(http.MethodPost, "/api/v1/process-definitions", b.admin, "application/xml", []byte(camundaDiagram)); r.status != 200 {
		t.Errorf("redeploy of the same XML: %d", r.status)
	}
	bad := strings.Replace(camundaDiagram, `<bpmn:userTask id="Activity_assign"`, `<bpmn:scriptTask id="Activity_script"/><bpmn:userTask id="Activity_assign"`, 1)
	if r := b.do(http.MethodPost, "/api/v1/process-definitions", b.admin, "application/xml", []byte(bad)); r.status != 400 || !strings.Contains(r.problem(t).Detail, "Activity_script") {
		t.Errorf("unsupported element: %d %s", r.status, r.body)
	}
	r = b.postJSON("/api/v1/process-instances", b.officer, map[string]any{"processKey": "incoming", "businessKey": "FN.3120.1.2026",
		"variables": map[string]any{"signature": "FN.3120.1.2026"}})
	if r.status != 201 {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	var in flow.Instance
	r.json(t, &in)
	r = b.do(http.MethodGet, "/api/v1/tasks", b.officer, "", nil)
	var tasks struct{ Tasks []flow.Task }
	r.json(t, &tasks)
	if len(tasks.Tasks) != 1 || tasks.Tasks[0].ElementID != "Activity_assign" {
		t.Fatalf("officer's tasks: %s", r.body)
	}
	if r := b.do(http.MethodGet, "/api/v1/tasks", b.other, "", nil); strings.Contains(string(r.body), "Activity_assign") {
		t.Errorf("an officer of another unit sees the task")
	}
	if r := b.do(http.MethodPost, "/api/v1/tasks/"+tasks.Tasks[0].ID.String()+"/claim", b.officer, "", nil); r.status != 204 {
		t.Fatalf("claim: %d %s", r.status, r.body)
	}
	if r := b.postJSON("/api/v1/tasks/"+tasks.Tasks[0].ID.String()+"/complete", b.officer, map[string]any{"variables": map[string]any{"unit": "FN"}}); r.status != 200 {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}
	r = b.postJSON("/api/v1/messages", b.admin, map[string]any{"name": "UPD", "correlationKey": "FN.3120.1.2026", "variables": map[string]any{"deliveredOn": "2026-11-24"}})
	if r.status != 200 {
		t.Fatalf("message: %d %s", r.status, r.body)
	}
	r = b.do(http.MethodGet, "/api/v1/process-instances/"+in.ID.String(), b.admin, "", nil)
	var v flow.InstanceView
	r.json(t, &v)
	if v.State != "completed" || v.Variables["deliveredOn"] != "2026-11-24" || len(v.History) == 0 {
		t.Fatalf("instance: %s", r.body)
	}
	if r := b.do(http.MethodGet, "/api/v1/process-instances/"+in.ID.String(), b.officer, "", nil); r.status != 403 {
		t.Errorf("officer inspects an instance: %d", r.status)
	}
	// A message nobody waits for yet is kept: 202.
	if r := b.postJSON("/api/v1/messages", b.admin, map[string]any{"name": "UPD", "correlationKey": "OR.1431.9.2026", "ttlSeconds": 3600}); r.status != 202 {
		t.Errorf("buffered message: %d %s", r.status, r.body)
	}
	if r := b.do(http.MethodGet, "/api/v1/process-definitions/"+deployed.Definitions[0].ID.String()+"/xml", b.admin, "", nil); r.status != 200 || !strings.Contains(string(r.body), "BPMNDiagram") {
		t.Errorf("definition XML: %d", r.status)
	}
	for _, path := range []string{"/api/v1/process-instances?processKey=incoming", "/api/v1/incidents", "/api/v1/process-definitions", "/api/v1/tasks?scope=unit"} {
		if r := b.do(http.MethodGet, path, b.admin, "", nil); r.status != 200 {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	if r := b.postJSON("/api/v1/external-tasks/fetch-and-lock", b.admin, map[string]any{"workerId": "w", "maxTasks": 5, "topics": []map[string]any{{"topicName": "x", "lockDuration": 10000}}}); r.status != 200 {
		t.Errorf("fetch and lock: %d %s", r.status, r.body)
	}
	if r := b.postJSON("/api/v1/external-tasks/fetch-and-lock", b.officer, map[string]any{"workerId": "w", "maxTasks": 5, "topics": []map[string]any{{"topicName": "x", "lockDuration": 10000}}}); r.status != 403 {
		t.Errorf("officer fetches external tasks: %d", r.status)
	}
}
