-- Postage by class: the office's price list from its postal operator, as
-- data with validity dates (tariffs change by the operator's announcement),
-- never as constants in code.
CREATE TABLE postage_rates (
	id           uuid PRIMARY KEY,
	office_id    uuid NOT NULL REFERENCES offices,
	channel      text NOT NULL CHECK (channel IN ('post_ordinary', 'post_registered', 'post_zpo', 'post_priority', 'courier')),
	max_weight_g int  NOT NULL CHECK (max_weight_g > 0),
	price        int  NOT NULL CHECK (price >= 0), -- grosze
	valid_from   date NOT NULL,
	valid_to     date CHECK (valid_to IS NULL OR valid_to >= valid_from),
	created_at   timestamptz NOT NULL,
	UNIQUE (office_id, channel, max_weight_g, valid_from)
);
ALTER TABLE postage_rates ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON postage_rates USING (office_id = obieg_office()) WITH CHECK (office_id = obieg_office());
GRANT SELECT, INSERT, UPDATE, DELETE ON postage_rates TO obieg_app;
