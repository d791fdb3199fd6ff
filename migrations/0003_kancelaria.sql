-- Kancelaria: the incoming and outgoing registers, dekretacja, and party
-- details needed for dispatch. Instrukcja kancelaryjna (Dz.U. 2011 nr 14
-- poz. 67) and reference/domain-rules.md §1–2.

-- The office's own postal address: the return address on envelopes and ZPO forms.
ALTER TABLE offices ADD COLUMN address text NOT NULL DEFAULT '';

ALTER TABLE parties
	ADD COLUMN preferred_channel text NOT NULL DEFAULT ''
		CHECK (preferred_channel IN ('', 'edoreczenia', 'epuap', 'post', 'in_person', 'email')),
	ADD COLUMN postal_code text NOT NULL DEFAULT '',
	ADD COLUMN city text NOT NULL DEFAULT '',
	ADD COLUMN street text NOT NULL DEFAULT '',
	-- A duplicate merged into another party keeps its row (history), pointing at the survivor.
	ADD COLUMN merged_into uuid REFERENCES parties,
	ADD COLUMN merged_at timestamptz;

-- RPW numbers: one sequence per office and year, taken in the registering
-- transaction (no gaps, no duplicates).
CREATE TABLE rpw_counters (
	office_id uuid NOT NULL REFERENCES offices,
	year      int  NOT NULL,
	last_n    int  NOT NULL,
	PRIMARY KEY (office_id, year)
);

CREATE TABLE incoming_items (
	id               uuid PRIMARY KEY,
	office_id        uuid NOT NULL REFERENCES offices,
	year             int  NOT NULL,
	n                int  NOT NULL CHECK (n > 0),
	received_at      timestamptz NOT NULL,
	received_on      date NOT NULL,
	channel          text NOT NULL CHECK (channel IN ('paper', 'epuap', 'edoreczenia', 'email', 'in_person', 'fax')),
	kind             text NOT NULL DEFAULT 'letter' CHECK (kind IN ('letter', 'parcel', 'invoice', 'application', 'complaint', 'court', 'other')),
	sender_party_id  uuid REFERENCES parties,
	sender_name      text NOT NULL CHECK (sender_name <> ''),
	sender_ref       text NOT NULL DEFAULT '',
	sender_date      date,
	subject          text NOT NULL CHECK (subject <> ''),
	attachments      int  NOT NULL DEFAULT 0 CHECK (attachments >= 0),
	document_id      uuid REFERENCES documents,
	content_digest   text NOT NULL DEFAULT '',
	external_id      text NOT NULL DEFAULT '',   -- ePUAP / e-Doręczenia / Message-ID: handed over once
	case_id          uuid REFERENCES cases,
	unit_id          uuid REFERENCES units,
	position_id      uuid REFERENCES positions,
	status           text NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'assigned', 'accepted', 'returned', 'in_case')),
	notes            text NOT NULL DEFAULT '',
	registered_by    uuid NOT NULL REFERENCES users,
	UNIQUE (office_id, year, n)
);
CREATE UNIQUE INDEX incoming_external ON incoming_items (office_id, channel, external_id) WHERE external_id <> '';
CREATE INDEX incoming_register ON incoming_items (office_id, received_on, n);
CREATE INDEX incoming_duplicates ON incoming_items (office_id, lower(sender_name), sender_ref, content_digest);

-- Dekretacja: an item assigned to a unit and/or position, with an
-- instruction and deadline; accepted, returned, or superseded by another.
CREATE TABLE assignments (
	id            uuid PRIMARY KEY,
	office_id     uuid NOT NULL REFERENCES offices,
	item_id       uuid NOT NULL REFERENCES incoming_items,
	unit_id       uuid REFERENCES units,
	position_id   uuid REFERENCES positions,
	instruction   text NOT NULL DEFAULT '',
	deadline      date,
	state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'returned', 'superseded')),
	assigned_by   uuid NOT NULL REFERENCES users,
	assigned_at   timestamptz NOT NULL,
	decided_by    uuid REFERENCES users,
	decided_at    timestamptz,
	reason        text NOT NULL DEFAULT '',
	CHECK (unit_id IS NOT NULL OR position_id IS NOT NULL)
);
CREATE INDEX assignments_item ON assignments (item_id, assigned_at);

CREATE TABLE outgoing_counters (
	office_id uuid NOT NULL REFERENCES offices,
	year      int  NOT NULL,
	last_n    int  NOT NULL,
	PRIMARY KEY (office_id, year)
);

CREATE TABLE outgoing_items (
	id                 uuid PRIMARY KEY,
	office_id          uuid NOT NULL REFERENCES offices,
	year               int  NOT NULL,
	n                  int  NOT NULL CHECK (n > 0),
	case_id            uuid REFERENCES cases,
	document_id        uuid REFERENCES documents,
	recipient_party_id uuid REFERENCES parties,
	recipient_name     text NOT NULL CHECK (recipient_name <> ''),
	address            text NOT NULL DEFAULT '',
	electronic_address text NOT NULL DEFAULT '',
	channel            text NOT NULL CHECK (channel IN ('post_ordinary', 'post_registered', 'post_zpo', 'post_priority',
		'courier', 'epuap', 'edoreczenia', 'in_person')),
	postage            int  NOT NULL DEFAULT 0 CHECK (postage >= 0), -- grosze
	tracking_number    text NOT NULL DEFAULT '',
	registered_on      date NOT NULL,
	sent_on            date,
	status             text NOT NULL DEFAULT 'prepared' CHECK (status IN ('prepared', 'sent', 'delivered', 'returned')),
	first_notice_on    date,      -- awizo
	delivered_on       date,      -- the legal delivery date
	delivery_basis     text NOT NULL DEFAULT '' CHECK (delivery_basis IN ('', 'zpo', 'storage', 'opened', 'deemed', 'in_person')),
	proof_document_id  uuid REFERENCES documents,
	appeal_deadline    date,
	request_key        text NOT NULL DEFAULT '',  -- idempotency key of the workflow step that registered it
	created_by         uuid NOT NULL REFERENCES users,
	created_at         timestamptz NOT NULL,
	UNIQUE (office_id, year, n)
);
CREATE UNIQUE INDEX outgoing_request ON outgoing_items (office_id, request_key) WHERE request_key <> '';
CREATE UNIQUE INDEX outgoing_tracking ON outgoing_items (office_id, tracking_number) WHERE tracking_number <> '';
CREATE INDEX outgoing_register ON outgoing_items (office_id, registered_on, n);
CREATE INDEX outgoing_sent ON outgoing_items (office_id, sent_on, channel);

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['rpw_counters', 'incoming_items', 'assignments', 'outgoing_counters', 'outgoing_items']
	LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY tenant ON %I USING (office_id = obieg_office()) WITH CHECK (office_id = obieg_office())', t);
		EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO obieg_app', t);
	END LOOP;
END $$;
