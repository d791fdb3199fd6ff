-- Registry core: offices, organisation, JRWA, cases, documents, metryka.
--
-- Tenancy: every tenant-owned row carries office_id. The application runs
-- tenant work as role obieg_app with obieg.office_id set for the transaction;
-- row-level security policies below are the second wall behind the Go code.
-- The owning role (the one that runs migrations) bypasses RLS and is used only
-- for system work: authentication look-ups, chain verification, seeding.

DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'obieg_app') THEN
		CREATE ROLE obieg_app NOLOGIN;
	END IF;
END $$;
GRANT obieg_app TO CURRENT_USER;

CREATE FUNCTION obieg_office() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT NULLIF(current_setting('obieg.office_id', true), '')::uuid $$;

CREATE FUNCTION obieg_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% on % is not allowed: rows are append-only', TG_OP, TG_TABLE_NAME
		USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TABLE offices (
	id         uuid PRIMARY KEY,
	name       text NOT NULL CHECK (name <> ''),
	short_name text NOT NULL CHECK (short_name ~ '^[a-z0-9-]{2,32}$') UNIQUE,
	created_at timestamptz NOT NULL
);

CREATE TABLE units (
	id         uuid PRIMARY KEY,
	office_id  uuid NOT NULL REFERENCES offices,
	parent_id  uuid REFERENCES units,
	symbol     text NOT NULL,
	name       text NOT NULL CHECK (name <> ''),
	created_at timestamptz NOT NULL,
	UNIQUE (office_id, symbol),
	-- Instrukcja kancelaryjna: letters and digits, at least one letter; sub-units joined by a hyphen.
	CHECK (symbol ~ '^[[:alnum:]]+(-[[:alnum:]]+)*$' AND symbol ~ '[[:alpha:]]')
);

CREATE TABLE positions (
	id         uuid PRIMARY KEY,
	office_id  uuid NOT NULL REFERENCES offices,
	unit_id    uuid NOT NULL REFERENCES units,
	name       text NOT NULL CHECK (name <> ''),
	is_head    boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL
);

CREATE TABLE users (
	id            uuid PRIMARY KEY,
	office_id     uuid NOT NULL REFERENCES offices,
	login         text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9._-]{2,64}$'),
	name          text NOT NULL CHECK (name <> ''),
	email         text NOT NULL DEFAULT '',
	password_hash text NOT NULL DEFAULT '',
	roles         text[] NOT NULL DEFAULT '{}',
	active        boolean NOT NULL DEFAULT true,
	created_at    timestamptz NOT NULL
);

CREATE TABLE user_positions (
	office_id   uuid NOT NULL REFERENCES offices,
	user_id     uuid NOT NULL REFERENCES users,
	position_id uuid NOT NULL REFERENCES positions,
	PRIMARY KEY (user_id, position_id)
);

-- Zastępstwo: a position lent to another user for a date range (inclusive).
CREATE TABLE substitutions (
	id           uuid PRIMARY KEY,
	office_id    uuid NOT NULL REFERENCES offices,
	position_id  uuid NOT NULL REFERENCES positions,
	user_id      uuid NOT NULL REFERENCES users,
	valid_from   date NOT NULL,
	valid_to     date NOT NULL CHECK (valid_to >= valid_from),
	reason       text NOT NULL DEFAULT '',
	created_by   uuid REFERENCES users,
	created_at   timestamptz NOT NULL
);

CREATE TABLE api_tokens (
	id           uuid PRIMARY KEY,
	office_id    uuid NOT NULL REFERENCES offices,
	user_id      uuid NOT NULL REFERENCES users,
	name         text NOT NULL DEFAULT '',
	token_hash   bytea NOT NULL UNIQUE,
	scopes       text[] NOT NULL DEFAULT '{}',
	expires_at   timestamptz NOT NULL,
	created_at   timestamptz NOT NULL,
	revoked_at   timestamptz
);

CREATE TABLE jrwa_versions (
	id          uuid PRIMARY KEY,
	office_id   uuid NOT NULL REFERENCES offices,
	name        text NOT NULL CHECK (name <> ''),
	valid_from  date NOT NULL,
	valid_to    date CHECK (valid_to IS NULL OR valid_to >= valid_from),
	imported_at timestamptz NOT NULL,
	UNIQUE (office_id, name)
);

CREATE TABLE jrwa_classes (
	id             uuid PRIMARY KEY,
	office_id      uuid NOT NULL REFERENCES offices,
	version_id     uuid NOT NULL REFERENCES jrwa_versions,
	symbol         text NOT NULL CHECK (symbol ~ '^[0-9]{1,4}$'),
	title          text NOT NULL CHECK (title <> ''),
	-- Archival category for the unit in charge (komórka merytoryczna) and for others.
	category_own   text NOT NULL DEFAULT '' CHECK (category_own ~ '^(|A|Bc|B[0-9]{1,3}|BE[0-9]{1,3})$'),
	category_other text NOT NULL DEFAULT '' CHECK (category_other ~ '^(|A|Bc|B[0-9]{1,3}|BE[0-9]{1,3})$'),
	leaf           boolean NOT NULL,
	valid_from     date,
	valid_to       date,
	UNIQUE (version_id, symbol)
);

CREATE TABLE parties (
	id            uuid PRIMARY KEY,
	office_id     uuid NOT NULL REFERENCES offices,
	kind          text NOT NULL CHECK (kind IN ('person', 'organisation')),
	name          text NOT NULL CHECK (name <> ''),
	pesel         text NOT NULL DEFAULT '',
	nip           text NOT NULL DEFAULT '',
	regon         text NOT NULL DEFAULT '',
	address       text NOT NULL DEFAULT '',
	email         text NOT NULL DEFAULT '',
	epuap_address text NOT NULL DEFAULT '',
	ade           text NOT NULL DEFAULT '',
	created_at    timestamptz NOT NULL
);
CREATE INDEX parties_name ON parties (office_id, lower(name));

-- Spis spraw counter: one row per (unit, JRWA class, year); the creating
-- transaction increments it under the row lock, so numbers have no gaps and
-- no duplicates whatever the concurrency.
CREATE TABLE case_counters (
	office_id   uuid NOT NULL REFERENCES offices,
	unit_id     uuid NOT NULL REFERENCES units,
	jrwa_symbol text NOT NULL,
	year        int  NOT NULL,
	last_n      int  NOT NULL,
	PRIMARY KEY (office_id, unit_id, jrwa_symbol, year)
);

CREATE TABLE cases (
	id                uuid PRIMARY KEY,
	office_id         uuid NOT NULL REFERENCES offices,
	unit_id           uuid NOT NULL REFERENCES units,
	jrwa_class_id     uuid NOT NULL REFERENCES jrwa_classes,
	jrwa_symbol       text NOT NULL,
	year              int  NOT NULL,
	n                 int  NOT NULL CHECK (n > 0),
	signature         text NOT NULL,
	title             text NOT NULL CHECK (title <> ''),
	status            text NOT NULL CHECK (status IN ('open', 'suspended', 'closed')),
	owner_position_id uuid REFERENCES positions,
	sender            text NOT NULL DEFAULT '',
	sender_ref        text NOT NULL DEFAULT '',
	sender_date       date,
	started_on        date NOT NULL,
	closed_on         date,
	deadline          date,
	notes             text NOT NULL DEFAULT '',
	created_by        uuid NOT NULL REFERENCES users,
	created_at        timestamptz NOT NULL,
	updated_at        timestamptz NOT NULL,
	UNIQUE (office_id, signature),
	UNIQUE (office_id, unit_id, jrwa_symbol, year, n)
);
CREATE INDEX cases_list ON cases (office_id, created_at DESC, id DESC);
CREATE INDEX cases_spis ON cases (office_id, unit_id, jrwa_symbol, year, n);

CREATE TABLE case_parties (
	office_id uuid NOT NULL REFERENCES offices,
	case_id   uuid NOT NULL REFERENCES cases,
	party_id  uuid NOT NULL REFERENCES parties,
	role      text NOT NULL DEFAULT 'strona',
	PRIMARY KEY (case_id, party_id, role)
);
CREATE INDEX case_parties_party ON case_parties (party_id);

CREATE TABLE documents (
	id            uuid PRIMARY KEY,
	office_id     uuid NOT NULL REFERENCES offices,
	case_id       uuid REFERENCES cases,
	title         text NOT NULL CHECK (title <> ''),
	kind          text NOT NULL,
	metadata      jsonb NOT NULL,
	registered_by uuid NOT NULL REFERENCES users,
	registered_at timestamptz NOT NULL
);
CREATE INDEX documents_case ON documents (case_id);

-- Versions are immutable: content addressed by SHA-256 in the blob store.
CREATE TABLE document_versions (
	office_id   uuid NOT NULL REFERENCES offices,
	document_id uuid NOT NULL REFERENCES documents,
	n           int  NOT NULL CHECK (n > 0),
	file_name   text NOT NULL,
	media_type  text NOT NULL,
	size        bigint NOT NULL CHECK (size >= 0),
	sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	created_by  uuid NOT NULL REFERENCES users,
	created_at  timestamptz NOT NULL,
	PRIMARY KEY (document_id, n)
);
CREATE TRIGGER document_versions_immutable BEFORE UPDATE OR DELETE ON document_versions
	FOR EACH ROW EXECUTE FUNCTION obieg_refuse_change();

CREATE TABLE document_relations (
	office_id  uuid NOT NULL REFERENCES offices,
	from_id    uuid NOT NULL REFERENCES documents,
	to_id      uuid NOT NULL REFERENCES documents,
	kind       text NOT NULL CHECK (kind IN ('reply-to', 'attachment-of', 'version-of', 'proof-of-delivery-of')),
	created_by uuid NOT NULL REFERENCES users,
	created_at timestamptz NOT NULL,
	PRIMARY KEY (from_id, to_id, kind),
	CHECK (from_id <> to_id)
);

-- Metryka sprawy (KPA art. 66a; Dz.U. 2012 poz. 250): append-only, hash-chained.
CREATE TABLE metryka (
	id             uuid PRIMARY KEY,
	office_id      uuid NOT NULL REFERENCES offices,
	case_id        uuid NOT NULL REFERENCES cases,
	seq            int  NOT NULL CHECK (seq > 0),
	at             timestamptz NOT NULL,
	actor_id       uuid NOT NULL REFERENCES users,
	actor_name     text NOT NULL,
	actor_position text NOT NULL,
	action         text NOT NULL,
	document_id    uuid REFERENCES documents,
	details        jsonb NOT NULL DEFAULT '{}',
	prev_hash      bytea NOT NULL,
	hash           bytea NOT NULL,
	UNIQUE (case_id, seq)
);
CREATE TRIGGER metryka_append_only BEFORE UPDATE OR DELETE ON metryka
	FOR EACH ROW EXECUTE FUNCTION obieg_refuse_change();
CREATE TRIGGER metryka_no_truncate BEFORE TRUNCATE ON metryka
	FOR EACH STATEMENT EXECUTE FUNCTION obieg_refuse_change();

-- Row-level security: the tenant wall.
DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['units', 'positions', 'users', 'user_positions', 'substitutions',
		'api_tokens', 'jrwa_versions', 'jrwa_classes', 'parties', 'case_counters', 'cases',
		'case_parties', 'documents', 'document_versions', 'document_relations', 'metryka']
	LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY tenant ON %I USING (office_id = obieg_office()) WITH CHECK (office_id = obieg_office())', t);
		EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO obieg_app', t);
	END LOOP;
END $$;
ALTER TABLE offices ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON offices USING (id = obieg_office());
GRANT SELECT ON offices TO obieg_app;
-- The application role may only read and append the metryka and document versions.
REVOKE UPDATE, DELETE ON metryka, document_versions FROM obieg_app;
