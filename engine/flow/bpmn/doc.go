// Package bpmn turns BPMN 2.0 XML, as saved by Camunda Modeler (Camunda 7
// and Camunda 8 flavours) and bpmn.io, into a validated, immutable model the
// workflow engine executes.
//
// Parse reads the document (refusing DTDs, oversized or overly deep input),
// builds one Process per bpmn:process, with its flow nodes, sequence flows,
// incoming and outgoing indices, start events, embedded sub-process scopes
// and boundary events attached to their activities, compiles every
// expression (conditions, assignees, due dates, collections, correlation
// keys …) with expr-lang/expr, and validates the whole before returning it.
// Diagram interchange, collaborations, lanes, documentation, artefacts
// (text annotations, associations, groups) and data objects carry no
// execution semantics and are read only for names (pool, lanes) or skipped.
//
// The supported subset is deliberately small and explicit: none, message and
// timer start events; none, error and terminate end events; timer and message
// intermediate catch events and none throw events; timer, message and error
// boundary events; user, service, send, receive, manual and plain tasks;
// exclusive, parallel, inclusive and event-based gateways; embedded
// sub-processes; call activities; multi-instance. Anything else found in a
// process (complex gateways, script tasks, signal events, event
// sub-processes, listeners, I/O mappings …) is rejected with an
// engine.KindInvalid error naming the element id and the reason: an
// executable element is never silently ignored.
//
// Expressions are written as Camunda users know them, ${…} (JUEL style) or
// a leading = (FEEL style), but the text inside is compiled with
// expr-lang/expr: simple comparisons and boolean logic read the same, full
// JUEL or FEEL does not. Text without a wrapper is a literal, except in
// conditions, which are always compiled. See Expression.
//
// A process with isExecutable="false" (a pool drawn for documentation, such
// as the other party of a collaboration) is parsed as far as possible and
// its problems become Definitions.Warnings; it never rejects the document.
//
// Obieg's own settings are attributes in the namespace https://obieg.dev/bpmn
// (obieg:handler, obieg:assignee, obieg:dueDate, obieg:calendar="kpa" …);
// the common camunda: and zeebe: equivalents are read as aliases.
//
// The package does not touch the database and holds no execution state: it
// knows nothing of instances, tokens, jobs or deployments. The model it
// returns is shared by all instances of a process version and must not be
// modified. Timer values are checked for ISO 8601 syntax only; computing
// instants and working days is engine/calendar's business.
package bpmn
