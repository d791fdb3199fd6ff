-- Look-ups that grow with the office: a party by PESEL or NIP (a taxpayer
-- filing a second declaration, a sender found again), a taxpayer's
-- decisions of a year.
CREATE INDEX IF NOT EXISTS parties_pesel ON parties (office_id, pesel) WHERE pesel <> '';
CREATE INDEX IF NOT EXISTS parties_nip ON parties (office_id, nip) WHERE nip <> '';
CREATE INDEX IF NOT EXISTS tax_decisions_taxpayer ON tax_decisions (taxpayer_id, year);
