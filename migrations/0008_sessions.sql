-- Web UI sessions (adapters/http/ui). The cookie carries a random token;
-- only its SHA-256 is kept here, as for API tokens. Sessions slide: every
-- request moves expires_at forward by the idle TTL, but never past
-- created_at + the absolute lifetime the registry enforces. csrf is the
-- per-session secret that state-changing forms must echo.
--
-- Tenancy: rows carry office_id under the usual policy. A session is looked
-- up by its token before the office is known, so the look-up (and logout)
-- run as system work, like api_tokens in registry.Authenticate.
CREATE TABLE sessions (
	id         bytea PRIMARY KEY CHECK (length(id) = 32), -- SHA-256 of the cookie token
	office_id  uuid NOT NULL REFERENCES offices,
	user_id    uuid NOT NULL REFERENCES users,
	csrf       bytea NOT NULL CHECK (length(csrf) >= 16),
	created_at timestamptz NOT NULL,
	last_seen  timestamptz NOT NULL,
	expires_at timestamptz NOT NULL CHECK (expires_at >= created_at)
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON sessions USING (office_id = obieg_office()) WITH CHECK (office_id = obieg_office());
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO obieg_app;
