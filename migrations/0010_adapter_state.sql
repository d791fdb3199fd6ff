-- What the adapters to outside services remember between runs: where a
-- mailbox listing resumes, and which messages and evidences were taken, so
-- a restart never asks the service for them again (e-Doręczenia: clients
-- re-requesting the same message in a loop overload the service).
CREATE TABLE adapter_cursors (
	office_id  uuid NOT NULL REFERENCES offices,
	adapter    text NOT NULL,
	key        text NOT NULL,
	value      text NOT NULL,
	updated_at timestamptz NOT NULL,
	PRIMARY KEY (office_id, adapter, key)
);
CREATE TABLE adapter_seen (
	office_id uuid NOT NULL REFERENCES offices,
	adapter   text NOT NULL,
	key       text NOT NULL, -- e.g. the mailbox
	kind      text NOT NULL,
	id        text NOT NULL,
	seen_at   timestamptz NOT NULL,
	PRIMARY KEY (office_id, adapter, key, kind, id)
);
ALTER TABLE adapter_cursors ENABLE ROW LEVEL SECURITY;
ALTER TABLE adapter_seen ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON adapter_cursors USING (office_id = obieg_office()) WITH CHECK (office_id = obieg_office());
CREATE POLICY tenant ON adapter_seen USING (office_id = obieg_office()) WITH CHECK (office_id = obieg_office());
GRANT SELECT, INSERT, UPDATE ON adapter_cursors, adapter_seen TO obieg_app;
