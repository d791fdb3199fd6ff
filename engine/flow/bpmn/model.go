package bpmn

// The model returned by Parse. Everything reachable from a *Definitions is
// built once, validated, and then only read: the engine shares one model
// between all instances of a process version and goroutines, so callers must
// treat every field, map and slice as read-only.

// Definitions is one parsed and validated BPMN document.
type Definitions struct {
	ID              string
	Name            string
	TargetNamespace string
	Exporter        string // e.g. "Camunda Modeler", "bpmn-js (https://demo.bpmn.io)"
	ExporterVersion string

	// Hash is the lowercase hex SHA-256 of the raw XML bytes given to Parse;
	// the engine uses it to tell a changed deployment from a repeated one.
	Hash string

	// Processes in document order, executable or not. Parse rejects a
	// document without at least one executable process.
	Processes []*Process

	// Warnings are the problems found in non-executable processes: such a
	// process is parsed as far as possible and never started, so its
	// problems do not reject the document. The process may lack the
	// elements and flows the warnings name.
	Warnings []string

	Messages map[string]*Message  // root bpmn:message elements by id
	Errors   map[string]*ErrorDef // root bpmn:error elements by id
}

// Process returns the process with the given id (the process key), or nil.
func (d *Definitions) Process(id string) *Process {
	for _, p := range d.Processes {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// Executable returns the executable processes in document order.
func (d *Definitions) Executable() []*Process {
	var out []*Process
	for _, p := range d.Processes {
		if p.Executable {
			out = append(out, p)
		}
	}
	return out
}

// Message is a root bpmn:message. Name is what correlation matches on.
type Message struct {
	ID   string
	Name string
	// CorrelationKey is the Camunda 8 zeebe:subscription correlationKey of
	// the message, if any; an element's own obieg:correlationKey wins.
	CorrelationKey *Expression
}

// ErrorDef is a root bpmn:error; Code is its errorCode, what an error end
// event throws and an error boundary event catches.
type ErrorDef struct {
	ID   string
	Name string
	Code string
}

// Process is one bpmn:process. Its ID is the process key. The embedded
// Scope holds the top-level flow nodes and sequence flows; sub-processes
// have their own Scope in Element.Sub.
type Process struct {
	Scope
	Name string
	// Executable is false for isExecutable="false": such a process is
	// parsed leniently (see Definitions.Warnings) and never started. A
	// missing isExecutable counts as true, as in Camunda 7.
	Executable bool
	Pool       string // name of the collaboration participant showing it, if any
	Lanes      []*Lane

	all   map[string]*Element      // every flow node of every scope, by id
	flows map[string]*SequenceFlow // every sequence flow of every scope, by id
}

// Element returns the flow node with the given id from any scope of the
// process (sub-processes included), or nil.
func (p *Process) Element(id string) *Element { return p.all[id] }

// Flow returns the sequence flow with the given id from any scope, or nil.
func (p *Process) Flow(id string) *SequenceFlow { return p.flows[id] }

// Lane is a bpmn:lane. Parent is the enclosing lane of a nested lane set.
type Lane struct {
	ID     string
	Name   string
	Parent *Lane
}

// Scope is a level of the flow: the process itself or an embedded
// sub-process. Flow nodes and sequence flows never cross scopes.
type Scope struct {
	ID     string   // the process id or the sub-process id
	Parent *Scope   // nil for the process scope
	Owner  *Element // the subProcess element; nil for the process scope

	Elements map[string]*Element      // flow nodes of this scope (boundary events included)
	Flows    map[string]*SequenceFlow // sequence flows of this scope
	Outgoing map[string][]*SequenceFlow
	Incoming map[string][]*SequenceFlow
	// StartEvents in document order. A sub-process scope has exactly one,
	// a none start event; a process has at most one none start event plus
	// any number of message and timer start events.
	StartEvents []*Element

	nodes []*Element // document order
	list  []*SequenceFlow
}

// NoneStart returns the none start event of the scope, or nil.
func (s *Scope) NoneStart() *Element {
	for _, e := range s.StartEvents {
		if e.Event == EventNone {
			return e
		}
	}
	return nil
}

// Nodes returns the flow nodes of the scope in document order.
func (s *Scope) Nodes() []*Element { return s.nodes }

// SequenceFlows returns the sequence flows of the scope in document order.
func (s *Scope) SequenceFlows() []*SequenceFlow { return s.list }

// SequenceFlow connects two flow nodes of one scope.
type SequenceFlow struct {
	ID     string
	Name   string
	Source *Element
	Target *Element
	// Condition is the compiled boolean condition, nil when unconditional.
	Condition *Expression
	// Default marks the default flow of its source (taken when no condition
	// of the other outgoing flows holds). A default flow has no condition.
	Default bool
}

// Element is a flow node. Which fields are meaningful depends on Type; the
// others are zero.
type Element struct {
	ID    string
	Name  string
	Type  ElementType
	Scope *Scope // the scope the element is in
	Lane  *Lane  // innermost lane listing the element, if any

	// Events (and receive tasks for Message and CorrelationKey).
	Event          EventType
	Message        *Message
	Timer          *Timer
	Error          *ErrorDef   // error end: the thrown error; error boundary: the caught one, nil = any
	CorrelationKey *Expression // message catch events and receive tasks

	// Boundary events.
	AttachedTo     *Element
	CancelActivity bool // interrupting; always true for error boundary events

	// Activities.
	Boundaries []*Element     // boundary events attached to this activity, in document order
	Loop       *MultiInstance // multi-instance characteristics, nil when none
	Default    *SequenceFlow  // default outgoing flow (activities, exclusive and inclusive gateways)

	// Async: continue in a new transaction (a job) before executing the
	// element; obieg:async or camunda:asyncBefore.
	Async bool
	// Retries of the element's job (handler, external task or async
	// continuation); obieg:retries or zeebe:taskDefinition retries; default 3.
	Retries int

	// Service and send tasks: either Handler (a handler registered in the
	// engine, obieg:handler) or Topic (an external task fetched by a worker;
	// camunda:type="external" camunda:topic or zeebe:taskDefinition type).
	Handler string
	Topic   string

	User *UserTaskDef // user tasks
	// Form is the form key of a user task or a none start event (obieg:form,
	// camunda:formKey, zeebe:formDefinition).
	Form string

	Sub           *Scope      // embedded sub-process
	CalledElement *Expression // call activity: the called process key (literal or expression)
}

// IsActivity reports whether boundary events, multi-instance and async
// continuation apply to the element.
func (e *Element) IsActivity() bool { return e.Type.IsActivity() }

// External reports whether a service or send task is an external task.
func (e *Element) External() bool { return e.Topic != "" }

// UserTaskDef holds the assignment and deadline of a user task. Each
// expression is either a literal (Expression.Program == nil) or compiled.
type UserTaskDef struct {
	Assignee          *Expression // obieg:assignee, camunda:assignee, zeebe:assignmentDefinition assignee
	CandidateUnit     *Expression // obieg:candidateUnit, camunda:candidateGroups, zeebe candidateGroups
	CandidatePosition *Expression // obieg:candidatePosition
	// DueDate is an ISO 8601 duration or RFC 3339 date when literal.
	DueDate *Expression
	// Calendar is "kpa" when DueDate durations count working days (the
	// Polish administrative procedure code calendar), "" for plain days.
	Calendar string
}

// MultiInstance are the multiInstanceLoopCharacteristics of an activity:
// exactly one of Cardinality and Collection is set.
type MultiInstance struct {
	Sequential bool
	// Cardinality is loopCardinality: a literal non-negative integer or an
	// expression.
	Cardinality *Expression
	// Collection is always compiled: a plain variable name is an
	// expression too.
	Collection      *Expression
	ElementVariable string
	// CompletionCondition is a compiled boolean expression, or nil.
	CompletionCondition *Expression
}

// Timer is a timerEventDefinition. Value is a literal of the Type's ISO 8601
// form (validated by Parse) or an expression computing one.
type Timer struct {
	Type     TimerType
	Value    *Expression
	Calendar string // "kpa": durations count working days
}

// ElementType is the kind of a flow node, named after its BPMN element.
type ElementType uint8

const (
	StartEvent ElementType = iota + 1
	EndEvent
	IntermediateCatchEvent
	IntermediateThrowEvent // only none (a pass-through milestone)
	BoundaryEvent
	UserTask
	ServiceTask
	SendTask
	ReceiveTask
	ManualTask
	Task // plain bpmn:task: a no-op, like a manual task
	ExclusiveGateway
	ParallelGateway
	InclusiveGateway
	EventBasedGateway
	SubProcess
	CallActivity
)

var elementTypeNames = [...]string{
	StartEvent:             "startEvent",
	EndEvent:               "endEvent",
	IntermediateCatchEvent: "intermediateCatchEvent",
	IntermediateThrowEvent: "intermediateThrowEvent",
	BoundaryEvent:          "boundaryEvent",
	UserTask:               "userTask",
	ServiceTask:            "serviceTask",
	SendTask:               "sendTask",
	ReceiveTask:            "receiveTask",
	ManualTask:             "manualTask",
	Task:                   "task",
	ExclusiveGateway:       "exclusiveGateway",
	ParallelGateway:        "parallelGateway",
	InclusiveGateway:       "inclusiveGateway",
	EventBasedGateway:      "eventBasedGateway",
	SubProcess:             "subProcess",
	CallActivity:           "callActivity",
}

// String returns the BPMN local name, e.g. "userTask".
func (t ElementType) String() string {
	if int(t) < len(elementTypeNames) && elementTypeNames[t] != "" {
		return elementTypeNames[t]
	}
	return "unknown"
}

// IsActivity reports whether t is a task, sub-process or call activity.
func (t ElementType) IsActivity() bool {
	return t >= UserTask && t <= Task || t == SubProcess || t == CallActivity
}

// IsGateway reports whether t is a gateway.
func (t ElementType) IsGateway() bool { return t >= ExclusiveGateway && t <= EventBasedGateway }

// IsEvent reports whether t is an event.
func (t ElementType) IsEvent() bool { return t >= StartEvent && t <= BoundaryEvent }

// EventType is the event definition of an event.
type EventType uint8

const (
	EventNone EventType = iota
	EventMessage
	EventTimer
	EventError
	EventTerminate
)

func (t EventType) String() string {
	switch t {
	case EventMessage:
		return "message"
	case EventTimer:
		return "timer"
	case EventError:
		return "error"
	case EventTerminate:
		return "terminate"
	}
	return "none"
}

// TimerType says which child of timerEventDefinition was given.
type TimerType uint8

const (
	TimerDate     TimerType = iota + 1 // timeDate: RFC 3339 date-time
	TimerDuration                      // timeDuration: ISO 8601 duration, e.g. P14D
	TimerCycle                         // timeCycle: ISO 8601 repeating interval, e.g. R3/PT10M
)

func (t TimerType) String() string {
	switch t {
	case TimerDate:
		return "timeDate"
	case TimerDuration:
		return "timeDuration"
	case TimerCycle:
		return "timeCycle"
	}
	return "unknown"
}
