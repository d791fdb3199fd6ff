package bpmn

import (
	"strconv"
	"strings"
)

// Extension attributes and elements: ours (obieg:, read as attributes on
// the element) and the Camunda 7 (camunda:) and Camunda 8 (zeebe:) aliases.

const (
	activities = "userTask serviceTask sendTask receiveTask manualTask task subProcess callActivity"
	flowNodes  = activities + " startEvent endEvent intermediateCatchEvent intermediateThrowEvent exclusiveGateway parallelGateway inclusiveGateway eventBasedGateway"
)

// obiegAttrs maps each obieg: attribute to the elements it may appear on.
var obiegAttrs = map[string]string{
	"handler":           "serviceTask sendTask",
	"async":             flowNodes,
	"retries":           flowNodes,
	"assignee":          "userTask",
	"candidateUnit":     "userTask",
	"candidatePosition": "userTask",
	"dueDate":           "userTask",
	"form":              "userTask startEvent",
	"calendar":          "userTask startEvent intermediateCatchEvent boundaryEvent timerEventDefinition",
	"collection":        activities + " multiInstanceLoopCharacteristics",
	"elementVariable":   activities + " multiInstanceLoopCharacteristics",
	"correlationKey":    "receiveTask intermediateCatchEvent boundaryEvent",
}

// Camunda 7 attributes with semantics we do not offer.
var camundaRejectedAttrs = map[string]string{
	"class":              "Java delegates (camunda:class) are not supported; register a handler and set obieg:handler",
	"delegateExpression": "delegate expressions (camunda:delegateExpression) are not supported; register a handler and set obieg:handler",
	"expression":         "camunda:expression is not supported; register a handler and set obieg:handler",
	"candidateUsers":     "camunda:candidateUsers is not supported; use obieg:assignee, obieg:candidateUnit or obieg:candidatePosition",
}

// Extension elements with semantics we do not offer.
var extRejected = map[string]string{
	nsCamunda + " executionListener":    "execution listeners are not supported",
	nsCamunda + " taskListener":         "task listeners are not supported",
	nsCamunda + " inputOutput":          "input/output mappings (camunda:inputOutput) are not supported",
	nsCamunda + " in":                   "call activity variable mappings (camunda:in) are not supported",
	nsCamunda + " out":                  "call activity variable mappings (camunda:out) are not supported",
	nsCamunda + " connector":            "connectors are not supported; use obieg:handler",
	nsCamunda + " field":                "field injection is not supported; use obieg:handler",
	nsCamunda + " errorEventDefinition": "camunda:errorEventDefinition is not supported",
	nsZeebe + " ioMapping":              "input/output mappings (zeebe:ioMapping) are not supported",
	nsZeebe + " executionListeners":     "execution listeners are not supported",
	nsZeebe + " taskListeners":          "task listeners are not supported",
	nsZeebe + " script":                 "scripts are not supported; use obieg:handler",
	nsZeebe + " calledDecision":         "decisions are not supported",
}

// Zeebe extension elements we read, and where they may appear.
var zeebeRead = map[string]string{
	"taskDefinition":       "serviceTask sendTask",
	"assignmentDefinition": "userTask",
	"taskSchedule":         "userTask",
	"formDefinition":       "userTask startEvent",
	"calledElement":        "callActivity",
	"loopCharacteristics":  "multiInstanceLoopCharacteristics",
	"subscription":         "message",
}

func listed(list, name string) bool {
	for _, f := range strings.Fields(list) {
		if f == name {
			return true
		}
	}
	return false
}

// checkExt checks the extension attributes of the model element n and the
// extension elements inside its extensionElements; owner is the id named in
// problems.
func (b *builder) checkExt(n *node, owner string) {
	for _, a := range n.attrs {
		switch a.Name.Space {
		case nsObieg:
			where, ok := obiegAttrs[a.Name.Local]
			switch {
			case !ok:
				b.fail(n, owner, "unknown attribute obieg:%s", a.Name.Local)
			case !listed(where, n.local):
				b.fail(n, owner, "obieg:%s is not allowed on a %s", a.Name.Local, n.local)
			}
		case nsCamunda:
			if msg := camundaRejectedAttrs[a.Name.Local]; msg != "" {
				b.fail(n, owner, "%s", msg)
			}
			if a.Name.Local == "asyncAfter" && strings.TrimSpace(a.Value) == "true" {
				b.fail(n, owner, "camunda:asyncAfter is not supported; make the next element async (obieg:async)")
			}
		}
	}
	for _, c := range n.children {
		if !c.is("extensionElements") {
			continue
		}
		for _, e := range c.children {
			if msg := extRejected[e.space+" "+e.local]; msg != "" {
				b.fail(n, owner, "%s", msg)
				continue
			}
			switch e.space {
			case nsObieg:
				b.fail(n, owner, "unknown extension element obieg:%s; obieg extensions are attributes of the element", e.local)
			case nsZeebe:
				if where, ok := zeebeRead[e.local]; ok && !listed(where, n.local) {
					b.fail(n, owner, "zeebe:%s is not allowed on a %s", e.local, n.local)
				}
			}
		}
	}
}

// extAttr returns attribute name of the extension element space:local of n.
func extAttr(n *node, space, local, name string) string {
	if e := n.ext(space, local); e != nil {
		return e.attr("", name)
	}
	return ""
}

// src is one place a setting may come from.
type src struct{ from, val string }

// pick returns the first non-empty value; differing values from several
// places are a problem.
func (b *builder) pick(n *node, id, what string, srcs ...src) string {
	var got src
	for _, s := range srcs {
		if s.val == "" {
			continue
		}
		if got.val == "" {
			got = s
		} else if s.val != got.val {
			b.fail(n, id, "conflicting %s: %s=%q and %s=%q", what, got.from, got.val, s.from, s.val)
		}
	}
	return got.val
}

func parseBool(v string) (bool, bool) {
	switch v {
	case "true":
		return true, true
	case "false", "":
		return false, true
	}
	return false, false
}

// async reads obieg:async / camunda:asyncBefore and obieg:retries /
// zeebe:taskDefinition retries.
func (b *builder) async(n *node, el *Element) {
	for _, s := range []src{{"obieg:async", n.attr(nsObieg, "async")}, {"camunda:asyncBefore", n.attr(nsCamunda, "asyncBefore")}} {
		v, ok := parseBool(s.val)
		if !ok {
			b.fail(n, el.ID, "%s=%q is neither true nor false", s.from, s.val)
		}
		el.Async = el.Async || v
	}
	r := b.pick(n, el.ID, "retries",
		src{"obieg:retries", n.attr(nsObieg, "retries")},
		src{"zeebe:taskDefinition retries", extAttr(n, nsZeebe, "taskDefinition", "retries")})
	if r != "" {
		k, err := strconv.Atoi(r)
		if err != nil || k < 0 || k > 1000 {
			b.fail(n, el.ID, "retries %q is not an integer between 0 and 1000", r)
		} else {
			el.Retries = k
		}
	}
}

// expr compiles an optional value expression, reporting a problem.
func (b *builder) expr(n *node, id, what, v string) *Expression {
	e, err := compileExpr(v, exprValue)
	if err != nil {
		b.fail(n, id, "%s: %v", what, err)
	}
	return e
}

func (b *builder) userTask(n *node, el *Element) {
	id := el.ID
	if extAttr(n, nsZeebe, "assignmentDefinition", "candidateUsers") != "" {
		b.fail(n, id, "zeebe candidateUsers is not supported; use obieg:assignee, obieg:candidateUnit or obieg:candidatePosition")
	}
	u := &UserTaskDef{}
	u.Assignee = b.expr(n, id, "assignee", b.pick(n, id, "assignee",
		src{"obieg:assignee", n.attr(nsObieg, "assignee")},
		src{"camunda:assignee", n.attr(nsCamunda, "assignee")},
		src{"zeebe:assignmentDefinition assignee", extAttr(n, nsZeebe, "assignmentDefinition", "assignee")}))
	u.CandidateUnit = b.expr(n, id, "candidate unit", b.pick(n, id, "candidate unit",
		src{"obieg:candidateUnit", n.attr(nsObieg, "candidateUnit")},
		src{"camunda:candidateGroups", n.attr(nsCamunda, "candidateGroups")},
		src{"zeebe:assignmentDefinition candidateGroups", extAttr(n, nsZeebe, "assignmentDefinition", "candidateGroups")}))
	u.CandidatePosition = b.expr(n, id, "candidate position", n.attr(nsObieg, "candidatePosition"))
	el.Form = b.pick(n, id, "form",
		src{"obieg:form", n.attr(nsObieg, "form")},
		src{"camunda:formKey", n.attr(nsCamunda, "formKey")},
		src{"zeebe:formDefinition formKey", extAttr(n, nsZeebe, "formDefinition", "formKey")},
		src{"zeebe:formDefinition formId", extAttr(n, nsZeebe, "formDefinition", "formId")})
	due := b.pick(n, id, "due date",
		src{"obieg:dueDate", n.attr(nsObieg, "dueDate")},
		src{"camunda:dueDate", n.attr(nsCamunda, "dueDate")},
		src{"zeebe:taskSchedule dueDate", extAttr(n, nsZeebe, "taskSchedule", "dueDate")})
	u.DueDate = b.expr(n, id, "due date", due)
	if u.DueDate.IsLiteral() {
		if err := checkDueDateLiteral(u.DueDate.Code); err != nil {
			b.fail(n, id, "%v", err)
		}
	}
	u.Calendar = b.calendar(n, id, n.attr(nsObieg, "calendar"))
	if u.Calendar != "" && u.DueDate == nil {
		b.fail(n, id, "obieg:calendar on a user task needs obieg:dueDate")
	}
	el.User = u
}

// jobTask reads the implementation of a service or send task: an
// obieg:handler or an external task topic.
func (b *builder) jobTask(n *node, el *Element) {
	id := el.ID
	el.Handler = n.attr(nsObieg, "handler")
	ctype := n.attr(nsCamunda, "type")
	if ctype != "" && ctype != "external" {
		b.fail(n, id, "camunda:type=%q is not supported; use obieg:handler or camunda:type=\"external\"", ctype)
	}
	ctopic := n.attr(nsCamunda, "topic")
	if ctype == "external" && ctopic == "" {
		b.fail(n, id, "an external task (camunda:type=\"external\") needs camunda:topic")
	}
	if ctype != "external" {
		ctopic = ""
	}
	zt := n.ext(nsZeebe, "taskDefinition")
	if zt != nil && zt.attr("", "type") == "" {
		b.fail(n, id, "zeebe:taskDefinition needs a type")
	}
	el.Topic = b.pick(n, id, "external task topic",
		src{"camunda:topic", ctopic},
		src{"zeebe:taskDefinition type", extAttr(n, nsZeebe, "taskDefinition", "type")})
	switch {
	case el.Handler != "" && el.Topic != "":
		b.fail(n, id, "both obieg:handler %q and external task topic %q; give one", el.Handler, el.Topic)
	case el.Handler == "" && el.Topic == "" && ctype == "" && zt == nil &&
		!n.hasAttr(nsCamunda, "class") && !n.hasAttr(nsCamunda, "delegateExpression") && !n.hasAttr(nsCamunda, "expression"):
		b.fail(n, id, "a %s needs obieg:handler (or an external task: camunda:type=\"external\" with camunda:topic, or zeebe:taskDefinition type)", el.Type)
	}
}

// correlation sets the correlation key of a message catch event or receive
// task: obieg:correlationKey, else the message's zeebe:subscription key.
func (b *builder) correlation(n *node, el *Element) {
	el.CorrelationKey = b.expr(n, el.ID, "correlation key", n.attr(nsObieg, "correlationKey"))
	if el.CorrelationKey == nil && el.Message != nil {
		el.CorrelationKey = el.Message.CorrelationKey
	}
}
