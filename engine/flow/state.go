package flow

import (
	"fmt"
	"time"

	"github.com/google/uuid"
)

// token is a point of execution. Tokens persist only while they wait; a
// transition moves them in memory and writes the set back.
type token struct {
	ID      string         `json:"id"`
	Element string         `json:"el"`
	Scope   string         `json:"scope,omitempty"` // the token of the enclosing sub-process or multi-instance body
	Wait    string         `json:"wait,omitempty"`  // what it waits for (wait* constants); empty while moving
	From    string         `json:"from,omitempty"`  // the sequence flow it arrived by, for joins
	Arrived map[string]int `json:"arrived,omitempty"`
	Inner   bool           `json:"inner,omitempty"` // one instance of a multi-instance activity
	Vars    map[string]any `json:"vars,omitempty"`  // local variables (element variable, loopCounter)
	MI      *miState       `json:"mi,omitempty"`
	Child   *uuid.UUID     `json:"child,omitempty"` // called instance of a call activity
	Rows    bool           `json:"rows,omitempty"`  // has task/timer/subscription/external rows to clean up
}

// Wait states.
const (
	waitTask     = "task"     // user task
	waitJob      = "job"      // async service task (River job)
	waitExternal = "external" // external task for workers
	waitTimer    = "timer"    // intermediate timer
	waitMessage  = "message"  // intermediate message or receive task
	waitJoin     = "join"     // parallel or inclusive join, not yet complete
	waitScope    = "scope"    // embedded sub-process: its inner tokens run
	waitMI       = "mi"       // multi-instance body: its instances run
	waitEventGW  = "eventgw"  // event-based gateway: the first event wins
	waitCall     = "call"     // call activity: the called instance runs
	waitIncident = "incident" // failed past its retries
)

// miState is the bookkeeping of a multi-instance body.
type miState struct {
	Items     []any `json:"items"`
	Next      int   `json:"next"` // index of the next instance to start
	Active    int   `json:"active"`
	Completed int   `json:"completed"`
}

// tokens is the persisted execution state of an instance.
type tokens struct {
	Tokens []*token `json:"tokens"`
	Seq    int      `json:"seq"`
}

// instance is a loaded, locked instance.
type instance struct {
	ID           uuid.UUID
	OfficeID     uuid.UUID
	DefinitionID uuid.UUID
	BusinessKey  string
	State        string
	Vars         map[string]any
	T            tokens
	ParentID     *uuid.UUID
	ParentToken  string
	StartedAt    time.Time
	EndedAt      *time.Time
	isNew        bool
}

func (in *instance) newToken(element, scope string) *token {
	in.T.Seq++
	t := &token{ID: fmt.Sprintf("t%d", in.T.Seq), Element: element, Scope: scope}
	in.T.Tokens = append(in.T.Tokens, t)
	return t
}

func (in *instance) token(id string) *token {
	for _, t := range in.T.Tokens {
		if t.ID == id {
			return t
		}
	}
	return nil
}

func (in *instance) drop(t *token) {
	for i, x := range in.T.Tokens {
		if x == t {
			in.T.Tokens = append(in.T.Tokens[:i], in.T.Tokens[i+1:]...)
			return
		}
	}
}

func (in *instance) inScope(scope string) []*token {
	var out []*token
	for _, t := range in.T.Tokens {
		if t.Scope == scope {
			out = append(out, t)
		}
	}
	return out
}

// Instance states.
const (
	StateActive     = "active"
	StateCompleted  = "completed"
	StateTerminated = "terminated"
)
