// Package flow is Obieg's BPMN workflow engine on PostgreSQL: deployment and
// versions of definitions, execution of instances, user tasks, timers,
// messages, async and external service tasks, incidents and history.
//
// Execution semantics: a transition (start, task completion, timer, message,
// job) runs in one transaction that holds the instance row lock (FOR UPDATE)
// and continues until every token waits (user task, message, timer, async or
// external task, call activity). An instance's tokens are a JSON document in
// its row; the rows for tasks, timers, subscriptions, external tasks,
// incidents and history, and the River jobs for async work and timers, are
// written in the same transaction. A process with only inline service tasks
// completes in one commit.
//
// The package must not import an adapter, a workflow or an HTTP framework.
// Who may do what is decided by the caller's Who, built by the HTTP layer
// from the registry's actor.
package flow
