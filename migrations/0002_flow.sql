-- Workflow engine (engine/flow). Foreign keys to flow_instances are checked at
-- commit: a new instance's row is written once, after its first run, which
-- already wrote its tasks and timers.
-- An instance's execution state — its tokens —
-- is a JSON document in its row, changed only while the row is locked FOR
-- UPDATE, so transitions of one instance are serialised and parallel joins
-- cannot race. Tasks, timers, subscriptions, external tasks and incidents are
-- rows of their own, written in the same transaction, so they can be queried.
-- Jobs (async tasks, timers) live in River's tables, inserted in the same
-- transaction as the state change.

CREATE TABLE flow_definitions (
	id          uuid PRIMARY KEY,
	office_id   uuid NOT NULL REFERENCES offices,
	key         text NOT NULL,          -- the BPMN process id
	version     int  NOT NULL CHECK (version > 0),
	name        text NOT NULL DEFAULT '',
	hash        text NOT NULL,          -- SHA-256 of the deployed XML
	xml         bytea NOT NULL,
	deployed_at timestamptz NOT NULL,
	deployed_by uuid REFERENCES users,
	UNIQUE (office_id, key, version)
);
CREATE INDEX flow_definitions_hash ON flow_definitions (office_id, key, hash);

CREATE TABLE flow_instances (
	id                 uuid PRIMARY KEY,
	office_id          uuid NOT NULL REFERENCES offices,
	definition_id      uuid NOT NULL REFERENCES flow_definitions,
	business_key       text NOT NULL DEFAULT '',
	state              text NOT NULL CHECK (state IN ('active', 'completed', 'terminated')),
	variables          jsonb NOT NULL DEFAULT '{}',
	tokens             jsonb NOT NULL DEFAULT '{"tokens": []}',
	parent_instance_id uuid REFERENCES flow_instances DEFERRABLE INITIALLY DEFERRED,
	parent_token       text NOT NULL DEFAULT '',
	started_at         timestamptz NOT NULL,
	ended_at           timestamptz,
	started_by         uuid REFERENCES users
);
CREATE INDEX flow_instances_list ON flow_instances (office_id, started_at DESC, id DESC);
CREATE INDEX flow_instances_bkey ON flow_instances (office_id, business_key);
CREATE INDEX flow_instances_def ON flow_instances (definition_id, state);

-- User tasks.
CREATE TABLE flow_tasks (
	id                    uuid PRIMARY KEY,
	office_id             uuid NOT NULL REFERENCES offices,
	instance_id           uuid NOT NULL REFERENCES flow_instances DEFERRABLE INITIALLY DEFERRED,
	token                 text NOT NULL,
	element_id            text NOT NULL,
	name                  text NOT NULL DEFAULT '',
	form                  text NOT NULL DEFAULT '',
	assignee_id           uuid REFERENCES users,
	candidate_unit_id     uuid REFERENCES units,
	candidate_position_id uuid REFERENCES positions,
	due_at                timestamptz,
	state                 text NOT NULL CHECK (state IN ('open', 'completed', 'cancelled')),
	created_at            timestamptz NOT NULL,
	ended_at              timestamptz,
	ended_by              uuid REFERENCES users
);
CREATE INDEX flow_tasks_open ON flow_tasks (office_id, state, created_at);
CREATE INDEX flow_tasks_token ON flow_tasks (instance_id, token);

CREATE TABLE flow_timers (
	id          uuid PRIMARY KEY,
	office_id   uuid NOT NULL REFERENCES offices,
	instance_id uuid REFERENCES flow_instances DEFERRABLE INITIALLY DEFERRED,   -- NULL for a timer start event
	definition_id uuid REFERENCES flow_definitions,
	token       text NOT NULL DEFAULT '',
	element_id  text NOT NULL,
	due_at      timestamptz NOT NULL,
	repeat_left int NOT NULL DEFAULT 0,          -- timeCycle repetitions still to come (-1: unbounded)
	created_at  timestamptz NOT NULL
);
CREATE INDEX flow_timers_instance ON flow_timers (instance_id);

-- Message subscriptions of waiting tokens.
CREATE TABLE flow_subscriptions (
	id              uuid PRIMARY KEY,
	office_id       uuid NOT NULL REFERENCES offices,
	instance_id     uuid NOT NULL REFERENCES flow_instances DEFERRABLE INITIALLY DEFERRED,
	token           text NOT NULL,
	element_id      text NOT NULL,
	message_name    text NOT NULL,
	correlation_key text NOT NULL DEFAULT '',
	created_at      timestamptz NOT NULL
);
CREATE INDEX flow_subscriptions_match ON flow_subscriptions (office_id, message_name, correlation_key);
CREATE INDEX flow_subscriptions_instance ON flow_subscriptions (instance_id);

-- Messages that arrived before their subscriber, kept until expires_at.
CREATE TABLE flow_messages (
	id              uuid PRIMARY KEY,
	office_id       uuid NOT NULL REFERENCES offices,
	message_name    text NOT NULL,
	correlation_key text NOT NULL DEFAULT '',
	variables       jsonb NOT NULL DEFAULT '{}',
	expires_at      timestamptz NOT NULL,
	created_at      timestamptz NOT NULL,
	consumed_at     timestamptz,
	consumed_by     uuid REFERENCES flow_instances DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX flow_messages_match ON flow_messages (office_id, message_name, correlation_key, created_at) WHERE consumed_at IS NULL;

-- Service tasks served to external workers (camunda:type="external").
CREATE TABLE flow_external_tasks (
	id              uuid PRIMARY KEY,
	office_id       uuid NOT NULL REFERENCES offices,
	instance_id     uuid NOT NULL REFERENCES flow_instances DEFERRABLE INITIALLY DEFERRED,
	token           text NOT NULL,
	element_id      text NOT NULL,
	topic           text NOT NULL,
	worker_id       text NOT NULL DEFAULT '',
	lock_expires_at timestamptz,
	retries         int NOT NULL,
	error_message   text NOT NULL DEFAULT '',
	created_at      timestamptz NOT NULL
);
CREATE INDEX flow_external_tasks_fetch ON flow_external_tasks (office_id, topic, created_at);
CREATE INDEX flow_external_tasks_instance ON flow_external_tasks (instance_id);

CREATE TABLE flow_incidents (
	id          uuid PRIMARY KEY,
	office_id   uuid NOT NULL REFERENCES offices,
	instance_id uuid NOT NULL REFERENCES flow_instances DEFERRABLE INITIALLY DEFERRED,
	token       text NOT NULL,
	element_id  text NOT NULL,
	kind        text NOT NULL,  -- handler, external, …
	message     text NOT NULL,
	created_at  timestamptz NOT NULL,
	resolved_at timestamptz
);
CREATE INDEX flow_incidents_open ON flow_incidents (office_id, created_at) WHERE resolved_at IS NULL;
CREATE INDEX flow_incidents_instance ON flow_incidents (instance_id);

-- History: append-only. One row per transition holds its events in order
-- (a JSON array of {event, element, token, details}): a transition that runs
-- a whole inline process writes one row, not one per step.
CREATE TABLE flow_history (
	id          uuid PRIMARY KEY,
	office_id   uuid NOT NULL REFERENCES offices,
	instance_id uuid NOT NULL REFERENCES flow_instances DEFERRABLE INITIALLY DEFERRED,
	at          timestamptz NOT NULL,
	events      jsonb NOT NULL
);
CREATE INDEX flow_history_instance ON flow_history (instance_id, at, id);
CREATE TRIGGER flow_history_append_only BEFORE UPDATE OR DELETE ON flow_history
	FOR EACH ROW EXECUTE FUNCTION obieg_refuse_change();

-- What handlers with outside effects already did, by idempotency key.
CREATE TABLE flow_effects (
	office_id  uuid NOT NULL REFERENCES offices,
	key        text NOT NULL,
	result     jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz NOT NULL,
	PRIMARY KEY (office_id, key)
);

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['flow_definitions', 'flow_instances', 'flow_tasks', 'flow_timers',
		'flow_subscriptions', 'flow_messages', 'flow_external_tasks', 'flow_incidents', 'flow_history', 'flow_effects']
	LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY tenant ON %I USING (office_id = obieg_office()) WITH CHECK (office_id = obieg_office())', t);
		EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO obieg_app', t);
	END LOOP;
END $$;
REVOKE UPDATE, DELETE ON flow_history FROM obieg_app;
