-- SQL of the workflow engine, run by name from Go.

-- name: DefinitionByID
SELECT id, key, version, name, hash, deployed_at, xml FROM flow_definitions WHERE id = $1;

-- name: LatestDefinition
SELECT id, key, version, name, hash, deployed_at FROM flow_definitions WHERE key = $1 ORDER BY version DESC LIMIT 1;

-- name: DefinitionVersion
SELECT id, key, version, name, hash, deployed_at FROM flow_definitions WHERE key = $1 AND version = $2;

-- name: LatestDefinitions
SELECT DISTINCT ON (key) id, key, version, name, hash, deployed_at FROM flow_definitions ORDER BY key, version DESC;

-- name: LockDefinitionKey
SELECT pg_advisory_xact_lock(hashtext('flow_definitions:' || $1::text || ':' || $2::text));

-- name: InsertDefinition
INSERT INTO flow_definitions (id, office_id, key, version, name, hash, xml, deployed_at, deployed_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: InsertInstance
-- The instance and the history row of its first transition, in one statement.
WITH h AS (INSERT INTO flow_history (id, office_id, instance_id, at, events) VALUES ($13, $2, $1, $10, $14))
INSERT INTO flow_instances (id, office_id, definition_id, business_key, state, variables, tokens,
	parent_instance_id, parent_token, started_at, ended_at, started_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: LockInstance
SELECT id, definition_id, business_key, state, variables, tokens, parent_instance_id, parent_token, started_at, ended_at
FROM flow_instances WHERE id = $1 FOR UPDATE;

-- name: GetInstance
SELECT id, definition_id, business_key, state, variables, tokens, parent_instance_id, parent_token, started_at, ended_at
FROM flow_instances WHERE id = $1;

-- name: UpdateInstance
-- The instance and, when the transition recorded events, its history row.
WITH h AS (INSERT INTO flow_history (id, office_id, instance_id, at, events)
	SELECT $7, $8, $1, $9, $10 WHERE $10::jsonb IS NOT NULL)
UPDATE flow_instances SET state = $2, variables = $3, tokens = $4, ended_at = $5, definition_id = $6 WHERE id = $1;

-- name: InsertHistory
INSERT INTO flow_history (id, office_id, instance_id, at, events) VALUES ($1, $2, $3, $4, $5);

-- name: InsertTask
INSERT INTO flow_tasks (id, office_id, instance_id, token, element_id, name, form, assignee_id, candidate_unit_id,
	candidate_position_id, due_at, state, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'open', $12);

-- name: CancelTokenTasks
UPDATE flow_tasks SET state = 'cancelled', ended_at = $3 WHERE instance_id = $1 AND token = ANY($2::text[]) AND state = 'open';

-- name: DeleteTokenTimers
DELETE FROM flow_timers WHERE instance_id = $1 AND token = ANY($2::text[]);

-- name: DeleteTokenSubscriptions
DELETE FROM flow_subscriptions WHERE instance_id = $1 AND token = ANY($2::text[]);

-- name: DeleteTokenExternal
DELETE FROM flow_external_tasks WHERE instance_id = $1 AND token = ANY($2::text[]);

-- name: ResolveTokenIncidents
UPDATE flow_incidents SET resolved_at = $3 WHERE instance_id = $1 AND token = ANY($2::text[]) AND resolved_at IS NULL;

-- name: InsertTimer
INSERT INTO flow_timers (id, office_id, instance_id, definition_id, token, element_id, due_at, repeat_left, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: TakeTimer
DELETE FROM flow_timers WHERE id = $1 RETURNING instance_id, definition_id, token, element_id, due_at, repeat_left;

-- name: InsertSubscription
INSERT INTO flow_subscriptions (id, office_id, instance_id, token, element_id, message_name, correlation_key, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: FindSubscription
SELECT id, instance_id FROM flow_subscriptions
WHERE message_name = $1 AND correlation_key = $2 ORDER BY created_at LIMIT 1;

-- name: TakeSubscription
DELETE FROM flow_subscriptions WHERE id = $1 RETURNING token, element_id;

-- name: TakeBufferedMessage
UPDATE flow_messages SET consumed_at = $3, consumed_by = $4
WHERE id = (SELECT id FROM flow_messages
	WHERE message_name = $1 AND correlation_key = $2 AND consumed_at IS NULL AND expires_at > $3
	ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING id, variables;

-- name: BufferMessage
INSERT INTO flow_messages (id, office_id, message_name, correlation_key, variables, expires_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: InsertExternal
INSERT INTO flow_external_tasks (id, office_id, instance_id, token, element_id, topic, retries, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: InsertIncident
INSERT INTO flow_incidents (id, office_id, instance_id, token, element_id, kind, message, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);


-- name: ListTasks
-- $1: assigned to me only; $2: my units' tasks; $3 me, $4 my units, $5 my positions; $6 all (admin); $7 instance filter
SELECT t.id, t.instance_id, t.token, t.element_id, t.name, t.form, t.assignee_id, t.candidate_unit_id, t.candidate_position_id,
	t.due_at, t.state, t.created_at, i.business_key, d.key
FROM flow_tasks t JOIN flow_instances i ON i.id = t.instance_id JOIN flow_definitions d ON d.id = i.definition_id
WHERE t.state = 'open'
  AND ($7::uuid IS NULL OR t.instance_id = $7)
  AND ($6
    OR ($1 AND (t.assignee_id = $3 OR (t.assignee_id IS NULL AND (t.candidate_position_id = ANY($5::uuid[]) OR t.candidate_unit_id = ANY($4::uuid[])))))
    OR ($2 AND (t.candidate_unit_id = ANY($4::uuid[]) OR t.candidate_position_id IN (SELECT id FROM positions WHERE unit_id = ANY($4::uuid[]))
                OR t.assignee_id IN (SELECT up.user_id FROM user_positions up JOIN positions p ON p.id = up.position_id WHERE p.unit_id = ANY($4::uuid[])))))
ORDER BY t.due_at NULLS LAST, t.created_at
LIMIT 500;

-- name: LockTask
SELECT t.id, t.instance_id, t.token, t.element_id, t.name, t.form, t.assignee_id, t.candidate_unit_id, t.candidate_position_id,
	t.due_at, t.state, t.created_at, i.business_key, ''
FROM flow_tasks t JOIN flow_instances i ON i.id = t.instance_id WHERE t.id = $1 FOR UPDATE OF t;

-- name: SetAssignee
UPDATE flow_tasks SET assignee_id = $2 WHERE id = $1;

-- name: CompleteTaskRow
UPDATE flow_tasks SET state = 'completed', ended_at = $2, ended_by = $3 WHERE id = $1;

-- name: ListIncidents
SELECT id, instance_id, token, element_id, kind, message, created_at, resolved_at FROM flow_incidents
WHERE ($1::uuid IS NULL OR instance_id = $1) AND ($2 OR resolved_at IS NULL)
ORDER BY created_at LIMIT 500;

-- name: GetIncident
SELECT id, instance_id, token, element_id, kind, message, created_at, resolved_at FROM flow_incidents WHERE id = $1;

-- name: InstanceTimers
SELECT id, element_id, token, due_at, repeat_left FROM flow_timers WHERE instance_id = $1 ORDER BY due_at;

-- name: InstanceSubscriptions
SELECT element_id, token, message_name, correlation_key FROM flow_subscriptions WHERE instance_id = $1 ORDER BY created_at;

-- name: InstanceHistory
SELECT h.at, e->>'event', coalesce(e->>'element', ''), coalesce(e->>'token', ''), coalesce(e->'details', '{}')
FROM flow_history h, jsonb_array_elements(h.events) WITH ORDINALITY AS x(e, n)
WHERE h.instance_id = $1
ORDER BY h.at, h.id, x.n;

-- name: InstanceExternal
SELECT id, element_id, topic, worker_id, lock_expires_at, retries, error_message FROM flow_external_tasks WHERE instance_id = $1;

-- name: ListInstances
SELECT i.id, d.key, d.version, i.business_key, i.state, i.started_at, i.ended_at,
	EXISTS (SELECT FROM flow_incidents n WHERE n.instance_id = i.id AND n.resolved_at IS NULL)
FROM flow_instances i JOIN flow_definitions d ON d.id = i.definition_id
WHERE ($1::text IS NULL OR d.key = $1)
  AND ($2::text IS NULL OR i.state = $2)
  AND ($3::text IS NULL OR i.business_key = $3)
  AND (NOT $4 OR EXISTS (SELECT FROM flow_incidents n WHERE n.instance_id = i.id AND n.resolved_at IS NULL))
  AND ($5::timestamptz IS NULL OR (i.started_at, i.id) < ($5, $6::uuid))
ORDER BY i.started_at DESC, i.id DESC
LIMIT $7;

-- name: FetchExternal
-- Lock up to $3 unlocked (or expired-lock) tasks of the topics for worker $2
-- until $4; SKIP LOCKED lets many workers fetch at once without waiting.
UPDATE flow_external_tasks x SET worker_id = $2, lock_expires_at = $4
WHERE x.id IN (
	SELECT id FROM flow_external_tasks
	WHERE topic = ANY($1::text[]) AND retries > 0 AND (lock_expires_at IS NULL OR lock_expires_at < $5)
	ORDER BY created_at
	LIMIT $3
	FOR UPDATE SKIP LOCKED)
RETURNING x.id, x.instance_id, x.token, x.element_id, x.topic, x.retries;

-- name: GetExternal
SELECT id, instance_id, token, element_id, topic, worker_id, lock_expires_at, retries FROM flow_external_tasks WHERE id = $1;

-- name: FailExternal
UPDATE flow_external_tasks SET retries = $2, error_message = $3, worker_id = '', lock_expires_at = $4 WHERE id = $1;

-- name: ExtendExternal
UPDATE flow_external_tasks SET lock_expires_at = $2 WHERE id = $1;

-- name: DeleteExternal
DELETE FROM flow_external_tasks WHERE id = $1;

-- name: PeekInstance
-- Read by the owning role without a transaction: workers check office_id
-- themselves. Used only to prepare a handler call; the transition that
-- follows locks and re-reads the row.
SELECT office_id, definition_id, business_key, state, variables, tokens FROM flow_instances WHERE id = $1;

-- name: InsertInstanceIfLatest
-- The one-statement start of a simple process: the instance (already run
-- to its end) and its history row, written only if the definition it ran
-- is still the latest version of its key.
WITH g AS (SELECT 1 WHERE (SELECT max(version) FROM flow_definitions WHERE key = $15) = $16),
h AS (INSERT INTO flow_history (id, office_id, instance_id, at, events) SELECT $13, $2, $1, $10, $14 FROM g)
INSERT INTO flow_instances (id, office_id, definition_id, business_key, state, variables, tokens,
	parent_instance_id, parent_token, started_at, ended_at, started_by)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 FROM g
RETURNING id;
