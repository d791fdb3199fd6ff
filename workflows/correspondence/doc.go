// Package correspondence holds the kancelaria workflows: incoming.bpmn
// (registration → dekretacja → acceptance → case), dispatch.bpmn (the
// call activity every domain uses to deliver a letter and learn its legal
// delivery date and appeal deadline) and reply.bpmn (a letter the case
// officer drafts, approved by the head of the case's unit and then
// dispatched; reply.go), with the handlers their service tasks call. The
// rules live in engine/registry; handlers only translate process variables
// to registry calls.
package correspondence
