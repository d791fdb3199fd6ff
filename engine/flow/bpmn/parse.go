package bpmn

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"obieg.dev/obieg/engine"
)

const op = "bpmn.Parse"

// maxProblems caps how many problems one rejection lists.
const maxProblems = 25

// Parse reads a BPMN 2.0 document and returns its validated model. Every
// rejection is an *engine.Error of kind engine.KindInvalid (engine.KindTooLarge
// for size and depth limits) whose message names the element ids at fault and
// the reasons, several problems separated by "; ".
func Parse(data []byte) (*Definitions, error) {
	if len(data) > MaxSize {
		return nil, engine.Errorf(op, engine.KindTooLarge, "BPMN document is %d bytes; at most %d are accepted", len(data), MaxSize)
	}
	root, err := decodeTree(data)
	if err != nil {
		var tl errTooLarge
		if errors.As(err, &tl) {
			return nil, engine.Errorf(op, engine.KindTooLarge, "%s", tl.msg)
		}
		return nil, engine.Errorf(op, engine.KindInvalid, "%s", err.Error())
	}
	sum := sha256.Sum256(data)
	b := &builder{
		defs: &Definitions{
			Hash:     hex.EncodeToString(sum[:]),
			Messages: map[string]*Message{},
			Errors:   map[string]*ErrorDef{},
		},
		ids:     map[string]*node{},
		pools:   map[string]string{},
		laneOf:  map[string]*Lane{},
		pending: map[*Scope][]pendingFlow{},
		defRef:  map[*Element]string{},
		attach:  map[*Element]string{},
	}
	b.probs = &b.fatal
	b.build(root)
	if err := b.fatal.err(); err != nil {
		return nil, err
	}
	for _, p := range b.defs.Processes {
		b.under(p.Executable, func() { b.link(p, &p.Scope) })
	}
	if err := b.fatal.err(); err != nil {
		return nil, err
	}
	for _, p := range b.defs.Processes {
		b.under(p.Executable, func() { b.validate(p, &p.Scope) })
	}
	b.defs.Warnings = b.warn.list()
	if len(b.defs.Executable()) == 0 {
		b.probs.add(fmt.Sprintf("element %q (definitions): no executable process; set isExecutable=\"true\" on a process", b.defs.ID))
	}
	if err := b.fatal.err(); err != nil {
		return nil, err
	}
	return b.defs, nil
}

// ParseReader reads at most MaxSize bytes from r and parses them.
func ParseReader(r io.Reader) (*Definitions, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, engine.E(op, engine.KindInvalid, "cannot read the BPMN document", err)
	}
	return Parse(data)
}

// problems collects the reasons for a rejection in document order.
type problems struct {
	msgs  []string
	extra int
}

func (p *problems) add(msg string) {
	if len(p.msgs) >= maxProblems {
		p.extra++
		return
	}
	p.msgs = append(p.msgs, msg)
}

// list returns the problems as they would be reported.
func (p *problems) list() []string {
	if p.extra > 0 {
		return append(p.msgs, fmt.Sprintf("and %d more", p.extra))
	}
	return p.msgs
}

func (p *problems) err() error {
	switch {
	case len(p.msgs) == 0:
		return nil
	case len(p.msgs) == 1:
		return engine.Errorf(op, engine.KindInvalid, "%s", p.msgs[0])
	}
	msg := fmt.Sprintf("%d problems: %s", len(p.msgs)+p.extra, strings.Join(p.msgs, "; "))
	if p.extra > 0 {
		msg += fmt.Sprintf("; and %d more", p.extra)
	}
	return engine.Errorf(op, engine.KindInvalid, "%s", msg)
}

// pendingFlow is a sequence flow whose ends are resolved once its scope is
// built.
type pendingFlow struct {
	f        *SequenceFlow
	n        *node
	src, tgt string
}

type builder struct {
	probs   *problems // where problems go now: fatal, or warn while in a non-executable process
	fatal   problems
	warn    problems
	defs    *Definitions
	ids     map[string]*node  // model element ids, for duplicates
	pools   map[string]string // process id -> participant name
	laneOf  map[string]*Lane  // flow node id -> innermost lane
	pending map[*Scope][]pendingFlow
	defRef  map[*Element]string // element -> its default attribute
	attach  map[*Element]string // boundary event -> attachedToRef
}

// under runs fn with problems going to the fatal list for an executable
// process and to the warnings for a non-executable one: a process that is
// never started must not block the deployment of those that are.
func (b *builder) under(executable bool, fn func()) {
	saved := b.probs
	if !executable {
		b.probs = &b.warn
	}
	fn()
	b.probs = saved
}

// fail records a problem about the XML element n whose id is id.
func (b *builder) fail(n *node, id, format string, args ...any) {
	reason := fmt.Sprintf(format, args...)
	if id == "" {
		b.probs.add(fmt.Sprintf("element %s at line %d: %s", n.local, n.line, reason))
		return
	}
	b.probs.add(fmt.Sprintf("element %q (%s): %s", id, n.local, reason))
}

// failEl records a problem about a built flow node or flow.
func (b *builder) failEl(id string, typ string, format string, args ...any) {
	b.probs.add(fmt.Sprintf("element %q (%s): %s", id, typ, fmt.Sprintf(format, args...)))
}

func (b *builder) build(root *node) {
	if !root.is("definitions") {
		b.probs.add(fmt.Sprintf("the root element is %s (namespace %q), not definitions of the BPMN 2.0 model namespace %s", root.local, root.space, nsModel))
		return
	}
	d := b.defs
	d.ID = root.attr("", "id")
	d.Name = root.attr("", "name")
	d.TargetNamespace = root.attr("", "targetNamespace")
	d.Exporter = root.attr("", "exporter")
	d.ExporterVersion = root.attr("", "exporterVersion")
	b.collectIDs(root)
	b.checkExt(root, d.ID)

	// Root elements others refer to come first.
	for _, c := range root.children {
		switch {
		case c.is("message"):
			b.message(c)
		case c.is("error"):
			e := &ErrorDef{ID: c.attr("", "id"), Name: c.attr("", "name"), Code: c.attr("", "errorCode")}
			b.checkExt(c, e.ID)
			if e.ID != "" {
				d.Errors[e.ID] = e
			}
		case c.is("collaboration"):
			for _, pt := range c.children {
				if pt.is("participant") {
					if ref := localRef(pt.attr("", "processRef")); ref != "" && b.pools[ref] == "" {
						b.pools[ref] = pt.attr("", "name")
					}
				}
			}
		}
	}
	// Other root elements (signal, escalation, category, itemDefinition,
	// dataStore, the diagram …) carry nothing executable by themselves;
	// events referring to them are rejected where they occur.
	for _, c := range root.children {
		if c.is("process") {
			b.process(c)
		}
	}
}

// collectIDs reports duplicate ids among model elements.
func (b *builder) collectIDs(n *node) {
	if n.space != nsModel {
		return
	}
	if id := n.attr("", "id"); id != "" {
		if prev, ok := b.ids[id]; ok {
			b.fail(n, id, "duplicate id, already used by a %s at line %d", prev.local, prev.line)
		} else {
			b.ids[id] = n
		}
	}
	for _, c := range n.children {
		b.collectIDs(c)
	}
}

func (b *builder) message(n *node) {
	m := &Message{ID: n.attr("", "id"), Name: n.attr("", "name")}
	b.checkExt(n, m.ID)
	if sub := n.ext(nsZeebe, "subscription"); sub != nil {
		ck, err := compileExpr(sub.attr("", "correlationKey"), exprValue)
		if err != nil {
			b.fail(n, m.ID, "zeebe:subscription correlationKey: %v", err)
		}
		m.CorrelationKey = ck
	}
	if m.ID != "" {
		b.defs.Messages[m.ID] = m
	}
}

func (b *builder) process(n *node) {
	id := n.attr("", "id")
	if id == "" {
		b.fail(n, "", "a process needs an id (its key)")
		return
	}
	b.checkExt(n, id)
	exe := n.attr("", "isExecutable")
	if exe != "" && exe != "true" && exe != "false" {
		b.fail(n, id, "isExecutable=%q is neither true nor false", exe)
	}
	p := &Process{
		Name:       n.attr("", "name"),
		Executable: exe != "false", // absent counts as executable, as in Camunda 7
		Pool:       b.pools[id],
		all:        map[string]*Element{},
		flows:      map[string]*SequenceFlow{},
	}
	p.Scope = newScope(id, nil, nil)
	b.under(p.Executable, func() { b.scope(n, &p.Scope, p) })
	for _, c := range n.children {
		if c.is("laneSet") {
			p.Lanes = b.lanes(c, nil, p.Lanes)
		}
	}
	for id, el := range p.all {
		el.Lane = b.laneOf[id]
	}
	b.defs.Processes = append(b.defs.Processes, p)
}

func newScope(id string, parent *Scope, owner *Element) Scope {
	return Scope{
		ID:       id,
		Parent:   parent,
		Owner:    owner,
		Elements: map[string]*Element{},
		Flows:    map[string]*SequenceFlow{},
		Outgoing: map[string][]*SequenceFlow{},
		Incoming: map[string][]*SequenceFlow{},
	}
}

// lanes reads a laneSet (recursively through childLaneSet) and records the
// innermost lane of each flow node reference.
func (b *builder) lanes(set *node, parent *Lane, out []*Lane) []*Lane {
	for _, c := range set.children {
		if !c.is("lane") {
			continue
		}
		l := &Lane{ID: c.attr("", "id"), Name: c.attr("", "name"), Parent: parent}
		out = append(out, l)
		for _, r := range c.children {
			if r.is("flowNodeRef") {
				b.laneOf[strings.TrimSpace(r.text)] = l
			}
		}
		if cs := c.child("childLaneSet"); cs != nil {
			out = b.lanes(cs, l, out)
		}
	}
	return out
}

// Children of a process or sub-process that carry no execution semantics
// (artefacts, data, diagram-only things), or that belong to the sub-process
// as an activity and are read by element().
var scopeIgnored = map[string]bool{
	"documentation": true, "extensionElements": true, "laneSet": true,
	"textAnnotation": true, "association": true, "group": true,
	"dataObject": true, "dataObjectReference": true, "dataStoreReference": true,
	"property": true, "ioSpecification": true, "auditing": true, "monitoring": true,
	"supportedInterfaceRef": true, "ioBinding": true, "correlationSubscription": true,
	"incoming": true, "outgoing": true, "dataInputAssociation": true, "dataOutputAssociation": true,
	"multiInstanceLoopCharacteristics": true, "standardLoopCharacteristics": true,
}

// Flow nodes we know and refuse, with the reason.
var unsupportedNodes = map[string]string{
	"complexGateway":     "not supported; supported gateways are exclusive, parallel, inclusive and event-based",
	"transaction":        "transaction sub-processes are not supported; use an embedded subProcess",
	"adHocSubProcess":    "ad-hoc sub-processes are not supported; use an embedded subProcess",
	"businessRuleTask":   "business rule tasks are not supported; use a serviceTask with obieg:handler",
	"scriptTask":         "script tasks are not supported; use a serviceTask with obieg:handler",
	"callChoreography":   "choreographies are not supported",
	"choreographyTask":   "choreographies are not supported",
	"subChoreography":    "choreographies are not supported",
	"implicitThrowEvent": "implicit throw events are not supported",
}

var supportedNodes = map[string]ElementType{}

func init() {
	for t := StartEvent; t <= CallActivity; t++ {
		supportedNodes[t.String()] = t
	}
}

// scope builds the flow nodes and sequence flows directly inside n.
func (b *builder) scope(n *node, s *Scope, p *Process) {
	for _, c := range n.children {
		if c.space != nsModel {
			continue
		}
		if t, ok := supportedNodes[c.local]; ok {
			if el := b.element(c, t, s, p); el != nil {
				s.Elements[el.ID] = el
				s.nodes = append(s.nodes, el)
				if t == StartEvent {
					s.StartEvents = append(s.StartEvents, el)
				}
				p.all[el.ID] = el
			}
			continue
		}
		switch {
		case c.local == "sequenceFlow":
			b.flow(c, s)
		case scopeIgnored[c.local]:
		case unsupportedNodes[c.local] != "":
			b.fail(c, c.attr("", "id"), "%s", unsupportedNodes[c.local])
		default:
			b.fail(c, c.attr("", "id"), "not supported inside a process")
		}
	}
}

// flow reads a sequenceFlow; its ends are resolved by link.
func (b *builder) flow(n *node, s *Scope) {
	id := n.attr("", "id")
	if id == "" {
		b.fail(n, "", "a sequence flow needs an id")
		return
	}
	b.checkExt(n, id)
	f := &SequenceFlow{ID: id, Name: n.attr("", "name")}
	if c := n.child("conditionExpression"); c != nil {
		lang := strings.ToLower(c.attr("", "language"))
		switch lang {
		case "", "juel", "feel", "expr", "http://www.omg.org/spec/feel/20140401":
		default:
			b.fail(n, id, "condition language %q is not supported; write an expression such as ${amount > 100}", c.attr("", "language"))
		}
		if c.attr("", "resource") != "" {
			b.fail(n, id, "conditions from external resources are not supported")
		}
		cond, err := compileExpr(c.text, exprCondition)
		if err != nil {
			b.fail(n, id, "condition: %v", err)
		}
		f.Condition = cond
	}
	b.pending[s] = append(b.pending[s], pendingFlow{f: f, n: n, src: n.attr("", "sourceRef"), tgt: n.attr("", "targetRef")})
}
