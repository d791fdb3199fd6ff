package engine

import (
	"context"
	"fmt"

	"github.com/google/uuid"
)

// Handler does the work of a service or send task named by obieg:handler.
// Handlers are called at least once: a call carries an idempotency key that
// stays the same across retries of the same step, and a handler that acts on
// the outside world records what it did under that key, so a retry after a
// crash does not act twice.
//
// A handler reads variables from the call and sets outputs with Set. It
// returns a *BPMNError to raise a business error caught by an error boundary
// event; any other error is a technical failure: an async task is retried
// and, past its retries, raises an incident; an inline task fails the
// request that ran it.
type Handler func(ctx context.Context, call *Call) error

// Call is one invocation of a handler.
type Call struct {
	OfficeID    uuid.UUID
	InstanceID  uuid.UUID
	ProcessKey  string
	BusinessKey string
	ElementID   string
	// Key is the idempotency key: the same for every attempt of this step.
	Key  string
	Vars map[string]any
	// ActorID is the user whose action ran this step (who completed the
	// task before it, started the process, sent the message); zero for
	// steps run by a job or a timer.
	ActorID uuid.UUID

	out map[string]any
}

// Set records an output variable, written to the instance when the step completes.
func (c *Call) Set(name string, value any) {
	if c.out == nil {
		c.out = map[string]any{}
	}
	c.out[name] = value
}

// Outputs returns the variables set by the handler.
func (c *Call) Outputs() map[string]any { return c.out }

// BPMNError is a business error thrown by a handler (or an error end event)
// and caught by an error boundary event with the same code.
type BPMNError struct {
	Code    string
	Message string
}

func (e *BPMNError) Error() string { return fmt.Sprintf("BPMN error %s: %s", e.Code, e.Message) }
