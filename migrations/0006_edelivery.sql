-- The office's addresses for electronic delivery (adresy do doręczeń
-- elektronicznych, ustawa z 18.11.2020 o doręczeniach elektronicznych,
-- art. 2 pkt 1, art. 8). An office may hold several, each serving some of
-- its units: a letter goes from the address of the unit in charge of the
-- case (the nearest ancestor unit with an address), else from the default.
CREATE TABLE edelivery_addresses (
	id         uuid PRIMARY KEY,
	office_id  uuid NOT NULL REFERENCES offices,
	address    text NOT NULL UNIQUE CHECK (address ~ '^AE:PL-[0-9]{5}-[0-9]{5}-[A-Z]{5}-[0-9]{2}$'),
	name       text NOT NULL DEFAULT '',
	is_default boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX edelivery_addresses_default ON edelivery_addresses (office_id) WHERE is_default;

CREATE TABLE edelivery_address_units (
	office_id  uuid NOT NULL REFERENCES offices,
	unit_id    uuid PRIMARY KEY REFERENCES units, -- a unit sends from one address
	address_id uuid NOT NULL REFERENCES edelivery_addresses
);

-- The service's message id of each outgoing letter sent through
-- e-Doręczenia: evidences name the message, the dispatch waits on the
-- outgoing entry.
ALTER TABLE outgoing_items ADD COLUMN external_id text NOT NULL DEFAULT '';
CREATE INDEX outgoing_items_external ON outgoing_items (office_id, external_id) WHERE external_id <> '';

ALTER TABLE edelivery_addresses ENABLE ROW LEVEL SECURITY;
ALTER TABLE edelivery_address_units ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON edelivery_addresses USING (office_id = obieg_office()) WITH CHECK (office_id = obieg_office());
CREATE POLICY tenant ON edelivery_address_units USING (office_id = obieg_office()) WITH CHECK (office_id = obieg_office());
GRANT SELECT, INSERT, UPDATE, DELETE ON edelivery_addresses, edelivery_address_units TO obieg_app;
