-- Property tax of natural persons (ustawa z 12.01.1991 o podatkach i
-- opłatach lokalnych, "upol"; Ordynacja podatkowa, "op"). Money is integer
-- grosze; areas are fixed point (m² × 100, ha × 10 000); values of
-- structures are grosze.

-- Dictionaries with validity, kept by the office's administrator: the
-- council's rates (uchwała rady gminy, upol art. 5 ust. 1; never above the
-- Minister of Finance's maximum for the year), instalment dates (upol art. 6
-- ust. 7), the reminder cost and late interest rates (op art. 56).
CREATE TABLE tax_dictionary (
	id          uuid PRIMARY KEY,
	office_id   uuid NOT NULL REFERENCES offices,
	kind        text NOT NULL CHECK (kind IN ('rate', 'instalment', 'reminder_cost', 'interest_rate')),
	key         text NOT NULL DEFAULT '', -- rate: category code; instalment: 1..4
	value       text NOT NULL,            -- a decimal ("1.25", "2"), or a day of the year ("03-15")
	valid_from  date NOT NULL,
	valid_to    date,
	legal_basis text NOT NULL DEFAULT '', -- e.g. "Uchwała nr XII/85/2025 Rady Gminy Przykładowo"
	created_by  uuid NOT NULL REFERENCES users,
	created_at  timestamptz NOT NULL,
	CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX tax_dictionary_lookup ON tax_dictionary (office_id, kind, key, valid_from);

-- Taxpayers: parties of the registry with their individual (virtual)
-- account for payments (domain-rules §9).
CREATE TABLE tax_taxpayers (
	id         uuid PRIMARY KEY,
	office_id  uuid NOT NULL REFERENCES offices,
	party_id   uuid NOT NULL REFERENCES parties,
	number     bigint NOT NULL,   -- the payer number encoded in the account
	account    text NOT NULL,     -- NRB, 26 digits
	created_at timestamptz NOT NULL,
	UNIQUE (office_id, party_id),
	UNIQUE (office_id, number)
);

-- Objects of taxation: a piece of land, a building or a structure.
CREATE TABLE tax_objects (
	id         uuid PRIMARY KEY,
	office_id  uuid NOT NULL REFERENCES offices,
	category   text NOT NULL,
	parcel     text NOT NULL DEFAULT '', -- działka ewidencyjna: obręb and number
	address    text NOT NULL DEFAULT '',
	kw         text NOT NULL DEFAULT '', -- księga wieczysta
	created_at timestamptz NOT NULL
);

-- Declarations (IN-1 with ZIN-1/2/3), first or corrections, as filed.
CREATE TABLE tax_declarations (
	id            uuid PRIMARY KEY,
	office_id     uuid NOT NULL REFERENCES offices,
	taxpayer_id   uuid NOT NULL REFERENCES tax_taxpayers,
	year          int  NOT NULL,
	kind          text NOT NULL CHECK (kind IN ('first', 'correction')),
	corrects      uuid REFERENCES tax_declarations,
	event_date    date NOT NULL,   -- when the obligation arose, changed or ceased
	case_id       uuid NOT NULL REFERENCES cases,
	document_id   uuid NOT NULL REFERENCES documents,
	body          jsonb NOT NULL,
	registered_by uuid NOT NULL REFERENCES users,
	registered_at timestamptz NOT NULL
);
CREATE INDEX tax_declarations_taxpayer ON tax_declarations (taxpayer_id, year);

-- The history of what a taxpayer holds: each declaration closes the periods
-- it changes and opens new ones; nothing is overwritten, so the state on any
-- day can be told (upol art. 6 ust. 1–3: the obligation runs from the first
-- day of the month after the event to the end of the month it ceases).
CREATE TABLE tax_holdings (
	id             uuid PRIMARY KEY,
	office_id      uuid NOT NULL REFERENCES offices,
	object_id      uuid NOT NULL REFERENCES tax_objects,
	taxpayer_id    uuid NOT NULL REFERENCES tax_taxpayers,
	declaration_id uuid NOT NULL REFERENCES tax_declarations,
	base           bigint NOT NULL CHECK (base >= 0), -- m² × 100, ha × 10 000, or grosze
	share_num      int NOT NULL CHECK (share_num > 0),
	share_den      int NOT NULL CHECK (share_den >= share_num),
	event_from     date NOT NULL,  -- the event the obligation arose from
	new_building   boolean NOT NULL DEFAULT false,
	event_to       date,           -- the day the circumstances ceased
	superseded_by  uuid REFERENCES tax_declarations, -- a later declaration replaced this row
	recorded_at    timestamptz NOT NULL
);
CREATE INDEX tax_holdings_taxpayer ON tax_holdings (taxpayer_id) WHERE superseded_by IS NULL;

-- Decisions fixing the tax for a year (op art. 21 §1 pkt 2, art. 207). A
-- new decision replaces the previous one, which stays as it was issued.
CREATE TABLE tax_decisions (
	id           uuid PRIMARY KEY,
	office_id    uuid NOT NULL REFERENCES offices,
	taxpayer_id  uuid NOT NULL REFERENCES tax_taxpayers,
	year         int  NOT NULL,
	case_id      uuid NOT NULL REFERENCES cases,
	status       text NOT NULL CHECK (status IN ('draft', 'signed', 'delivered', 'replaced', 'rejected')),
	total        bigint NOT NULL,     -- grosze, a whole number of złoty (op art. 63 §1)
	lines        jsonb NOT NULL,
	instalments  jsonb NOT NULL DEFAULT '[]',
	replaces     uuid REFERENCES tax_decisions,
	batch_id     uuid,
	request_key  text NOT NULL DEFAULT '', -- the workflow step that drafted it: a retried step finds its draft
	document_id  uuid REFERENCES documents,
	delivered_on date,
	created_by   uuid NOT NULL REFERENCES users,
	created_at   timestamptz NOT NULL,
	updated_at   timestamptz NOT NULL
);
-- One decision in force per taxpayer and year: a batch that resumes after a
-- crash cannot issue a second one.
CREATE UNIQUE INDEX tax_decisions_current ON tax_decisions (office_id, taxpayer_id, year)
	WHERE status NOT IN ('replaced', 'rejected');

CREATE UNIQUE INDEX tax_decisions_request ON tax_decisions (office_id, request_key) WHERE request_key <> '';

-- Annual batches of decisions.
CREATE TABLE tax_batches (
	id          uuid PRIMARY KEY,
	office_id   uuid NOT NULL REFERENCES offices,
	year        int NOT NULL,
	status      text NOT NULL CHECK (status IN ('running', 'done')),
	issued      int NOT NULL DEFAULT 0,
	created_by  uuid NOT NULL REFERENCES users,
	created_at  timestamptz NOT NULL,
	finished_at timestamptz
);

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['tax_dictionary', 'tax_taxpayers', 'tax_objects', 'tax_declarations',
		'tax_holdings', 'tax_decisions', 'tax_batches']
	LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY tenant ON %I USING (office_id = obieg_office()) WITH CHECK (office_id = obieg_office())', t);
		EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I TO obieg_app', t);
	END LOOP;
END $$;
-- Declarations are kept as filed.
CREATE TRIGGER tax_declarations_immutable BEFORE UPDATE OR DELETE ON tax_declarations
	FOR EACH ROW EXECUTE FUNCTION obieg_refuse_change();
