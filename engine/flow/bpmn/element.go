package bpmn

import (
	"strconv"
	"strings"
)

// Children of a flow node that carry no execution semantics here.
var nodeIgnored = map[string]bool{
	"documentation": true, "extensionElements": true, "incoming": true, "outgoing": true,
	"ioSpecification": true, "property": true, "dataInputAssociation": true,
	"dataOutputAssociation": true, "dataInput": true, "dataOutput": true,
	"inputSet": true, "outputSet": true, "rendering": true, "auditing": true, "monitoring": true,
}

// Event definitions we refuse, by local name, with a word for the message.
var unsupportedEventDefs = map[string]string{
	"signalEventDefinition":      "signal",
	"escalationEventDefinition":  "escalation",
	"compensateEventDefinition":  "compensation",
	"conditionalEventDefinition": "conditional",
	"linkEventDefinition":        "link",
	"cancelEventDefinition":      "cancel",
	"eventDefinitionRef":         "referenced (eventDefinitionRef)",
}

// element builds one flow node of type t. It returns nil when n has no id.
func (b *builder) element(n *node, t ElementType, s *Scope, p *Process) *Element {
	id := n.attr("", "id")
	if id == "" {
		b.fail(n, "", "a flow node needs an id")
		return nil
	}
	b.checkExt(n, id)
	el := &Element{ID: id, Name: n.attr("", "name"), Type: t, Scope: s, Retries: 3, CancelActivity: t == BoundaryEvent}

	var defs []*node
	var loop *node
	for _, c := range n.children {
		switch {
		case c.space != nsModel || nodeIgnored[c.local]:
		case strings.HasSuffix(c.local, "EventDefinition") || c.local == "eventDefinitionRef":
			if !t.IsEvent() {
				b.fail(n, id, "unexpected %s inside a %s", c.local, t)
				continue
			}
			defs = append(defs, c)
		case c.local == "multiInstanceLoopCharacteristics" && t.IsActivity():
			loop = c
		case c.local == "standardLoopCharacteristics":
			b.fail(n, id, "loops (standardLoopCharacteristics) are not supported; use multi-instance")
		case c.local == "humanPerformer" || c.local == "potentialOwner" || c.local == "performer":
			b.fail(n, id, "%s is not supported; use obieg:assignee, obieg:candidateUnit or obieg:candidatePosition", c.local)
		case t == SubProcess:
			// Flow content: read by scope below.
		default:
			b.fail(n, id, "unexpected child element %s", c.local)
		}
	}

	if t.IsEvent() {
		b.event(n, el, defs, s)
	}
	if t != BoundaryEvent {
		b.async(n, el)
	}
	if t.IsActivity() {
		if n.attr("", "isForCompensation") == "true" {
			b.fail(n, id, "compensation activities are not supported")
		}
		if loop != nil {
			el.Loop = b.loop(n, loop, id)
		} else if n.hasAttr(nsObieg, "collection") || n.hasAttr(nsObieg, "elementVariable") {
			b.fail(n, id, "obieg:collection and obieg:elementVariable need multiInstanceLoopCharacteristics")
		}
	}

	switch t {
	case UserTask:
		b.userTask(n, el)
	case ServiceTask, SendTask:
		b.jobTask(n, el)
		if t == SendTask && n.attr("", "messageRef") != "" {
			el.Message = b.messageRef(n, id, n.attr("", "messageRef"))
		}
	case ReceiveTask:
		if n.attr("", "instantiate") == "true" {
			b.fail(n, id, "instantiating receive tasks are not supported; use a message start event")
		}
		el.Message = b.messageRef(n, id, n.attr("", "messageRef"))
		b.correlation(n, el)
	case ExclusiveGateway, InclusiveGateway:
	case ParallelGateway, EventBasedGateway:
		if n.attr("", "default") != "" {
			b.fail(n, id, "a %s cannot have a default flow", t)
		}
		if t == EventBasedGateway {
			if n.attr("", "instantiate") == "true" {
				b.fail(n, id, "instantiating event-based gateways are not supported; use message start events")
			}
			if gt := n.attr("", "eventGatewayType"); gt != "" && gt != "Exclusive" {
				b.fail(n, id, "eventGatewayType=%q is not supported; only Exclusive", gt)
			}
		}
	case SubProcess:
		if n.attr("", "triggeredByEvent") == "true" {
			b.fail(n, id, "event sub-processes (triggeredByEvent=\"true\") are not supported; use boundary events")
			return el
		}
		sub := newScope(id, s, el)
		el.Sub = &sub
		b.scope(n, el.Sub, p)
	case CallActivity:
		b.callActivity(n, el)
	case BoundaryEvent:
		b.attach[el] = n.attr("", "attachedToRef")
		switch v := n.attr("", "cancelActivity"); v {
		case "", "true":
		case "false":
			el.CancelActivity = false
		default:
			b.fail(n, id, "cancelActivity=%q is neither true nor false", v)
		}
		if el.Event == EventError && !el.CancelActivity {
			b.fail(n, id, "an error boundary event is always interrupting; remove cancelActivity=\"false\"")
		}
	}
	if d := n.attr("", "default"); d != "" && (t.IsActivity() || t == ExclusiveGateway || t == InclusiveGateway) {
		b.defRef[el] = d
	} else if d != "" && !t.IsGateway() {
		b.fail(n, id, "a %s cannot have a default flow", t)
	}
	return el
}

// event reads the event definition of an event and checks that it is one
// this kind of event supports.
func (b *builder) event(n *node, el *Element, defs []*node, s *Scope) {
	id, t := el.ID, el.Type
	if len(defs) > 1 {
		names := make([]string, len(defs))
		for i, d := range defs {
			names[i] = d.local
		}
		b.fail(n, id, "several event definitions on one event (%s) are not supported", strings.Join(names, ", "))
		return
	}
	if len(defs) == 1 {
		d := defs[0]
		b.checkExt(d, id)
		switch d.local {
		case "messageEventDefinition":
			el.Event = EventMessage
			el.Message = b.messageRef(n, id, d.attr("", "messageRef"))
		case "timerEventDefinition":
			el.Event = EventTimer
			el.Timer = b.timer(n, d, id)
		case "errorEventDefinition":
			el.Event = EventError
			el.Error = b.errorRef(n, id, d.attr("", "errorRef"), t == EndEvent)
		case "terminateEventDefinition":
			el.Event = EventTerminate
		default:
			kind := unsupportedEventDefs[d.local]
			if kind == "" {
				kind = d.local
			}
			b.fail(n, id, "%s events are not supported; %s", kind, supportedEvents(t, s))
			return
		}
	}
	ok := false
	switch t {
	case StartEvent:
		ok = el.Event == EventNone || (s.Parent == nil && (el.Event == EventMessage || el.Event == EventTimer))
	case EndEvent:
		ok = el.Event == EventNone || el.Event == EventError || el.Event == EventTerminate
	case IntermediateCatchEvent, BoundaryEvent:
		ok = el.Event == EventMessage || el.Event == EventTimer || (t == BoundaryEvent && el.Event == EventError)
	case IntermediateThrowEvent:
		ok = el.Event == EventNone
	}
	if !ok {
		b.fail(n, id, "%s %s is not supported; %s", el.Event, t, supportedEvents(t, s))
		return
	}
	if el.Event == EventTimer && t == IntermediateCatchEvent && el.Timer != nil && el.Timer.Type == TimerCycle {
		b.fail(n, id, "a timeCycle on an intermediate catch event is not supported; use timeDuration or timeDate")
	}
	// Attributes on event types the obiegAttrs table allows, but on the
	// wrong kind of event.
	if el.Event != EventTimer && t != EndEvent && t != IntermediateThrowEvent && n.hasAttr(nsObieg, "calendar") {
		b.fail(n, id, "obieg:calendar applies to timer events only")
	}
	if el.Event == EventMessage && t != StartEvent {
		b.correlation(n, el)
	} else if (t == IntermediateCatchEvent || t == BoundaryEvent) && n.hasAttr(nsObieg, "correlationKey") {
		b.fail(n, id, "obieg:correlationKey applies to message catch events and receive tasks only")
	}
	if n.hasAttr(nsObieg, "form") && t == StartEvent && el.Event != EventNone {
		b.fail(n, id, "obieg:form applies to user tasks and none start events only")
	}
	if t == StartEvent && el.Event == EventNone {
		el.Form = b.pick(n, id, "form",
			src{"obieg:form", n.attr(nsObieg, "form")},
			src{"camunda:formKey", n.attr(nsCamunda, "formKey")},
			src{"zeebe:formDefinition formKey", extAttr(n, nsZeebe, "formDefinition", "formKey")},
			src{"zeebe:formDefinition formId", extAttr(n, nsZeebe, "formDefinition", "formId")})
	}
}

func supportedEvents(t ElementType, s *Scope) string {
	switch t {
	case StartEvent:
		if s.Parent != nil {
			return "a sub-process starts with a none start event"
		}
		return "supported start events are none, message and timer"
	case EndEvent:
		return "supported end events are none, error and terminate"
	case IntermediateCatchEvent:
		return "supported intermediate catch events are timer and message"
	case IntermediateThrowEvent:
		return "only none intermediate throw events (milestones) are supported"
	case BoundaryEvent:
		return "supported boundary events are timer, message and error"
	}
	return "not an event"
}

func (b *builder) messageRef(n *node, id, ref string) *Message {
	ref = localRef(ref)
	if ref == "" {
		b.fail(n, id, "no messageRef: a message event or receive task must name a bpmn:message")
		return nil
	}
	m := b.defs.Messages[ref]
	if m == nil {
		b.fail(n, id, "messageRef %q does not name a bpmn:message", ref)
		return nil
	}
	if m.Name == "" {
		b.fail(n, id, "message %q has no name", ref)
	}
	return m
}

func (b *builder) errorRef(n *node, id, ref string, throw bool) *ErrorDef {
	ref = localRef(ref)
	if ref == "" {
		if throw {
			b.fail(n, id, "an error end event needs an errorRef naming a bpmn:error")
		}
		return nil // a boundary event without errorRef catches every error
	}
	e := b.defs.Errors[ref]
	if e == nil {
		b.fail(n, id, "errorRef %q does not name a bpmn:error", ref)
		return nil
	}
	if e.Code == "" {
		b.fail(n, id, "error %q has no errorCode", ref)
	}
	return e
}

// timer reads a timerEventDefinition d of the event n.
func (b *builder) timer(n, d *node, id string) *Timer {
	var tm *Timer
	for _, c := range d.children {
		var t TimerType
		switch {
		case c.is("timeDate"):
			t = TimerDate
		case c.is("timeDuration"):
			t = TimerDuration
		case c.is("timeCycle"):
			t = TimerCycle
		default:
			continue
		}
		if tm != nil {
			b.fail(n, id, "a timer needs exactly one of timeDate, timeDuration and timeCycle")
			return nil
		}
		tm = &Timer{Type: t}
		v, err := compileExpr(c.text, exprValue)
		switch {
		case err != nil:
			b.fail(n, id, "%s: %v", t, err)
		case v == nil:
			b.fail(n, id, "empty %s", t)
		case v.IsLiteral():
			if err := checkTimerLiteral(t, v.Code); err != nil {
				b.fail(n, id, "%s: %v", t, err)
			}
		}
		tm.Value = v
	}
	if tm == nil {
		b.fail(n, id, "a timer needs one of timeDate, timeDuration and timeCycle")
		return nil
	}
	tm.Calendar = b.calendar(n, id, b.pick(n, id, "calendar",
		src{"obieg:calendar", n.attr(nsObieg, "calendar")},
		src{"obieg:calendar on timerEventDefinition", d.attr(nsObieg, "calendar")}))
	return tm
}

// calendar checks an obieg:calendar value.
func (b *builder) calendar(n *node, id, v string) string {
	if v != "" && v != "kpa" {
		b.fail(n, id, "obieg:calendar=%q is not known; the only calendar is \"kpa\"", v)
		return ""
	}
	return v
}

// loop reads multiInstanceLoopCharacteristics l of the activity n.
func (b *builder) loop(n, l *node, id string) *MultiInstance {
	b.checkExt(l, id)
	mi := &MultiInstance{}
	switch v := l.attr("", "isSequential"); v {
	case "", "false":
	case "true":
		mi.Sequential = true
	default:
		b.fail(n, id, "isSequential=%q is neither true nor false", v)
	}
	zl := l.ext(nsZeebe, "loopCharacteristics")
	if zl != nil && (zl.attr("", "outputCollection") != "" || zl.attr("", "outputElement") != "") {
		b.fail(n, id, "zeebe:loopCharacteristics outputCollection/outputElement are not supported")
	}
	zattr := func(name string) string {
		if zl == nil {
			return ""
		}
		return zl.attr("", name)
	}
	coll := b.pick(n, id, "multi-instance collection",
		src{"obieg:collection", l.attr(nsObieg, "collection")},
		src{"obieg:collection on the activity", n.attr(nsObieg, "collection")},
		src{"camunda:collection", l.attr(nsCamunda, "collection")},
		src{"zeebe:loopCharacteristics inputCollection", zattr("inputCollection")})
	mi.ElementVariable = b.pick(n, id, "multi-instance element variable",
		src{"obieg:elementVariable", l.attr(nsObieg, "elementVariable")},
		src{"obieg:elementVariable on the activity", n.attr(nsObieg, "elementVariable")},
		src{"camunda:elementVariable", l.attr(nsCamunda, "elementVariable")},
		src{"zeebe:loopCharacteristics inputElement", zattr("inputElement")})
	var err error
	if mi.Collection, err = compileExpr(coll, exprCompiled); err != nil {
		b.fail(n, id, "multi-instance collection: %v", err)
	}
	cardErr := false
	if c := l.child("loopCardinality"); c != nil {
		if mi.Cardinality, err = compileExpr(c.text, exprValue); err != nil {
			cardErr = true
			b.fail(n, id, "loopCardinality: %v", err)
		} else if mi.Cardinality.IsLiteral() {
			if k, err := strconv.Atoi(mi.Cardinality.Code); err != nil || k < 0 {
				b.fail(n, id, "loopCardinality %q is neither a non-negative integer nor an expression", mi.Cardinality.Code)
			}
		}
	}
	if c := l.child("completionCondition"); c != nil {
		if mi.CompletionCondition, err = compileExpr(c.text, exprCondition); err != nil {
			b.fail(n, id, "completionCondition: %v", err)
		}
	}
	switch {
	case coll != "" && mi.Cardinality != nil:
		b.fail(n, id, "multi-instance has both loopCardinality and a collection; give one")
	case coll == "" && mi.Cardinality == nil && !cardErr:
		b.fail(n, id, "multi-instance needs loopCardinality or a collection (obieg:collection, camunda:collection or zeebe:loopCharacteristics inputCollection)")
	case mi.ElementVariable != "" && coll == "":
		b.fail(n, id, "multi-instance element variable %q without a collection", mi.ElementVariable)
	case mi.ElementVariable != "" && !isIdent(mi.ElementVariable):
		b.fail(n, id, "multi-instance element variable %q is not a valid variable name", mi.ElementVariable)
	}
	return mi
}

func (b *builder) callActivity(n *node, el *Element) {
	ce := b.pick(n, el.ID, "called process",
		src{"calledElement", n.attr("", "calledElement")},
		src{"zeebe:calledElement processId", extAttr(n, nsZeebe, "calledElement", "processId")})
	if ce == "" {
		b.fail(n, el.ID, "a call activity needs calledElement (or zeebe:calledElement processId)")
		return
	}
	v, err := compileExpr(ce, exprValue)
	if err != nil {
		b.fail(n, el.ID, "calledElement: %v", err)
	}
	el.CalledElement = v
}

// isIdent reports whether s is a plain variable name.
func isIdent(s string) bool {
	for i, c := range s {
		switch {
		case c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return s != ""
}
