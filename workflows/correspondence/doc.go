// Package correspondence holds the kancelaria workflows: incoming.bpmn
// (registration → dekretacja → acceptance → case) and dispatch.bpmn (the
// call activity every domain uses to deliver a letter and learn its legal
// delivery date and appeal deadline), with the handlers their service
// tasks call. The rules live in engine/registry; handlers only translate
// process variables to registry calls.
package correspondence
